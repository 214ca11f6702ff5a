"""Real processes for integration tests: sandboxes and engine workers, started as a user would.

Nothing here is a mock: each service is `ponte ...` in its own process on a free loopback port.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from engine.sealing import new_key

PONTE = [sys.executable, "-m", "engine"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(
    condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.1
) -> Any:
    """Poll ``condition`` until it returns something truthy; fail naming ``what`` at the deadline."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            result = condition()
            if result:
                return result
        except (httpx.HTTPError, OSError) as exc:
            last_error = exc
        time.sleep(interval)
    raise AssertionError(
        f"timed out after {timeout}s waiting for {what} (last error: {last_error})"
    )


@dataclass
class Process:
    """One `ponte` process with its log file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log_path: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> Process:
        log = self.log_path.open("ab")
        self.popen = subprocess.Popen(
            PONTE + self.args,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.popen is not None and self.alive():
            self.popen.send_signal(sig)
            self.popen.wait(timeout=60)

    def stop(self) -> None:
        if self.popen is None or not self.alive():
            return
        self.popen.send_signal(signal.SIGTERM)
        started = time.monotonic()
        try:
            self.popen.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        print(f"{self.name} stopped in {time.monotonic() - started:.1f}s", file=sys.stderr)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def delete_namespace_topics(bootstrap: str, namespace: str) -> None:
    """Delete every topic of one test namespace (ours and Faust's), so a long test run does not
    pile up partitions (each holds open files in the broker); best effort."""
    asyncio.run(_delete_namespace_topics(bootstrap, namespace))


async def _delete_namespace_topics(bootstrap: str, namespace: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
    try:
        await admin.start()
        names = [
            name
            for name in await admin.list_topics()
            if name.startswith((f"{namespace}.", f"{namespace}-"))
        ]
        if names:
            await admin.delete_topics(names, timeout_ms=30000)
    except KafkaError:
        pass  # the broker is gone (a test stopped it): nothing to clean
    finally:
        await admin.close()


@dataclass
class Stack:
    """Sandbox ERP, sandbox Shopify and engine workers on one real broker, in one namespace."""

    bootstrap: str
    workdir: Path
    namespace: str = field(default_factory=lambda: f"t{uuid.uuid4().hex[:10]}")
    admin_token: str = field(default_factory=lambda: uuid.uuid4().hex)
    secret_key: str = field(default_factory=new_key)
    erp_token: str = "erp-test-token"
    shopify_token: str = "shpat_test_token"
    webhook_secret: str = "test-webhook-secret"
    shop_domain: str = "loja-teste.myshopify.com"
    erp_port: int = field(default_factory=free_port)
    shopify_port: int = field(default_factory=free_port)
    processes: list[Process] = field(default_factory=list)

    @property
    def erp_url(self) -> str:
        return f"http://127.0.0.1:{self.erp_port}"

    @property
    def shopify_url(self) -> str:
        return f"http://127.0.0.1:{self.shopify_port}"

    def _process(
        self, name: str, args: list[str], extra_env: dict[str, str] | None = None
    ) -> Process:
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
        process = Process(name, args, env, self.workdir / f"{name}.log").start()
        self.processes.append(process)
        return process

    def start_sandboxes(self, erp_rate: float = 1000.0) -> None:
        self._process(
            "erp",
            [
                "sandbox",
                "erp",
                "--port",
                str(self.erp_port),
                "--db",
                str(self.workdir / "erp.sqlite3"),
                "--token",
                self.erp_token,
                "--rate",
                str(erp_rate),
                "--burst",
                str(erp_rate),
            ],
        )
        self._process(
            "shopify",
            [
                "sandbox",
                "shopify",
                "--port",
                str(self.shopify_port),
                "--db",
                str(self.workdir / "shopify.sqlite3"),
                "--shop-domain",
                self.shop_domain,
                "--token",
                self.shopify_token,
                "--webhook-secret",
                self.webhook_secret,
                "--leak-rate",
                "1000",
                "--bucket",
                "1000",
                "--retry-base",
                "0.2",
            ],
        )
        wait_until(
            lambda: httpx.get(f"{self.erp_url}/_sandbox/health").status_code == 200,
            30,
            "ERP sandbox",
        )
        wait_until(
            lambda: httpx.get(f"{self.shopify_url}/_sandbox/health").status_code == 200,
            30,
            "Shopify sandbox",
        )

    def worker_env(self, web_port: int, **extra: str) -> dict[str, str]:
        return {
            "PONTE_BOOTSTRAP_SERVERS": self.bootstrap,
            "PONTE_NAMESPACE": self.namespace,
            "PONTE_WEB_PORT": str(web_port),
            "PONTE_ADMIN_TOKEN": self.admin_token,
            "PONTE_SECRET_KEY": self.secret_key,
            "PONTE_ERP_BASE_URL": f"{self.erp_url}/api",
            "PONTE_ERP_TOKEN": self.erp_token,
            "PONTE_ERP_REQUESTS_PER_SECOND": "200",
            "PONTE_SINK_BACKOFF_BASE": "0.05",
            "PONTE_SINK_BACKOFF_CAP": "1",
            "PONTE_DATA_DIR": str(self.workdir / "engine"),
            "PONTE_ALLOW_PRIVATE_URLS": "true",
            **extra,
        }

    def start_worker(
        self, name: str = "worker", web_port: int | None = None, **extra: str
    ) -> Worker:
        port = web_port or free_port()
        process = self._process(name, ["worker"], self.worker_env(port, **extra))
        worker = Worker(process, f"http://127.0.0.1:{port}", self.admin_token)
        worker.wait_ready()
        return worker

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        delete_namespace_topics(self.bootstrap, self.namespace)


@contextmanager
def running_stack(bootstrap: str, workdir: Path, **options: Any) -> Iterator[Stack]:
    """A Stack with its sandboxes started, stopped (workers too) and its topics deleted after."""
    stack = Stack(bootstrap, workdir, **options)
    try:
        stack.start_sandboxes()
        yield stack
    finally:
        stack.stop()


@dataclass
class Worker:
    process: Process
    url: str
    admin_token: str

    def wait_ready(self, timeout: float = 90) -> None:
        def ready() -> bool:
            if not self.process.alive():
                raise AssertionError(f"worker exited:\n{self.process.log()[-4000:]}")
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200

        wait_until(ready, timeout, f"worker {self.process.name} ready", interval=0.3)

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.admin_token}", **kwargs.pop("headers", {})}
        return httpx.request(method, f"{self.url}{path}", headers=headers, timeout=30, **kwargs)

    def metric(self, name: str, **labels: str) -> float:
        """Sum of the samples of ``name`` whose labels include ``labels``."""
        total = 0.0
        for line in httpx.get(f"{self.url}/metrics", timeout=5).text.splitlines():
            if not line.startswith(name + "{") and not line.startswith(name + " "):
                continue
            if all(f'{key}="{value}"' in line for key, value in labels.items()):
                total += float(line.rsplit(" ", 1)[1])
        return total
