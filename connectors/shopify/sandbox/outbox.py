"""Webhook deliveries queued in SQLite, so pending ones survive a sandbox restart.

One event makes one delivery per subscription: every delivery has its own Webhook-Id (kept
across its retries) and shares the event's Event-Id. The body is stored as bytes and resent
unchanged, as Shopify resends the payload from trigger time.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any


@dataclass(frozen=True)
class Delivery:
    """One delivery of one event to one subscription, with its progress so far."""

    webhook_id: str
    event_id: str
    subscription_id: int
    topic: str
    address: str
    api_version: str
    triggered_at: str
    body: bytes
    attempts: int
    last_status: int | None
    last_error: str | None
    next_attempt_at: float | None
    delivered_at: str | None
    state: str  # pending | delivered | failed

    def summary(self) -> dict[str, Any]:
        """What `GET /_sandbox/deliveries` shows (everything but the body)."""
        return {
            "delivery_id": self.webhook_id,
            "webhook_id": self.webhook_id,
            "event_id": self.event_id,
            "subscription_id": self.subscription_id,
            "topic": self.topic,
            "address": self.address,
            "api_version": self.api_version,
            "triggered_at": self.triggered_at,
            "attempts": self.attempts,
            "last_status": self.last_status,
            "last_error": self.last_error,
            "next_attempt_at": self.next_attempt_at,
            "delivered": self.state == "delivered",
            "delivered_at": self.delivered_at,
            "state": self.state,
        }


def retry_delay(failed_attempts: int, base: float) -> float:
    """Exponential backoff after the n-th failed attempt: base, 2*base, 4*base, ..."""
    return base * float(2 ** (failed_attempts - 1))


def triggered_at_now() -> str:
    """`X-Shopify-Triggered-At` style: UTC, fractional seconds, `Z`."""
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class Outbox:
    """The deliveries table."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def enqueue(
        self,
        topic: str,
        body: bytes,
        api_version: str,
        subscriptions: Iterable[dict[str, Any]],
    ) -> str:
        """Queue one event for every subscription; returns the event id. Caller commits."""
        event_id = str(uuid.uuid4())
        triggered_at, now = triggered_at_now(), time.time()
        for subscription in subscriptions:
            self.conn.execute(
                "INSERT INTO deliveries (webhook_id, event_id, subscription_id, topic, address, "
                "api_version, triggered_at, body, next_attempt_at) VALUES (?,?,?,?,?,?,?,?,?)",
                (
                    str(uuid.uuid4()),
                    event_id,
                    subscription["id"],
                    topic,
                    subscription["address"],
                    api_version,
                    triggered_at,
                    body,
                    now,
                ),
            )
        return event_id

    def all(self) -> list[Delivery]:
        rows = self.conn.execute("SELECT * FROM deliveries ORDER BY rowid")
        return [Delivery(**dict(row)) for row in rows]

    def get(self, webhook_id: str) -> Delivery | None:
        row = self.conn.execute(
            "SELECT * FROM deliveries WHERE webhook_id = ?", (webhook_id,)
        ).fetchone()
        return Delivery(**dict(row)) if row else None

    def due(self, now: float) -> list[Delivery]:
        rows = self.conn.execute(
            "SELECT * FROM deliveries WHERE state = 'pending' AND next_attempt_at <= ? "
            "ORDER BY next_attempt_at",
            (now,),
        )
        return [Delivery(**dict(row)) for row in rows]

    def next_due_at(self) -> float | None:
        row = self.conn.execute(
            "SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE state = 'pending'"
        ).fetchone()
        at = row["at"]
        return None if at is None else float(at)

    def record_attempt(
        self, webhook_id: str, status: int | None, error: str | None, next_attempt_at: float | None
    ) -> None:
        """Count one attempt: delivered on a 2xx, else pending until ``next_attempt_at``/failed."""
        delivered = status is not None and 200 <= status < 300
        state = "delivered" if delivered else ("pending" if next_attempt_at else "failed")
        with self.conn:
            self.conn.execute(
                "UPDATE deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?, "
                "next_attempt_at = ?, state = ?, "
                "delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE webhook_id = ?",
                (
                    status,
                    error,
                    None if delivered else next_attempt_at,
                    state,
                    delivered,
                    triggered_at_now(),
                    webhook_id,
                ),
            )

    def redeliver(self, webhook_id: str) -> bool:
        """Send a delivery once more, as Shopify's duplicates: same Webhook-Id and Event-Id."""
        with self.conn:
            cursor = self.conn.execute(
                "UPDATE deliveries SET state = 'pending', next_attempt_at = ? WHERE webhook_id = ?",
                (time.time(), webhook_id),
            )
        return cursor.rowcount > 0

    def lease(self, webhook_id: str, until: float) -> None:
        """Hold a delivery being sent until ``until``; due again then if the send never ends."""
        with self.conn:
            self.conn.execute(
                "UPDATE deliveries SET next_attempt_at = ? WHERE webhook_id = ?",
                (until, webhook_id),
            )
