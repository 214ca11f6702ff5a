"""Admin API of an integration's configuration: Configurações, Automações, pause and resume,
rename and access, delete, and its held events.

Every change is a new version written through ``engine.config_changes.save_version`` (audited
with the actor) and answered only once this worker sees it (read-your-writes). The config log
routes live in ``config_log_api``, the held-event views in ``held_api``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from faust.web import Request, Response, View
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.capabilities import ConnectorSpec
from connectors.registry import PLATFORMS
from engine.config_changes import next_version, save_version
from engine.configuration import (
    Refused,
    automations_view,
    merge_patch,
    patched_automations,
    patched_settings,
    settings_from,
    turned_on,
)
from engine.context import Engine
from engine.held_replay import held_counts
from engine.integrations import public_view, split_settings, url_policy
from engine.state.config_log import log_change
from engine.web.api import (
    READ_YOUR_WRITES_SECONDS,
    AdminView,
    ApiError,
    actor_of,
    integration_or_404,
    json_body,
    parse,
)
from engine.web.held_api import held_decision_view, held_view
from engine.web.responses import validation_details
from schemas.config_change import ConfigChange
from schemas.integration import Integration, IntegrationStatus
from topics.registry import INTEGRATIONS

INTEGRATION = "/api/v1/integrations/{integration_id}"
integration_of = integration_or_404  # the name other admin views import from here


class IntegrationChange(BaseModel):
    """Body of PATCH /api/v1/integrations/{id}: a new name and/or access fields to change."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, min_length=1, max_length=120)
    access: dict[str, Any] | None = Field(
        None, description="Access fields to change; secrets left out keep their value."
    )


class PauseRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str | None = Field(None, max_length=300)


def connector_of(integration: Integration) -> ConnectorSpec:
    return PLATFORMS[integration.platform]


def refusal(exc: Refused) -> ApiError:
    if exc.fields:
        return ApiError(exc.status, exc.code, exc.message, fields=exc.fields)
    return ApiError(exc.status, exc.code, exc.message)


async def optional_body(request: Request) -> Any:
    """A JSON body, or ``{}`` when the request has none."""
    return await json_body(request) if await request.read() else {}


# One configuration change at a time in this worker: a second change made from the same
# version is refused (409) instead of overwriting the first (a lost update).
_ONE_CHANGE_AT_A_TIME = asyncio.Lock()


async def saved(engine: Engine, before: Integration, after: Integration, action: str) -> None:
    """Write ``after`` and its config-log entry; return once this worker sees both.

    Refused with 409 when the integration changed since ``before`` was read."""
    async with _ONE_CHANGE_AT_A_TIME:
        current = engine.registry.get(before.id)
        if current is None or current.version != before.version:
            now = "deleted" if current is None else f"now version {current.version}"
            raise ApiError(
                409,
                "changed_meanwhile",
                f"integration {before.id!r} changed while this change was made ({now}); "
                "read it again and retry",
            )
        await save_version(engine, before, after, action)
        await _visible(engine, after)


async def _visible(engine: Engine, after: Integration) -> None:
    log = engine.views.config_log
    try:
        await engine.registry.wait_for_version(after.id, after.version, READ_YOUR_WRITES_SECONDS)
        await log.wait_until(
            lambda: log.version(after.id, after.version) is not None, READ_YOUR_WRITES_SECONDS
        )
    except TimeoutError as exc:
        raise ApiError(
            503, "not_visible_yet", "saved, but not visible yet; read it again shortly"
        ) from exc


def held_waiting(engine: Engine, before: Integration, after: Integration) -> dict[str, int]:
    """Held events of the automations this change turned on (or resumed): the operator decides."""
    counts = held_counts(engine, after.id)
    if before.status is not IntegrationStatus.ACTIVE and after.status is IntegrationStatus.ACTIVE:
        return counts
    return {
        a.value: counts[a.value]
        for a in turned_on(before.automations, after.automations)
        if counts.get(a.value)
    }


def decision_hint(integration_id: str, waiting: dict[str, int]) -> dict[str, Any]:
    if not waiting:
        return {}
    return {
        "held": waiting,
        "held_hint": (
            f"events were held while off: POST {INTEGRATION.format(integration_id=integration_id)}"
            '/held/<automation> with {"action": "process"} or {"action": "discard"}'
        ),
    }


async def saved_view(
    engine: Engine, before: Integration, after: Integration, action: str
) -> dict[str, Any]:
    """Save ``after``, then answer with it and the held events the change leaves to decide."""
    await saved(engine, before, after, action)
    waiting = held_waiting(engine, before, after)
    return {**public_view(after, connector_of(after)), **decision_hint(after.id, waiting)}


def settings_body(integration: Integration) -> dict[str, Any]:
    extras = connector_of(integration).extras
    return {
        "version": integration.version,
        "settings": integration.settings.model_dump(mode="json"),
        "platform_extras_schema": None if extras is None else extras.model_json_schema(),
    }


def automations_body(engine: Engine, integration: Integration) -> dict[str, Any]:
    return {
        "version": integration.version,
        "groups": automations_view(integration.automations, held_counts(engine, integration.id)),
    }


def settings_view(engine: Engine) -> type[View]:
    class IntegrationSettingsView(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            return self.json(settings_body(integration_or_404(engine, integration_id)))

        async def put(self, request: Request, integration_id: str) -> Response:
            return await self._change(request, integration_id, replace=True)

        async def patch(self, request: Request, integration_id: str) -> Response:
            return await self._change(request, integration_id, replace=False)

        async def _change(self, request: Request, integration_id: str, replace: bool) -> Response:
            current = integration_or_404(engine, integration_id)
            body = await json_body(request)
            try:
                connector = connector_of(current)
                settings = (
                    settings_from(body, connector)
                    if replace
                    else patched_settings(current.settings, body, connector)
                )
            except Refused as exc:
                raise refusal(exc) from exc
            if settings == current.settings:
                return self.json(settings_body(current))
            after = next_version(current, actor_of(request), settings=settings)
            await saved(engine, current, after, "settings")
            return self.json(settings_body(after))

    return IntegrationSettingsView


def automations_api_view(engine: Engine) -> type[View]:
    class IntegrationAutomationsView(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            return self.json(automations_body(engine, integration_or_404(engine, integration_id)))

        async def patch(self, request: Request, integration_id: str) -> Response:
            current = integration_or_404(engine, integration_id)
            try:
                automations = patched_automations(current.automations, await json_body(request))
            except Refused as exc:
                raise refusal(exc) from exc
            if automations == current.automations:
                return self.json(automations_body(engine, current))
            after = next_version(current, actor_of(request), automations=automations)
            await saved(engine, current, after, "automations")
            waiting = held_waiting(engine, current, after)
            return self.json(
                {**automations_body(engine, after), **decision_hint(after.id, waiting)}
            )

    return IntegrationAutomationsView


def status_view(engine: Engine, status: IntegrationStatus) -> type[View]:
    """POST .../pause or .../resume; answering with the current record when already there."""
    action = "pause" if status is IntegrationStatus.PAUSED else "resume"

    class IntegrationStatusView(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str) -> Response:
            current = integration_or_404(engine, integration_id)
            body = parse(PauseRequest, await optional_body(request), f"{action} request")
            actor = actor_of(request)
            if current.status is status:
                return self.json(public_view(current, connector_of(current)))
            reason = (body.reason or f"paused by {actor}") if action == "pause" else None
            after = next_version(current, actor, status=status, status_reason=reason)
            return self.json(await saved_view(engine, current, after, action))

    return IntegrationStatusView


def integration_lifecycle_view(engine: Engine, detail: type[View]) -> type[View]:
    """The integration's own path: GET (``detail``) plus PATCH (name, access) and DELETE."""

    class IntegrationLifecycle(detail, AdminView):  # type: ignore[valid-type,misc]
        ponte = engine

        async def patch(self, request: Request, integration_id: str) -> Response:
            current = integration_or_404(engine, integration_id)
            change = parse(IntegrationChange, await json_body(request), "change")
            if change.name is None and change.access is None:
                raise ApiError(400, "invalid", "send a new name and/or access fields to change")
            updates: dict[str, Any] = {} if change.name is None else {"name": change.name}
            if change.access is not None:
                updates.update(access_updates(engine, current, change.access))
            after = next_version(current, actor_of(request), **updates)
            await saved(engine, current, after, "access" if change.access else "rename")
            return self.json(public_view(after, connector_of(after)))

        async def delete(self, request: Request, integration_id: str) -> Response:
            current = integration_or_404(engine, integration_id)
            counts = held_counts(engine, integration_id)
            if counts:
                raise ApiError(
                    409,
                    "held_events",
                    f"{sum(counts.values())} events are held for this integration; process or "
                    "discard them first (GET .../held)",
                    held=counts,
                )
            await delete_integration(engine, current, actor_of(request))
            return self.json({"deleted": integration_id, "version": current.version + 1})

    return IntegrationLifecycle


def access_updates(engine: Engine, current: Integration, access: dict[str, Any]) -> dict[str, Any]:
    """New connection and sealed credentials from changed access fields; the secrets left out
    keep their value, and unchanged secrets keep their ciphertext (no spurious change)."""
    connector = connector_of(current)
    opened = engine.sealer.open(current.credentials)
    merged = merge_patch({**current.connection, **opened}, access)
    try:
        validated = connector.settings.model_validate(
            merged, context=url_policy(engine.settings.allow_private_urls)
        )
    except ValidationError as exc:
        raise ApiError(
            400,
            "invalid_access",
            "the access fields are not valid",
            fields=validation_details(exc),
        ) from exc
    connection, sealed = split_settings(validated, connector)
    credentials = current.credentials if sealed == opened else engine.sealer.seal(sealed)
    return {"connection": connection, "credentials": credentials, "sealed_fields": sorted(sealed)}


async def delete_integration(engine: Engine, current: Integration, actor: str) -> None:
    """Log the deletion, then tombstone the integration; every worker forgets it."""
    last = next_version(current, actor)
    await log_change(
        engine.topics,
        ConfigChange(
            integration_id=current.id,
            version=last.version,
            actor=actor,
            at=last.updated_at,
            action="delete",
            snapshot=last,
        ),
    )
    await (await engine.topics[INTEGRATIONS].send(key=current.id.encode(), value=None))
    try:
        await engine.registry.wait_deleted(current.id, READ_YOUR_WRITES_SECONDS)
    except TimeoutError as exc:
        raise ApiError(503, "not_visible_yet", "deleted, but still visible here shortly") from exc


def config_views(engine: Engine) -> dict[str, type[View]]:
    """Path -> view of every configuration route but the integration's own path."""
    return {
        f"{INTEGRATION}/settings": settings_view(engine),
        f"{INTEGRATION}/automations": automations_api_view(engine),
        f"{INTEGRATION}/pause": status_view(engine, IntegrationStatus.PAUSED),
        f"{INTEGRATION}/resume": status_view(engine, IntegrationStatus.ACTIVE),
        f"{INTEGRATION}/held": held_view(engine),
        f"{INTEGRATION}/held/{{automation}}": held_decision_view(engine),
    }
