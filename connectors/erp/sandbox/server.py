"""Running the sandbox: as a context manager (tests, demo) or as `ponte sandbox erp ...`."""

from __future__ import annotations

import argparse
import asyncio
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web

from connectors.erp.sandbox.app import SandboxConfig, build_app
from connectors.sandbox_server import sandbox_parser


@asynccontextmanager
async def running_sandbox(
    config: SandboxConfig, *, host: str = "127.0.0.1", port: int = 0
) -> AsyncIterator[str]:
    """Serve the sandbox while inside the block; yields its API root, `http://host:port/api`.

    Port 0 picks a free port.
    """
    runner = web.AppRunner(build_app(config), handle_signals=False)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound_host, bound_port = runner.addresses[0][:2]
        yield f"http://{bound_host}:{bound_port}/api"
    finally:
        await runner.cleanup()


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = sandbox_parser(
        "erp", "A local stand-in for an Eccosys-style ERP API (orders subset).", 8101
    )
    parser.add_argument("--token", default="sandbox-token", help="the accepted API token")
    parser.add_argument("--rate", type=float, default=1.0, help="requests/s per token")
    parser.add_argument("--burst", type=float, default=3.0, help="requests allowed at once")
    parser.add_argument("--seed-products", type=int, default=0, help="demo products to create")
    return parser.parse_args(argv)


async def _serve_until_signalled(config: SandboxConfig, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    async with running_sandbox(config, host=host, port=port) as api_root:
        print(f"ERP sandbox listening on {api_root} (db {config.db_path})", flush=True)
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    """Serve the sandbox until SIGINT or SIGTERM."""
    args = parse_args(argv)
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    config = SandboxConfig(
        db_path=str(args.db),
        token=args.token,
        rate=args.rate,
        burst=args.burst,
        seed_products=args.seed_products,
    )
    asyncio.run(_serve_until_signalled(config, args.host, args.port))
