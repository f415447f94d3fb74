"""Per-participant token buckets: a phone may answer often, never flood the server.

Keyed on the participant (not the address: a whole room shares one Wi-Fi). With
``REDIS_URL`` the buckets live in Redis, so a phone gets the same allowance whichever
process its socket reaches (one atomic Lua script per check); without it, or if Redis
does not answer, in this process's memory — Redis being away never refuses an answer.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# KEYS[1]: the bucket; ARGV: rate (tokens/s), burst. Redis's own clock, so that the
# processes need not agree on theirs. Returns 1 (allowed) or 0.
_SCRIPT = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 't', 'at')
local tokens, at = tonumber(state[1]), tonumber(state[2])
if tokens == nil then tokens, at = burst, now end
tokens = math.min(burst, tokens + (now - at) * rate)
local allowed = 0
if tokens >= 1 then tokens = tokens - 1; allowed = 1 end
redis.call('HSET', KEYS[1], 't', tokens, 'at', now)
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return allowed
"""


@dataclass
class TokenBucket:
    rate: float  # tokens added per second
    burst: int  # bucket size
    name: str = "bucket"
    _buckets: dict[object, tuple[float, float]] = field(default_factory=dict)
    _redis: object = None
    _script: object = None
    _redis_failed: bool = False

    def use_redis(self, client, prefix: str) -> None:
        """Share the buckets between processes through this Redis client (None: memory)."""
        self._redis = client
        self._prefix = f"{prefix}:{self.name}:"
        self._script = client.register_script(_SCRIPT) if client is not None else None

    def allow(self, key: object, now: float | None = None) -> bool:
        if self._script is not None and now is None:
            try:
                allowed = self._script(
                    keys=[self._prefix + _key(key)], args=[self.rate, self.burst]
                )
            except Exception:  # Redis away: this process's own buckets meanwhile
                if not self._redis_failed:
                    log.warning("rate limits: Redis does not answer; buckets in memory meanwhile")
                self._redis_failed = True
            else:
                if self._redis_failed:
                    log.warning("rate limits: Redis answers again; buckets shared again")
                self._redis_failed = False
                return bool(allowed)
        return self._allow_here(key, now)

    def _allow_here(self, key: object, now: float | None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, last = self._buckets.get(key, (float(self.burst), now))
        tokens = min(self.burst, tokens + (now - last) * self.rate)
        if tokens < 1:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1, now)
        if len(self._buckets) > 50_000:  # forget idle phones
            self._buckets.clear()
        return True


def _key(key: object) -> str:
    parts = key if isinstance(key, tuple) else (key,)
    return ":".join(str(part) for part in parts)


# Five submissions a second on average, bursts of fifteen (a retry queue after reconnecting).
participant_limiter = TokenBucket(rate=5, burst=15, name="answers")
# `sync` and `control`, keyed on the participant (staff: the user; a screen: its socket):
# the same pace, in a bucket of their own so that driving never eats answers' tokens.
control_limiter = TokenBucket(rate=5, burst=15, name="drive")


def init_app(app) -> None:
    """Buckets in Redis when ``REDIS_URL`` is set (keys prefixed by the Socket.IO channel)."""
    url = app.config.get("REDIS_URL")
    client = None
    if url:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
    prefix = f"fac-rl:{app.config.get('SOCKETIO_CHANNEL', 'facilitation')}"
    for bucket in (participant_limiter, control_limiter):
        bucket.use_redis(client, prefix)
