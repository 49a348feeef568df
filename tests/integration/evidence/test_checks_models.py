"""The model inventory checks over registers written through ``apply`` (changes included)
and lineage written through OpenLineage ingest."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiattest.assess import Outcome, Period
from aiattest.config import Settings
from aiattest.evidence.checks.models import (
    AutomatedDecisionsOversight,
    ModelCardsLineage,
    ModelInventoryComplete,
    SystemDescriptionCurrent,
)
from tests.integration.evidence.builders_registers import (
    apply,
    apply_example,
    as_of,
    dataset,
    ingest,
    model,
    promotion,
    system,
)
from tests.integration.evidence.conftest import EvidenceEnv
from tests.integration.governance.conftest import SQLITE_ONLY

CARDS = ModelCardsLineage()
INVENTORY = ModelInventoryComplete()
SYSTEMS = SystemDescriptionCurrent()
OVERSIGHT = AutomatedDecisionsOversight()
HIGH_RISK = {"automated_decisions": True}
SELF_HOSTED = {"provider": "self-hosted", "self_hosted": True, "artifact_digest": "sha256:ab12"}


def _day(at: datetime) -> Period:
    return Period(at.date(), at.date())


def _notes(items: tuple[Any, ...]) -> dict[str, tuple[bool, str]]:
    return {i.ref: (i.ok, i.note) for i in items}


def _promote(env: EvidenceEnv, at: datetime, **models: datetime) -> None:
    """Take each ``name@version`` (keyword: ``name__version``) to production at a time."""
    runs, changes = [], []
    for n, (key, when) in enumerate(models.items()):
        run, change = promotion(f"CHG-{n}", key.replace("__", "@"), when, approvers=2)
        runs.append(run)
        changes.append(change)
    apply(env, eval_runs=runs, changes=changes)


def test_example_organisation(env: EvidenceEnv) -> None:
    apply_example(env)
    at = as_of()
    context = env.context(at)
    # The scorer was rolled back and retired in October; the support models were never
    # promoted through a change: nothing is in production.
    cards = CARDS.run(context, _day(at))
    assert (cards.status, cards.summary) == (Outcome.PASS, "no models in production")
    systems = SYSTEMS.run(context, _day(at))
    assert _notes(systems.items) == {
        "credit-precheck": (False, "no model"),
        "support-assistant": (True, "4 components, 2 models"),
    }
    # Its retired scorer no longer counts, but risk R-002 names human review sampling.
    oversight = OVERSIGHT.run(context, _day(at))
    assert oversight.status is Outcome.PASS
    assert _notes(oversight.items) == {
        "credit-precheck": (True, "oversight in risk R-002 (human-review-sampling)")
    }
    # As of October (the scorer's production weeks) none of these rows existed yet: they
    # were written just now, and a check ignores rows created after its as-of time.
    october = env.context(datetime.fromisoformat("2026-10-06T12:00:00+00:00"))
    assert CARDS.run(october, _day(october.at)).items == ()  # rows created later: ignored


@SQLITE_ONLY
def test_model_cards_and_lineage(env: EvidenceEnv) -> None:
    at = as_of()
    apply(
        env,
        systems=[system("scoring")],
        datasets=[dataset("loans"), dataset("faq")],
        models=[
            model("scorer", "1", "scoring", training_data=["loans"], risk_assessment=HIGH_RISK,
                  **SELF_HOSTED),
            model("scorer", "2", "scoring", risk_assessment=HIGH_RISK, **SELF_HOSTED),
            model("scorer", "3", "scoring", risk_assessment=HIGH_RISK, **SELF_HOSTED),
            model("scorer", "0", "scoring", training_data=["loans"], risk_assessment=HIGH_RISK,
                  **SELF_HOSTED),
            model("assistant", "gpt-4o", "scoring", rag_data=["faq"], status="production"),
            model("bare", "1", "scoring", purpose="", owners=[], status="production"),
            model("draft", "1", "scoring", status="development"),
        ],
    )  # fmt: skip
    _promote(env, at, scorer__1=at - timedelta(days=2), scorer__2=at - timedelta(days=1),
             scorer__3=at + timedelta(hours=2))  # fmt: skip
    retired_run, retired = promotion("CHG-R", "scorer@0", at - timedelta(days=3), approvers=2,
                                     retired=True)  # fmt: skip
    apply(env, eval_runs=[retired_run], changes=[retired])
    result = CARDS.run(env.context(at), _day(at))
    assert result.status is Outcome.FAIL
    assert _notes(result.items) == {
        "assistant@gpt-4o": (True, "model card renders; lineage recorded"),
        "bare@1": (False, "model card lacks a purpose; model card lacks owners; "
                   "no training, evaluation or retrieval data recorded or traced by lineage"),
        "scorer@1": (True, "model card renders; lineage recorded"),
        "scorer@2": (False, "no training data recorded or traced by lineage"),
    }  # fmt: skip
    # The training run of scorer@2 arrives as an OpenLineage event: its lineage edges
    # suffice, from the time the run completed.
    ingest(env, "train-scorer", ["s3://acme-data/loans"], ["scorer@2"], at + timedelta(hours=1))
    assert not _notes(CARDS.run(env.context(at), _day(at)).items)["scorer@2"][0]
    after = env.context(at + timedelta(hours=1))
    assert _notes(CARDS.run(after, _day(after.at)).items)["scorer@2"] == (
        True,
        "model card renders; lineage recorded",
    )
    # scorer@3 is promoted after `at`: in production only in a later run.
    later = env.context(at + timedelta(hours=3))
    assert "scorer@3" in _notes(CARDS.run(later, _day(later.at)).items)


def _routes(env: EvidenceEnv, *routes: dict[str, Any]) -> Settings:
    return env.with_settings(
        gateway={
            "providers": [
                {"name": "openai-main", "kind": "openai", "base_url": "https://llm.invalid/v1"},
                {"name": "canned", "kind": "rules"},
            ],
            "routes": list(routes),
        }
    )


@SQLITE_ONLY
def test_inventory_covers_every_route_target(env: EvidenceEnv) -> None:
    at = as_of()
    apply(
        env,
        systems=[system("support")],
        models=[
            model("support-llm", "gpt-4o-2024-08-06", "support", status="production"),
            model("old-llm", "gpt-3.5", "support", status="retired"),
            model("orphan", "1", "support", owners=[], status="production"),
        ],
    )
    settings = _routes(
        env,
        {"alias": "support-chat", "targets": [
            {"provider": "openai-main", "model": "gpt-4o-2024-08-06"},
            {"provider": "openai-main", "model": "gpt-3.5"},
            {"provider": "canned"},  # canned replies: not a model
        ]},
        {"alias": "gpt-mini", "targets": [{"provider": "openai-main"}]},
    )  # fmt: skip
    result = INVENTORY.run(env.context(at, settings), _day(at))
    assert result.status is Outcome.FAIL
    assert _notes(result.items) == {
        "support-chat:openai-main/gpt-4o-2024-08-06": (True, "support-llm@gpt-4o-2024-08-06: "
                                                       "tier low"),
        "support-chat:openai-main/gpt-3.5": (False, "old-llm@gpt-3.5: retired"),
        "gpt-mini:openai-main/gpt-mini": (False, "not in the model inventory"),
        "support-llm@gpt-4o-2024-08-06": (True, "owners: 1"),
        "orphan@1": (False, "no owner"),
    }  # fmt: skip
    assert {i.kind for i in result.items} == {"route-target", "model"}
    # Registering the alias's model and giving the orphan an owner completes the inventory.
    apply(env, models=[model("gpt-mini", "2025-01", "support"),
                       model("orphan", "1", "support", status="production")])  # fmt: skip
    fixed = _routes(env, {"alias": "gpt-mini", "targets": [{"provider": "openai-main"}]})
    assert INVENTORY.run(env.context(at, fixed), _day(at)).status is Outcome.PASS


@SQLITE_ONLY
def test_no_routes_passes_with_a_note(env: EvidenceEnv) -> None:
    at = as_of()
    result = INVENTORY.run(env.context(at), _day(at))
    assert (result.status, result.summary) == (Outcome.PASS, "no gateway routes configured")
    apply(env, systems=[system("support")],
          models=[model("support-llm", "1", "support", status="production")])  # fmt: skip
    result = INVENTORY.run(env.context(at), _day(at))
    assert (result.status, result.summary) == (
        Outcome.PASS,
        "no gateway routes configured; 1 production models have owners",
    )
    # Without routes, production models still need owners.
    apply(env, models=[model("support-llm", "1", "support", owners=[], status="production")])
    assert INVENTORY.run(env.context(at), _day(at)).status is Outcome.FAIL


@SQLITE_ONLY
def test_system_descriptions(env: EvidenceEnv) -> None:
    at = as_of()
    assert SYSTEMS.run(env.context(at), _day(at)).summary == "no AI systems registered"
    apply(
        env,
        systems=[system("support"), system("bare", components=[], owners=[], description=" "),
                 system("sunset")],
        models=[model("support-llm", "1", "support"), model("old", "1", "sunset",
                                                            status="retired")],
    )  # fmt: skip
    result = SYSTEMS.run(env.context(at), _day(at))
    assert result.status is Outcome.FAIL
    assert _notes(result.items) == {
        "bare": (False, "no description; no components; no owners; no model"),
        "sunset": (False, "no model"),
        "support": (True, "2 components, 1 models"),
    }


@SQLITE_ONLY
def test_automated_decisions_need_oversight(env: EvidenceEnv) -> None:
    at = as_of()
    none = OVERSIGHT.run(env.context(at), _day(at))
    assert (none.status, none.summary) == (Outcome.PASS, "no AI systems make automated decisions")
    apply(
        env,
        systems=[system("credit", automated_decisions=True),
                 system("triage", automated_decisions=True), system("support")],
        models=[model("scorer", "1", "credit", risk_assessment=HIGH_RISK),
                model("triage-llm", "1", "triage",
                      risk_assessment={"personal_data": "personal"}),
                model("support-llm", "1", "support")],
    )  # fmt: skip
    result = OVERSIGHT.run(env.context(at), _day(at))
    assert result.status is Outcome.FAIL
    assert _notes(result.items) == {
        "credit": (True, "high-tier model scorer@1 (10% human review)"),
        "triage": (False, "no high-tier model (triage-llm@1 tier medium) and no oversight "
                   "control"),
    }  # fmt: skip
    # A risk entry whose treatment is a human oversight control documents the oversight.
    risk = {"name": "R-1", "title": "Unfair triage", "system": "triage", "likelihood": 3,
            "impact": 4, "residual_likelihood": 2, "residual_impact": 3, "owner": "ops",
            "treatment": "mitigate",
            "controls": ["human-oversight-by-impact", "output-validation"]}  # fmt: skip
    apply(env, risks=[risk])
    fixed = OVERSIGHT.run(env.context(at), _day(at))
    assert fixed.status is Outcome.PASS
    assert _notes(fixed.items)["triage"] == (
        True,
        "oversight in risk R-1 (human-oversight-by-impact)",
    )
