"""A chaos gateway in front of the ERP sandbox: a share of the API calls fail as a real gateway
fails them (5xx, 429 with Retry-After, an answer that never comes after the ERP stored the
call), the others pass through untouched. Served from a thread, like tests/platforms.py."""

from __future__ import annotations

import asyncio
import random
import threading
from collections import Counter

import aiohttp
from aiohttp import web

from tests.harness import free_port

HOP_HEADERS = {"host", "content-length", "transfer-encoding", "connection"}


class ChaosGateway:
    """Forwards to ``upstream``; ``failure_rate`` of the /api/ calls get one of the faults."""

    def __init__(
        self, upstream: str, failure_rate: float, hold_seconds: float, seed: int = 7
    ) -> None:
        self.upstream = upstream
        self.failure_rate = failure_rate
        self.hold_seconds = hold_seconds
        self.port = free_port()
        self.calls: Counter[str] = Counter()
        self._random = random.Random(seed)
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChaosGateway:
        self._thread.start()
        self._ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._open())
        self._ready.set()
        self._loop.run_forever()

    async def _open(self) -> None:
        self._session = aiohttp.ClientSession()
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()

    async def _close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    def _fault(self, path: str) -> str:
        if not path.startswith("/api/") or self._random.random() >= self.failure_rate:
            return "passed"
        return self._random.choice(("500", "502", "503", "429", "timeout", "timeout_after_store"))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        fault = self._fault(request.path)
        self.calls[fault] += 1
        if fault in ("500", "502", "503"):
            return web.json_response({"erro": "Falha simulada"}, status=int(fault))
        if fault == "429":
            return web.json_response(
                {"erro": "Limite de requisições excedido"}, status=429, headers={"Retry-After": "1"}
            )
        if fault == "timeout":  # no answer before the client gives up, nothing stored
            await asyncio.sleep(self.hold_seconds)
            return web.json_response({"erro": "Falha simulada"}, status=504)
        answer = await self._forward(request)
        if fault == "timeout_after_store":  # the ERP did it; its answer comes too late
            await asyncio.sleep(self.hold_seconds)
        return answer

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_HEADERS}
        async with self._session.request(
            request.method,
            f"{self.upstream}{request.rel_url}",
            headers=headers,
            data=await request.read(),
        ) as upstream:
            body = await upstream.read()
            kept = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_HEADERS}
            return web.Response(body=body, status=upstream.status, headers=kept)
