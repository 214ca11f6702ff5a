"""A record kept as the bytes it was written as, behind 8 bytes of one of its instants.

The instant (microseconds since the epoch, big-endian) lets a view sort its records by time
without decoding them: the 8-byte prefixes sort as the instants do. The views keep records this
way instead of as pydantic objects (about a third of the memory) and decode only what a query
returns.
"""

from __future__ import annotations

from datetime import datetime

STAMP = 8


def stamped(at: datetime, value: bytes) -> bytes:
    micros = max(0, int(at.timestamp() * 1_000_000))
    return micros.to_bytes(STAMP, "big") + value


def stamp_of(stored: bytes) -> bytes:
    """The sort key: compares as the instants do."""
    return stored[:STAMP]


def value_of(stored: bytes) -> bytes:
    """The record as it was written."""
    return stored[STAMP:]
