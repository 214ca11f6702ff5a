"""A record that could not be applied, parked in its integration's error list until an
operator retries it (optionally edited) or ignores it, or a later event resolves it."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.base import Canonical, Timestamp
from schemas.envelope import EventEnvelope


class ErrorClass(StrEnum):
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    CONFIGURATION = "configuration"
    AUTH = "auth"
    MAPPING = "mapping"
    PREREQUISITE = "prerequisite"


class ParkedRecord(Canonical):
    integration_id: str
    entity_key: str
    error_class: ErrorClass
    reason: str = Field(description="What went wrong, in words an operator can act on.")
    platform_answer: str | None = Field(None, description="The far side's answer (redacted).")
    source_topic: str = Field(description="The declared topic the record came from.")
    envelope: EventEnvelope
    attempts: int = Field(1, ge=1)
    config_version: int = Field(0, ge=0)
    parked_at: Timestamp

    @property
    def key(self) -> str:
        return f"{self.integration_id}:{self.entity_key}"
