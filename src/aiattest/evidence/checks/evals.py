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
from aiattest.store.models.governance import Change, EvalRun, ModelVersion

EVAL_MAX_AGE_DAYS = 90
"""A production model's latest passing eval run may be at most this old."""


@dataclass(frozen=True)
class InProduction:
    """A model version in production at the run's time."""

    subject: str
    """``name@version``."""
    deployed_at: datetime | None
    """When its change promoted it, or None when only the inventory says so."""


def production_models(context: CheckContext) -> list[InProduction]:
    """Model versions in production as of ``context.at``, by subject."""
    at = context.at
    org = context.organisation_id
    with context.db.session() as session:
        changes = list(
            session.scalars(
                select(Change).where(Change.organisation_id == org, Change.subject_kind == "model")
            )
        )
        inventory = list(
            session.scalars(
                select(ModelVersion).where(
                    ModelVersion.organisation_id == org, ModelVersion.status == "production"
                )
            )
        )
    # The latest step (by time) taken by then, over all changes of a subject, says where it
    # stood: promoted and not rolled back or retired since means in production.
    latest: dict[str, tuple[datetime, int, str, datetime | None]] = {}
    for change in changes:
        promoted = None
        for event in change.events:
            if event.at > at:
                continue
            if event.action == "promote":
                promoted = event.at
            state = (event.at, event.seq, event.to_state, promoted)
            if change.subject not in latest or state[:2] > latest[change.subject][:2]:
                latest[change.subject] = state
    found = [
        InProduction(subject, promoted)
        for subject, (_, _, state, promoted) in latest.items()
        if state == "production"
    ]
    governed = {c.subject for c in changes}
    for model in inventory:
        subject = f"{model.name}@{model.version}"
        if subject not in governed and model.created_at <= at:
            found.append(InProduction(subject, None))
    return sorted(found, key=lambda m: m.subject)


def _runs(context: CheckContext, targets: list[str]) -> dict[str, list[tuple[datetime, bool]]]:
    if not targets:
        return {}
    with context.db.session() as session:
        rows = session.execute(
            select(EvalRun.target, EvalRun.run_at, EvalRun.passed).where(
                EvalRun.organisation_id == context.organisation_id,
                EvalRun.target.in_(targets),
                EvalRun.run_at <= context.at,
            )
        ).all()
    runs: dict[str, list[tuple[datetime, bool]]] = {}
    for target, run_at, passed in rows:
        runs.setdefault(target, []).append((run_at, passed))
    return runs


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
