"""`ponte broker start|stop|status`: start waits until it answers, a second start is a no-op."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from engine import local_broker
from tests.harness import free_port

pytestmark = pytest.mark.broker


def ponte_broker(action: str, port: int, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PONTE_KAFKA_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", "engine", "broker", action, "--port", str(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_start_status_second_start_and_stop(tmp_path: Path) -> None:
    port, data_dir = free_port(), tmp_path / "kafka"
    try:
        started = ponte_broker("start", port, data_dir)
        assert started.returncode == 0, started.stderr
        assert "broker started" in started.stdout
        assert local_broker.broker_answers(f"127.0.0.1:{port}")

        again = ponte_broker("start", port, data_dir)
        assert again.returncode == 0 and "already running" in again.stdout

        status = ponte_broker("status", port, data_dir)
        assert status.returncode == 0 and "running" in status.stdout
    finally:
        stopped = ponte_broker("stop", port, data_dir)
    assert stopped.returncode == 0 and "stopped" in stopped.stdout
    assert not local_broker.broker_answers(f"127.0.0.1:{port}", timeout=1)
    after = ponte_broker("status", port, data_dir)
    assert after.returncode == 1 and "not running" in after.stdout
    assert (data_dir / "logs" / "meta.properties").exists()
