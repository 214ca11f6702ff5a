"""An integration: one merchant's connection between the ERP and one platform account.

Records live in a compacted topic keyed by id; the latest version wins. Credentials are
stored only as ciphertext; the engine holds the key.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from schemas.automation import Automations
from schemas.base import Canonical, Timestamp
from schemas.mapping import MappingRule

ConnectionValue = str | int | float | bool | None

__all__ = ["Automations", "Integration", "IntegrationSettings", "IntegrationStatus"]


class IntegrationStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ERROR = "error"


class Side(StrEnum):
    ERP = "erp"
    PLATFORM = "platform"


class OwnedField(StrEnum):
    """Product fields whose owner (the side whose value wins) the operator chooses."""

    NAME = "name"
    DESCRIPTION = "description"
    PRICE = "price"
    STOCK = "stock"
    IMAGES = "images"
    CATEGORIES = "categories"
    BRAND = "brand"


class DescriptionSource(StrEnum):
    DESCRIPTION = "description"
    SHORT_DESCRIPTION = "short_description"
    COMPLEMENT = "complement"


def _erp_owns_everything() -> dict[OwnedField, Side]:
    return dict.fromkeys(OwnedField, Side.ERP)


class IntegrationSettings(Canonical):
    """Configurações: the standard base every integration has."""

    sync_images: bool = Field(True, description="Send product images to the platform.")
    description_source: DescriptionSource = Field(
        DescriptionSource.DESCRIPTION, description="Which ERP text becomes the description."
    )
    price_list: str = Field(
        "default", min_length=1, description="ERP price list (lista de preços) sent."
    )
    send_promotional_price: bool = Field(
        True, description="Send the promotional price with its dates."
    )
    price_drop_guard_percent: Decimal | None = Field(
        None,
        ge=0,
        le=100,
        description="Hold back a price drop larger than this percentage (None: no guard).",
    )
    stock_warehouses: list[str] = Field(
        default_factory=list,
        description="ERP warehouses (depósitos) whose balances feed this integration; empty: all.",
    )
    stock_buffer: int = Field(
        0, ge=0, description="Safety buffer subtracted from the stock sent (estoque de segurança)."
    )
    stock_max_listed: int | None = Field(
        None, ge=0, description="Never list more than this quantity (None: no maximum)."
    )
    order_import_since: date | None = Field(
        None, description="Orders placed before this date are not imported."
    )
    erp_order_status: int = Field(0, description="ERP situacao given to new orders (0 Em aberto).")
    sales_channel: str | None = Field(None, description="ERP sales channel (canal de venda).")
    field_owner: dict[OwnedField, Side] = Field(
        default_factory=_erp_owns_everything,
        description="Which side owns each product field; the owner's value wins.",
    )
    platform_extras: dict[str, ConnectionValue] = Field(
        default_factory=dict,
        description="Platform-specific options, validated by the connector's extras model.",
    )


class Integration(Canonical):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    platform: str
    name: str = Field(min_length=1, max_length=120)
    connection: dict[str, ConnectionValue] = Field(
        default_factory=dict, description="The platform settings that are not secret."
    )
    credentials: str = Field(
        description="Ciphertext (Fernet) of the secret settings; never plaintext."
    )
    sealed_fields: list[str] = Field(
        default_factory=list, description="Names of the sealed secrets (no values)."
    )
    settings: IntegrationSettings = IntegrationSettings()
    mappings: list[MappingRule] = Field(default_factory=list, description="Mapeamentos.")
    automations: Automations = Automations()
    status: IntegrationStatus = IntegrationStatus.ACTIVE
    status_reason: str | None = Field(
        None, description="Why the integration is paused or in error (e.g. the auth failure)."
    )
    version: int = Field(ge=1)
    created_at: Timestamp
    updated_at: Timestamp
    updated_by: str = Field("system", description="Who wrote this version.")
