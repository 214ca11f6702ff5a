"""`ponte sandbox shopify ...`: serve the sandbox until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio
import signal

from aiohttp import web

from connectors.sandbox_server import sandbox_parser
from connectors.shopify.sandbox.app import build_app
from connectors.shopify.sandbox.config import REAL_RETRY_BASE_SECONDS, SandboxConfig


def parse_args(argv: list[str] | None) -> tuple[str, int, SandboxConfig]:
    parser = sandbox_parser("shopify", "A local stand-in for Shopify's Admin API.", 8102)
    parser.add_argument("--shop-domain", default="ponte-demo.myshopify.com")
    parser.add_argument("--token", default="shpat_sandbox_token")
    parser.add_argument("--webhook-secret", default="sandbox_webhook_secret")
    parser.add_argument("--api-version", default="2026-04")
    parser.add_argument("--bucket", type=int, default=40, help="leaky bucket size (calls)")
    parser.add_argument("--leak-rate", type=float, default=2.0, help="calls drained per second")
    parser.add_argument(
        "--retry-base",
        type=float,
        default=REAL_RETRY_BASE_SECONDS,
        help="first webhook retry delay in seconds, doubled on each of the 8 retries",
    )
    args = parser.parse_args(argv)
    config = SandboxConfig(
        db_path=args.db,
        shop_domain=args.shop_domain,
        token=args.token,
        webhook_secret=args.webhook_secret,
        api_version=args.api_version,
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
        bound_host, bound_port = runner.addresses[0][:2]  # the real port when --port 0
        print(
            f"Shopify sandbox for {config.shop_domain} on http://{bound_host}:{bound_port}",
            flush=True,
        )
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> None:
    host, port, config = parse_args(argv)
    asyncio.run(serve(host, port, config))
