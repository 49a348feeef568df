"""Rate limits per key and per tenant, in requests and tokens per minute.

Token buckets: each holds up to its per-minute limit and refills continuously. A request
takes one request token and its *estimated* tokens from every bucket that applies, all or
none; after the call the token buckets are corrected by the difference to the real count
(which may leave a bucket in debt). In-process by default; with Redis, one Lua script does
the check-and-take atomically for every worker, on the Redis server's clock.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class Take:
    """Take ``cost`` from bucket ``key`` that holds ``capacity`` and refills ``capacity``/min."""

    key: str
    """Bucket name, e.g. ``key:aiat_x:tok``."""
    capacity: float
    """The per-minute limit."""
    cost: float
    """What this request takes (clamped to the capacity so a big request can pass once)."""

    @property
    def per_s(self) -> float:
        """Refill rate."""
        return self.capacity / 60.0


@dataclass(frozen=True, slots=True)
class Admission:
    """Whether the request may go on, and if not, how long to wait."""

    allowed: bool
    """All buckets had enough."""
    retry_after_s: float = 0.0
    """Seconds until the fullest-lacking bucket has enough."""
    limited_by: str | None = None
    """The first bucket that lacked (for the error message and the metrics)."""


def refill(tokens: float, last: float, now: float, capacity: float, per_s: float) -> float:
    """The level of a bucket at ``now`` that held ``tokens`` at ``last``."""
    return min(capacity, tokens + max(0.0, now - last) * per_s)


class RateLimiter(Protocol):
    """Checks and takes from several buckets at once; corrects token buckets afterwards."""

    async def take(self, takes: Sequence[Take]) -> Admission:
        """All or nothing."""

    async def adjust(self, take: Take, delta: float) -> None:
        """Take ``delta`` more (or give back, when negative) from one bucket."""


class LocalRateLimiter:
    """Buckets in this process's memory (one worker; the embedded default)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def level(self, take: Take) -> float:
        """Current level of a bucket (full when never used)."""
        tokens, last = self._buckets.get(take.key, (take.capacity, self._clock()))
        return refill(tokens, last, self._clock(), take.capacity, take.per_s)

    async def take(self, takes: Sequence[Take]) -> Admission:
        """Check every bucket, then take from all of them (no await in between: atomic)."""
        now = self._clock()
        levels = [self.level(t) for t in takes]
        for take, level in zip(takes, levels, strict=True):
            if level < take.cost:
                waits = [
                    (t.cost - lv) / t.per_s
                    for t, lv in zip(takes, levels, strict=True)
                    if lv < t.cost
                ]
                return Admission(False, max(waits), take.key)
        for take, level in zip(takes, levels, strict=True):
            self._buckets[take.key] = (level - take.cost, now)
        return Admission(True)

    async def adjust(self, take: Take, delta: float) -> None:
        """Correct one bucket by ``delta`` tokens."""
        self._buckets[take.key] = (min(take.capacity, self.level(take) - delta), self._clock())


_TAKE_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local levels = {}
local wait = 0
local short = 0
for i = 1, #KEYS do
  local cap = tonumber(ARGV[2 * i - 1])
  local cost = tonumber(ARGV[2 * i])
  local rate = cap / 60
  local v = redis.call('HMGET', KEYS[i], 'tokens', 'ts')
  local tokens = tonumber(v[1])
  local ts = tonumber(v[2])
  if tokens == nil then tokens = cap; ts = now end
  tokens = math.min(cap, tokens + math.max(0, now - ts) * rate)
  levels[i] = tokens
  if tokens < cost then
    local need = (cost - tokens) / rate
    if short == 0 then short = i end
    if need > wait then wait = need end
  end
end
if short > 0 then return {0, tostring(wait), short} end
for i = 1, #KEYS do
  local left = levels[i] - tonumber(ARGV[2 * i])
  redis.call('HSET', KEYS[i], 'tokens', tostring(left), 'ts', tostring(now))
  redis.call('EXPIRE', KEYS[i], 120)
end
return {1, '0', 0}
"""

_ADJUST_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local cap = tonumber(ARGV[1])
local rate = cap / 60
local v = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(v[1])
local ts = tonumber(v[2])
if tokens == nil then tokens = cap; ts = now end
tokens = math.min(cap, tokens + math.max(0, now - ts) * rate)
tokens = math.min(cap, tokens - tonumber(ARGV[2]))
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
redis.call('EXPIRE', KEYS[1], 120)
return tostring(tokens)
"""


class RedisRateLimiter:
    """Buckets in Redis, shared by every worker; each check-and-take is one Lua script."""

    def __init__(self, url: str, prefix: str = "aiattest:rl:") -> None:
        try:
            import redis.asyncio as aioredis
        except ImportError as e:  # pragma: no cover - redis ships in the server extra
            from aiattest.errors import ConfigError

            raise ConfigError(
                "redis_url is set but the redis package is missing",
                hint="pip install 'aiattest[server]'",
            ) from e
        self._redis: Any = aioredis.Redis.from_url(url)
        self._prefix = prefix
        self._take = self._redis.register_script(_TAKE_LUA)
        self._adjust = self._redis.register_script(_ADJUST_LUA)

    async def take(self, takes: Sequence[Take]) -> Admission:
        """Check and take atomically on the Redis server."""
        args: list[float] = []
        for take in takes:
            args += [take.capacity, take.cost]
        ok, wait, short = await self._take(keys=[self._prefix + t.key for t in takes], args=args)
        if int(ok):
            return Admission(True)
        return Admission(False, float(wait), takes[int(short) - 1].key)

    async def adjust(self, take: Take, delta: float) -> None:
        """Correct one bucket on the Redis server."""
        await self._adjust(keys=[self._prefix + take.key], args=[take.capacity, delta])

    async def ping(self) -> None:
        """Raise when Redis cannot be reached."""
        await self._redis.ping()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._redis.aclose()


def retry_after_header(seconds: float) -> str:
    """Whole seconds, at least 1 (the ``Retry-After`` header has no fractions)."""
    return str(max(1, math.ceil(seconds)))
