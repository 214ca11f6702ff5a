"""A real single-node Apache Kafka 4.x broker (KRaft) run from its Maven Central jars.

There is no Docker engine on the project's machines, so `ponte broker start` resolves
``org.apache.kafka:kafka_2.13`` with Maven (deploy/kafka/pom.xml), formats KRaft storage once,
and runs broker and controller in one JVM on 127.0.0.1. A second start is a no-op; stop sends
SIGTERM for a controlled shutdown and waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from string import Template

REPO_ROOT = Path(__file__).resolve().parents[1]
KAFKA_DEPLOY = REPO_ROOT / "deploy" / "kafka"
DEFAULT_HOME = REPO_ROOT / "var" / "kafka"


class BrokerError(RuntimeError):
    """The local broker could not be resolved, started or stopped; the message says why."""


@dataclass(frozen=True)
class LocalBroker:
    """Where the local broker lives and listens."""

    port: int = 9092
    data_dir: Path = DEFAULT_HOME / "data"
    libs_dir: Path = DEFAULT_HOME / "libs"
    heap: str = "1g"

    @classmethod
    def from_env(cls, port: int | None = None, data_dir: str | None = None) -> LocalBroker:
        env_port = os.environ.get("PONTE_KAFKA_PORT")
        env_data = os.environ.get("PONTE_KAFKA_DATA_DIR")
        return cls(
            port=port or int(env_port or 9092),
            data_dir=Path(data_dir or env_data or DEFAULT_HOME / "data").resolve(),
            libs_dir=Path(os.environ.get("PONTE_KAFKA_LIBS_DIR", DEFAULT_HOME / "libs")).resolve(),
        )

    @property
    def controller_port(self) -> int:
        return self.port + 1

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "broker.pid"

    @property
    def log_file(self) -> Path:
        return self.data_dir / "broker.log"

    @property
    def properties_file(self) -> Path:
        return self.data_dir / "server.properties"


def resolve_jars(broker: LocalBroker) -> None:
    """Copy Kafka and its runtime dependencies from Maven Central; skipped when current."""
    pom = KAFKA_DEPLOY / "pom.xml"
    stamp = broker.libs_dir / ".pom-sha256"
    digest = hashlib.sha256(pom.read_bytes()).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    if shutil.which("mvn") is None:
        raise BrokerError("Maven (mvn) is not installed; it is needed to fetch the Kafka jars")
    if broker.libs_dir.exists():
        shutil.rmtree(broker.libs_dir)
    broker.libs_dir.mkdir(parents=True)
    command = [
        "mvn",
        "-q",
        "-B",
        "-f",
        str(pom),
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={broker.libs_dir}",
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BrokerError(
            f"mvn could not resolve Kafka:\n{result.stdout[-4000:]}{result.stderr[-2000:]}"
        )
    stamp.write_text(digest)


def _java(broker: LocalBroker, main_class: str, *args: str) -> list[str]:
    java = shutil.which("java")
    if java is None:
        raise BrokerError("java is not installed; Kafka 4.x needs Java 17 or newer")
    return [
        java,
        f"-Xmx{broker.heap}",
        f"-Xms{broker.heap}",
        "-XX:+UseG1GC",
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={KAFKA_DEPLOY / 'log4j2.properties'}",
        "-cp",
        f"{broker.libs_dir}/*",
        main_class,
        *args,
    ]


def _render_properties(broker: LocalBroker) -> None:
    template = Template((KAFKA_DEPLOY / "server.properties.template").read_text())
    broker.properties_file.write_text(
        template.substitute(
            port=broker.port,
            controller_port=broker.controller_port,
            log_dirs=broker.data_dir / "logs",
        )
    )


def _format_storage(broker: LocalBroker) -> None:
    if (broker.data_dir / "logs" / "meta.properties").exists():
        return
    uuid = (
        subprocess.run(
            _java(broker, "kafka.tools.StorageTool", "random-uuid"),
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    result = subprocess.run(
        _java(
            broker,
            "kafka.tools.StorageTool",
            "format",
            "-t",
            uuid,
            "-c",
            str(broker.properties_file),
            "--standalone",
        ),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BrokerError(f"formatting KRaft storage failed:\n{result.stdout}{result.stderr}")


def _running_pid(broker: LocalBroker) -> int | None:
    try:
        pid = int(broker.pid_file.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    _reap(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    return pid


def _reap(pid: int) -> None:
    """Collect the broker if this process started it: an exited child stays a zombie until then."""
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def broker_answers(bootstrap: str, timeout: float = 3.0) -> bool:
    """True when a Kafka broker at ``bootstrap`` answers a metadata request."""
    host, _, port = bootstrap.split(",")[0].rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            pass
    except OSError:
        return False
    return asyncio.run(_metadata_answers(bootstrap, timeout))


async def _metadata_answers(bootstrap: str, timeout: float) -> bool:
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=int(timeout * 1000))
    try:
        await asyncio.wait_for(admin.start(), timeout)
        await asyncio.wait_for(admin.describe_cluster(), timeout)
        return True
    except Exception:  # any failure to talk Kafka means "does not answer yet"
        return False
    finally:
        await admin.close()


def start(broker: LocalBroker, wait_seconds: float = 90.0) -> str:
    """Start the broker unless it already runs; return a line saying what happened."""
    if _running_pid(broker) is not None and broker_answers(broker.bootstrap):
        return f"broker already running at {broker.bootstrap}"
    resolve_jars(broker)
    broker.data_dir.mkdir(parents=True, exist_ok=True)
    _render_properties(broker)
    _format_storage(broker)
    with broker.log_file.open("ab") as log:
        process = subprocess.Popen(
            _java(broker, "kafka.Kafka", str(broker.properties_file)),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    broker.pid_file.write_text(str(process.pid))
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BrokerError(f"broker exited with {process.returncode}; see {broker.log_file}")
        if broker_answers(broker.bootstrap, timeout=2.0):
            return (
                f"broker started at {broker.bootstrap} (pid {process.pid}, data {broker.data_dir})"
            )
        time.sleep(0.5)
    process.terminate()
    raise BrokerError(f"broker did not answer within {wait_seconds:.0f}s; see {broker.log_file}")


def stop(broker: LocalBroker, wait_seconds: float = 60.0) -> str:
    """Stop the broker cleanly (SIGTERM, controlled shutdown); SIGKILL only past the deadline."""
    pid = _running_pid(broker)
    if pid is None:
        return "broker not running"
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        if _running_pid(broker) is None:
            broker.pid_file.unlink(missing_ok=True)
            return f"broker stopped (pid {pid})"
        time.sleep(0.2)
    os.kill(pid, signal.SIGKILL)
    broker.pid_file.unlink(missing_ok=True)
    return f"broker did not stop within {wait_seconds:.0f}s and was killed (pid {pid})"


def status(broker: LocalBroker) -> tuple[bool, str]:
    pid = _running_pid(broker)
    if pid is None:
        return False, "broker not running"
    if broker_answers(broker.bootstrap):
        return True, f"broker running at {broker.bootstrap} (pid {pid})"
    return False, f"broker process {pid} is up but does not answer at {broker.bootstrap}"
