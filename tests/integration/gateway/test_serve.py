"""``aiattest serve --workers 2`` on PostgreSQL and Redis: limits hold across workers and the
ledger stays one log that verifies."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx
import pytest
import redis

from aiattest.gateway.keys import create_key
from aiattest.roles import Role
from tests.integration.gateway.conftest import migrated_db

SCRIPT = Path(sys.executable).with_name("aiattest")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.redis
def test_two_workers_share_limits_and_one_ledger(
    tmp_path: Path, postgres_url: str, redis_url: str
) -> None:
    prefix = f"aiattest-test:{uuid.uuid4().hex}:"
    config = tmp_path / "aiattest.toml"
    config.write_text(
        f"""
database_url = "{postgres_url}"
redis_url = "{redis_url}"
data_dir = "{tmp_path / "data"}"

[gateway]
tenant_requests_per_min = 10
redis_prefix = "{prefix}"
providers = [{{ name = "faq", kind = "rules" }}]
routes = [{{ alias = "m", targets = [{{ provider = "faq" }}] }}]
"""
    )
    db = migrated_db(postgres_url, "acme")
    key, _ = create_key(db, principal="app", role=Role.CONSUMER, tenant="acme")
    db.dispose()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIATTEST_")}
    proc = subprocess.Popen(
        [str(SCRIPT), "--config", str(config), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.communicate()[1][-2000:]
            assert time.monotonic() < deadline, "gateway did not become ready"
            time.sleep(0.2)

        async def fire() -> list[int]:
            limits = httpx.Limits(max_connections=25, max_keepalive_connections=0)
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
                body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
                headers = {"authorization": f"Bearer {key}"}
                responses = await asyncio.gather(
                    *(
                        client.post("/v1/chat/completions", json=body, headers=headers)
                        for _ in range(25)
                    )
                )
                return [r.status_code for r in responses]

        statuses = Counter(asyncio.run(fire()))
        assert statuses == {200: 10, 429: 15}
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
        client = redis.Redis.from_url(redis_url)
        for k in client.scan_iter(match=prefix + "*"):
            client.delete(k)
        client.close()
    # Both workers' logs are JSON lines without content.
    access = [
        json.loads(line) for line in stderr.splitlines() if '"aiattest.gateway.access"' in line
    ]
    assert len(access) == 25
    assert len({entry["request_id"] for entry in access}) == 25
    verified = subprocess.run(
        [str(SCRIPT), "--config", str(config), "ledger", "verify", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert verified.returncode == 0, verified.stderr
    assert json.loads(verified.stdout)["tree_size"] == 25
