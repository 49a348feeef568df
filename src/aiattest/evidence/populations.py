"""Auditor populations and samples: every occurrence of a control in a window, and a
reproducible sample of it.

A control with event checks (``Check.events``: deployments, key rotations, access reviews,
incidents, changes, approvals) has the events as its population: each event check runs
once over the whole window, as of the window's end, and its items are the members. When
several checks see the same occurrence (a deployment, and the change behind it that
another check tests for approval) it is one member that fails if any check failed it:
items of the same kind and ref are one, and an item of another kind than the first item
found (in the catalog's order of checks) joins the one member of that kind dated at the
same instant. A control without event
checks has its check runs as the population: the latest stored run of each check for each
period in the window. Uploaded artefacts covering the window join the population of
controls operated by people (manual and hybrid).

Samples are drawn with :func:`aiattest.assess.sample` (seeded, keyed by control id) in the
size :func:`aiattest.assess.sample_size` gives for the control's frequency and automation.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from aiattest.assess import Outcome, Period, Risk, Window, sample, sample_size
from aiattest.catalog import Automation, Catalog, Control
from aiattest.config import Settings
from aiattest.errors import InputError
from aiattest.evidence.interface import Check, CheckContext, EvidenceError, day_end, day_start
from aiattest.evidence.registry import get_check
from aiattest.ledger import Ledger
from aiattest.store import Database
from aiattest.store.models.evidence import CheckResultRow, EvidenceFile

ITGC_CONTROLS = (
    "model-change-management",
    "software-change-management",
    "rbac-separate-roles",
    "access-reviews",
)
"""The IT general controls automated controls rely on (change management, logical access)."""
ITGC_NOTE = (
    "automated control: one occurrence tested; relies on IT general controls tested "
    "separately: change management (model-change-management, software-change-management) "
    "and logical access (rbac-separate-roles, access-reviews)"
)
FIELDS = ("ref", "kind", "at", "outcome", "source", "note")
"""Columns of a population or sample CSV."""
SUMMARY_FIELDS = ("control", "frequency", "automation", "population", "sample_size", "note")
"""Columns of ``samples.csv``."""


@dataclass(frozen=True, slots=True)
class Member:
    """One occurrence of a control in the window."""

    ref: str
    """Stable id: the event's ref, ``check@period`` for a run, ``sha256`` for an upload."""
    kind: str
    """What it is: ``deployment``, ``check-run``, ``upload``, ..."""
    at: datetime
    """When it happened (a run: its as-of time)."""
    outcome: str
    """``pass``, ``fail`` or ``exception``."""
    source: str
    """The checks that saw it, or ``upload``."""
    note: str = ""
    """What the check noted (ids and counts only)."""

    def row(self) -> dict[str, str]:
        """The member as a CSV row."""
        return {
            "ref": self.ref,
            "kind": self.kind,
            "at": self.at.isoformat(),
            "outcome": self.outcome,
            "source": self.source,
            "note": self.note,
        }


@dataclass(frozen=True, slots=True)
class ControlSample:
    """A control's population in a window and the sample drawn from it."""

    control: Control
    """The control."""
    population: tuple[Member, ...]
    """Every occurrence, in time order."""
    sample: tuple[Member, ...]
    """The members to test, in population order."""
    note: str
    """Why the sample is the size it is, for the auditor."""

    def summary(self) -> dict[str, Any]:
        """The control's row in ``samples.csv``."""
        return {
            "control": self.control.id,
            "frequency": self.control.frequency.value,
            "automation": self.control.automation.value,
            "population": len(self.population),
            "sample_size": len(self.sample),
            "note": self.note,
        }


class PopulationBuilder:
    """Builds populations of one organisation's controls over one window."""

    def __init__(  # noqa: PLR0917 (the stores, the organisation and the window)
        self,
        db: Database,
        ledger: Ledger,
        settings: Settings,
        catalog: Catalog,
        organisation_id: uuid.UUID,
        window: Window,
        *,
        now: datetime | None = None,
    ) -> None:
        self.db = db
        self.catalog = catalog
        self.organisation_id = organisation_id
        self.window = window
        as_of = min(day_end(window.end), now or datetime.now(UTC))
        # One context (and memo) for every control: one pass over the audit events serves all.
        self.context = CheckContext(db, ledger, settings, organisation_id, as_of, window)

    def population(self, control_id: str) -> tuple[Member, ...]:
        """Every occurrence of the control in the window, in time order."""
        control = self.catalog.control(control_id)
        checks = [get_check(c) for c in control.checks]
        events = [c for c in checks if c.events]
        members = self._events(events) if events else self._runs(control, [c.id for c in checks])
        if control.automation is not Automation.AUTOMATED:
            members += self._uploads(control)
        return tuple(sorted(members, key=lambda m: (m.at, m.kind, m.ref)))

    def _events(self, checks: Sequence[Check]) -> list[Member]:
        period = Period(self.window.start, self.window.end)
        merged: dict[tuple[str, str], Member] = {}
        at_instant: dict[datetime, list[tuple[str, str]]] = {}  # primary members by time
        primary = ""  # the kind of the first item: the control's main occurrences
        for check in checks:
            result = check.run(self.context, period)
            if result.status is Outcome.EXCEPTION:
                # An undecidable run would make an incomplete population look complete.
                raise EvidenceError(f"check {check.id} could not list its population: "
                                    f"{result.summary}")  # fmt: skip
            for item in result.items:
                member = Member(
                    item.ref, item.kind, item.at or self.context.at,
                    str(Outcome.PASS if item.ok else Outcome.FAIL), check.id, item.note,
                )  # fmt: skip
                primary = primary or member.kind
                key = (member.kind, member.ref)
                if key not in merged and member.kind != primary:
                    # Another angle on an occurrence (a change beside its deployment): it
                    # joins the one primary member dated at the same instant, if exactly one.
                    same = at_instant.get(member.at, [])
                    key = same[0] if len(same) == 1 else key
                if key in merged:
                    merged[key] = _merge(merged[key], member)
                else:
                    merged[key] = member
                    if member.kind == primary:
                        at_instant.setdefault(member.at, []).append(key)
        return list(merged.values())

    def _runs(self, control: Control, checks: Sequence[str]) -> list[Member]:
        r = CheckResultRow
        query = (
            select(r)
            .where(
                r.organisation_id == self.organisation_id,
                r.control_id == control.id,
                r.check_id.in_(checks),
                r.period_start <= self.window.end,
                r.period_end >= self.window.start,
            )
            .order_by(r.as_of)
        )
        latest: dict[tuple[str, Period], CheckResultRow] = {}
        with self.db.session() as session:
            for row in session.scalars(query):
                latest[(row.check_id, Period(row.period_start, row.period_end))] = row
        return [
            Member(
                ref=f"{check}@{period.label}",
                kind="check-run",
                at=_utc(row.as_of),
                outcome=row.status,
                source=check,
                note=f"{row.population} examined, {row.failed} failed; ledger #{row.ledger_index}",
            )
            for (check, period), row in latest.items()
        ]

    def _uploads(self, control: Control) -> list[Member]:
        f = EvidenceFile
        query = select(f).where(
            f.organisation_id == self.organisation_id,
            f.control_id == control.id,
            f.covers_from <= self.window.end,
            f.expires_on >= self.window.start,
        )
        with self.db.session() as session:
            rows = list(session.scalars(query))
        return [
            Member(
                ref=row.sha256,
                kind="upload",
                at=max(_utc(row.uploaded_at), day_start(row.covers_from)),
                outcome=str(Outcome.PASS),
                source="upload",
                note=f"covers {row.covers_from}..{row.expires_on}; ledger #{row.ledger_index}",
            )
            for row in rows
        ]


def _merge(seen: Member, other: Member) -> Member:
    """One occurrence seen by several checks: it fails if any check failed it."""
    failed = str(Outcome.FAIL) in (seen.outcome, other.outcome)
    outcome = str(Outcome.FAIL) if failed else seen.outcome
    notes = "; ".join(n for n in (seen.note, other.note) if n)
    sources = (
        seen.source if other.source in seen.source.split("+") else (f"{seen.source}+{other.source}")
    )
    return Member(seen.ref, seen.kind, min(seen.at, other.at), outcome, sources, notes)


def draw(control: Control, population: Sequence[Member], seed: str, risk: Risk) -> ControlSample:
    """The sample of ``control`` from ``population`` for ``seed`` (pure)."""
    size = sample_size(control.frequency, control.automation, len(population), risk)
    chosen = sample(population, size, seed, key=control.id)
    if not population:
        note = "no occurrences in the window"
    elif control.automation is Automation.AUTOMATED:
        note = ITGC_NOTE
    elif size == len(population):
        note = "population no larger than the sample size: every occurrence is tested"
    else:
        note = f"{size} of {len(population)} drawn with the seed"
    return ControlSample(control, tuple(population), tuple(chosen), note)


def audit_sample(  # noqa: PLR0917 (the stores, the organisation and the request)
    db: Database,
    ledger: Ledger,
    settings: Settings,
    catalog: Catalog,
    organisation_id: uuid.UUID,
    window: Window,
    seed: str,
    *,
    controls: Sequence[str] = (),
    now: datetime | None = None,
) -> list[ControlSample]:
    """Populations and samples of every control (or those named) over ``window``."""
    if not seed:
        raise InputError("give a seed: the sample must be reproducible")
    wanted = [catalog.control(c) for c in controls] if controls else list(catalog.controls)
    builder = PopulationBuilder(db, ledger, settings, catalog, organisation_id, window, now=now)
    risk = Risk(settings.evidence.sample_risk)
    return [
        draw(c, builder.population(c.id), seed, risk) for c in sorted(wanted, key=lambda c: c.id)
    ]


def write_samples(out_dir: Path, samples: Sequence[ControlSample]) -> list[Path]:
    """Write ``populations/<control>.csv``, ``samples/<control>.csv`` and ``samples.csv``."""
    written = []
    for sub in ("populations", "samples"):
        (out_dir / sub).mkdir(parents=True, exist_ok=True)
    for s in samples:
        for sub, members in (("populations", s.population), ("samples", s.sample)):
            path = out_dir / sub / f"{s.control.id}.csv"
            _write_csv(path, FIELDS, [m.row() for m in members])
            written.append(path)
    summary = out_dir / "samples.csv"
    _write_csv(summary, SUMMARY_FIELDS, [s.summary() for s in samples])
    written.append(summary)
    return written


def _write_csv(path: Path, fields: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(fields), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
