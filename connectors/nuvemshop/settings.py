"""Settings of one Nuvemshop store integration: which store, which credentials, which API."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationInfo, field_validator

from connectors.urls import allow_private, checked_url

_STORE_ID = re.compile(r"^[0-9]{1,20}$")
_API_VERSION = re.compile(r"^(v1|\d{4}-(0[1-9]|1[0-2]))$")
# "AppName (contact)": a name, then an e-mail or URL in parentheses, as the docs require.
_USER_AGENT = re.compile(
    r"^[^()\s][^()]*\s\((?:[^()\s@]+@[^()\s@]+\.[^()\s@]+|https?://[^()\s]+)\)$"
)

DEFAULT_BASE_URL = "https://api.nuvemshop.com.br"


class NuvemshopSettings(BaseModel):
    """Credentials and options for one Nuvemshop store."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    store_id: str = Field(
        description="The numeric store id (the `user_id` returned by the OAuth token call).",
        examples=["123456"],
    )
    access_token: SecretStr = Field(
        description="The app's access token for this store, sent as `Authentication: bearer`.",
    )
    app_secret: SecretStr = Field(
        description="The app's client secret; Nuvemshop signs every webhook body with it.",
    )
    user_agent: str = Field(
        description="Mandatory `User-Agent`, `AppName (contact)`; Nuvemshop answers 400 without it.",
        examples=["Ponte (integracoes@minhaloja.com.br)"],
    )
    api_version: str = Field(
        default="2025-03",
        description="API version in the path: `v1` (legacy) or a dated version such as `2025-03`.",
    )
    base_url: str = Field(
        default=DEFAULT_BASE_URL,
        description="Where the API lives; https with a public host outside sandbox/dev mode.",
    )
    timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        le=120,
        description="How long one HTTP call may take before it counts as a timeout.",
    )

    @field_validator("store_id", mode="before")
    @classmethod
    def _check_store_id(cls, value: object) -> str:
        text = str(value).strip()
        if not _STORE_ID.match(text):
            raise ValueError("must be the numeric store id, e.g. 123456")
        return text

    @field_validator("user_agent")
    @classmethod
    def _check_user_agent(cls, value: str) -> str:
        text = value.strip()
        if not _USER_AGENT.match(text):
            raise ValueError(
                "must read `AppName (contact e-mail or URL)`, e.g. `Ponte (ti@loja.com)`"
            )
        return text

    @field_validator("api_version")
    @classmethod
    def _check_api_version(cls, value: str) -> str:
        if not _API_VERSION.match(value):
            raise ValueError("must be `v1` or a dated version such as `2025-03`")
        return value

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str, info: ValidationInfo) -> str:
        return checked_url(value, allow_private=allow_private(info))

    @property
    def api_root(self) -> str:
        """`{base_url}/{version}/{store_id}`: every resource path hangs off it."""
        return f"{self.base_url}/{self.api_version}/{self.store_id}"


class NuvemshopExtras(BaseModel):
    """Configurações specific to Nuvemshop (validated into the integration's platform_extras)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    location_id: str | None = Field(
        default=None,
        pattern=r"^[0-9A-Za-z]{1,64}$",
        description=(
            "Multi-inventory stores: the location (ULID-like id) whose stock is written through "
            "`inventory_levels`. None: a single-location store, stock set on the variant."
        ),
    )
