"""Operations: /healthz, /readyz, /metrics and the JSON access log (no content)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from aiattest.config import Settings
from aiattest.config.gateway import GatewaySettings, ProviderSettings, RouteSettings, RouteTarget
from aiattest.gateway import create_app
from aiattest.gateway.serve import JsonFormatter
from aiattest.store import Database
from tests.integration.gateway.conftest import RecordingSink, ServedApp

Serve = Callable[..., tuple[ServedApp, RecordingSink]]


def rules_only(**extra: object) -> GatewaySettings:
    return GatewaySettings(
        providers=(ProviderSettings(name="faq", kind="rules"),),
        routes=(RouteSettings(alias="m", targets=(RouteTarget(provider="faq"),)),),
        **extra,  # type: ignore[arg-type]
    )


def test_health_readiness_and_metrics(serve: Serve, caplog: pytest.LogCaptureFixture) -> None:
    server, _ = serve(rules_only(key_requests_per_min=2))
    assert httpx.get(server.url + "/healthz").json() == {"status": "ok"}
    assert httpx.get(server.url + "/readyz").json() == {"status": "ready"}
    secret_words = "my passphrase is tangerine-7"
    body = {"model": "m", "messages": [{"role": "user", "content": secret_words}]}
    with caplog.at_level(logging.INFO, logger="aiattest.gateway.access"):
        for _ in range(3):
            httpx.post(server.url + "/v1/chat/completions", json=body, headers=server.auth)
    text = httpx.get(server.url + "/metrics").text
    assert (
        'aiattest_gateway_requests_total{endpoint="chat.completions",route="m",status="200"} 2.0'
        in text
    )
    assert (
        'aiattest_gateway_requests_total{endpoint="chat.completions",route="m",status="429"} 1.0'
        in text
    )
    assert 'aiattest_gateway_rate_limited_total{tenant="acme"} 1.0' in text
    assert 'aiattest_gateway_degraded_total{route="m"} 2.0' in text  # rules answered
    assert 'aiattest_gateway_circuit_state{provider="faq"} 0.0' in text
    assert "aiattest_gateway_request_seconds_bucket" in text
    assert 'aiattest_gateway_tokens_total{direction="prompt",tenant="acme"}' in text
    lines = [r.getMessage() for r in caplog.records if r.name == "aiattest.gateway.access"]
    assert len(lines) == 3
    logged = [json.loads(line) for line in lines]
    assert [entry["status"] for entry in logged] == [200, 200, 429]
    assert all(entry["tenant"] == "acme" and entry["route"] == "m" for entry in logged)
    assert all("tangerine" not in line and server.key not in line for line in lines)
    formatted = JsonFormatter().format(caplog.records[-1])
    assert json.loads(formatted)["logger"] == "aiattest.gateway.access"


def test_not_ready_while_the_database_is_not_migrated(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", gateway=rules_only())
    db = Database(settings.db_url)
    server = ServedApp(create_app(settings, db=db, audit=RecordingSink(), use_guard=False))
    try:
        ready = httpx.get(server.url + "/readyz")
        assert ready.status_code == 503
        assert "aiattest db upgrade" in ready.json()["problems"][0]
        assert httpx.get(server.url + "/healthz").status_code == 200
    finally:
        server.stop()
        db.dispose()


def test_the_core_cli_does_not_load_the_web_stack() -> None:
    code = (
        "import sys, aiattest.cli.app\n"
        "bad = [m for m in ('fastapi', 'uvicorn', 'starlette') if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
