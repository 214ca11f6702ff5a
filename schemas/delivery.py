"""A notification exactly as a platform or ERP delivered it, before any mapping.

Kept raw (headers and body as received) so the mapping can be replayed after a fix.
"""

from __future__ import annotations

from pydantic import ConfigDict, Field

from schemas.base import Canonical, Timestamp
from schemas.envelope import SourceSystem


class Delivery(Canonical):
    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=False
    )  # body kept byte for byte

    delivery_id: str = Field(description="Id of this delivery (the platform's, or ours).")
    event_id: str | None = Field(None, description="The platform's event id, shared by duplicates.")
    integration_id: str
    source: SourceSystem
    topic: str = Field(description="What the platform says happened, e.g. 'orders/create'.")
    entity_key: str
    headers: dict[str, str] = Field(description="Delivery headers, lower-cased; no secrets.")
    body: str = Field(description="The raw body, as received (UTF-8 JSON or form).")
    needs_fetch: bool = Field(
        False, description="A thin notification: the record must be read from the platform."
    )
    received_at: Timestamp
    trace_id: str
