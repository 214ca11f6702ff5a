"""`ponte demo --platform P --exit-after-order`, run as a user runs it, for every platform: the
order placed in P's sandbox must reach the ERP sandbox through P's own notification."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from connectors.registry import PLATFORMS
from tests.harness import free_port

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_TIMEOUT = 240.0
REACHED = re.compile(r"^Demo \S+ order .+ reached the ERP as sales order id \d+ ", re.MULTILINE)

pytestmark = pytest.mark.broker


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
def test_the_demo_order_reaches_the_erp(
    platform: str, kafka_bootstrap: str, tmp_path: Path
) -> None:
    demo_dir = tmp_path / "demo"
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "PONTE_DEMO_DIR": str(demo_dir),
        "PONTE_DEMO_ENGINE_PORT": str(free_port()),
        "PONTE_DEMO_ERP_PORT": str(free_port()),
        "PONTE_DEMO_PLATFORM_PORT": str(free_port()),
    }
    returncode, output = _run_demo(["--platform", platform, "--exit-after-order"], env)
    assert returncode == 0, f"{output}\n{_engine_log_tail(demo_dir)}"
    assert REACHED.search(output), output
    assert f"Sandbox {PLATFORMS[platform].title}" in output


def _run_demo(args: list[str], env: dict[str, str]) -> tuple[int, str]:
    """The demo's exit code and output; past the deadline it is stopped as Ctrl-C would."""
    demo = subprocess.Popen(
        [sys.executable, "-m", "engine", "demo", *args],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its children stay reachable as one group if all else fails
    )
    try:
        output, _ = demo.communicate(timeout=DEMO_TIMEOUT)
    except subprocess.TimeoutExpired:
        demo.send_signal(signal.SIGTERM)
        try:
            output, _ = demo.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            output, _ = demo.communicate()
        pytest.fail(f"the demo did not finish within {DEMO_TIMEOUT:.0f}s:\n{output.decode()}")
    return demo.returncode, output.decode(errors="replace")


def _engine_log_tail(demo_dir: Path, lines: int = 60) -> str:
    log = demo_dir / "engine.log"
    if not log.exists():
        return "(no engine log)"
    return "engine.log:\n" + "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
