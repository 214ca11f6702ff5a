"""The history of one record of one integration: every event and every outgoing request."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.base import Canonical, Timestamp


class Step(StrEnum):
    RECEIVED = "received"
    APPLIED = "applied"
    SENT = "sent"
    SKIPPED = "skipped"
    HELD = "held"
    PARKED = "parked"
    RESOLVED = "resolved"
    IGNORED = "ignored"
    RETRIED = "retried"
    LINKED = "linked"


class HistoryEntry(Canonical):
    integration_id: str
    entity_key: str = Field(description="e.g. 'order:4501', 'product:CAM-01'.")
    event_id: str | None = None
    event_type: str | None = None
    step: Step
    outcome: str = Field(description="ok, failed, duplicate, ... in a word.")
    detail: str = ""
    config_version: int = Field(0, ge=0)
    request: str | None = Field(None, description="The outgoing call, e.g. 'POST /pedidos'.")
    status_code: int | None = None
    search_keys: list[str] = Field(
        default_factory=list, description="Platform code, SKU, EAN or order number to find it by."
    )
    at: Timestamp
