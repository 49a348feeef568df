"""Integrity of a whole catalog: unique ids, user overrides, references, coverage.

Each step collects every problem it finds; the loader raises after a step that found
any, so that one mistake does not cascade into a page of follow-on errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aiattest.catalog.models import AIRisk, Control, Criterion
from aiattest.catalog.records import Entry, Problem

CROSSWALK_NAMES = {
    "owasp_llm": "OWASP LLM Top 10 2025",
    "nist_ai_rmf": "NIST AI RMF 1.0 subcategory",
    "iso42001": "ISO/IEC 42001:2023 Annex A control",
}
"""Crosswalks whose ids are checked against the known ids in ``data/frameworks.yaml``."""


@dataclass(frozen=True, slots=True)
class Merged:
    """The catalog after user overrides: entries by kind, and what each override replaced."""

    criteria: list[Entry]
    """Criterion entries (shipped only)."""
    risks: list[Entry]
    """AI risk entries, user overrides in place of the shipped ones."""
    controls: list[Entry]
    """Control entries, user overrides in place of the shipped ones, new ones at the end."""
    replaced: dict[str, Entry]
    """For each overridden id, the shipped entry it replaced."""


def duplicate_ids(entries: Sequence[Entry]) -> list[Problem]:
    """Ids defined twice within one layer (the package, or the user's catalog_dir).

    Ids are unique across kinds too, so ``catalog show ID`` is never ambiguous.
    """
    seen: dict[str, Entry] = {}
    problems = []
    for entry in entries:
        first = seen.setdefault(entry.record.id, entry)
        if first is not entry:
            problems.append(
                Problem(
                    entry.where,
                    f"{entry.noun} {entry.record.id!r}: id already used by the "
                    f"{first.noun} at {first.where}",
                )
            )
    return problems


def merge(shipped: Sequence[Entry], user: Sequence[Entry]) -> tuple[Merged, list[Problem]]:
    """Apply the user's entries: same id and kind replaces, a new id extends."""
    by_id = {e.record.id: e for e in shipped}
    order = [e.record.id for e in shipped]
    replaced: dict[str, Entry] = {}
    problems = []
    for entry in user:
        old = by_id.get(entry.record.id)
        if old is None:
            order.append(entry.record.id)
        elif type(old.record) is not type(entry.record):
            problems.append(
                Problem(
                    entry.where,
                    f"{entry.noun} {entry.record.id!r}: id already used by the shipped "
                    f"{old.noun} at {old.where}",
                )
            )
            continue
        else:
            replaced[entry.record.id] = old
        by_id[entry.record.id] = entry
    final = [by_id[i] for i in order]
    return (
        Merged(
            criteria=[e for e in final if isinstance(e.record, Criterion)],
            risks=[e for e in final if isinstance(e.record, AIRisk)],
            controls=[e for e in final if isinstance(e.record, Control)],
            replaced=replaced,
        ),
        problems,
    )


def unresolved_references(merged: Merged, known_ids: Mapping[str, frozenset[str]]) -> list[Problem]:
    """Criteria, risks and crosswalk ids named by controls that do not exist."""
    criteria = {e.record.id for e in merged.criteria}
    risks = {e.record.id for e in merged.risks}
    problems = []
    for entry in merged.controls:
        control = entry.record
        assert isinstance(control, Control)
        for field, values, known, what in (
            ("criteria", control.criteria, criteria, "criterion"),
            ("risks", control.risks, risks, "AI risk"),
        ):
            seen: set[str] = set()
            for index, value in enumerate(values):
                if value not in known:
                    message = f"{what} {value!r} does not exist"
                elif value in seen:
                    message = f"{what} {value!r} is listed twice"
                else:
                    seen.add(value)
                    continue
                where = entry.line_of(field, index)
                problems.append(Problem(where, f"control {control.id!r}: {message}"))
        problems.extend(_unknown_crosswalks(entry, control, known_ids))
    return problems


def _unknown_crosswalks(
    entry: Entry, control: Control, known_ids: Mapping[str, frozenset[str]]
) -> list[Problem]:
    problems = []
    raw = entry.raw.get("crosswalks")
    for framework, name in CROSSWALK_NAMES.items():
        for index, value in enumerate(getattr(control.crosswalks, framework)):
            if value in known_ids[framework]:
                continue
            where = entry.where
            if raw is not None:
                where = type(where)(where.path, raw.line_of(framework))
                items = raw.get(framework)
                if items is not None:
                    where = type(where)(where.path, items.line_of(index))
            problems.append(
                Problem(where, f"control {control.id!r}: {value!r} is not a known {name} id")
            )
    return problems


def uncovered(merged: Merged) -> list[Problem]:
    """Criteria no control covers and AI risks no control mitigates.

    When a user override dropped the last mapping, the problem points at the override.
    """
    problems = []
    for targets, field in ((merged.criteria, "criteria"), (merged.risks, "risks")):
        covered = {ref for c in merged.controls for ref in getattr(c.record, field)}
        for target in targets:
            target_id = target.record.id
            if target_id in covered:
                continue
            culprit = _override_that_dropped(merged, field, target_id)
            if culprit is None:
                problems.append(
                    Problem(target.where, f"{target.noun} {target_id!r} is covered by no control")
                )
            else:
                problems.append(
                    Problem(
                        culprit.where,
                        f"{target.noun} {target_id!r} is covered by no control: the override "
                        f"of control {culprit.record.id!r} dropped it",
                    )
                )
    return problems


def _override_that_dropped(merged: Merged, field: str, target_id: str) -> Entry | None:
    for entry in merged.controls:
        old = merged.replaced.get(entry.record.id)
        if old is not None and target_id in getattr(old.record, field):
            return entry
    return None
