"""A Faust consumer that never commits past an event no agent processed.

Faust commits, per partition, the run of acked offsets that follows the committed one, and
fills the run's holes with the "gaps" it saw in the offsets it fetched (meant for the records a
compaction or a transaction marker hides). The fault suite (tests/faults) showed what that
does after a rebalance: the records a worker had fetched but not yet handed to its agents are
dropped, the seek back to the committed offset does not always happen ("exception performing
seek when flow not active"), the fetch goes on after the dropped records, Faust takes the jump
for a gap (or, on a partition never committed, does not check the run's start at all) and
commits over them: acknowledged orders were lost on every run with worker kills.

Our agents read only delete-policy topics without transactions, where no record is ever
hidden, so here a commit must start exactly at the partition's base and stop at the first
offset not acked. The base is the committed offset, or, for a partition never committed, the
first offset the log still holds (0 until engine.liveness asked the broker: retention may have
deleted the first records, and a base of 0 would then refuse every commit forever). A refused
commit is remembered (``refused_since``); engine.liveness seeks such a partition back to its
base (or restarts the worker), and the records are processed.

Such holes also open at a worker's start on a backlog (tests/integration/test_backlog.py, the
catch-up benchmark): Faust's seek to the committed offsets races a batch fetched before it, the
batch moves the partition's read offset past the records the seek is for, and Faust drops them
as already read. engine.liveness fetches a refused partition again from its base at once
(``refetch``); ``ReadOffsets`` holds the read offset there until that record comes, and
engine.flow_control does not hand over twice what was handed over before the seek. The race
itself is closed at its source: ``GuardedConsumer.perform_seek`` holds the stream partitions
back until the seek is done and seeks never-committed ones to their log start, and
``GuardedConsumer._getmany`` gives back records fetched for a partition that is not active
(refetch stays as the safety net).

The transport also brings engine.flow_control's conductor, whose stream buffers never block the
worker's one fetcher.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any, ClassVar

import faust
from faust.transport.conductor import Conductor as FaustConductor
from faust.transport.drivers import aiokafka as aiokafka_driver
from faust.types import TP

from engine.flow_control import BufferedConductor

log = logging.getLogger(__name__)


def commit_base(committed: int | None, log_start: int | None) -> int:
    """Where a partition's next commit must start: its committed offset, else its log start."""
    if committed is not None:
        return committed
    return log_start or 0


def given_back(first_offsets: Mapping[TP, int], wanted: Callable[[TP], bool]) -> dict[TP, int]:
    """The partitions whose fetched records must not be handed over, each with the offset its
    fetch position goes back to: the first record fetched (aiokafka moved past them)."""
    return {tp: offset for tp, offset in first_offsets.items() if not wanted(tp)}


def starts_at_base(acked: Collection[int], base: int) -> bool:
    """True if the acked offsets can be committed: the lowest is the base (or below it, for
    records acked again after a seek back)."""
    return bool(acked) and min(acked) <= base


class ReadOffsets(defaultdict[TP, int | None]):
    """Faust's ``_read_offset`` (the last offset handed to the conductor, per partition; lower
    offsets are dropped as already read), held at the offset a partition is being fetched
    again from until that record comes: a batch fetched before the seek, still being handed
    over, would otherwise move it past the records the seek is for, and they would be dropped."""

    def __init__(self, refetching: dict[TP, int]) -> None:
        super().__init__(lambda: None)
        self.refetching = refetching

    def __getitem__(self, tp: TP) -> int | None:
        if tp in self.refetching:
            return self.refetching[tp]
        return super().__getitem__(tp)

    def __setitem__(self, tp: TP, offset: int | None) -> None:
        if tp not in self.refetching:
            super().__setitem__(tp, offset)


class GuardedConsumer(aiokafka_driver.Consumer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.refetching: dict[TP, int] = {}  # partitions sought back, to the offset expected
        self._read_offset = ReadOffsets(self.refetching)
        self.log_starts: dict[TP, int] = {}  # partitions never committed: their log start
        self.refused_since: dict[TP, float] = {}  # partitions whose commit was refused, since
        self.delivered_again: dict[TP, tuple[int, int]] = {}  # see engine.flow_control
        self._seek_pending = False  # assigned, not yet sought to the committed offsets
        self._held_back: set[TP] = set()  # stream partitions resumed before that seek

    async def on_partitions_assigned(self, assigned: set[TP], generation_id: int = 0) -> None:
        self._seek_pending = True  # stream partitions wait for perform_seek (see there)
        self._held_back.clear()
        await super().on_partitions_assigned(assigned, generation_id)

    def resume_partitions(self, tps: Iterable[TP]) -> None:
        """Resume fetching ``tps``; a stream partition waits until the seek to its committed
        offset is done (changelog partitions are resumed for table recovery at once)."""
        tps = set(tps)
        if self._seek_pending:
            held = {tp for tp in tps if not self._is_changelog_tp(tp)}
            self._held_back |= held
            tps -= held
        super().resume_partitions(tps)

    async def perform_seek(self) -> None:
        """Seek every partition to its committed offset, and a never-committed one to its log
        start, before any of its records is handed over (``resume_partitions`` holds the stream
        partitions back until then).

        When tables restore a changelog at a worker's start, Faust's fetcher already runs, and
        Faust resumes the stream partitions just before this seek: records fetched from wherever
        the fetch position stood were handed to the agents while the seek was under way, then
        the seek reset the read offsets, and moved only partitions with a committed offset. A
        never-committed partition kept the position that early fetch had reached: seen with
        1,500 deliveries preloaded (tests/integration/test_batched_flows.py, 1 run in 4-5), all
        of them were fetched and handed over before "Worker ready", none was ever worked or
        acked, every fetch position stood at its partition's end, and the worker sat idle with
        the whole backlog as lag; with a longer backlog, the records before the early fetch's
        end became holes that stopped every commit until liveness fetched them again."""
        try:
            await super().perform_seek()
            never = [
                tp
                for tp in self.assignment()
                if self._committed_offset.get(tp) is None and not self._is_changelog_tp(tp)
            ]
            if never:
                try:
                    starts = await self.earliest_offsets(*never)
                except Exception as exc:  # the reset policy (earliest) applies instead
                    log.warning("no log start offsets for %d partitions (%r)", len(never), exc)
                    starts = {}
                for tp in never:
                    if tp not in starts:
                        continue
                    start = starts[tp] or 0
                    self.log_starts[tp] = start
                    self._read_offset[tp] = None
                    await self._seek(tp, start)
        finally:
            self._seek_pending = False
            held, self._held_back = self._held_back, set()
            super().resume_partitions(held & self.assignment())

    async def _getmany(self, active_partitions: set[TP] | None, timeout: float) -> Any:
        """Records of the partitions active when the fetch returns, and of no other.

        Faust passes its live set of active partitions to aiokafka, which returns the records of
        EVERY assigned partition when that set is empty. During the seek at a worker's start the
        set empties while the fetch long-polls (the changelogs are paused again, the stream
        partitions still wait for the seek): records of paused stream partitions came back,
        aiokafka's position moved past them, and Faust dropped them (a hole the commit guard
        refused, 1 start in 4 under CPU contention in the catch-up benchmark) or handed them
        over before the seek reset its read offsets (processed twice). A snapshot of the set is
        asked for instead, and records of a partition no longer active on return are given
        back: its position goes back to their first offset."""
        asked = None if active_partitions is None else frozenset(active_partitions)
        if asked is not None and not asked:
            return {}
        records = await super()._getmany(asked, timeout)  # type: ignore[arg-type]
        if not records or active_partitions is None:
            return records
        active, buffered = self._get_active_partitions(), self._buffered_partitions
        back = given_back(
            {tp: batch[0].offset for tp, batch in records.items() if batch},
            lambda tp: tp in active or tp in buffered,
        )
        if not back:
            return records
        assigned = self.assignment()
        for tp, offset in back.items():
            if tp in assigned:  # a revoked one is read from its committed offset by its owner
                await self._seek(tp, offset)
        log.info("fetched records of %d paused partitions given back", len(back))
        return {tp: batch for tp, batch in records.items() if tp not in back}

    async def refetch(self, tp: TP, offset: int) -> None:
        """Fetch ``tp`` again from ``offset``; what was fetched before is not handed over."""
        self.refetching[tp] = offset
        await self._seek(tp, offset)

    async def on_partitions_revoked(self, revoked: set[TP]) -> None:
        for tp in revoked:
            self.log_starts.pop(tp, None)
            self.refused_since.pop(tp, None)
            self.delivered_again.pop(tp, None)
            self.refetching.pop(tp, None)
        await super().on_partitions_revoked(revoked)

    def _new_offset(self, tp: TP) -> int | None:
        acked = self._acked[tp]
        if not acked:
            return None
        base = commit_base(self._committed_offset[tp], self.log_starts.get(tp))
        if not starts_at_base(acked, base):
            # the records from the base on were never processed
            if tp not in self.refused_since:
                self.refused_since[tp] = time.monotonic()
                log.info(
                    "commit of %s refused: %d offsets acked from %d to %d, base %d, read %s",
                    tp, len(acked), min(acked), max(acked), base, self._read_offset.get(tp),
                )  # fmt: skip
            return None
        self.refused_since.pop(tp, None)
        self._gap[tp].clear()  # a jump in fetched offsets is records skipped, not a hole
        offset: int | None = super()._new_offset(tp)
        return offset


class GuardedTransport(aiokafka_driver.Transport):
    Consumer = GuardedConsumer
    Conductor: ClassVar[type[FaustConductor]] = BufferedConductor


class BlockingBuffersTransport(GuardedTransport):
    """Test-only: Faust's own conductor, whose full stream buffer blocks the fetcher (the
    reproduction of the stall engine.flow_control removes, and of its detection)."""

    Conductor = FaustConductor


BLOCKING_BUFFERS_FAULT = "faust-blocking-buffers"


class PonteApp(faust.App):
    """faust.App whose consumer is the GuardedConsumer and whose conductor never blocks the
    fetcher on a full stream buffer (``blocking_buffers``: test-only, Faust's own)."""

    def __init__(self, *args: Any, blocking_buffers: bool = False, **kwargs: Any) -> None:
        self._blocking_buffers = blocking_buffers
        super().__init__(*args, **kwargs)

    def _new_transport(self) -> Any:
        kind = BlockingBuffersTransport if self._blocking_buffers else GuardedTransport
        return kind(self.conf.broker_consumer, self)
