"""Check that eval runs pass for the models in production.

Which model versions were in production at ``context.at`` is read from the change
workflow's dated steps (the inventory's ``status`` only says where a model is now); a
model set to production in the inventory without any change is taken as it stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from aiattest.assess import Period
from aiattest.evidence.interface import Check, CheckContext, CheckResult, Item
from aiattest.store.models.governance import Change, ChangeEvent, EvalRun, ModelVersion

EVAL_MAX_AGE_DAYS = 90
"""A production model's latest passing eval run may be at most this old."""


@dataclass(frozen=True)
class InProduction:
    """A model version in production at the run's time."""

    subject: str
    """``name@version``."""
    deployed_at: datetime | None
    """When its change promoted it, or None when only the inventory says so."""


@dataclass(frozen=True)
class _History:
    """What the model checks need from the registers, read once per collect run."""

    steps: tuple[tuple[str, datetime, int, str, str], ...]
    """(subject, at, seq, action, to_state) of every step of every model change."""
    inventory: tuple[tuple[str, datetime], ...]
    """(``name@version``, created_at) of models the inventory says are in production."""
    runs: dict[str, list[tuple[datetime, bool]]]
    """Eval runs (run_at, passed) by target."""


def _history(context: CheckContext) -> _History:
    # A back-fill runs this check once per day; reading the registers once per collect
    # run (plain tuples, not ORM objects) and filtering by ``at`` in Python keeps a year
    # of runs cheap. The memo key names the organisation: contexts share one memo.
    org = context.organisation_id

    def load() -> _History:
        with context.db.session() as session:
            steps = session.execute(
                select(Change.subject, ChangeEvent.at, ChangeEvent.seq, ChangeEvent.action,
                       ChangeEvent.to_state)
                .join(ChangeEvent, ChangeEvent.change_id == Change.id)
                .where(Change.organisation_id == org, Change.subject_kind == "model")
            ).all()  # fmt: skip
            inventory = session.execute(
                select(ModelVersion.name, ModelVersion.version, ModelVersion.created_at).where(
                    ModelVersion.organisation_id == org, ModelVersion.status == "production"
                )
            ).all()
            rows = session.execute(
                select(EvalRun.target, EvalRun.run_at, EvalRun.passed).where(
                    EvalRun.organisation_id == org
                )
            ).all()
        runs: dict[str, list[tuple[datetime, bool]]] = {}
        for target, run_at, passed in rows:
            runs.setdefault(target, []).append((run_at, passed))
        return _History(
            tuple((s, a, q, act, st) for s, a, q, act, st in steps),
            tuple((f"{n}@{v}", created) for n, v, created in inventory),
            runs,
        )

    return context.memo(f"evals:history:{org}", load)


def production_models(context: CheckContext) -> list[InProduction]:
    """Model versions in production as of ``context.at``, by subject."""
    at = context.at
    history = _history(context)
    # The latest step (by time) taken by then, over all changes of a subject, says where it
    # stood: promoted and not rolled back or retired since means in production.
    latest: dict[str, tuple[datetime, int, str, datetime | None]] = {}
    promoted: dict[str, datetime] = {}
    for subject, when, seq, action, to_state in sorted(history.steps, key=lambda s: (s[1], s[2])):
        if when > at:
            continue
        if action == "promote":
            promoted[subject] = when
        latest[subject] = (when, seq, to_state, promoted.get(subject))
    found = [
        InProduction(subject, when_promoted)
        for subject, (_, _, state, when_promoted) in latest.items()
        if state == "production"
    ]
    governed = {s[0] for s in history.steps}
    for subject, created in history.inventory:
        if subject not in governed and created <= at:
            found.append(InProduction(subject, None))
    return sorted(found, key=lambda m: m.subject)


def _runs(context: CheckContext, targets: list[str]) -> dict[str, list[tuple[datetime, bool]]]:
    runs = _history(context).runs
    return {
        t: [(when, ok) for when, ok in runs[t] if when <= context.at] for t in targets if t in runs
    }


class EvalsPassing(Check):
    """Reads the change workflow's dated steps (to find the model versions in production
    as of ``at``), the model inventory, and the eval-run register. For each model version
    in production, PASS when its latest eval run by ``at`` passed its thresholds and ran
    within the last 90 days before ``at`` (the gating run before its deployment counts);
    FAIL when it has no run, its latest run failed (a regression), or its latest passing
    run is older than 90 days. No model in production is a PASS."""

    id = "evals-passing"
    title = "Models in production have recent passing evaluations"
    population = "model-version"
    events = False

    def run(self, context: CheckContext, period: Period) -> CheckResult:
        """One item per model version in production as of ``context.at``."""
        models = production_models(context)
        runs = _runs(context, [m.subject for m in models])
        oldest = context.at - timedelta(days=EVAL_MAX_AGE_DAYS)
        items = []
        for model in models:
            history = sorted(runs.get(model.subject, []))
            if not history:
                ok, note = False, "no eval run recorded"
            else:
                run_at, passed = history[-1]
                age = (context.at - run_at).days
                if not passed:
                    ok, note = False, f"latest eval run ({age} days old) failed its thresholds"
                elif run_at < oldest:
                    ok = False
                    note = f"latest passing eval run is {age} days old (max {EVAL_MAX_AGE_DAYS})"
                else:
                    ok, note = True, f"latest eval run passed, {age} days old"
            if model.deployed_at is None:
                note += "; in production per the inventory, no promotion recorded"
            items.append(Item(model.subject, "model-version", ok, None, note))
        return self.result(period, items, ok=None if items else "no model versions in production")


CHECKS: tuple[type[Check], ...] = (EvalsPassing,)
