"""The one envelope every canonical event travels in."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from schemas.base import Canonical, Timestamp
from schemas.events import EventPayload


class SourceSystem(StrEnum):
    ERP = "erp"
    SHOPIFY = "shopify"
    NUVEMSHOP = "nuvemshop"
    TRAY = "tray"
    VTEX = "vtex"
    PONTE = "ponte"


class EventEnvelope(Canonical):
    event_id: str = Field(description="Unique id of this event (uuid).")
    type: str = Field(
        description="Payload type, repeated so a consumer can route without parsing it."
    )
    integration_id: str
    source: SourceSystem
    entity_key: str = Field(description="The entity this event is about, e.g. 'order:4501'.")
    occurred_at: Timestamp = Field(description="When it happened at the source.")
    received_at: Timestamp = Field(description="When Ponte first received it (webhook or poll).")
    idempotency_key: str = Field(
        description="Same key, same effect: duplicates carry the same one."
    )
    trace_id: str = Field(description="Follows one change across topics and systems.")
    config_version: int = Field(
        ge=0, description="Integration version whose settings were applied."
    )
    payload: EventPayload

    @model_validator(mode="after")
    def _type_matches_payload(self) -> EventEnvelope:
        if self.type != self.payload.type:
            raise ValueError(
                f"envelope type {self.type!r} does not match payload {self.payload.type!r}"
            )
        return self
