"""Incremental reading that never skips a record: a saved cursor, an overlap window, and the
records already seen inside it.

Platforms filter by ``updated_at >= since`` with second precision, clocks drift, and several
records share one timestamp. So the next read starts ``overlap`` before the newest timestamp
seen, and records inside that window that were already read (same id, same updated_at) are
dropped. Pure functions; the engine stores the cursor (it survives restarts).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict

DEFAULT_OVERLAP = timedelta(minutes=5)


class SyncCursor(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    since: AwareDatetime | None = None
    seen: frozenset[str] = frozenset()
    """``"{id}@{updated_at}"`` of records read within the overlap window."""


def read_from(cursor: SyncCursor, overlap: timedelta = DEFAULT_OVERLAP) -> datetime | None:
    """The ``updated_at_min`` to ask the platform for."""
    return None if cursor.since is None else cursor.since - overlap


def _mark(record_id: str, updated_at: datetime) -> str:
    return f"{record_id}@{updated_at.isoformat()}"


def is_new(cursor: SyncCursor, record_id: str, updated_at: datetime) -> bool:
    """False for a record this cursor has already delivered."""
    return _mark(record_id, updated_at) not in cursor.seen


def advance(
    cursor: SyncCursor,
    records: Iterable[tuple[str, datetime]],
    overlap: timedelta = DEFAULT_OVERLAP,
) -> SyncCursor:
    """The cursor after ``records`` (id, updated_at) were delivered."""
    stamps = list(records)
    if not stamps and cursor.since is None:
        return cursor
    newest = max(
        [cursor.since, *(at for _, at in stamps)], key=lambda at: at.timestamp() if at else 0
    )
    assert newest is not None
    window_start = newest - overlap
    kept = {
        mark
        for mark in cursor.seen
        if datetime.fromisoformat(mark.rsplit("@", 1)[1]) >= window_start
    }
    kept.update(_mark(record_id, at) for record_id, at in stamps if at >= window_start)
    return SyncCursor(since=newest, seen=frozenset(kept))
