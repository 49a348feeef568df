"""Sample sizes by frequency and reproducible draws."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiattest.assess import Risk, sample, sample_size
from aiattest.catalog import Automation, Frequency
from aiattest.errors import InputError


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        (Frequency.ANNUAL, 1),
        (Frequency.QUARTERLY, 2),
        (Frequency.MONTHLY, 2),
        (Frequency.WEEKLY, 5),
        (Frequency.DAILY, 25),
        (Frequency.PER_EVENT, 40),
        (Frequency.CONTINUOUS, 40),
    ],
)
def test_manual_sizes_by_frequency(frequency: Frequency, expected: int) -> None:
    assert sample_size(frequency, Automation.MANUAL, 10_000) == expected


def test_risk_and_automation_and_small_populations() -> None:
    assert sample_size(Frequency.PER_EVENT, Automation.HYBRID, 10_000, Risk.HIGH) == 60
    assert sample_size(Frequency.PER_EVENT, Automation.HYBRID, 10_000, Risk.LOW) == 25
    assert sample_size(Frequency.DAILY, Automation.AUTOMATED, 365) == 1
    assert sample_size(Frequency.DAILY, Automation.MANUAL, 7) == 7
    with pytest.raises(InputError):
        sample_size(Frequency.DAILY, Automation.MANUAL, -1)


def test_sample_is_reproducible_and_seed_dependent() -> None:
    population = [f"deploy-{i}" for i in range(500)]
    first = sample(population, 25, "audit-2026", key="change-management")
    assert first == sample(population, 25, "audit-2026", key="change-management")
    assert len(first) == len(set(first)) == 25
    assert first != sample(population, 25, "audit-2027", key="change-management")
    assert first != sample(population, 25, "audit-2026", key="key-rotation")
    # In population order, so an auditor reads it as a list, not a shuffle.
    assert first == sorted(first, key=population.index)


@given(st.lists(st.integers(), max_size=200, unique=True), st.integers(0, 250), st.text())
def test_sample_is_a_subset_of_the_right_size(population: list[int], size: int, seed: str) -> None:
    drawn = sample(population, size, seed)
    assert len(drawn) == min(size, len(population))
    assert set(drawn) <= set(population)
