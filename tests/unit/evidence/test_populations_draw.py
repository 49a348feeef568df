"""Samples drawn from populations: sizes by frequency and automation, reproducible by seed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from aiattest.assess import Risk
from aiattest.catalog import Automation, Control, Frequency, load_catalog
from aiattest.evidence.populations import ITGC_NOTE, Member, draw

CATALOG = load_catalog()
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def members(n: int) -> list[Member]:
    return [Member(f"r{i}", "deployment", T0 + timedelta(hours=i), "pass", "c") for i in range(n)]


def control(frequency: Frequency, automation: Automation) -> Control:
    return next(
        c for c in CATALOG.controls if c.frequency is frequency and c.automation is automation
    )


@pytest.mark.parametrize(
    ("frequency", "automation", "risk", "size"),
    [
        (Frequency.ANNUAL, Automation.MANUAL, Risk.MEDIUM, 1),
        (Frequency.QUARTERLY, Automation.MANUAL, Risk.MEDIUM, 2),
        (Frequency.MONTHLY, Automation.HYBRID, Risk.MEDIUM, 2),
        (Frequency.WEEKLY, Automation.MANUAL, Risk.MEDIUM, 5),
        (Frequency.DAILY, Automation.MANUAL, Risk.MEDIUM, 25),
        (Frequency.PER_EVENT, Automation.HYBRID, Risk.LOW, 25),
        (Frequency.PER_EVENT, Automation.HYBRID, Risk.MEDIUM, 40),
        (Frequency.PER_EVENT, Automation.HYBRID, Risk.HIGH, 60),
        (Frequency.CONTINUOUS, Automation.AUTOMATED, Risk.HIGH, 1),
    ],
)
def test_sizes_per_frequency(
    frequency: Frequency, automation: Automation, risk: Risk, size: int
) -> None:
    drawn = draw(control(frequency, automation), members(500), "seed", risk)
    assert len(drawn.sample) == size
    assert len(drawn.population) == 500
    assert drawn.summary()["sample_size"] == size
    assert (drawn.note == ITGC_NOTE) is (automation is Automation.AUTOMATED)


def test_same_seed_same_sample_other_seed_other_sample() -> None:
    daily = control(Frequency.DAILY, Automation.MANUAL)
    population = members(365)
    first = draw(daily, population, "2026-audit", Risk.MEDIUM).sample
    assert draw(daily, population, "2026-audit", Risk.MEDIUM).sample == first
    assert draw(daily, population, "another", Risk.MEDIUM).sample != first
    assert set(first) <= set(population)
    assert list(first) == sorted(first, key=population.index)  # population order


def test_small_and_empty_populations() -> None:
    daily = control(Frequency.DAILY, Automation.MANUAL)
    assert draw(daily, members(3), "s", Risk.MEDIUM).sample == tuple(members(3))
    empty = draw(daily, [], "s", Risk.MEDIUM)
    assert (empty.sample, empty.note) == ((), "no occurrences in the window")
