"""An open-loop schedule: each send has a fixed due time; nothing waits for earlier answers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def open_loop(count: int, rate: float, fire: Callable[[int], None]) -> list[float]:
    """Call ``fire(i)`` at start + i/rate for i < count; return how late each call was, in ms.

    ``fire`` must not block: it starts the send (a task, an enqueue) and returns. Lateness shows
    whether this process kept up with its own schedule, which a high rate on few cores may not.
    """
    start = time.monotonic() + 0.05
    lateness_ms = []
    for i in range(count):
        due = start + i / rate
        delay = due - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        lateness_ms.append((time.monotonic() - due) * 1000)
        fire(i)
    return lateness_ms
