"""Generated, labelled corpora for the guard benchmarks (written by us, built with Faker)."""
