"""The demo's store on one platform: its sandbox (through the connector's kit), the integration
the engine holds for it, and the address the platform notifies."""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, SecretStr

from connectors.capabilities import ConnectorSpec
from connectors.contract import SandboxKit
from engine.demo.services import DemoConfig, DemoError


def demo_kit(spec: ConnectorSpec) -> SandboxKit:
    if spec.sandbox_kit is None:
        raise DemoError(f"{spec.title} has no sandbox to run the demo against")
    kit: SandboxKit = spec.sandbox_kit()
    return kit


def integration_id(platform: str) -> str:
    return f"loja-demo-{platform}"


def access_fields(settings: BaseModel) -> dict[str, Any]:
    """The settings as the admin API takes them: secrets revealed, values as JSON."""
    fields: dict[str, Any] = settings.model_dump(mode="json", exclude_unset=True)
    for name in fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            fields[name] = value.get_secret_value()
    return fields


def notification_address(config: DemoConfig, settings: BaseModel) -> str:
    """Where the platform notifies the engine about this integration."""
    address = f"{config.engine_url}/webhooks/{config.platform}/{integration_id(config.platform)}"
    # Tray signs nothing: the integration's own secret rides in the URL it is given.
    secret = getattr(settings, "notification_secret", None)
    return f"{address}/{secret.get_secret_value()}" if isinstance(secret, SecretStr) else address


async def ensure_integration(
    config: DemoConfig, admin_token: str, spec: ConnectorSpec, settings: BaseModel
) -> None:
    """Create the demo integration; one left by an earlier run must point at this sandbox."""
    access = access_fields(settings)
    body = {
        "id": integration_id(spec.name),
        "platform": spec.name,
        "name": f"Loja Demo ({spec.title})",
        "access": access,
        # The demo shows an order reaching the ERP; every automation starts off.
        "automations": {"order_import": {"enabled": True}},
    }
    api = f"{config.engine_url}/api/v1/integrations"
    headers = {"Authorization": f"Bearer {admin_token}"}
    async with httpx.AsyncClient(headers=headers, timeout=30) as http:
        response = await http.post(api, json=body)
        if response.status_code == 201:
            return
        if response.status_code != 409:
            raise DemoError(
                f"creating the demo integration failed: {response.status_code} {response.text}"
            )
        kept = (await http.get(f"{api}/{body['id']}")).json()
        _check_same_addresses(access, kept.get("connection", {}), str(body["id"]))
        if not kept.get("automations", {}).get("order_import", {}).get("enabled"):
            # An integration from an earlier run made before switches started off.
            patch = {"order_import": {"enabled": True}}
            switched = await http.patch(f"{api}/{body['id']}/automations", json=patch)
            if switched.status_code != 200:
                raise DemoError(
                    f"turning order_import on failed: {switched.status_code} {switched.text}"
                )


def _check_same_addresses(access: dict[str, Any], kept: dict[str, Any], name: str) -> None:
    """The admin API cannot change an integration, so one pointing elsewhere is a dead end."""
    moved = [
        field
        for field, value in access.items()
        if isinstance(value, str) and value.startswith("http") and kept.get(field) != value
    ]
    if moved:
        raise DemoError(
            f"integration {name!r} from an earlier demo has other {', '.join(moved)} "
            f"({', '.join(str(kept.get(f)) for f in moved)}); run the demo on the same ports "
            "(PONTE_DEMO_PLATFORM_PORT) or remove its directory (PONTE_DEMO_DIR) to start afresh"
        )
