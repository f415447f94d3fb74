"""The per-participant token bucket in Redis: one allowance whichever process answers."""

from __future__ import annotations

import secrets

import pytest

from facilitation.live.ratelimit import TokenBucket
from tests import processes

redis = pytest.importorskip("redis")


@pytest.fixture
def client():
    if not processes.redis_reachable():
        processes.unavailable("Redis is not reachable at 127.0.0.1:6379")
    client = redis.Redis.from_url(processes.REDIS_URL, socket_timeout=2)
    yield client
    client.close()


def test_two_processes_share_one_phone_s_bucket_through_redis(client):
    prefix = f"fac-rl-test:{secrets.token_hex(4)}"
    here, there = TokenBucket(rate=0.001, burst=15), TokenBucket(rate=0.001, burst=15)
    here.use_redis(client, prefix)
    there.use_redis(client, prefix)  # another process: its own object, the same Redis
    assert all(here.allow(("participant", 42)) for _ in range(10))
    assert all(there.allow(("participant", 42)) for _ in range(5))
    assert not there.allow(("participant", 42))  # 15 used, wherever they were
    assert not here.allow(("participant", 42))
    assert here.allow(("participant", 43))  # another phone, on the same Wi-Fi: its own
    assert not here._buckets  # nothing was counted in memory


def test_redis_away_never_refuses_an_answer():
    dead = redis.Redis.from_url(f"redis://127.0.0.1:{processes.free_port()}/0", socket_timeout=0.5)
    bucket = TokenBucket(rate=5, burst=15)
    bucket.use_redis(dead, "fac-rl-test")
    assert all(bucket.allow(7) for _ in range(15))  # in memory meanwhile (one warning line)
    assert not bucket.allow(7)  # ... still a bucket
    assert bucket._redis_failed is True
