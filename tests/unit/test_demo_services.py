"""The demo's own command lines, read back by the parsers that receive them."""

from __future__ import annotations

from pathlib import Path

from connectors.erp.sandbox.server import parse_args
from engine.demo.services import DemoConfig, erp_sandbox_args


def test_a_token_that_starts_with_a_dash_reaches_the_erp_sandbox(tmp_path: Path) -> None:
    # secrets.token_urlsafe draws "-" as a first character about once in 64 runs.
    config = DemoConfig("nuvemshop", tmp_path, engine_port=1, erp_port=8101, platform_port=2)
    args = erp_sandbox_args(config, "-Xo3_token")
    assert args[:2] == ["sandbox", "erp"]
    parsed = parse_args(args[2:])
    assert parsed.token == "-Xo3_token"
    assert parsed.port == 8101
    assert Path(parsed.db) == config.erp_db
    assert parsed.seed_products == 5
