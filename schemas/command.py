"""An outgoing command: one ERP change to apply on one integration's platform.

The ``envelope`` is the canonical event that caused it, already addressed to the integration
(``envelope.integration_id`` is the integration, not "erp"), so a failure parks it in that
integration's error list and its history follows the same entity key.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from schemas.base import Canonical, ExternalId, Timestamp
from schemas.envelope import EventEnvelope


class CommandKind(StrEnum):
    """What the platform sink does; the values are the Automações that allow it."""

    PRODUCT_EXPORT = "product_export"
    PRICE_EXPORT = "price_export"
    STOCK_EXPORT = "stock_export"
    ORDER_STATUS_EXPORT = "order_status_export"


class CommandOrigin(StrEnum):
    LIVE = "live"
    JOB = "job"


EXPECTED_PAYLOAD: dict[CommandKind, str] = {
    CommandKind.PRODUCT_EXPORT: "product.changed",
    CommandKind.PRICE_EXPORT: "price.changed",
    CommandKind.STOCK_EXPORT: "stock.changed",
    CommandKind.ORDER_STATUS_EXPORT: "order.status_changed",
}


class PlatformCommand(Canonical):
    command_id: str = Field(description="Unique per command; a job's command is deterministic.")
    integration_id: str
    entity_key: str = Field(
        description="product:<sku>, price:<sku>, stock:<sku> or order:<platform order id>."
    )
    kind: CommandKind
    envelope: EventEnvelope = Field(
        description="The canonical event, addressed to the integration."
    )
    config_version: int = Field(ge=0, description="Integration version the command was made under.")
    occurred_at: Timestamp = Field(
        description="When the change was true at the source (stock: measured_at); older never "
        "overwrites newer."
    )
    origin: CommandOrigin = CommandOrigin.LIVE
    job_id: str | None = Field(None, description="The manual action (Exportar) that asked for it.")
    platform_id: ExternalId | None = Field(
        None, description="The platform's id of the record when already known (order moves)."
    )

    @model_validator(mode="after")
    def _payload_fits_kind(self) -> PlatformCommand:
        if self.envelope.type != EXPECTED_PAYLOAD[self.kind]:
            raise ValueError(f"{self.kind.value} carries {EXPECTED_PAYLOAD[self.kind]!r} events")
        if self.envelope.integration_id != self.integration_id:
            raise ValueError("the envelope must be addressed to the command's integration")
        return self

    @property
    def key(self) -> str:
        return f"{self.integration_id}:{self.entity_key}"
