"""`ponte sandbox nuvemshop ...`: serve the sandbox until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio

from connectors.nuvemshop.sandbox.app import build_app
from connectors.nuvemshop.sandbox.config import (
    REAL_BUCKET_SIZE,
    REAL_LEAK_RATE,
    REAL_RETRY_BASE_SECONDS,
    SandboxConfig,
)
from connectors.sandbox_server import sandbox_parser, serve_until_signalled


def parse_args(argv: list[str] | None) -> tuple[str, int, SandboxConfig]:
    parser = sandbox_parser("nuvemshop", "A local stand-in for Nuvemshop's API.", 8103)
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
    await serve_until_signalled(
        build_app(config),
        host,
        port,
        lambda host, port: f"Nuvemshop sandbox for store {config.store_id} on http://{host}:{port}",
    )


def main(argv: list[str] | None = None) -> None:
    host, port, config = parse_args(argv)
    asyncio.run(serve(host, port, config))
