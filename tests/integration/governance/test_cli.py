"""``aiattest apply`` and ``aiattest register`` through the CLI on SQLite."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from aiattest.cli.app import app, main

EXAMPLE = Path(__file__).parents[3] / "examples" / "org.yaml"
runner = CliRunner()


def run(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout) if "--json" in args else result.stdout


def test_apply_twice_then_query(tmp_path: Path) -> None:
    run("init", "--org", "Northwind")
    dry = run("apply", "-f", str(EXAMPLE), "--dry-run")
    assert "model/precheck-scorer@4.1 created (dry run)" in dry
    assert run("register", "list", "models", "--json", "--org", "northwind")["total"] == 0
    first = run("apply", "-f", str(EXAMPLE), "--json", "--actor", "dana")
    assert first["changed"] is True
    assert len(first["ledger_indices"]) > 19
    second = run("apply", "-f", str(EXAMPLE))
    assert second.strip().endswith("30 unchanged")
    assert "configured" not in second

    models = run("register", "list", "models", "--json", "-f", "risk_tier=high")
    assert [m["name"] for m in models["items"]] == ["precheck-scorer"]
    assert models["items"][0]["risk_rule"] == "H1"
    shown = run("register", "show", "models", "precheck-scorer@4.1", "--json")
    assert (shown["status"], shown["training_data"]) == ("retired", ["loan-applications-2025"])
    change = run("register", "show", "changes", "CHG-2026-014", "--json")
    assert [e["to"] for e in change["events"]][-3:] == ["production", "rolled_back", "retired"]
    deployments = run("register", "deployments", "--from", "2026-10-01", "--to", "2026-11-01",
                      "--json")  # fmt: skip
    assert [(d["change"], d["subject"]) for d in deployments] == [
        ("CHG-2026-014", "precheck-scorer@4.1")
    ]
    assert run("register", "list", "changes", "--json")["items"][0]["state"] == "retired"

    # The lineage and model-card commands answer from the applied file.
    trained = run("lineage", "trained-on", "precheck-scorer@4.1", "--json")
    assert [n["key"] for n in trained] == ["loan-applications-2025"]
    used = run("lineage", "used-by", "help-centre-articles", "--json")
    assert {n["key"] for n in used} == {"support-llm@gpt-4o-2024-08-06",
                                        "support-llm-fallback@claude-sonnet-4"}  # fmt: skip
    chunk = run("lineage", "chunk", "article-2001#0", "--json")
    assert [(c["document"], c["dataset"]) for c in chunk] == [
        ("article-2001", "help-centre-articles")
    ]
    card = run("register", "model-card", "support-llm@gpt-4o-2024-08-06")
    assert "# Model Card for support-llm" in card
    run("register", "model-card", "precheck-scorer@4.1", "--format", "cyclonedx", "-o", "bom.json")
    assert json.loads((tmp_path / "bom.json").read_text())["specVersion"] == "1.6"

    policy = run("register", "policy", "human-oversight")
    assert "In scope: credit-precheck." in policy
    run("register", "policy", "human-oversight", "--format", "html", "-o", "p.html")
    assert "<h1>Human Oversight Policy</h1>" in (tmp_path / "p.html").read_text()
    run("register", "export", "--org", "northwind", "-o", "export.yaml")
    assert run("apply", "-f", "export.yaml").strip().endswith("30 unchanged")
    assert run("register", "playbook", "drift", "--json")["default_severity"] == "sev3"
    assert run("register", "acknowledge", "ai-acceptable-use", "--principal", "kim").strip() == (
        "acknowledged"
    )


def test_errors_map_to_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["apply", "-f", str(EXAMPLE)])
    assert exit_info.value.code == 1  # a store problem: the database is not migrated
    assert "aiattest init" in capsys.readouterr().err
    run("init")
    bad = tmp_path / "bad.yaml"
    bad.write_text("organisation: {slug: x, name: X}\nmodels: [{name: m}]\n")
    with pytest.raises(SystemExit) as exit_info:
        main(["apply", "-f", str(bad)])
    assert exit_info.value.code == 2
    assert "models[0].version: Field required" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["register", "list", "nonsense"])
    assert exit_info.value.code == 2


def test_eval_run_through_a_configured_provider(tmp_path: Path) -> None:
    (tmp_path / "aiattest.toml").write_text(
        "[[gateway.providers]]\n"
        'name = "canned"\nkind = "rules"\n'
        'canned = [{keywords = ["prize"], answer = "spam"},\n'
        '          {keywords = ["lunch"], answer = "ham"}]\n'
    )
    (tmp_path / "suite.jsonl").write_text(
        '{"input": "win a prize", "expected": "spam"}\n'
        '{"input": "lunch at one", "expected": "ham"}\n'
        '{"input": "free money", "expected": "spam"}\n'
    )
    run("init")
    args = ["eval-run", "--suite", "suite.jsonl", "--suite-name", "spam", "--suite-version", "1",
            "--provider", "canned", "--model", "m", "--target", "m@1", "--positive", "spam",
            "--json"]  # fmt: skip
    low = run(*args, "--name", "ev-1", "--threshold", "f1=0.6")
    assert (low["metrics"]["recall"], low["metrics"]["precision"]) == (0.5, 1.0)
    assert low["passed"] is True
    stored = run("register", "show", "eval_runs", "ev-1", "--json")
    assert (stored["target"], stored["passed"]) == ("m@1", True)
    assert stored["dataset_hash"].startswith("sha256:")
    strict = run(*args, "--name", "ev-2", "--threshold", "recall=0.9")
    assert strict["passed"] is False
