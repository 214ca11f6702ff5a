"""`ponte sandbox nuvemshop ...`: serve the sandbox until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import signal
from pathlib import Path

from aiohttp import web

from connectors.nuvemshop.sandbox.app import build_app
from connectors.nuvemshop.sandbox.config import (
    REAL_BUCKET_SIZE,
    REAL_LEAK_RATE,
    REAL_RETRY_BASE_SECONDS,
    SandboxConfig,
)


def parse_args(argv: list[str] | None) -> tuple[str, int, SandboxConfig]:
    parser = argparse.ArgumentParser(
        prog="ponte sandbox nuvemshop", description="A local stand-in for Nuvemshop's API."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8104)
    parser.add_argument("--db", type=Path, default=Path("var/sandbox/nuvemshop.sqlite3"))
    parser.add_argument("--store-id", default="1234567")
    parser.add_argument("--token", default="nuvemshop_sandbox_token")
    parser.add_argument("--app-secret", default="nuvemshop_sandbox_secret")
    parser.add_argument("--bucket", type=int, default=REAL_BUCKET_SIZE, help="leaky bucket size")
    parser.add_argument("--leak-rate", type=float, default=REAL_LEAK_RATE, help="calls per second")
    parser.add_argument(
        "--retry-base",
        type=float,
        default=REAL_RETRY_BASE_SECONDS,
        help="the 5-minute step of the webhook retry schedule, in seconds",
    )
    args = parser.parse_args(argv)
    config = SandboxConfig(
        db_path=args.db,
        store_id=args.store_id,
        token=args.token,
        app_secret=args.app_secret,
        bucket_size=args.bucket,
        leak_rate=args.leak_rate,
        retry_base=args.retry_base,
    )
    return args.host, args.port, config


async def serve(host: str, port: int, config: SandboxConfig) -> None:
    runner = web.AppRunner(build_app(config))
    await runner.setup()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        print(
            f"Nuvemshop sandbox for store {config.store_id} on http://{bound_host}:{bound_port}",
            flush=True,
        )
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    host, port, config = parse_args(argv)
    asyncio.run(serve(host, port, config))
