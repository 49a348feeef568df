"""The shipped checks, one module per data source they read."""
