"""A fake OpenAI-compatible LLM provider for the demo: a real HTTP server on loopback.

It answers chat completions deterministically, returns tool calls when the request offers
tools and the user asks for a refund or an order status, serves embeddings, and can be
switched "down" (HTTP 503) to stage a provider outage that the gateway must fall back from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from aiattest.demo.serving import ServedApp

_ANSWERS = (
    "You can change the delivery address from Orders > Details until the parcel ships.",
    "Refunds reach the original payment method within five working days.",
    "Our support team is available from 8:00 to 20:00 CET, Monday to Saturday.",
    "You can export your invoices as PDF from the Billing page.",
    "Two-factor authentication can be enabled under Settings > Security.",
)


@dataclass
class FakeProvider:
    """One fake upstream; ``start()`` serves it on a free loopback port."""

    name: str
    down: bool = False
    """While true every request gets 503 (a provider outage)."""
    calls: int = 0
    """Requests received (including those answered with 503)."""
    port: int = 0
    _served: ServedApp | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        """Base URL including ``/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def app(self) -> FastAPI:
        """The provider's HTTP API."""
        api = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)

        @api.post("/v1/chat/completions")
        async def chat(request: Request) -> JSONResponse:
            self.calls += 1
            if self.down:
                return _error(503, "the provider is unavailable")
            body = await request.json()
            return JSONResponse(_completion(self.name, body))

        @api.post("/v1/embeddings")
        async def embeddings(request: Request) -> JSONResponse:
            self.calls += 1
            if self.down:
                return _error(503, "the provider is unavailable")
            body = await request.json()
            inputs = body.get("input", [])
            texts = [inputs] if isinstance(inputs, str) else list(inputs)
            data = [
                {"object": "embedding", "index": i, "embedding": _vector(str(t))}
                for i, t in enumerate(texts)
            ]
            return JSONResponse(
                {
                    "object": "list",
                    "data": data,
                    "model": body.get("model", "embed"),
                    "usage": {"prompt_tokens": len(texts) * 8, "total_tokens": len(texts) * 8},
                }
            )

        return api

    def start(self) -> FakeProvider:
        """Serve on 127.0.0.1 in a background thread; returns once it accepts connections."""
        self._served = ServedApp(self.app()).start()
        self.port = self._served.port
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._served is not None:
            self._served.stop()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": message, "type": "server_error", "code": None}}, status_code=status
    )


def _vector(text: str) -> list[float]:
    digest = hashlib.sha256(text.encode()).digest()
    return [round(b / 255 - 0.5, 4) for b in digest[:8]]


def _completion(provider: str, body: dict[str, Any]) -> dict[str, Any]:
    messages = body.get("messages") or [{}]
    last = str(messages[-1].get("content") or "")
    index = int(hashlib.sha256(last.encode()).hexdigest(), 16)
    message: dict[str, Any] = {"role": "assistant", "content": _ANSWERS[index % len(_ANSWERS)]}
    finish = "stop"
    tool = _tool_for(last) if body.get("tools") and messages[-1].get("role") == "user" else None
    if tool is not None:
        name, arguments = tool
        message = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": f"call_{index % 10**8:08d}",
                    "type": "function",
                    "function": {"name": name, "arguments": arguments},
                }
            ],
        }
        finish = "tool_calls"
    prompt_tokens = sum(len(str(m.get("content") or "")) // 4 + 1 for m in messages)
    return {
        "id": f"chatcmpl-{provider}-{index % 10**12}",
        "object": "chat.completion",
        "created": 1_767_225_600,
        "model": body.get("model", provider),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": 18,
            "total_tokens": prompt_tokens + 18,
        },
    }


def _tool_for(text: str) -> tuple[str, str] | None:
    lowered = text.lower()
    if "refund" in lowered:
        return "refund_order", '{"order_id": "A-1042", "amount_eur": 49.9}'
    if "where is my order" in lowered or "order status" in lowered:
        return "lookup_order", '{"order_id": "A-1042"}'
    return None
