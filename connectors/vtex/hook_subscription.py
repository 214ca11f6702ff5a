"""The account's order hook (``/api/orders/hook/config``) pointed at Ponte, or removed.

VTEX keeps one hook per app key: saving replaces any earlier one, and VTEX pings the URL first
(the engine answers the ping). Removing deletes the hook only while it still points at our
address, so a hook someone configured elsewhere is left alone.
"""

from __future__ import annotations

from typing import Any

from connectors.errors import NotFound
from connectors.vtex.settings import VtexSettings
from connectors.vtex.transport import Api, VtexHttp

HOOK_PATH = "/api/orders/hook/config"
HOOK_STATES = ("ready-for-handling", "payment-approved", "canceled")
"""Orders entering the handling workflow: paid and approved, ready for the ERP."""


def hook_config(settings: VtexSettings, address: str) -> dict[str, Any]:
    secret = {settings.hook_secret_header: settings.hook_secret.get_secret_value()}
    return {
        "filter": {"type": "FromWorkflow", "status": list(HOOK_STATES)},
        "hook": {"url": address, "headers": secret},
    }


async def _saved_hook(http: VtexHttp) -> dict[str, Any] | None:
    try:
        saved = await http.request(Api.OMS, "GET", HOOK_PATH)
    except NotFound:
        return None
    return saved if isinstance(saved, dict) else None


def _points_at(saved: dict[str, Any] | None, address: str) -> bool:
    hook = (saved or {}).get("hook")
    return isinstance(hook, dict) and hook.get("url") == address


async def subscribe_hook(http: VtexHttp, settings: VtexSettings, address: str) -> int:
    """Point the hook at ``address`` unless it already is, with our states; 1 if saved."""
    saved = await _saved_hook(http)
    wanted = hook_config(settings, address)
    if _points_at(saved, address) and (saved or {}).get("filter") == wanted["filter"]:
        return 0
    await http.request(Api.OMS, "POST", HOOK_PATH, json=wanted)
    return 1


async def unsubscribe_hook(http: VtexHttp, address: str) -> int:
    """Delete the hook if it points at ``address``; 1 if deleted."""
    if not _points_at(await _saved_hook(http), address):
        return 0
    try:
        await http.request(Api.OMS, "DELETE", HOOK_PATH)
    except NotFound:
        return 0  # removed meanwhile
    return 1
