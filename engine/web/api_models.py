"""The admin API's answers and loose request bodies as pydantic models, for its OpenAPI document.

Views build most answers as dicts (``public_view``, ``automations_view`` ...); these models say
what those dicts hold, so the document is generated from models and the fuzzing test checks
every answer against them. They live apart from the views because the views' modules are
edited by others at the same time; a model here changes with its view's answer.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, RootModel, create_model

from schemas.automation import Automation, Automations
from schemas.config_change import FieldChange
from schemas.history import HistoryEntry
from schemas.integration import IntegrationSettings
from schemas.job import Job
from schemas.link import Link
from schemas.mapping import MappingRule


class Answer(BaseModel):
    """An answer may grow new keys; clients ignore the ones they do not know."""

    model_config = ConfigDict(extra="allow")


class ApiErrorDetail(Answer):
    code: str = Field(description="What went wrong, for programs: not_found, invalid, ...")
    message: str = Field(description="What went wrong and what to do, for a person.")
    fields: list[dict[str, str]] | None = Field(
        None, description="invalid bodies: each field at fault and why."
    )


class ApiErrorAnswer(BaseModel):
    """Every error of the admin API."""

    error: ApiErrorDetail


class HeldHint(Answer):
    held: dict[str, int] | None = Field(
        None, description="Events held while off, per automation: process or discard them."
    )
    held_hint: str | None = None


class IntegrationView(HeldHint):
    """An integration as the API shows it: secrets never, only whether each one is set."""

    id: str
    platform: str
    name: str
    connection: dict[str, str | int | float | bool | None]
    credentials: dict[str, str] = Field(description='Each secret: "set" or "not set".')
    settings: IntegrationSettings
    mappings: list[MappingRule]
    automations: Automations
    status: str = Field(description="active, paused or error")
    status_reason: str | None
    version: int
    created_at: str
    updated_at: str
    updated_by: str


class IntegrationList(Answer):
    integrations: list[IntegrationView]


class RestoredIntegration(IntegrationView):
    restored_from: int


class Deleted(Answer):
    deleted: str
    version: int


class ConnectionAnswer(Answer):
    """Testar Conexão: a refused token is an answer (ok false), not an API error."""

    ok: bool
    outcome: str
    message: str = Field(description="The answer in pt-BR, as the screen shows it.")
    detail: str | None
    store_name: str | None


class SettingsAnswer(Answer):
    version: int
    settings: IntegrationSettings
    platform_extras_schema: dict[str, Any] | None


class SettingsPatch(RootModel[dict[str, Any]]):
    """Body of PATCH .../settings: a JSON merge patch (RFC 7396) of Configurações; ``null``
    puts a field back to its default. The result is validated like a whole PUT."""


class SwitchPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool | None = None
    interval_seconds: int | None = Field(None, ge=1, description="Scheduled automations only.")


_SWITCHES: dict[str, Any] = {a.value: (SwitchPatch | None, None) for a in Automation}
AutomationsPatch: type[BaseModel] = create_model(
    "AutomationsPatch",
    __config__=ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1}),
    __doc__="Body of PATCH .../automations: the switches to change (a merge patch).",
    **_SWITCHES,
)


class SwitchView(Answer):
    name: str
    enabled: bool
    interval_seconds: int | None
    minimum_interval_seconds: int | None
    description: str | None
    held: int


class AutomationGroupView(Answer):
    group: str
    automations: list[SwitchView]


class AutomationsAnswer(HeldHint):
    version: int
    groups: list[AutomationGroupView]


class HeldItem(Answer):
    automation: str
    entity_key: str
    event_type: str
    event_id: str
    occurred_at: str
    held_at: str
    source_topic: str


class HeldList(Answer):
    count: int
    by_automation: dict[str, int]
    items: list[HeldItem]


class HeldDecisionAnswer(Answer):
    action: str
    count: int
    held_left: int


class VersionSummary(Answer):
    version: int
    actor: str
    at: str
    action: str
    changed: list[str]


class ConfigVersions(Answer):
    current_version: int
    versions: list[VersionSummary]


class ConfigVersion(VersionSummary):
    changes: list[FieldChange]
    snapshot: IntegrationView


class ConfigDiff(Answer):
    from_version: int = Field(alias="from")
    to: int
    changes: list[FieldChange]


class MappingsAnswer(Answer):
    version: int
    mappings: list[MappingRule]
    targets: list[str]


class PreviewedEvent(Answer):
    event_id: str
    type: str
    entity_key: str
    topic: str
    received_at: str
    outcome: str = Field(description="ok, mapping_missing, refused or not_mapped")
    reason: str | None = None
    direction: str | None = None
    payload: Any = None


class PreviewAnswer(Answer):
    version: int
    draft: bool
    events: list[PreviewedEvent]


class LinksAnswer(Answer):
    query: str
    links: list[Link]


class MatchAnswer(Answer):
    dry_run: bool
    linked: int
    erp_products: int
    platform_products: int
    counts: dict[str, int]
    matched: list[dict[str, Any]]
    already_linked: list[dict[str, Any]]
    conflicts: list[dict[str, Any]]
    only_in_erp: list[dict[str, Any]]
    only_on_platform: list[dict[str, Any]]


class EntityHistory(Answer):
    entity_key: str
    entries: list[dict[str, Any]]


class HistoryAnswer(Answer):
    """Without q: the recent ``entries``; with q: the matching ``links`` and ``entities``."""

    query: str
    entries: list[dict[str, Any]] | None = Field(
        None, description=f"Recent entries, each a {HistoryEntry.__name__} minus integration_id."
    )
    links: list[Link] | None = None
    entities: list[EntityHistory] | None = None


class ParkedView(Answer):
    entity_key: str
    error_class: str
    reason: str
    platform_answer: str | None
    attempts: int
    parked_at: str
    config_version: int
    source_topic: str
    event_id: str
    event_type: str
    payload: dict[str, Any]


class ErrorsAnswer(Answer):
    count: int
    errors: list[ParkedView]


class RetryAnswer(Answer):
    entity_key: str
    status: str
    topic: str
    config_version: int
    edited: bool
    message: str
    note: str | None = None


class IgnoreAnswer(Answer):
    entity_key: str
    status: str


class JobsAnswer(Answer):
    jobs: list[Job]


class JobCancelAnswer(Answer):
    cancel: str
    job: Job


class RunAnswer(Answer):
    job: Job


class ScheduleLine(Answer):
    automation: str
    enabled: bool
    interval_seconds: int
    last_started_at: str | None
    next_due_at: str | None


class RunsAnswer(Answer):
    schedule: list[ScheduleLine] | None = None
    runs: list[Job]


class OpenApiAnswer(Answer):
    openapi: str
    info: dict[str, Any]
    paths: dict[str, Any]
