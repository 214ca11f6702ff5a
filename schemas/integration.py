"""An integration: one merchant's connection between the ERP and one platform account.

Records live in a compacted topic keyed by id; the latest version wins. Credentials are
stored only as ciphertext; the engine holds the key.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.base import Canonical, Timestamp

ConnectionValue = str | int | float | bool | None


class IntegrationStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ERROR = "error"


class Automations(Canonical):
    """Per-integration switches (Automações), grouped as the merchant sees them."""

    import_orders: bool = Field(True, description="Vendas: import platform orders into the ERP.")


class IntegrationSettings(Canonical):
    """Configurações shared by every platform."""

    erp_order_status: int = Field(0, description="ERP situacao given to new orders (0 Em aberto).")
    sales_channel: str | None = Field(None, description="ERP sales channel (canal de venda).")


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
    automations: Automations = Automations()
    status: IntegrationStatus = IntegrationStatus.ACTIVE
    version: int = Field(ge=1)
    created_at: Timestamp
    updated_at: Timestamp
