"""`ponte sandbox vtex ...`: serve the VTEX sandbox until SIGINT/SIGTERM."""

from __future__ import annotations

import asyncio

from connectors.sandbox_server import sandbox_parser, serve_until_signalled
from connectors.vtex.sandbox.app import build_app
from connectors.vtex.sandbox.config import REAL_LIMITS, ApiLimit, SandboxConfig


def parse_args(argv: list[str] | None) -> tuple[str, int, SandboxConfig]:
    parser = sandbox_parser(
        "vtex", "A local stand-in for VTEX's Catalog, OMS, Logistics and Pricing APIs.", 8105
    )
    parser.add_argument("--account", default="ponte")
    parser.add_argument("--app-key", default="vtexappkey-ponte-SANDBOX")
    parser.add_argument("--app-token", default="sandbox-app-token")
    parser.add_argument(
        "--rate-scale", type=float, default=1.0, help="multiply every API's real limit by this"
    )
    parser.add_argument(
        "--hook-retry-base",
        type=float,
        default=30.0,
        help="first hook retry delay (s), doubled after each",
    )
    args = parser.parse_args(argv)
    limits = {api: ApiLimit(lim.per_second * args.rate_scale, max(1.0, lim.burst * args.rate_scale))
              for api, lim in REAL_LIMITS.items()}  # fmt: skip
    config = SandboxConfig(
        db_path=args.db, account=args.account, app_key=args.app_key, app_token=args.app_token,
        limits=limits, hook_retry_base=args.hook_retry_base,
    )  # fmt: skip
    return args.host, args.port, config


async def serve(host: str, port: int, config: SandboxConfig) -> None:
    await serve_until_signalled(
        build_app(config),
        host,
        port,
        lambda host, port: f"VTEX sandbox for account {config.account} on http://{host}:{port}",
    )


def main(argv: list[str] | None = None) -> None:
    host, port, config = parse_args(argv)
    asyncio.run(serve(host, port, config))
