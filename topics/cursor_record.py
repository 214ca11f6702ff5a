"""Where an incremental reader stopped, kept in a compacted topic so it survives restarts."""

from __future__ import annotations

from pydantic import Field

from schemas.base import Canonical, Timestamp


class CursorRecord(Canonical):
    name: str = Field(description="Which reader, e.g. 'erp:poll'.")
    cursor: str = Field(description="The reader's own cursor, as JSON text.")
    saved_at: Timestamp
