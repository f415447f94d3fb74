"""A small publish/subscribe layer between the live-board services and the transport.

Services publish *what* changed (after committing); the Socket.IO layer subscribes
and decides *how* to tell clients. Services never import Socket.IO, and tests can
subscribe to see what would be broadcast.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

Handler = Callable[..., None]
_subscribers: dict[str, list[Handler]] = defaultdict(list)

# Topics
STATE = "state"  # what phones should show changed (activity, open/close, reveal, phase)
RESULTS = "results"  # answers or contributions changed: screens need new results
PRESENCE = "presence"  # someone joined, connected or left
CONTROL = "control"  # who may drive the board changed (handover, take back)
CONTRIBUTIONS = "contributions"  # a post-it or question is shown: phones update their list
TIMER = "timer"  # a countdown started: answers may close by themselves at its end


def subscribe(topic: str, handler: Handler) -> None:
    if handler not in _subscribers[topic]:
        _subscribers[topic].append(handler)


def unsubscribe(topic: str, handler: Handler) -> None:
    if handler in _subscribers[topic]:
        _subscribers[topic].remove(handler)


def publish(topic: str, board_id: int, **data) -> None:
    for handler in list(_subscribers[topic]):
        handler(board_id, **data)
