"""The order hook as VTEX delivers it: a ping on configuration, then one POST per state change
with the registered headers, retried on a geometric progression until a 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

import httpx
import orjson

from connectors.vtex.sandbox.config import SandboxConfig
from connectors.vtex.sandbox.state import SandboxState
from connectors.vtex.sandbox.store import Store

PING = orjson.dumps({"hookConfig": "ping"})


def hook_body(config: SandboxConfig, order_id: str, state: str, last: str | None,
              last_change: str, current_change: str) -> bytes:  # fmt: skip
    """The notification body (the spec's HookConfiguration example, field for field)."""
    return orjson.dumps(
        {
            "Domain": "Fulfillment",
            "OrderId": order_id,
            "State": state,
            "LastState": last,
            "LastChange": last_change,
            "CurrentChange": current_change,
            "Origin": {"Account": config.account, "Key": config.app_key},
        }
    )


def hook_headers(hook: dict[str, Any]) -> dict[str, str]:
    """The headers VTEX sends: ours from ``hook.headers`` plus the JSON content type."""
    return {
        "Content-Type": "application/json",
        **{str(k): str(v) for k, v in (hook.get("headers") or {}).items()},
    }


async def ping(url: str, headers: dict[str, str], timeout: float) -> bool:
    """VTEX pings the URL when the hook is saved; anything but 200 fails the configuration."""
    try:
        async with httpx.AsyncClient(timeout=timeout) as http:
            response = await http.post(url, content=PING, headers=headers)
    except httpx.HTTPError:
        return False
    return response.status_code == 200


def notify(state: SandboxState, order_id: str, new: str, last: str | None, last_change: str,
           current_change: str) -> None:  # fmt: skip
    """Queue the hook delivery (when a hook is configured) and the Feed v3 item."""
    store, config = state.store, state.config
    hook = store.get("hook", "config")
    if hook:
        body = hook_body(config, order_id, new, last, last_change, current_change)
        store.enqueue_delivery(hook["hook"]["url"], hook_headers(hook["hook"]), body)
        state.wake_sender.set()
    store.push_feed(
        {
            "eventId": f"{order_id}:{new}:{current_change}",
            "handle": f"h-{order_id}-{new}-{time.time_ns()}",
            "domain": "Fulfillment",
            "state": new,
            "lastState": last,
            "orderId": order_id,
            "lastChange": last_change,
            "currentChange": current_change,
        }
    )


async def run_sender(state: SandboxState) -> None:
    """Deliver what is due; sleep until the next due delivery or a new one."""
    async with httpx.AsyncClient(timeout=state.config.hook_timeout) as http:
        while True:
            await _deliver_due(state.store, state.config, http)
            next_due = state.store.next_due()
            wait = 3600.0 if next_due is None else max(next_due - time.time(), 0.0)
            state.wake_sender.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(state.wake_sender.wait(), timeout=wait)


async def _deliver_due(store: Store, config: SandboxConfig, http: httpx.AsyncClient) -> None:
    for delivery_id, url, headers, body, attempts in store.due_deliveries(time.time()):
        status: int | None
        try:
            status = (await http.post(url, content=body, headers=headers)).status_code
        except httpx.HTTPError:
            status = None
        if status is not None and 200 <= status < 300:
            store.record_attempt(delivery_id, status, "delivered", time.time())
        elif attempts + 1 >= config.hook_max_attempts:
            store.record_attempt(delivery_id, status, "failed", time.time())
        else:
            due = time.time() + config.hook_retry_base * 2**attempts
            store.record_attempt(delivery_id, status, "pending", due)
