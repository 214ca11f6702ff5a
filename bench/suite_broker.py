"""The suite's broker: a private single-node Kafka on free loopback ports with a temporary data
directory, started and stopped by the suite; or an existing one given with --bootstrap, which the
suite never stops."""

from __future__ import annotations

import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine import local_broker


def _port_pair_free(port: int) -> bool:
    """Both the broker's port and the controller's (port + 1) can be bound on loopback."""
    for candidate in (port, port + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", candidate))
            except OSError:
                return False
    return True


def free_port_pair() -> int:
    """A port whose successor is free too (the broker's controller listens there)."""
    for _ in range(100):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = int(sock.getsockname()[1])
        if port < 65535 and _port_pair_free(port):
            return port
    raise RuntimeError("no two consecutive free loopback ports found")


@contextmanager
def private_broker(keep_data: bool = False) -> Iterator[str]:
    """A broker of our own for the whole run; yields its bootstrap address, stops it after."""
    data_dir = Path(tempfile.mkdtemp(prefix="ponte-bench-broker-"))
    broker = local_broker.LocalBroker(port=free_port_pair(), data_dir=data_dir)
    try:  # an interrupted start leaves a broker running too: stopped below
        print(local_broker.start(broker), flush=True)
        yield broker.bootstrap
    finally:
        print(local_broker.stop(broker), file=sys.stderr, flush=True)
        if keep_data:
            print(f"broker data and log kept in {data_dir}", file=sys.stderr)
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


@contextmanager
def existing_broker(bootstrap: str) -> Iterator[str]:
    """A broker someone else runs: checked, used, left running."""
    if not local_broker.broker_answers(bootstrap, timeout=10):
        raise RuntimeError(f"no Kafka broker answers at {bootstrap}")
    yield bootstrap
