"""An event kept while the automation that would act on it was off."""

from __future__ import annotations

from schemas.base import Canonical, Timestamp
from schemas.envelope import EventEnvelope


class HeldEvent(Canonical):
    integration_id: str
    automation: str
    source_topic: str
    envelope: EventEnvelope
    held_at: Timestamp

    @property
    def key(self) -> str:
        return f"{self.integration_id}:{self.automation}:{self.envelope.entity_key}"
