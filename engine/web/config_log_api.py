"""Admin API of an integration's config log: its versions, one version, a diff, a restore.

Snapshots are shown like the integration itself: credentials never, only whether each is set.
A restore writes a NEW version whose Configurações, Mapeamentos and Automações equal the old
version's; access, credentials and status stay current.
"""

from __future__ import annotations

from typing import Any

from faust.web import Request, Response, View

from engine.config_changes import diff, next_version
from engine.configuration import restored_parts, version_summary
from engine.context import Engine
from engine.integrations import public_view
from engine.web.api import AdminView, ApiError, actor_of, integration_or_404
from engine.web.config_api import (
    INTEGRATION,
    connector_of,
    saved_view,
)
from schemas.config_change import ConfigChange


def logged_version(engine: Engine, integration_id: str, version: Any) -> ConfigChange:
    """Version ``version`` from the config log; 400 when not a number, 404 when unknown."""
    try:
        number = int(version)
    except (TypeError, ValueError) as exc:
        raise ApiError(400, "invalid", f"version must be a whole number, got {version!r}") from exc
    change = engine.views.config_log.version(integration_id, number)
    if change is None:
        known = [c.version for c in engine.views.config_log.of_integration(integration_id)]
        raise ApiError(
            404,
            "not_found",
            f"integration {integration_id!r} has no logged version {number}",
            logged=known,
        )
    return change


def versions_view(engine: Engine) -> type[View]:
    class ConfigVersions(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            current = integration_or_404(engine, integration_id)
            changes = engine.views.config_log.of_integration(integration_id)
            return self.json(
                {
                    "current_version": current.version,
                    "versions": [version_summary(c) for c in reversed(changes)],
                }
            )

    return ConfigVersions


def version_view(engine: Engine) -> type[View]:
    class ConfigVersion(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str, version: str) -> Response:
            integration_or_404(engine, integration_id)
            change = logged_version(engine, integration_id, version)
            return self.json(
                {
                    **version_summary(change),
                    "changes": [c.model_dump(mode="json") for c in change.changes],
                    "snapshot": public_view(change.snapshot, connector_of(change.snapshot)),
                }
            )

    return ConfigVersion


def diff_view(engine: Engine) -> type[View]:
    class ConfigDiff(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            integration_or_404(engine, integration_id)
            if "from" not in request.query or "to" not in request.query:
                raise ApiError(400, "invalid", "send ?from=<version>&to=<version>")
            older = logged_version(engine, integration_id, request.query["from"])
            newer = logged_version(engine, integration_id, request.query["to"])
            changes = diff(older.snapshot, newer.snapshot)
            return self.json(
                {
                    "from": older.version,
                    "to": newer.version,
                    "changes": [c.model_dump(mode="json") for c in changes],
                }
            )

    return ConfigDiff


def restore_view(engine: Engine) -> type[View]:
    class ConfigRestore(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str, version: str) -> Response:
            current = integration_or_404(engine, integration_id)
            old = logged_version(engine, integration_id, version)
            parts = restored_parts(old)
            if all(getattr(current, part) == value for part, value in parts.items()):
                raise ApiError(
                    409,
                    "nothing_to_restore",
                    f"the current version already has version {old.version}'s settings, "
                    "mappings and automations",
                )
            after = next_version(current, actor_of(request), **parts)
            view = await saved_view(engine, current, after, "restore")
            return self.json({**view, "restored_from": old.version}, status=201)

    return ConfigRestore


def config_log_views(engine: Engine) -> dict[str, type[View]]:
    """Path -> view of the config log routes."""
    return {
        f"{INTEGRATION}/config/versions": versions_view(engine),
        f"{INTEGRATION}/config/versions/{{version}}": version_view(engine),
        f"{INTEGRATION}/config/versions/{{version}}/restore": restore_view(engine),
        f"{INTEGRATION}/config/diff": diff_view(engine),
    }
