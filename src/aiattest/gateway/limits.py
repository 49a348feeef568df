"""The gateway's limit policy: which buckets a request takes from, and the 429 it gets."""

from __future__ import annotations

from dataclasses import dataclass

from aiattest.config.gateway import GatewaySettings
from aiattest.gateway.api_errors import ApiError
from aiattest.gateway.keys import Caller
from aiattest.gateway.ratelimit import RateLimiter, Take, retry_after_header


@dataclass(frozen=True, slots=True)
class Reservation:
    """What a request took; ``settle`` corrects the token buckets with the real count."""

    token_takes: tuple[Take, ...]
    """The token buckets and the estimate taken from each."""
    estimated: int
    """The estimate."""


class Limits:
    """Requests/min and tokens/min per key and per tenant, from the settings."""

    def __init__(self, settings: GatewaySettings, limiter: RateLimiter) -> None:
        self._s = settings
        self.limiter = limiter

    def _takes(self, caller: Caller, tokens: int) -> tuple[list[Take], list[Take]]:
        s = self._s
        requests: list[Take] = []
        token_takes: list[Take] = []
        for scope, rpm, tpm in (
            (f"key:{caller.key_id}", s.key_requests_per_min, s.key_tokens_per_min),
            (f"tenant:{caller.tenant}", s.tenant_requests_per_min, s.tenant_tokens_per_min),
        ):
            if rpm is not None:
                requests.append(Take(f"{scope}:req", rpm, 1))
            if tpm is not None:
                token_takes.append(Take(f"{scope}:tok", tpm, min(tokens, tpm)))
        return requests, token_takes

    async def admit(self, caller: Caller, estimated_tokens: int) -> Reservation:
        """Take from every bucket or raise a 429 ``ApiError`` with ``Retry-After``."""
        requests, token_takes = self._takes(caller, estimated_tokens)
        if requests or token_takes:
            admission = await self.limiter.take([*requests, *token_takes])
            if not admission.allowed:
                scope, unit = _describe(admission.limited_by or "")
                raise ApiError(
                    429,
                    f"rate limit reached: {unit} per minute for this {scope}; retry later",
                    code="rate_limit_exceeded",
                    headers={"retry-after": retry_after_header(admission.retry_after_s)},
                )
        return Reservation(tuple(token_takes), estimated_tokens)

    async def settle(self, reservation: Reservation, actual_tokens: int) -> None:
        """Correct the token buckets by the difference between the real count and the estimate."""
        delta = actual_tokens - reservation.estimated
        if delta:
            for take in reservation.token_takes:
                await self.limiter.adjust(take, delta)


def _describe(bucket: str) -> tuple[str, str]:
    scope = "key" if bucket.startswith("key:") else "tenant"
    unit = "tokens" if bucket.endswith(":tok") else "requests"
    return scope, unit
