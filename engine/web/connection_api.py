"""Testar Conexão: check a platform's access fields before saving them, or a saved integration.

    POST /api/v1/integrations/test-connection        {"platform", "access"}
    POST /api/v1/integrations/{id}/test-connection   the saved access

Both answer 200 with ``{"ok", "outcome", "message", "detail", "store_name"}``: a refused token
is an answer, not an API error. Invalid fields answer 400 naming each field.
"""

from __future__ import annotations

import asyncio
from typing import Any

from faust.web import Request, Response, View
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from connectors.contract import CheckOutcome, ConnectionCheck
from connectors.registry import PLATFORMS
from engine.context import Engine
from engine.integrations import url_policy
from engine.web.api import AdminView, ApiError, integration_or_404, json_body, parse
from engine.web.responses import validation_details
from engine.web.ui.words import CHECK_ANSWERS

CHECK_SECONDS = 30.0
ONE_TIME_FIELDS = ("code",)
"""Fields a platform exchanges on first use (Tray's authorization code): testing them before
saving would spend them, so such access is tested once saved."""


class ConnectionTest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    platform: str = Field(min_length=1, max_length=40)
    access: dict[str, Any] = Field(description="The platform's access fields, as typed.")


def check_answer(check: ConnectionCheck) -> dict[str, Any]:
    """A check as the screen shows it, the message in pt-BR."""
    return {
        "ok": check.ok,
        "outcome": check.outcome.value,
        "message": CHECK_ANSWERS[check.outcome],
        "detail": check.detail,
        "store_name": check.store_name,
    }


async def checked(client: Any) -> ConnectionCheck:
    try:
        result: ConnectionCheck = await asyncio.wait_for(client.test_connection(), CHECK_SECONDS)
    except TimeoutError:
        return ConnectionCheck(CheckOutcome.TIMEOUT, f"no answer within {CHECK_SECONDS:.0f}s")
    return result


def connection_views(engine: Engine) -> dict[str, type[View]]:
    """Path -> view of both test-connection routes."""

    class UnsavedConnectionTest(AdminView):
        ponte = engine

        async def post(self, request: Request) -> Response:
            asked = parse(ConnectionTest, await json_body(request), "connection test")
            spec = PLATFORMS.get(asked.platform)
            if spec is None or spec.client is None:
                known = ", ".join(sorted(PLATFORMS))
                raise ApiError(
                    400, "unknown_platform", f"platform {asked.platform!r} is not one of: {known}"
                )
            if any(asked.access.get(name) for name in ONE_TIME_FIELDS):
                raise ApiError(
                    409,
                    "save_first",
                    f"{spec.title} exchanges the one-time code on first use: save the "
                    "integration, then test its connection",
                )
            try:
                settings = spec.settings.model_validate(
                    asked.access, context=url_policy(engine.settings.allow_private_urls)
                )
            except ValidationError as exc:
                raise ApiError(
                    400,
                    "invalid_access",
                    "the access fields are not valid",
                    fields=validation_details(exc),
                ) from exc
            try:
                client = spec.client(settings)
            except ValueError as exc:  # valid fields the client cannot use, e.g. a rate of ~0
                raise ApiError(
                    400, "invalid_access", f"the access fields cannot be used: {exc}"
                ) from exc
            try:
                return self.json(check_answer(await checked(client)))
            finally:
                await client.aclose()

    class SavedConnectionTest(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str) -> Response:
            integration = integration_or_404(engine, integration_id)
            client = engine.platforms.for_integration(integration)
            return self.json(check_answer(await checked(client)))

    return {
        "/api/v1/integrations/test-connection": UnsavedConnectionTest,
        "/api/v1/integrations/{integration_id}/test-connection": SavedConnectionTest,
    }
