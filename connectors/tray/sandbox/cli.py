"""`ponte sandbox tray ...`: serve the Tray sandbox until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio

from connectors.sandbox_server import sandbox_parser, serve_until_signalled
from connectors.tray.sandbox.app import build_app
from connectors.tray.sandbox.config import (
    REAL_ACCESS_TTL,
    REAL_REFRESH_TTL,
    REAL_RETRY_BASE,
    SandboxConfig,
)


def parse_args(argv: list[str] | None) -> tuple[str, int, SandboxConfig]:
    parser = sandbox_parser("tray", "A local stand-in for Tray's API.", 8104)
    parser.add_argument("--store-id", default="391250")
    parser.add_argument("--consumer-key", default="sandbox-consumer-key")
    parser.add_argument("--consumer-secret", default="sandbox-consumer-secret")
    parser.add_argument(
        "--code", default="sandbox-authorization-code", help="the one-time authorization code"
    )
    parser.add_argument(
        "--access-ttl", type=float, default=REAL_ACCESS_TTL, help="access token life, seconds"
    )
    parser.add_argument(
        "--refresh-ttl", type=float, default=REAL_REFRESH_TTL, help="refresh token life, seconds"
    )
    parser.add_argument("--rate-per-minute", type=int, default=180)
    parser.add_argument("--daily-cap", type=int, default=10_000)
    parser.add_argument(
        "--retry-base", type=float, default=REAL_RETRY_BASE, help="first notification retry, s"
    )
    parser.add_argument(
        "--notify-url", action="append", default=[], help="notification URL (repeatable)"
    )
    args = parser.parse_args(argv)
    config = SandboxConfig(
        db_path=args.db,
        store_id=args.store_id,
        consumer_key=args.consumer_key,
        consumer_secret=args.consumer_secret,
        code=args.code,
        access_ttl=args.access_ttl,
        refresh_ttl=args.refresh_ttl,
        rate_per_minute=args.rate_per_minute,
        daily_cap=args.daily_cap,
        retry_base=args.retry_base,
        notify_urls=tuple(args.notify_url),
    )
    return args.host, args.port, config


async def serve(host: str, port: int, config: SandboxConfig) -> None:
    await serve_until_signalled(
        build_app(config),
        host,
        port,
        lambda host, port: (
            f"Tray sandbox for store {config.store_id} on http://{host}:{port}/web_api"
        ),
    )


def main(argv: list[str] | None = None) -> None:
    host, port, config = parse_args(argv)
    asyncio.run(serve(host, port, config))
