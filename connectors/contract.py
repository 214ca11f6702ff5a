"""What every platform connector offers the engine, whatever the platform.

The engine only talks to these shapes; the contract suite (tests/contract/) checks every
connector in the registry against its own sandbox through them, driven by the connector's
capability table.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel

from connectors.budget import Lane
from connectors.capabilities import Entity
from connectors.cursor import SyncCursor
from schemas.order import Invoice, Tracking


class CheckOutcome(StrEnum):
    """The answer of "Testar Conexão"."""

    OK = "ok"
    BAD_CREDENTIALS = "bad_credentials"
    MISSING_PERMISSION = "missing_permission"
    UNKNOWN_STORE = "unknown_store"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"


@dataclass(frozen=True)
class ConnectionCheck:
    outcome: CheckOutcome
    detail: str = ""
    store_name: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome is CheckOutcome.OK


@dataclass(frozen=True)
class Page:
    """One page of an incremental read: canonical records and the cursor after them."""

    records: list[BaseModel]
    cursor: SyncCursor


class OrderMoveKind(StrEnum):
    START_HANDLING = "start_handling"
    INVOICE = "invoice"
    SHIP = "ship"
    CANCEL = "cancel"


@dataclass(frozen=True)
class OrderMove:
    """Moving an order along on the platform; invoice and ship carry their documents."""

    kind: OrderMoveKind
    invoice: Invoice | None = None
    tracking: Tracking | None = None
    reason: str | None = None


@dataclass(frozen=True)
class InboundRequest:
    """A notification as it reached our HTTP endpoint, before any parsing."""

    method: str
    headers: Mapping[str, str]
    body: bytes
    query: Mapping[str, str] = field(default_factory=dict)
    path_secret: str | None = None  # Tray-style: a per-integration secret in the URL


@dataclass(frozen=True)
class Notification:
    """A verified notification: what changed, and whether the record must be fetched."""

    topic: str  # the platform's own name, e.g. "orders/create", "order/paid", "order"
    entity: Entity
    platform_id: str
    event_id: str | None
    body: bytes | None  # the full record when the platform sends it, else None (fetch it)
    reply: bytes | None = None  # an answer the platform expects (VTEX ping), if any

    @property
    def needs_fetch(self) -> bool:
        return self.body is None


class NotificationRefused(Exception):
    """A notification that cannot be verified or read; nothing is produced for it."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


class PlatformClient(Protocol):
    """One platform account, as the engine uses it. Every write is idempotent."""

    async def test_connection(self) -> ConnectionCheck: ...

    def list_since(
        self, entity: Entity, cursor: SyncCursor, lane: Lane = Lane.BULK
    ) -> AsyncIterator[Page]: ...

    async def get_by_code(self, entity: Entity, code: str) -> BaseModel: ...

    async def upsert(self, entity: Entity, record: BaseModel) -> str: ...

    async def set_stock(self, level: Any) -> None: ...

    async def set_price(self, price: Any) -> None: ...

    async def move_order(self, platform_order_id: str, move: OrderMove) -> None: ...

    async def aclose(self) -> None: ...


class SandboxKit(Protocol):
    """How the contract suite and the demo drive one platform's sandbox: start it, point a
    client at it, make it misbehave, make it notify, subscribe an address and sell to it."""

    async def start(self, workdir: Path, port: int = 0) -> None:
        """Serve on loopback ``port`` (0: any free one), keeping state under ``workdir``."""

    async def stop(self) -> None: ...

    def settings(self) -> BaseModel: ...

    def failing_settings(self, outcome: CheckOutcome) -> BaseModel: ...

    async def seed(self, entity: Entity, count: int) -> list[str]: ...

    async def notification(
        self, entity: Entity, platform_id: str, *, tampered: bool = False
    ) -> InboundRequest: ...

    async def force_rate_limit(self, calls: int, retry_after: float) -> None: ...

    async def subscribe(self, address: str) -> None:
        """Have the platform notify ``address`` of new orders, the way that platform does it."""

    async def place_order(self) -> str:
        """A customer's order (BRL, a Brazilian customer) placed in the store; its platform id."""
