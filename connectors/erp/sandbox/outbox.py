"""Registered webhook URLs and the durable outbox of change events pushed to them.

An event is written in the same transaction as the change it reports, once per registered URL,
so a restart neither loses nor invents a delivery; the deliverer (push.py) sends what is due.
The body is Bling's envelope `{eventId, date, version, event, companyId, data}`: Eccosys has
no outbound webhooks, so the sandbox pushes the way the ERP that does push (Bling) does.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson

COMPANY_ID = "sandbox-empresa"
MAX_ATTEMPTS = 8


def push_body(event: str, data: dict[str, Any]) -> bytes:
    """The raw body of one push: Bling's envelope, with a fresh event id."""
    envelope = {
        "eventId": str(uuid.uuid4()),
        "date": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "version": "v1",
        "event": event,
        "companyId": COMPANY_ID,
        "data": data,
    }
    return orjson.dumps(envelope)


@dataclass(frozen=True)
class Delivery:
    id: int
    url: str
    secret: str
    body: bytes
    attempts: int


class Outbox:
    """Webhook registrations and pending deliveries, on the store's connection."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self.on_enqueue: Callable[[], None] = lambda: None

    def register(self, url: str, secret: str) -> int:
        cursor = self._db.execute("INSERT INTO webhooks (url, secret) VALUES (?, ?)", (url, secret))
        return int(cursor.lastrowid or 0)

    def unregister_all(self) -> None:
        self._db.execute("DELETE FROM webhooks")

    def registrations(self) -> list[dict[str, Any]]:
        rows = self._db.execute("SELECT id, url FROM webhooks ORDER BY id").fetchall()
        return [{"id": row_id, "url": url} for row_id, url in rows]

    def enqueue(self, event: str, data: dict[str, Any]) -> None:
        """One delivery per registered URL; call inside the transaction of the change."""
        hooks = self._db.execute("SELECT id FROM webhooks").fetchall()
        for (hook_id,) in hooks:
            self._db.execute(
                "INSERT INTO entregas (webhook_id, body, proxima) VALUES (?, ?, ?)",
                (hook_id, push_body(event, data), time.time()),
            )
        if hooks:
            self.on_enqueue()

    def due(self, now: float) -> list[Delivery]:
        rows = self._db.execute(
            "SELECT e.id, w.url, w.secret, e.body, e.tentativas FROM entregas e"
            " JOIN webhooks w ON w.id = e.webhook_id"
            " WHERE e.entregue_em IS NULL AND e.tentativas < ? AND e.proxima <= ?"
            " ORDER BY e.id LIMIT 50",
            (MAX_ATTEMPTS, now),
        ).fetchall()
        return [Delivery(*row) for row in rows]

    def next_due(self) -> float | None:
        row = self._db.execute(
            "SELECT min(proxima) FROM entregas WHERE entregue_em IS NULL AND tentativas < ?",
            (MAX_ATTEMPTS,),
        ).fetchone()
        return None if row is None or row[0] is None else float(row[0])

    def delivered(self, delivery: Delivery, status: int) -> None:
        self._db.execute(
            "UPDATE entregas SET entregue_em = ?, ultimo_status = ?, tentativas = tentativas + 1"
            " WHERE id = ?",
            (time.time(), status, delivery.id),
        )

    def failed(self, delivery: Delivery, status: int | None) -> None:
        """Try again later: 1 s, 2 s, 4 s ... capped at a minute."""
        backoff = min(60.0, 2.0**delivery.attempts)
        self._db.execute(
            "UPDATE entregas SET tentativas = tentativas + 1, ultimo_status = ?, proxima = ?"
            " WHERE id = ?",
            (status, time.time() + backoff, delivery.id),
        )

    def summary(self) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT id, webhook_id, body, tentativas, entregue_em, ultimo_status FROM entregas"
            " ORDER BY id"
        ).fetchall()
        return [
            {
                "id": row_id,
                "webhook_id": hook,
                "event": orjson.loads(body),
                "attempts": attempts,
                "delivered": delivered is not None,
                "last_status": status,
            }
            for row_id, hook, body, attempts, delivered, status in rows
        ]
