"""The minimal admin API: create and read integrations (bearer token)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from faust.web import Request, Response, View
from pydantic import ValidationError

from connectors.registry import PLATFORMS
from engine.config_changes import save_version
from engine.context import Engine
from engine.integrations import IntegrationCreate, new_integration, public_view
from engine.web.api import READ_YOUR_WRITES_SECONDS, AdminView, ApiError, actor_of, json_body
from engine.web.responses import validation_details
from schemas.integration import Integration


def _view(integration: Integration) -> dict[str, Any]:
    return public_view(integration, PLATFORMS[integration.platform])


def integrations_views(engine: Engine) -> tuple[type[View], type[View]]:
    class IntegrationList(AdminView):
        ponte = engine

        async def get(self, request: Request) -> Response:
            return self.json({"integrations": [_view(i) for i in engine.registry.all()]})

        async def post(self, request: Request) -> Response:
            created = await create_integration(engine, await json_body(request), actor_of(request))
            return self.json(_view(created), status=201)

    class IntegrationDetail(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            integration = engine.registry.get(integration_id)
            if integration is None:
                raise ApiError(404, "not_found", f"no integration {integration_id!r}")
            return self.json(_view(integration))

    return IntegrationList, IntegrationDetail


async def create_integration(engine: Engine, body: Any, actor: str = "admin") -> Integration:
    try:
        request = IntegrationCreate.model_validate(body)
    except ValidationError as exc:
        raise ApiError(
            400, "invalid", "the integration is not valid", fields=validation_details(exc)
        ) from exc
    connector = PLATFORMS.get(request.platform)
    if connector is None:
        known = ", ".join(sorted(PLATFORMS))
        raise ApiError(
            400, "unknown_platform", f"platform {request.platform!r} is not one of: {known}"
        )
    try:
        integration = new_integration(
            request,
            connector,
            engine.sealer,
            datetime.now(UTC),
            allow_private_urls=engine.settings.allow_private_urls,
        ).model_copy(update={"updated_by": actor})
    except ValidationError as exc:
        raise ApiError(
            400, "invalid_access", "the access fields are not valid", fields=validation_details(exc)
        ) from exc
    if engine.registry.get(integration.id) is not None:
        raise ApiError(409, "exists", f"integration {integration.id!r} already exists")
    await save_version(engine, None, integration, "create")
    try:
        await engine.registry.wait_for_version(
            integration.id, integration.version, READ_YOUR_WRITES_SECONDS
        )
    except TimeoutError as exc:
        raise ApiError(
            503, "not_visible_yet", "saved, but not visible yet; read it again shortly"
        ) from exc
    return integration
