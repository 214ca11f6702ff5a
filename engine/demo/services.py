"""The demo's moving parts outside the platform: where it keeps things, its keys, the broker,
and the ERP sandbox and engine worker it runs as child processes."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import httpx

from engine import local_broker
from engine.sealing import new_key
from engine.settings import REPO_ROOT
from engine.web.auth import hash_password


class DemoError(RuntimeError):
    """The demo cannot go on; the message says what to look at."""


@dataclass(frozen=True)
class DemoConfig:
    """One demo run: the platform, where state and logs go, and the ports."""

    platform: str
    directory: Path
    engine_port: int
    erp_port: int
    platform_port: int

    @classmethod
    def from_env(cls, platform: str, environ: Mapping[str, str] = os.environ) -> DemoConfig:
        platform_port = (
            environ.get("PONTE_DEMO_PLATFORM_PORT")
            or environ.get(f"PONTE_DEMO_{platform.upper()}_PORT")
            or "8102"
        )
        return cls(
            platform=platform,
            directory=Path(environ.get("PONTE_DEMO_DIR") or REPO_ROOT / "var" / "demo"),
            engine_port=int(environ.get("PONTE_DEMO_ENGINE_PORT", "8100")),
            erp_port=int(environ.get("PONTE_DEMO_ERP_PORT", "8101")),
            platform_port=int(platform_port),
        )

    @property
    def engine_url(self) -> str:
        return f"http://127.0.0.1:{self.engine_port}"

    @property
    def erp_url(self) -> str:
        return f"http://127.0.0.1:{self.erp_port}"

    @property
    def erp_db(self) -> Path:
        """The ERP sandbox's orders, shared by every platform's demo."""
        return self.directory / "erp" / "erp.sqlite3"

    @property
    def platform_dir(self) -> Path:
        """The platform sandbox's own state, kept across runs."""
        return self.directory / self.platform


def demo_secrets(path: Path) -> dict[str, str]:
    """The demo's keys and tokens, made once and kept so restarts can open sealed credentials.

    The topic namespace is made and kept with them: the engine's state in Kafka then lives
    and dies with the sandboxes' state in the same directory (remove it to start afresh).
    """
    values: dict[str, str] = {}
    if path.exists():
        values = dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    made: dict[str, Callable[[], str]] = {
        "PONTE_SECRET_KEY": new_key,
        "PONTE_ADMIN_TOKEN": lambda: secrets.token_urlsafe(24),
        "PONTE_ERP_TOKEN": lambda: secrets.token_urlsafe(24),
        "PONTE_DEMO_NAMESPACE": lambda: f"demo-{secrets.token_hex(3)}",
        "PONTE_DEMO_ADMIN_PASSWORD": lambda: secrets.token_urlsafe(12),
    }
    missing = {key: make() for key, make in made.items() if key not in values}
    if missing:
        values |= missing
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{key}={value}\n" for key, value in values.items()))
        path.chmod(0o600)
    return values


def start_broker() -> tuple[str, local_broker.LocalBroker | None]:
    """The bootstrap address, and the local broker when this run started it (to stop it)."""
    given = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if given:
        return given, None
    broker = local_broker.LocalBroker.from_env()
    was_running = local_broker.status(broker)[0]
    print(local_broker.start(broker), flush=True)
    return broker.bootstrap, None if was_running else broker


class Children:
    """The processes the demo started, stopped in reverse order."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._started: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, args: list[str], env: dict[str, str]) -> None:
        with (self.log_dir / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "engine", *args],
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self._started.append(process)

    def any_exited(self) -> bool:
        return any(process.poll() is not None for process in self._started)

    def stop(self) -> None:
        for process in reversed(self._started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self._started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def erp_sandbox_args(config: DemoConfig, token: str) -> list[str]:
    """The ERP sandbox's command line. Values go as ``--option=value``: a random token may
    start with "-", which argparse would otherwise read as the next option."""
    return [
        "sandbox", "erp", f"--port={config.erp_port}", f"--db={config.erp_db}",
        f"--token={token}", "--seed-products=5",
    ]  # fmt: skip


def start_erp_and_engine(
    children: Children, values: dict[str, str], config: DemoConfig, bootstrap: str
) -> None:
    children.start("erp", erp_sandbox_args(config, values["PONTE_ERP_TOKEN"]), {})
    children.start(
        "engine",
        ["worker"],
        {
            "PONTE_BOOTSTRAP_SERVERS": bootstrap,
            "PONTE_WEB_PORT": str(config.engine_port),
            "PONTE_ADMIN_TOKEN": values["PONTE_ADMIN_TOKEN"],
            "PONTE_ADMIN_USER": "admin",
            "PONTE_ADMIN_PASSWORD_HASH": hash_password(values["PONTE_DEMO_ADMIN_PASSWORD"]),
            "PONTE_SECRET_KEY": values["PONTE_SECRET_KEY"],
            "PONTE_ERP_BASE_URL": f"{config.erp_url}/api",
            "PONTE_ERP_TOKEN": values["PONTE_ERP_TOKEN"],
            "PONTE_NAMESPACE": values["PONTE_DEMO_NAMESPACE"],
            "PONTE_ALLOW_PRIVATE_URLS": "true",  # the sandboxes live on loopback http
            "PONTE_DATA_DIR": str(config.directory / "engine"),
        },
    )


async def wait_until_up(name: str, url: str, children: Children, timeout: float) -> None:
    """Poll ``url`` until it answers 200 (serving the in-process sandbox meanwhile)."""
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient(timeout=2) as http:
        while time.monotonic() < deadline:
            if children.any_exited():
                raise DemoError(f"{name} did not start; see its log in {children.log_dir}")
            try:
                if (await http.get(url)).status_code == 200:
                    print(f"{name} is up", flush=True)
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.3)
    raise DemoError(f"{name} did not answer {url} within {timeout:.0f}s")
