"""Liveness: an agent that stopped consuming while its partitions have lag is found, reported
on /health and in metrics, and recovered by restarting its worker.

A partition is stalled when it has records past the group's committed offset, that offset has
not moved for ``stall_seconds``, and it is not simply waiting its turn: an agent hung on an
event, a partition its consumer stopped fetching, and commits that stopped advancing (the commit
guard refused them) look like that. A slow sink (erp-orders at the ERP's 1 request/s) leaves
partitions unmoved for minutes while their records wait in the agent's stream buffer, or while
the buffer's pressure keeps them paused; that is waiting its turn, as long as the agent finishes
events within the bound.

    AgentProgress     per agent: the event in hand and when it last finished one (a Faust
                      sensor, a few stores per event): a hung agent, records never handed to
                      it, and an agent busy with other records, told apart
    partition_lags,   pure: the agent's lagging partitions; how long each has not moved;
    advance_clocks,   its stall
    stall_of
    Liveness          a timer every few seconds: publishes the gauges, answers /health; a
                      stalled partition whose agent is not inside one of its events (records
                      fetched but never handed over) is sought back to its committed offset;
                      once a stall has lasted ``RECOVER_FACTOR`` times the bound (a hung agent,
                      or a seek that did not help), the worker exits (70)
    holes             a partition whose commit the guard refused (records after ones never
                      handed over were processed) is fetched again from its base at once
    starved           an idle agent (no event in hand, none finished for ``idle_seconds``)
                      with a lagging partition that has nothing queued for it and is not
                      paused: its records were never handed over (seen at a worker's start on
                      a backlog); the partition is fetched again from its committed offset
                      after ``idle_seconds`` (15 s) instead of the stall bound (120 s)
    loop watchdog     a thread that exits the worker when the event loop itself stops turning
                      (a blocking call), which no timer could notice

Why the worker exits rather than restarting the agent's actor in place: cancelling a Faust
actor closes its stream's generator, whose ``finally`` acks the event in hand, so the offset
would be committed past an event that was never processed (the silent loss Faust users
report). ``os._exit`` commits nothing more: every committed offset belongs to a processed event
(Faust commits contiguous acked offsets only), the group hands the partitions to another worker
or the supervisor restarts this one, and processing resumes at the hung event. Sinks dedupe
(links, ERP lookup by platform number), so an event processed twice has one effect.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from faust.sensors import Sensor
from faust.types import TP, EventT, StreamT

from engine.commit_guard import commit_base
from engine.context import Engine
from engine.flow_control import queued, resume_drained
from engine.metrics import AGENT_IDLE, AGENT_LAG, AGENT_STALLED, LIVENESS_RECOVERIES

log = logging.getLogger(__name__)
EXIT_STALLED = 70  # EX_SOFTWARE: a supervisor restarts the worker, the group reassigns meanwhile
RECOVER_FACTOR = 1.5
IDLE_REFETCH_SECONDS = 15.0
# How long the broker may take to answer an offsets request. Faust's consumer long-polls with
# fetch_max_wait_ms=1500, and a ListOffsets request waits behind that fetch on the same
# connection. A shorter wait fails every time the partitions are quiet, and each failure
# restarts the stall clocks, so a hung agent with a short bound was never reported.
BROKER_ANSWER_SECONDS = 5.0
HANG_FAULT_PREFIX = "hang:"


@dataclass
class AgentProgress:
    """One agent on this worker: the topics it reads, the event it is inside of (if any)."""

    topics: frozenset[str]
    in_hand: tuple[TP, int] | None = None
    last_out: float = field(default_factory=time.monotonic)

    def started(self, tp: TP, offset: int) -> None:
        self.in_hand = (tp, offset)

    def finished(self) -> None:
        self.in_hand = None
        self.last_out = time.monotonic()

    def busy(self, now: float, bound: float) -> bool:
        """True if the agent finished an event within ``bound`` seconds."""
        return now - self.last_out < bound


@dataclass(frozen=True)
class PartitionLag:
    """A partition with records past the next one its agent would process."""

    tp: TP
    next_offset: int
    lag: int

    def as_json(self) -> dict[str, Any]:
        return {"topic": self.tp.topic, "partition": self.tp.partition, "lag": self.lag}


@dataclass(frozen=True)
class Stall:
    """An agent whose lagging partitions have not moved for ``idle_seconds``."""

    agent: str
    idle_seconds: float
    partitions: tuple[PartitionLag, ...]

    def as_json(self) -> dict[str, Any]:
        return {
            "agent": self.agent,
            "idle_seconds": round(self.idle_seconds, 1),
            "lag": sum(p.lag for p in self.partitions),
            "partitions": [p.as_json() for p in self.partitions],
        }


Clocks = dict[TP, tuple[int, float]]  # a lagging partition's next offset, and since when


def partition_lags(
    progress: AgentProgress,
    assigned: Iterable[TP],
    ends: Mapping[TP, int | None],
    committed: Mapping[TP, int | None],
    log_starts: Mapping[TP, int] | None = None,
) -> list[PartitionLag]:
    """The agent's assigned partitions with records past the group's committed offset (for a
    partition never committed, its log start: engine.commit_guard commits only from there)."""
    lags = []
    for tp in assigned:
        if tp.topic not in progress.topics:
            continue
        next_offset = commit_base(committed.get(tp), (log_starts or {}).get(tp))
        end = ends.get(tp)
        if end is not None and end > next_offset:
            lags.append(PartitionLag(tp, next_offset, end - next_offset))
    return sorted(lags, key=lambda p: (p.tp.topic, p.tp.partition))


def advance_clocks(clocks: Clocks, lags: Iterable[PartitionLag], now: float) -> Clocks:
    """Each lagging partition's next offset and since when it has not moved (partitions without
    lag drop out; a partition that moved starts again from ``now``)."""
    kept = {}
    for p in lags:
        before = clocks.get(p.tp)
        kept[p.tp] = (
            before
            if before is not None and before[0] == p.next_offset
            else (
                p.next_offset,
                now,
            )
        )
    return kept


@dataclass(frozen=True)
class Waiting:
    """What tells a partition waiting its turn from a stalled one, for one check."""

    busy: bool  # the agent finished an event within the bound
    queued: frozenset[TP]  # partitions with records in the agent's stream buffer
    paused: frozenset[TP]  # partitions paused while that buffer is under pressure
    refused: frozenset[TP]  # partitions whose commit the guard refused for the bound

    def excuses(self, tp: TP) -> bool:
        return self.busy and tp not in self.refused and (tp in self.queued or tp in self.paused)


def stall_of(
    agent: str,
    lags: list[PartitionLag],
    clocks: Clocks,
    now: float,
    bound: float,
    waiting: Waiting | None = None,
) -> Stall | None:
    """The agent's stall: its lagging partitions that have not moved for ``bound`` seconds and
    are not waiting their turn behind a busy agent."""
    stuck = [
        p
        for p in lags
        if now - clocks[p.tp][1] >= bound and not (waiting and waiting.excuses(p.tp))
    ]
    if not stuck:
        return None
    return Stall(agent, max(now - clocks[p.tp][1] for p in stuck), tuple(stuck))


def starved(
    progress: AgentProgress,
    lags: list[PartitionLag],
    clocks: Clocks,
    now: float,
    idle_seconds: float,
    waiting: Waiting,
) -> list[PartitionLag]:
    """The lagging partitions of an idle agent that nothing reached for ``idle_seconds``: no
    event in hand, none finished, none queued for it, the partition not paused."""
    if progress.in_hand is not None or progress.busy(now, idle_seconds):
        return []
    return [
        p
        for p in lags
        if now - clocks[p.tp][1] >= idle_seconds
        and p.tp not in waiting.queued
        and p.tp not in waiting.paused
    ]


class ProgressSensor(Sensor):
    """Keeps each agent's AgentProgress from its stream's events (streams carry the agent name)."""

    def __init__(self, agents: Mapping[str, AgentProgress], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._agents = agents

    def on_stream_event_in(
        self, tp: TP, offset: int, stream: StreamT[Any], event: EventT[Any]
    ) -> dict[Any, Any] | None:
        progress = self._agents.get(stream.prefix)
        if progress is not None:
            progress.started(tp, offset)
        return None

    def on_stream_event_out(
        self,
        tp: TP,
        offset: int,
        stream: StreamT[Any],
        event: EventT[Any],
        state: dict[Any, Any] | None = None,
    ) -> None:
        progress = self._agents.get(stream.prefix)
        if progress is not None:
            progress.finished()


class Liveness:
    """The stalled agents of this worker, measured every ``check_seconds``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.bound = engine.settings.stall_seconds
        self.check_seconds = max(1.0, min(5.0, self.bound / 4))
        self.answer_seconds = max(self.check_seconds, BROKER_ANSWER_SECONDS)
        self.idle_seconds = min(self.bound, max(IDLE_REFETCH_SECONDS, self.check_seconds * 3))
        self.agents: dict[str, AgentProgress] = {}
        self.stalls: list[Stall] = []
        self.heartbeat = time.monotonic()
        self._clocks: Clocks = {}
        self._sought: dict[TP, int] = {}
        self._holes: dict[TP, tuple[int, float]] = {}
        self._starved: dict[str, tuple[PartitionLag, ...]] = {}
        self._watchdog: threading.Thread | None = None

    def watch(self) -> None:
        """Know every agent and its topics (the app's agents exist once they are wired)."""
        for name, agent in self.engine.app.agents.items():
            topics = frozenset(getattr(agent.channel, "topics", ()) or ())
            self.agents.setdefault(name, AgentProgress(topics))

    async def check(self) -> None:
        """Measure every agent; exit the worker once a stall outlived the recovery bound."""
        self._start_watchdog()
        app = self.engine.app
        consumer = app.consumer
        watched = [
            tp
            for tp in consumer.assignment()
            if any(tp.topic in p.topics for p in self.agents.values())
        ]
        ends = await self._end_offsets(watched)
        # Faust's record of the group's committed offsets, loaded on assignment, kept on commit.
        committed: Mapping[TP, int | None] = getattr(consumer, "_committed_offset", {})
        log_starts = await self._log_starts(watched, ends, committed)
        for tp in resume_drained(consumer, app.topics):
            log.warning("liveness: %s resumed (its stream buffer drained)", tp)
            LIVENESS_RECOVERIES.labels(agent=self._agent_of(tp), action="resume_fetch").inc()
        self.stalls = self._measure(watched, ends, committed, log_starts, time.monotonic())
        await self._refetch_holes(watched, committed, log_starts)
        for stall in self.stalls:
            if stall.idle_seconds >= self.bound * RECOVER_FACTOR:
                exit_stalled(f"agent {stall.agent} stalled: {stall.as_json()}")
            if not self._holds_event(stall):
                await self._fetch_again(stall)
        for name, parts in self._starved.items():
            await self._fetch_again(Stall(name, self.idle_seconds, parts), "fetch_idle")

    async def _log_starts(
        self, watched: list[TP], ends: Mapping[TP, int | None], committed: Mapping[TP, int | None]
    ) -> Mapping[TP, int]:
        """The first offset a never-committed partition with lag still holds (retention may
        have deleted its first records), shared with the commit guard; asked once per
        partition, and again while the guard refuses its commits."""
        consumer = self.engine.app.consumer
        known: dict[TP, int] = getattr(consumer, "log_starts", {})
        refused: Mapping[TP, float] = getattr(consumer, "refused_since", {})
        ask = [
            tp
            for tp in watched
            if committed.get(tp) is None
            and (ends.get(tp) or 0) > known.get(tp, 0)
            and (tp not in known or tp in refused)
        ]
        if ask:
            try:
                earliest = await asyncio.wait_for(
                    consumer.earliest_offsets(*ask), self.answer_seconds
                )
            except Exception as exc:  # a broker outage is not a stall: the next check retries
                log.info("liveness: no log start offsets this time (%r)", exc)
            else:
                known.update(earliest)
        return known

    def _waiting(self, name: str, candidates: list[TP], now: float) -> Waiting:
        """What excuses an agent's unmoved partitions: records still queued for it or paused
        by its buffer's pressure, while it finishes events (a slow sink, not a stall)."""
        consumer = self.engine.app.consumer
        refused: Mapping[TP, float] = getattr(consumer, "refused_since", {})
        paused: set[TP] = getattr(consumer, "_buffered_partitions", set())
        return Waiting(
            busy=self.agents[name].busy(now, self.bound),
            queued=frozenset(tp for tp in candidates if queued(self.engine.app.topics, tp)),
            paused=frozenset(tp for tp in candidates if tp in paused),
            refused=frozenset(
                tp for tp in candidates if tp in refused and now - refused[tp] >= self.bound
            ),
        )

    async def _refetch_holes(
        self, watched: list[TP], committed: Mapping[TP, int | None], log_starts: Mapping[TP, int]
    ) -> None:
        """Seek a partition whose commit the guard refused back to its base at once: its agent
        processed records after ones it never got (Faust dropped them: a seek racing a batch
        already fetched, as at a worker's start on a backlog), so they will not come otherwise.
        The records handed over after the hole are not handed over again (engine.flow_control)."""
        refused: Mapping[TP, float] = getattr(self.engine.app.consumer, "refused_since", {})
        now = time.monotonic()
        for tp in watched:
            if tp not in refused:
                continue
            base = commit_base(committed.get(tp), log_starts.get(tp))
            sought = self._holes.get(tp)
            if sought is not None and sought[0] == base and now - sought[1] < self.bound / 2:
                continue
            self._holes[tp] = (base, now)
            consumer: Any = self.engine.app.consumer  # Faust's private offsets bookkeeping
            acked = consumer._acked.get(tp) or ()
            read = consumer._read_offset.get(tp)
            skipped = (min(acked), read) if acked and read is not None else None
            if skipped:  # handed over from the hole's end on: not again
                getattr(consumer, "delivered_again", {})[tp] = skipped
            log.warning(
                "liveness: %s refetched from %d (records never handed over; not again: %s)",
                tp, base, skipped,
            )  # fmt: skip
            await consumer.refetch(tp, base)
            LIVENESS_RECOVERIES.labels(agent=self._agent_of(tp), action="refetch_hole").inc()

    def _agent_of(self, tp: TP) -> str:
        return next((name for name, p in self.agents.items() if tp.topic in p.topics), "other")

    def _holds_event(self, stall: Stall) -> bool:
        """True if the agent is inside an event of a stalled partition (hung: only a restart
        frees it); else the stalled records were fetched but never handed to it."""
        in_hand = self.agents[stall.agent].in_hand
        return in_hand is not None and any(p.tp == in_hand[0] for p in stall.partitions)

    async def _fetch_again(self, stall: Stall, action: str = "fetch_again") -> None:
        """Seek each stalled partition back to its committed offset, once per stall: the
        consumer fetches the records again and hands them to the agent (those after the missing
        one a second time; the sinks dedupe them)."""
        for p in stall.partitions:
            if self._sought.get(p.tp) == p.next_offset:
                continue
            self._sought[p.tp] = p.next_offset
            log.warning("liveness: %s %s fetched again from %d", stall.agent, p.tp, p.next_offset)
            consumer: Any = self.engine.app.consumer
            await consumer.refetch(p.tp, p.next_offset)
            LIVENESS_RECOVERIES.labels(agent=stall.agent, action=action).inc()

    async def _end_offsets(self, watched: list[TP]) -> Mapping[TP, int | None]:
        """The broker's end offsets; none (no lag counted) if it cannot say soon."""
        if not watched:
            return {}
        try:
            return await asyncio.wait_for(
                self.engine.app.consumer.highwaters(*watched), self.answer_seconds
            )
        except Exception as exc:  # a broker outage is not a stall: the next check retries
            log.info("liveness: no end offsets this time (%r)", exc)
            return {}

    def _measure(
        self,
        watched: list[TP],
        ends: Mapping[TP, int | None],
        committed: Mapping[TP, int | None],
        log_starts: Mapping[TP, int],
        now: float,
    ) -> list[Stall]:
        stalls = []
        every_lag = {
            name: partition_lags(p, watched, ends, committed, log_starts)
            for name, p in self.agents.items()
        }
        self._clocks = advance_clocks(
            self._clocks, (lag for lags in every_lag.values() for lag in lags), now
        )
        self._starved = {}
        for name, lags in every_lag.items():
            quiet = [p.tp for p in lags if now - self._clocks[p.tp][1] >= self.idle_seconds]
            if quiet:
                found = starved(
                    self.agents[name],
                    lags,
                    self._clocks,
                    now,
                    self.idle_seconds,
                    self._waiting(name, quiet, now),
                )
                if found:
                    self._starved[name] = tuple(found)
            unmoved = [p.tp for p in lags if now - self._clocks[p.tp][1] >= self.bound]
            waiting = self._waiting(name, unmoved, now) if unmoved else None
            stall = stall_of(name, lags, self._clocks, now, self.bound, waiting)
            idle = now - self.agents[name].last_out if lags else 0.0
            AGENT_LAG.labels(agent=name).set(sum(p.lag for p in lags))
            AGENT_IDLE.labels(agent=name).set(max(idle, 0.0))
            AGENT_STALLED.labels(agent=name).set(1.0 if stall else 0.0)
            if stall is not None:
                stalls.append(stall)
        if stalls:
            log.warning("stalled agents: %s", [s.as_json() for s in stalls])
        return stalls

    def _start_watchdog(self) -> None:
        if self._watchdog is None:
            loop = asyncio.get_running_loop()
            self._watchdog = threading.Thread(
                target=self._watch_loop, args=(loop,), name="liveness-watchdog", daemon=True
            )
            self._watchdog.start()

    def _beat(self) -> None:
        self.heartbeat = time.monotonic()

    def _watch_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Asks the loop for a beat every few seconds; a loop that answers none is blocked."""
        limit = max(self.bound * RECOVER_FACTOR, self.check_seconds * 3)
        while True:
            try:
                loop.call_soon_threadsafe(self._beat)
            except RuntimeError:  # the loop closed: the worker is shutting down
                return
            time.sleep(self.check_seconds)
            blocked = time.monotonic() - self.heartbeat
            if blocked > limit and loop.is_running():
                exit_stalled(f"the event loop has not turned for {blocked:.0f}s")


def exit_stalled(reason: str) -> None:
    """Leave at once: no shutdown path may ack the event in hand (see the module docstring)."""
    log.error("liveness: %s; exiting with %d so the worker is restarted", reason, EXIT_STALLED)
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
    os._exit(EXIT_STALLED)


_hung: set[str] = set()


async def injected_hang(engine: Engine, agent: str) -> None:
    """Test-only (PONTE_FAULT_POINT=hang:<agent>): the agent's first event never finishes."""
    if engine.settings.fault_point == HANG_FAULT_PREFIX + agent and agent not in _hung:
        _hung.add(agent)
        log.warning("fault point: agent %s hangs on this event", agent)
        await asyncio.Event().wait()


def wire_liveness(engine: Engine) -> Liveness:
    """The liveness check of this worker's agents (call after the agents are wired)."""
    liveness = Liveness(engine)
    liveness.watch()
    engine.app.sensors.add(ProgressSensor(liveness.agents))

    @engine.app.timer(liveness.check_seconds, name="liveness")  # type: ignore[untyped-decorator]
    async def check_liveness() -> None:
        try:
            await liveness.check()
        except Exception:  # a failed measurement must not stop the worker; the next one retries
            log.exception("could not check the agents' liveness")

    return liveness
