"""Serving a sandbox app until SIGINT/SIGTERM: shared by every `ponte sandbox NAME`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import socket
from collections.abc import AsyncIterator, Callable, Coroutine
from pathlib import Path
from typing import Any

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


def closed_loopback_port() -> int:
    """A loopback port nobody listens on (bound, then released): "unreachable" for tests."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@contextlib.asynccontextmanager
async def running_in_background(work: Coroutine[Any, Any, None], name: str) -> AsyncIterator[None]:
    """Run ``work`` (a sandbox's webhook sender) while the app lives; cancel it on the way out."""
    task = asyncio.create_task(work, name=name)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def sandbox_parser(name: str, description: str, port: int) -> argparse.ArgumentParser:
    """`ponte sandbox NAME`'s parser with the flags every sandbox has: --host, --port, --db."""
    parser = argparse.ArgumentParser(prog=f"ponte sandbox {name}", description=description)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=port, help="port to listen on (0: any)")
    parser.add_argument(
        "--db", type=Path, default=Path(f"var/sandbox/{name}.sqlite3"), help="SQLite file (state)"
    )
    return parser
