"""Gateway overhead: direct to a fake upstream vs through aiattest vs through the LiteLLM proxy.

One run, side by side, same fake OpenAI-compatible upstream on loopback (its own process),
same load generator (raw HTTP/1.1 keep-alive sockets, cheaper than any client library), one
worker per gateway. aiattest runs with the default guard policy and the ledger on (SQLite).
Reports max throughput per worker, gateway CPU time per request, and added p50/p99 latency
at a fixed open-loop load of half the gateway's max. LiteLLM is measured only when
``bench/.venv-litellm`` exists (``python -m venv bench/.venv-litellm &&
bench/.venv-litellm/bin/pip install 'litellm[proxy]'``).

The load generator shares the machine's cores with the servers, so absolute numbers are
lower than on a separate client machine; the ratios are what to compare.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent
RESULTS = HERE / "results" / "gateway.json"
LITELLM = HERE / ".venv-litellm" / "bin" / "litellm"
AIATTEST = Path(sys.executable).with_name("aiattest")
DURATION_S = float(os.environ.get("GATEWAY_BENCH_SECONDS", "5"))
CONCURRENCY = 16
PROMPT = (
    "Summarise our refund policy for a customer who bought a laptop three weeks ago and "
    "wants to return it because the battery drains quickly. Keep it short and friendly."
)
REPLY = {
    "id": "chatcmpl-bench",
    "object": "chat.completion",
    "created": 1,
    "model": "up-model",
    "choices": [
        {
            "index": 0,
            "finish_reason": "stop",
            "message": {
                "role": "assistant",
                "content": "You can return the laptop within 30 days for a full refund. Bring the "
                "receipt and the charger; we will test the battery and refund you.",
            },
        }
    ],
    "usage": {"prompt_tokens": 42, "completion_tokens": 30, "total_tokens": 72},
}


# -- the fake upstream (own process) ---------------------------------------------------------


def _upstream_main(port: int) -> None:
    payload = json.dumps(REPLY).encode()
    response = (
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
        + f"content-length: {len(payload)}\r\n\r\n".encode()
        + payload
    )

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                await reader.readexactly(length)
                writer.write(response)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", port, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(main())


# -- load generation ---------------------------------------------------------------------------


class Conn:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def roundtrip(self, request: bytes) -> int:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lines = head.split(b"\r\n")
        length = next((int(x[15:]) for x in lines if x[:15].lower() == b"content-length:"), None)
        if length is not None:
            await self.reader.readexactly(length)
        else:  # chunked
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                await self.reader.readexactly(size + 2)
                if size == 0:
                    break
        return status


def _request(port: int, path: str, key: str | None, model: str) -> bytes:
    body = json.dumps(
        {"model": model, "max_tokens": 64, "messages": [{"role": "user", "content": PROMPT}]}
    ).encode()
    auth = f"authorization: Bearer {key}\r\n" if key else ""
    return (
        f"POST {path} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\ncontent-type: application/json\r\n"
        f"{auth}content-length: {len(body)}\r\n\r\n"
    ).encode() + body


async def _connect(port: int) -> Conn:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return Conn(reader, writer)


async def closed_loop(port: int, request: bytes, seconds: float) -> tuple[int, int]:
    """(successes, failures) with CONCURRENCY connections sending back to back."""
    ok = bad = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal ok, bad
        conn = await _connect(port)
        while time.perf_counter() < stop:
            if await conn.roundtrip(request) == 200:
                ok += 1
            else:
                bad += 1
        conn.writer.close()

    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return ok, bad


async def open_loop(port: int, request: bytes, rate: float, seconds: float) -> list[float]:
    """Latencies (s) of requests started at a fixed rate, measured from their scheduled time."""
    pool: list[Conn] = []
    latencies: list[float] = []
    start = time.perf_counter() + 0.05
    count = int(rate * seconds)

    async def one(i: int) -> None:
        scheduled = start + i / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        conn = pool.pop() if pool else await _connect(port)
        status = await conn.roundtrip(request)
        if status == 200:
            latencies.append(time.perf_counter() - scheduled)
        pool.append(conn)

    await asyncio.gather(*(one(i) for i in range(count)))
    for conn in pool:
        conn.writer.close()
    return latencies


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _tree_cpu_s(pid: int) -> float:
    """User+system CPU seconds of a process and all its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total, children, stats = 0.0, {}, {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
            stats[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    todo = [pid]
    while todo:
        p = todo.pop()
        total += stats.get(p, 0.0)
        todo += children.get(p, [])
    return total


# -- targets -----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(port: int, path: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                sock.sendall(f"GET {path} HTTP/1.1\r\nhost: x\r\n\r\n".encode())
                if b" 200 " in sock.recv(200):
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"nothing ready on port {port}{path}")


def _start_aiattest(workdir: Path, upstream: int) -> tuple[subprocess.Popen[bytes], int, str]:
    config = workdir / "aiattest.toml"
    config.write_text(f"""
data_dir = "{workdir / "data"}"
[gateway]
key_requests_per_min = 1000000000
key_tokens_per_min = 1000000000
tenant_requests_per_min = 1000000000
tenant_tokens_per_min = 1000000000
providers = [{{ name = "up", kind = "openai", base_url = "http://127.0.0.1:{upstream}/v1" }}]
routes = [{{ alias = "bench-model", targets = [{{ provider = "up", model = "up-model" }}] }}]
[evidence]
scheduler_enabled = false  # the bench measures the proxy, not checks run at a random moment
""")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIATTEST_")}
    base = [str(AIATTEST), "--config", str(config)]
    subprocess.run([*base, "init", "--org", "Bench"], env=env, check=True, capture_output=True)
    made = subprocess.run(
        [*base, "keys", "create", "--principal", "bench", "--role", "consumer", "--json"],
        env=env,
        check=True,
        capture_output=True,
    )
    key = json.loads(made.stdout)["key"]
    port = _free_port()
    proc = subprocess.Popen(
        [*base, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait(port, "/healthz")
    return proc, port, key


def _start_litellm(workdir: Path, upstream: int) -> tuple[subprocess.Popen[bytes], int, str]:
    config = workdir / "litellm.yaml"
    config.write_text(f"""
model_list:
  - model_name: bench-model
    litellm_params:
      model: openai/up-model
      api_base: http://127.0.0.1:{upstream}/v1
      api_key: sk-fake-upstream
general_settings:
  master_key: sk-bench-master
""")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIATTEST_")}
    proc = subprocess.Popen(
        [
            str(LITELLM),
            "--config",
            str(config),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--num_workers",
            "1",
        ],
        env={**env, "LITELLM_LOG": "ERROR"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _wait(port, "/health/liveliness", 180)
    return proc, port, "sk-bench-master"


def _measure(name: str, pid: int, port: int, key: str | None) -> dict[str, Any]:
    request = _request(port, "/v1/chat/completions", key, "bench-model" if key else "up-model")
    asyncio.run(closed_loop(port, request, 1.0))  # warm up
    cpu0 = _tree_cpu_s(pid)
    t0 = time.perf_counter()
    ok, bad = asyncio.run(closed_loop(port, request, DURATION_S))
    elapsed = time.perf_counter() - t0
    cpu = _tree_cpu_s(pid) - cpu0
    result = {
        "target": name,
        "max_rps": round(ok / elapsed, 1),
        "failed": bad,
        "cpu_ms_per_request": round(cpu / max(ok, 1) * 1000, 3),
    }
    print(
        f"  {name:8s} max {result['max_rps']:8.1f} req/s  "
        f"cpu {result['cpu_ms_per_request']:6.2f} ms/req  failed {bad}"
    )
    return result


def _latency(port: int, key: str | None, rate: float) -> dict[str, float]:
    request = _request(port, "/v1/chat/completions", key, "bench-model" if key else "up-model")
    lat = asyncio.run(open_loop(port, request, rate, DURATION_S))
    return {
        "rate": round(rate, 1),
        "p50_ms": round(_pct(lat, 0.5) * 1000, 3),
        "p99_ms": round(_pct(lat, 0.99) * 1000, 3),
        "completed": len(lat),
    }


def main() -> None:
    """Run the comparison and write ``bench/results/gateway.json``."""
    ctx = multiprocessing.get_context("spawn")
    upstream_port = _free_port()
    upstream = ctx.Process(target=_upstream_main, args=(upstream_port,), daemon=True)
    upstream.start()
    _wait_tcp(upstream_port)
    procs: list[subprocess.Popen[bytes]] = []
    results: dict[str, Any] = {
        "duration_s": DURATION_S,
        "concurrency": CONCURRENCY,
        "workers_per_gateway": 1,
        "cpus": os.cpu_count(),
    }
    try:
        with tempfile.TemporaryDirectory() as tmp:
            assert upstream.pid is not None
            direct = _measure("direct", upstream.pid, upstream_port, None)
            proc, port, key = _start_aiattest(Path(tmp), upstream_port)
            procs.append(proc)
            ours = _measure("aiattest", proc.pid, port, key)
            rate = ours["max_rps"] / 2
            ours["at_half_load"] = _latency(port, key, rate)
            direct["at_half_load"] = _latency(upstream_port, None, rate)
            ours["added_p50_ms"] = round(
                ours["at_half_load"]["p50_ms"] - direct["at_half_load"]["p50_ms"], 3
            )
            ours["added_p99_ms"] = round(
                ours["at_half_load"]["p99_ms"] - direct["at_half_load"]["p99_ms"], 3
            )
            results.update(direct=direct, aiattest=ours)
            _stop(proc)
            if LITELLM.exists():
                lproc, lport, lkey = _start_litellm(Path(tmp), upstream_port)
                procs.append(lproc)
                theirs = _measure("litellm", lproc.pid, lport, lkey)
                lrate = min(rate, theirs["max_rps"] / 2)
                theirs["at_half_load"] = _latency(lport, lkey, lrate)
                base = _latency(upstream_port, None, lrate)
                theirs["added_p50_ms"] = round(theirs["at_half_load"]["p50_ms"] - base["p50_ms"], 3)
                theirs["added_p99_ms"] = round(theirs["at_half_load"]["p99_ms"] - base["p99_ms"], 3)
                results["litellm"] = theirs
                results["ratios"] = {
                    "throughput_aiattest_over_litellm": round(
                        ours["max_rps"] / max(theirs["max_rps"], 1e-9), 2
                    ),
                    "cpu_litellm_over_aiattest": round(
                        theirs["cpu_ms_per_request"] / max(ours["cpu_ms_per_request"], 1e-9), 2
                    ),
                }
            else:
                results["litellm"] = "not measured: bench/.venv-litellm is missing"
    finally:
        for proc in procs:
            _stop(proc)
        upstream.terminate()
    _report(results)


def _wait_tcp(port: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("fake upstream did not start")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _report(results: dict[str, Any]) -> None:
    ours = results["aiattest"]
    print(
        f"  aiattest at {ours['at_half_load']['rate']} req/s: added p50 "
        f"{ours['added_p50_ms']} ms, p99 {ours['added_p99_ms']} ms"
    )
    if isinstance(results.get("litellm"), dict):
        theirs = results["litellm"]
        print(
            f"  litellm at {theirs['at_half_load']['rate']} req/s: added p50 "
            f"{theirs['added_p50_ms']} ms, p99 {theirs['added_p99_ms']} ms"
        )
        print(f"  ratios: {results['ratios']}")
    else:
        print(f"  litellm: {results['litellm']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"  wrote {RESULTS}")


if __name__ == "__main__":
    main()
