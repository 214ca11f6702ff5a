"""Webhook subscriptions (`/webhooks`) and thin signed deliveries with Nuvemshop's retries:
one right after a failure, then about 5, 10, 15 minutes, then x1.4, 18 attempts in all."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import orjson
from aiohttp import web

from connectors.nuvemshop.sandbox.config import MAX_ATTEMPTS, SandboxConfig, retry_delays
from connectors.nuvemshop.sandbox.state import (
    API_PREFIX,
    answer,
    field_errors,
    filtered,
    json_body,
    not_found,
    paged,
    state_of,
)
from connectors.nuvemshop.sandbox.store import Records, now_text
from connectors.nuvemshop.webhooks import nuvemshop_signature

EVENTS = frozenset(
    {f"app/{e}" for e in ("uninstalled", "suspended", "resumed")}
    | {f"category/{e}" for e in ("created", "updated", "deleted")}
    | {f"product/{e}" for e in ("created", "updated", "deleted")}
    | {f"customer/{e}" for e in ("created", "updated", "deleted")}
    | {
        f"order/{e}"
        for e in (
            "created",
            "updated",
            "paid",
            "packed",
            "fulfilled",
            "cancelled",
            "custom_fields_updated",
            "edited",
            "pending",
            "voided",
            "unpacked",
        )
    }
)


class Outbox:
    """Deliveries waiting in SQLite; ``run`` sends them when due."""

    def __init__(self, records: Records, config: SandboxConfig) -> None:
        self.records, self.config = records, config
        self._wake = asyncio.Event()

    def notify(self, event: str, record_id: int) -> None:
        body = orjson.dumps(
            {"store_id": int(self.config.store_id), "event": event, "id": record_id}
        )
        signature = nuvemshop_signature(body, self.config.app_secret)
        for hook in self.records.all("webhook"):
            if hook["event"] != event:
                continue
            headers = {**(hook.get("headers") or {}), "X-Linkedstore-HMAC-SHA256": signature}
            self.records.conn.execute(
                "INSERT INTO deliveries (url, body, headers, due, event) VALUES (?, ?, ?, ?, ?)",
                (hook["url"], body, orjson.dumps(headers).decode(), time.time(), event),
            )
        self._wake.set()

    def listing(self) -> list[dict[str, Any]]:
        rows = self.records.conn.execute(
            "SELECT id, url, body, attempts, state, last_status, event FROM deliveries ORDER BY id"
        )
        keys = ("id", "url", "body", "attempts", "state", "last_status", "event")
        return [
            dict(zip(keys, row, strict=True)) | {"body": bytes(row[2]).decode()} for row in rows
        ]

    async def run(self) -> None:
        delays = retry_delays(self.config)
        timeout = aiohttp.ClientTimeout(total=self.config.delivery_timeout)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                due = self.records.conn.execute(
                    "SELECT id, url, body, headers, attempts FROM deliveries "
                    "WHERE state = 'pending' AND due <= ? ORDER BY due LIMIT 20",
                    (time.time(),),
                ).fetchall()
                await asyncio.gather(*(self._send(session, row, delays) for row in due))
                if not due:
                    await self._sleep_until_due()

    async def _sleep_until_due(self) -> None:
        row = self.records.conn.execute(
            "SELECT MIN(due) FROM deliveries WHERE state = 'pending'"
        ).fetchone()
        wait = 3600.0 if row[0] is None else max(0.0, row[0] - time.time())
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=wait)

    async def _send(
        self, session: aiohttp.ClientSession, row: tuple[Any, ...], delays: list[float]
    ) -> None:
        delivery_id, url, body, headers, attempts = row
        sent = {"Content-Type": "application/json", **orjson.loads(headers)}
        status: int | None = None
        with contextlib.suppress(aiohttp.ClientError, TimeoutError):
            async with session.post(url, data=bytes(body), headers=sent) as response:
                status = response.status
        attempts += 1
        if status is not None and 200 <= status < 300:
            state, due = "delivered", time.time()
        elif attempts >= MAX_ATTEMPTS:
            state, due = "failed", time.time()
        else:
            state, due = "pending", time.time() + delays[attempts - 1]
        self.records.conn.execute(
            "UPDATE deliveries SET attempts = ?, state = ?, due = ?, last_status = ? WHERE id = ?",
            (attempts, state, due, status, delivery_id),
        )


def _hook_errors(body: Any, config: SandboxConfig) -> dict[str, list[str]]:
    if not isinstance(body, dict):
        return {"webhook": ["must be a JSON object"]}
    errors: dict[str, list[str]] = {}
    if body.get("event") not in EVENTS:
        errors["event"] = ["is invalid"]
    parts = urlsplit(str(body.get("url") or ""))
    if parts.scheme not in ("http", "https") or not parts.hostname:
        errors["url"] = ["is invalid"]
    elif config.https_webhooks_only and (
        parts.scheme != "https" or parts.hostname in ("localhost", "127.0.0.1")
    ):
        errors["url"] = ["must be https and not localhost"]
    return errors


async def create_webhook(request: web.Request) -> web.Response:
    state, body = state_of(request), json_body(request)
    errors = _hook_errors(body, state.config)
    if errors:
        return field_errors(errors)
    stamp = now_text()
    hook = {
        "id": state.records.next_id("webhook"),
        "event": body["event"],
        "url": body["url"],
        "created_at": stamp,
        "updated_at": stamp,
    }
    if isinstance(body.get("headers"), dict):
        hook["headers"] = body["headers"]
    state.records.save("webhook", hook)
    return answer(hook, 201)


async def list_webhooks(request: web.Request) -> web.Response:
    rows = list(state_of(request).records.all("webhook"))
    for key in ("event", "url"):
        if key in request.query:
            rows = [r for r in rows if r[key] == request.query[key]]
    kept = filtered(request, rows)
    return kept if isinstance(kept, web.Response) else paged(request, kept)


async def get_webhook(request: web.Request) -> web.Response:
    hook = state_of(request).records.get("webhook", request.match_info["id"])
    return not_found() if hook is None else answer(hook)


async def delete_webhook(request: web.Request) -> web.Response:
    deleted = state_of(request).records.delete("webhook", int(request.match_info["id"]))
    return answer({}) if deleted else not_found()


def add_webhook_routes(app: web.Application) -> None:
    app.router.add_get(API_PREFIX + "/webhooks", list_webhooks)
    app.router.add_post(API_PREFIX + "/webhooks", create_webhook)
    app.router.add_get(API_PREFIX + r"/webhooks/{id:\d+}", get_webhook)
    app.router.add_delete(API_PREFIX + r"/webhooks/{id:\d+}", delete_webhook)
