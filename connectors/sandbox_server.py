"""Serving a sandbox app until SIGINT/SIGTERM: shared by every `ponte sandbox NAME`."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

from aiohttp import web


async def serve_until_signalled(
    app: web.Application, host: str, port: int, banner: Callable[[str, int], str]
) -> None:
    """Listen on host:port (0: any free port), print ``banner(host, bound_port)``, stop on a signal."""
    runner = web.AppRunner(app)
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]  # the real port when port is 0
        print(banner(str(bound_host), int(bound_port)), flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()
