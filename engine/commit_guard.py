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
hidden, so here a commit must start exactly at the committed offset (0 for a partition never
committed) and stop at the first offset not acked. A refused commit leaves lag that does not
move; engine.liveness seeks such a partition back to its committed offset (or restarts the
worker), and the records are processed.
"""

from __future__ import annotations

from typing import Any

import faust
from faust.transport.drivers import aiokafka as aiokafka_driver
from faust.types import TP


class GuardedConsumer(aiokafka_driver.Consumer):
    def _new_offset(self, tp: TP) -> int | None:
        acked = self._acked[tp]
        if not acked:
            return None
        committed = self._committed_offset[tp]
        if min(acked) > (committed or 0):
            return None  # the records from the committed offset on were never processed
        self._gap[tp].clear()  # a jump in fetched offsets is records skipped, not a hole
        offset: int | None = super()._new_offset(tp)
        return offset


class GuardedTransport(aiokafka_driver.Transport):
    Consumer = GuardedConsumer


class PonteApp(faust.App):
    """faust.App whose consumer is the GuardedConsumer."""

    def _new_transport(self) -> Any:
        return GuardedTransport(self.conf.broker_consumer, self)
