"""Integrations as data: creating a record from what an operator typed, and showing it back.

Pure functions. Secret fields (SecretStr in the connector's settings model) are sealed into the
record's ``credentials``; everything else is kept readable in ``connection``.
"""

from __future__ import annotations

import re
import typing
import unicodedata
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from connectors.capabilities import ConnectorSpec
from connectors.urls import PRIVATE_URLS_CONTEXT
from engine.sealing import CredentialSealer
from schemas.integration import Automations, ConnectionValue, Integration, IntegrationSettings

# Path segments the screen and the API use beside an integration's id (/plataformas/incluir,
# /api/v1/integrations/test-connection): an integration with such an id could not be reached.
RESERVED_IDS = frozenset({"incluir", "test-connection"})


class IntegrationCreate(BaseModel):
    """Body of POST /api/v1/integrations."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]{1,62}$")
    platform: str
    name: str = Field(min_length=1, max_length=120)
    access: dict[str, Any] = Field(description="The platform's access fields (its settings model).")
    settings: IntegrationSettings = IntegrationSettings()
    automations: Automations = Automations()

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str | None) -> str | None:
        if value in RESERVED_IDS:
            taken = ", ".join(sorted(RESERVED_IDS))
            raise ValueError(
                f"{value!r} is reserved by the screen and the API ({taken}); choose another id"
            )
        return value


def secret_fields(settings_model: type[BaseModel]) -> frozenset[str]:
    """Names of the fields declared as SecretStr (or SecretStr | None)."""
    names = set()
    for name, field in settings_model.model_fields.items():
        annotation = field.annotation
        members = typing.get_args(annotation) or (annotation,)
        if SecretStr in members:
            names.add(name)
    return frozenset(names)


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:63]
    usable = len(text) >= 2 and text not in RESERVED_IDS
    return text if usable else f"integracao-{text}".rstrip("-")


def url_policy(allow_private_urls: bool) -> dict[str, bool]:
    """The validation context that tells settings models whether private URLs are allowed."""
    return {PRIVATE_URLS_CONTEXT: allow_private_urls}


def new_integration(
    request: IntegrationCreate,
    connector: ConnectorSpec,
    sealer: CredentialSealer,
    now: datetime,
    *,
    allow_private_urls: bool = False,
) -> Integration:
    """Validate the access fields against the connector's settings and seal the secrets.

    Raises pydantic.ValidationError naming the field at fault.
    """
    validated = connector.settings.model_validate(
        request.access, context=url_policy(allow_private_urls)
    )
    connection, sealed = split_settings(validated, connector)
    return Integration(
        id=request.id or slug(request.name),
        platform=connector.name,
        name=request.name,
        connection=connection,
        credentials=sealer.seal(sealed),
        sealed_fields=sorted(sealed),
        settings=request.settings,
        automations=request.automations,
        version=1,
        created_at=now,
        updated_at=now,
    )


def split_settings(
    validated: BaseModel, connector: ConnectorSpec
) -> tuple[dict[str, ConnectionValue], dict[str, str]]:
    """The readable part (connection) and the secrets (to seal) of a connector's settings."""
    secrets = secret_fields(connector.settings)
    connection: dict[str, ConnectionValue] = {}
    sealed: dict[str, str] = {}
    for name in validated.model_fields_set | _defaults(validated):
        value = getattr(validated, name)
        if name in secrets:
            if value is not None:
                sealed[name] = value.get_secret_value()
        else:
            connection[name] = value.isoformat() if isinstance(value, datetime) else value
    return connection, sealed


def with_settings(
    integration: Integration,
    connector: ConnectorSpec,
    validated: BaseModel,
    sealer: CredentialSealer,
    now: datetime,
) -> Integration:
    """The next version of an integration holding new connector settings (e.g. renewed tokens)."""
    connection, sealed = split_settings(validated, connector)
    return integration.model_copy(
        update={
            "connection": connection,
            "credentials": sealer.seal(sealed),
            "sealed_fields": sorted(sealed),
            "version": integration.version + 1,
            "updated_at": now,
        }
    )


def _defaults(model: BaseModel) -> set[str]:
    return {name for name in type(model).model_fields if getattr(model, name) is not None}


def connector_settings(
    integration: Integration,
    connector: ConnectorSpec,
    sealer: CredentialSealer,
    *,
    allow_private_urls: bool = False,
) -> Any:
    """The connector's settings model of an integration, credentials opened."""
    return connector.settings.model_validate(
        {**integration.connection, **sealer.open(integration.credentials)},
        context=url_policy(allow_private_urls),
    )


def public_view(integration: Integration, connector: ConnectorSpec) -> dict[str, Any]:
    """What the admin API shows: secrets are write-only, only whether each one is set."""
    view = integration.model_dump(mode="json", exclude={"credentials", "sealed_fields"})
    view["credentials"] = {
        name: "set" if name in integration.sealed_fields else "not set"
        for name in sorted(secret_fields(connector.settings))
    }
    return view
