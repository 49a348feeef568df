"""The shipped gazetteer files are exactly what the build script produces from Faker."""

from __future__ import annotations

from aiattest.guard.pii import build_gazetteer


def _lines(name: str) -> list[str]:
    return (build_gazetteer.DATA / name).read_text(encoding="utf-8").split()


def test_shipped_names_match_the_build_script() -> None:
    first, last = build_gazetteer.collect()
    assert _lines("first_names.txt") == sorted(first)
    assert _lines("last_names.txt") == sorted(last)
    assert _lines("street_suffixes.txt") == sorted(build_gazetteer.street_suffixes())


def test_held_out_locales_are_not_in_the_gazetteer() -> None:
    assert "sv_SE" not in build_gazetteer.LOCALES
    assert "cs_CZ" not in build_gazetteer.LOCALES
