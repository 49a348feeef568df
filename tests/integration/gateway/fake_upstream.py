"""A fake OpenAI- and Anthropic-compatible upstream: a real HTTP/1.1 server on loopback.

It answers deterministically and injects faults at a configured rate: HTTP 500 and 429,
hangs past the gateway's timeout, TCP resets, malformed JSON, and streams that stall.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
import struct
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

LEAKY_BODY = b'{"error": {"message": "internal detail sk-upstream-SECRET-123"}}'
FAULTS = ("500", "429", "timeout", "reset", "malformed", "stall")


@dataclass
class FakeUpstream:
    """Start with ``start()``; ``url`` is the base URL including ``/v1``."""

    reply: str = "Hello from the fake upstream."
    fault_rate: float = 0.0
    faults: tuple[str, ...] = FAULTS
    seed: int = 0
    hang_s: float = 3.0
    stall_midway: bool = False
    """Stalled streams send one event before stalling (else they stall before any event)."""
    counts: Counter[str] = field(default_factory=Counter)
    bodies: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeUpstream:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=10)
        return self

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def stop(self) -> None:
        async def _stop() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.sleep(0)

        asyncio.run_coroutine_threadsafe(_stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _pick_fault(self) -> str | None:
        if self.fault_rate and self._rng.random() < self.fault_rate:
            return self._rng.choice(self.faults)
        return None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                _method, path, _ = lines[0].split(" ", 2)
                hdrs = {}
                for line in lines[1:]:
                    if ":" in line:
                        k, v = line.split(":", 1)
                        hdrs[k.strip().lower()] = v.strip()
                raw = await reader.readexactly(int(hdrs.get("content-length", "0")))
                body = json.loads(raw) if raw else {}
                self.bodies.append(body)
                self.headers.append(hdrs)
                keep = await self._answer(path, body, writer)
                if not keep:
                    break
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    async def _answer(  # noqa: PLR0911 - one branch per fault keeps the fake readable
        self, path: str, body: dict[str, Any], writer: asyncio.StreamWriter
    ) -> bool:
        fault = self._pick_fault()
        stream = bool(body.get("stream"))
        self.counts[fault or "ok"] += 1
        if fault == "500":
            self._send(writer, 500, LEAKY_BODY)
            return True
        if fault == "429":
            self._send(writer, 429, LEAKY_BODY, extra="retry-after: 0\r\n")
            return True
        if fault == "timeout":
            await asyncio.sleep(self.hang_s)
            return False
        if fault == "reset":
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            writer.transport.abort()
            return False
        if fault == "malformed":
            self._send(writer, 200, b'{"choices": [ {"message": not json')
            return True
        if path.endswith("/embeddings"):
            data = [
                {"object": "embedding", "index": i, "embedding": [float(len(t)), 1.0, 0.5]}
                for i, t in enumerate(body["input"])
            ]
            reply = {
                "object": "list",
                "data": data,
                "model": body["model"],
                "usage": {"prompt_tokens": 3, "total_tokens": 3},
            }
            self._send(writer, 200, json.dumps(reply).encode())
            return True
        anthropic = path.endswith("/messages")
        if stream:
            events = anthropic_events(self, body) if anthropic else openai_events(self, body)
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
            )
            if fault == "stall":
                if self.stall_midway:
                    writer.write(events[0].encode())
                await writer.drain()
                await asyncio.sleep(self.hang_s)
                return False
            for event in events:
                writer.write(event.encode())
                await writer.drain()
            return False
        reply_json = anthropic_reply(self, body) if anthropic else openai_reply(self, body)
        payload = json.dumps(reply_json).encode()
        if fault == "stall":
            writer.write(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
                + f"content-length: {len(payload)}\r\n\r\n".encode()
                + payload[: len(payload) // 2]
            )
            await writer.drain()
            await asyncio.sleep(self.hang_s)
            return False
        self._send(writer, 200, payload)
        return True

    @staticmethod
    def _send(writer: asyncio.StreamWriter, status: int, payload: bytes, extra: str = "") -> None:
        writer.write(
            f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n{extra}"
            f"content-length: {len(payload)}\r\n\r\n".encode()
            + payload
        )


TOOL_TRIGGERS = {
    "weather": ("get_weather", '{"city": "Paris"}'),
    "wire": ("wire_money", '{"amount": 10}'),
    "tidy": ("delete_database", "{}"),
}


def tool_for(body: dict[str, Any]) -> tuple[str, str]:
    """The tool the fake calls: the first trigger word in the last message names it."""
    last = body["messages"][-1]
    text = str(last.get("content") if isinstance(last.get("content"), str) else json.dumps(last))
    return next(tool for word, tool in TOOL_TRIGGERS.items() if word in text)


def wants_tool(body: dict[str, Any]) -> bool:
    """The fake calls a tool when tools are offered and the user says a trigger word."""
    last = body["messages"][-1]
    text = last.get("content") if isinstance(last.get("content"), str) else json.dumps(last)
    return bool(body.get("tools")) and any(word in str(text) for word in TOOL_TRIGGERS)


def openai_reply(up: FakeUpstream, body: dict[str, Any]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": up.reply}
    finish = "stop"
    if wants_tool(body):
        name, arguments = tool_for(body)
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "call_1",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
        finish = "tool_calls"
    return {
        "id": "up-1",
        "object": "chat.completion",
        "created": 1,
        "model": body["model"],
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12},
    }


def openai_events(up: FakeUpstream, body: dict[str, Any]) -> list[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        c = {
            "id": "up-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": body["model"],
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return f"data: {json.dumps(c)}\n\n"

    events = [chunk({"role": "assistant", "content": ""})]
    if wants_tool(body):
        name, arguments = tool_for(body)
        events.append(
            chunk(
                {
                    "tool_calls": [
                        {
                            "index": 0,
                            "id": "call_1",
                            "type": "function",
                            "function": {"name": name, "arguments": ""},
                        }
                    ]
                }
            )
        )
        events.append(chunk({"tool_calls": [{"index": 0, "function": {"arguments": arguments}}]}))
        events.append(chunk({}, "tool_calls"))
    else:
        events += [chunk({"content": word}) for word in split_words(up.reply)]
        events.append(chunk({}, "stop"))
    if (body.get("stream_options") or {}).get("include_usage"):
        usage = {
            "id": "up-1",
            "object": "chat.completion.chunk",
            "created": 1,
            "model": body["model"],
            "choices": [],
            "usage": {"prompt_tokens": 7, "completion_tokens": 5, "total_tokens": 12},
        }
        events.append(f"data: {json.dumps(usage)}\n\n")
    events.append("data: [DONE]\n\n")
    return events


def anthropic_reply(up: FakeUpstream, body: dict[str, Any]) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": up.reply}]
    stop = "end_turn"
    if wants_tool(body):
        content = [
            {"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {"city": "Paris"}}
        ]
        stop = "tool_use"
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": stop,
        "usage": {"input_tokens": 9, "output_tokens": 4},
    }


def anthropic_events(up: FakeUpstream, body: dict[str, Any]) -> list[str]:
    def ev(kind: str, data: dict[str, Any]) -> str:
        return f"event: {kind}\ndata: {json.dumps({'type': kind, **data})}\n\n"

    events = [
        ev(
            "message_start",
            {"message": {"id": "msg_1", "model": body["model"], "usage": {"input_tokens": 9}}},
        )
    ]
    if wants_tool(body):
        events.append(
            ev(
                "content_block_start",
                {
                    "index": 0,
                    "content_block": {
                        "type": "tool_use",
                        "id": "toolu_1",
                        "name": "get_weather",
                        "input": {},
                    },
                },
            )
        )
        for part in ('{"city": ', '"Paris"}'):
            events.append(
                ev(
                    "content_block_delta",
                    {"index": 0, "delta": {"type": "input_json_delta", "partial_json": part}},
                )
            )
        stop = "tool_use"
    else:
        events.append(
            ev("content_block_start", {"index": 0, "content_block": {"type": "text", "text": ""}})
        )
        events.append(ev("ping", {}))
        for word in split_words(up.reply):
            events.append(
                ev(
                    "content_block_delta",
                    {"index": 0, "delta": {"type": "text_delta", "text": word}},
                )
            )
        stop = "end_turn"
    events.append(ev("content_block_stop", {"index": 0}))
    events.append(
        ev("message_delta", {"delta": {"stop_reason": stop}, "usage": {"output_tokens": 4}})
    )
    events.append(ev("message_stop", {}))
    return events


def split_words(text: str) -> list[str]:
    """``"a b c"`` -> ``["a", " b", " c"]``: joining them gives the text back."""
    words = text.split(" ")
    return [words[0]] + [" " + w for w in words[1:]]
