"""Unit tests of the auditor package."""
