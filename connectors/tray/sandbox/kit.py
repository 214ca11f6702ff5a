"""The contract suite's handle on the Tray sandbox (connectors.contract.SandboxKit)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import httpx
from aiohttp import web

from connectors.capabilities import Entity
from connectors.contract import CheckOutcome, InboundRequest
from connectors.sandbox_server import closed_loopback_port
from connectors.tray.sandbox.app import build_app
from connectors.tray.sandbox.config import DEFAULT_STATUSES, SandboxConfig
from connectors.tray.sandbox.seeding import seed
from connectors.tray.sandbox.state import STATE, SandboxState
from connectors.tray.settings import TraySettings
from connectors.tray.values import instant
from connectors.urls import PRIVATE_URLS_CONTEXT

NOTIFICATION_SECRET = "kit-notification-secret"
FAST_RATE_PER_MINUTE = 6000
SCOPES = {Entity.ORDER: "order", Entity.PRODUCT: "product"}


class TraySandboxKit:
    """Runs the sandbox in-process on a free loopback port, with fast limits."""

    def __init__(
        self,
        *,
        rate_per_minute: int = FAST_RATE_PER_MINUTE,
        access_ttl: float = 3 * 3600.0,
        statuses: tuple[tuple[str, str], ...] = DEFAULT_STATUSES,
        first_status_id: int = 60,
    ) -> None:
        self.rate_per_minute = rate_per_minute
        self.access_ttl = access_ttl
        self.statuses = statuses
        self.first_status_id = first_status_id
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.config: SandboxConfig | None = None

    @property
    def state(self) -> SandboxState:
        assert self._runner is not None, "start the kit first"
        return self._runner.app[STATE]

    async def start(self, workdir: Path, port: int = 0) -> None:
        self.config = SandboxConfig(
            db_path=workdir / "tray-sandbox.sqlite3",
            rate_per_minute=self.rate_per_minute,
            daily_cap=1_000_000,
            access_ttl=self.access_ttl,
            retry_base=0.05,
            statuses=self.statuses,
            first_status_id=self.first_status_id,
        )
        self._runner = web.AppRunner(build_app(self.config))
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _settings(self, api_address: str, **fields: object) -> TraySettings:
        assert self.config is not None
        data: dict[str, object] = {
            "api_address": api_address,
            "consumer_key": self.config.consumer_key,
            "consumer_secret": self.config.consumer_secret,
            "notification_secret": NOTIFICATION_SECRET,
            "store_id": self.config.store_id,
            "rate_per_minute": self.rate_per_minute,
            **fields,
        }
        return TraySettings.model_validate(data, context={PRIVATE_URLS_CONTEXT: True})

    def settings(self) -> TraySettings:
        """Settings holding valid tokens, as after the app's installation."""
        tokens = self.state.issue_tokens()
        return self._settings(
            f"{self.base_url}/web_api",
            access_token=tokens["access_token"],
            refresh_token=tokens["refresh_token"],
            access_token_expires_at=instant(tokens["date_expiration_access_token"]),
            refresh_token_expires_at=instant(tokens["date_expiration_refresh_token"]),
        )

    def code_settings(self) -> TraySettings:
        """Settings holding only the one-time authorization code (the client exchanges it)."""
        assert self.config is not None
        return self._settings(f"{self.base_url}/web_api", code=self.config.code)

    def failing_settings(self, outcome: CheckOutcome) -> TraySettings:
        if outcome is CheckOutcome.BAD_CREDENTIALS:
            return self._settings(
                f"{self.base_url}/web_api",
                access_token="not-a-token",
                refresh_token="not-a-refresh",
            )
        if outcome is CheckOutcome.MISSING_PERMISSION:
            allowed_nothing = self.settings()
            assert allowed_nothing.access_token is not None
            self.state.store.deny(allowed_nothing.access_token.get_secret_value())
            return allowed_nothing
        if outcome is CheckOutcome.UNKNOWN_STORE:
            good = self.settings()
            return good.model_copy(
                update={"api_address": f"{self.base_url}/loja-inexistente/web_api"}
            )
        if outcome is CheckOutcome.UNREACHABLE:
            good = self.settings()
            return good.model_copy(
                update={"api_address": f"http://127.0.0.1:{closed_loopback_port()}/web_api"}
            )
        if outcome is CheckOutcome.TIMEOUT:
            good = self.settings()
            self.state.delay_seconds, self.state.delay_calls = 2.0, 1
            return good.model_copy(update={"timeout": 0.2})
        raise ValueError(f"the Tray sandbox cannot produce {outcome}")

    async def seed(self, entity: Entity, count: int) -> list[str]:
        return seed(self.state, str(entity), count)

    async def notification(
        self, entity: Entity, platform_id: str, *, tampered: bool = False
    ) -> InboundRequest:
        """What Tray POSTs to our notification URL (form fields), with our URL secret."""
        assert self.config is not None
        fields = {
            "seller_id": self.config.store_id,
            "scope_id": platform_id,
            "scope_name": SCOPES[entity],
            "act": "update",
            "app_code": self.config.app_code,
            "url_notification": "https://ponte.example/webhooks/tray/loja/secret",
        }
        return InboundRequest(
            method="POST",
            headers={"content-type": "application/x-www-form-urlencoded"},
            body=urlencode(fields).encode(),
            path_secret="wrong-secret" if tampered else NOTIFICATION_SECRET,
        )

    async def force_rate_limit(self, calls: int, retry_after: float) -> None:
        self.state.limits.force(calls, retry_after)

    async def subscribe(self, address: str) -> None:
        """Tray has no API for this: the notification URL is set on the app (by a ticket to
        Tray's developer support) and every store with the app installed notifies it. The
        sandbox's ``/_sandbox/notification-urls`` control route stands in for that step."""
        async with httpx.AsyncClient(timeout=10) as http:
            answer = await http.post(
                f"{self.base_url}/_sandbox/notification-urls", json={"url": address}
            )
        answer.raise_for_status()

    async def place_order(self) -> str:
        """The seeded order: a customer with a CPF in Marília (SP), Pix, Sedex, in BRL."""
        [order_id] = await self.seed(Entity.ORDER, 1)
        return order_id
