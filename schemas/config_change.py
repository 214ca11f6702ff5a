"""The audited log of an integration's configuration: who changed what, and when."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from schemas.base import Canonical, Timestamp
from schemas.integration import Integration


class FieldChange(Canonical):
    path: str = Field(description="Dotted path, e.g. 'settings.stock_buffer'.")
    before: Any = None
    after: Any = None


class ConfigChange(Canonical):
    integration_id: str
    version: int = Field(ge=1)
    actor: str
    at: Timestamp
    action: str = Field(description="create, update, pause, resume, restore, delete ...")
    changes: list[FieldChange] = Field(default_factory=list)
    snapshot: Integration = Field(description="The whole version (credentials stay sealed).")
