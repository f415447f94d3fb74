"""Per-participant token buckets: a phone may answer often, never flood the server."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate: float  # tokens added per second
    burst: int  # bucket size
    _buckets: dict[object, tuple[float, float]] = field(default_factory=dict)

    def allow(self, key: object, now: float | None = None) -> bool:
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


# Five submissions a second on average, bursts of fifteen (a retry queue after reconnecting).
participant_limiter = TokenBucket(rate=5, burst=15)
# `sync` and `control`, keyed on the participant (staff: the user; a screen: its socket):
# the same pace, in a bucket of their own so that driving never eats answers' tokens.
control_limiter = TokenBucket(rate=5, burst=15)
