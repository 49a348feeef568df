"""Every check the catalog names is registered, and every registered check is named."""

from __future__ import annotations

import pytest

from aiattest.catalog import load_catalog
from aiattest.errors import NotFoundError
from aiattest.evidence.registry import REGISTRY, check_ids, get_check


def _named() -> set[str]:
    return {check for c in load_catalog().controls for check in c.checks}


def test_every_named_check_is_registered() -> None:
    missing = sorted(_named() - set(REGISTRY))
    assert missing == [], f"named in the catalog but not registered: {missing}"


def test_every_registered_check_is_named_by_a_control() -> None:
    orphans = sorted(set(REGISTRY) - _named())
    assert orphans == [], f"registered but named by no control: {orphans}"


def test_checks_describe_themselves() -> None:
    for check_id in check_ids():
        check = get_check(check_id)
        assert check.id == check_id
        assert check.title
        assert check.population


def test_unknown_check_is_a_clear_error() -> None:
    with pytest.raises(NotFoundError, match="no check 'nope'"):
        get_check("nope")
