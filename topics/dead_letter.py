"""What a dead-letter topic holds: the record that could not be processed, and why."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from schemas.base import Canonical, Timestamp


class DeadLetter(Canonical):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=False
    )  # value kept as it was

    source_topic: str
    source_partition: int
    source_offset: int
    key: str | None
    value: str = Field(description="The failed record's value, as it was (UTF-8).")
    reason: str = Field(description="What went wrong, for a person to act on.")
    error_type: str = Field(description="The error's class name (Permanent, ValidationError...).")
    attempts: int = Field(ge=1)
    failed_at: Timestamp
