"""Events in and out of this worker per topic, and out per event type: a Faust sensor.

The sensor sees every record the worker's consumer hands to its streams and every record any
flow sends, without a line in the flows. The type is read from the first bytes of the value
(the envelope's ``type``, a command's ``kind``, a delivery's ``topic``: each among a record's
first fields), not by decoding it: per-message work stays a bounded byte search. Types are
capped (``MAX_TYPES`` per topic, then "other"), so a platform inventing topics cannot grow the
label set.
"""

from __future__ import annotations

from typing import Any

from faust.sensors import Sensor
from faust.types import TP, AppT, Message, ProducerT
from faust.types.tuples import PendingMessage
from prometheus_client import Counter

from engine.context import Engine
from engine.metrics import EVENTS_IN, EVENTS_OUT
from topics.registry import CATALOG, DELIVERIES, ERP_CHANGES, ORDERS, OUTBOUND, all_topics
from topics.spec import TopicSpec

TYPE_FIELD: dict[TopicSpec, bytes] = {
    ORDERS: b'"type":"',
    CATALOG: b'"type":"',
    ERP_CHANGES: b'"type":"',
    OUTBOUND: b'"kind":"',
    DELIVERIES: b'"topic":"',
}
SEARCHED_BYTES = 512
MAX_TYPE_LENGTH = 48
MAX_TYPES = 40
INTERNAL = "faust-internal"


def type_of(value: bytes | None, field: bytes | None) -> str:
    """The value of ``field`` (a JSON string) among the first bytes of ``value``; "" if absent."""
    if value is None or field is None:
        return ""
    start = value.find(field, 0, SEARCHED_BYTES)
    if start < 0:
        return ""
    start += len(field)
    end = value.find(b'"', start, start + MAX_TYPE_LENGTH + 1)
    return value[start:end].decode("ascii", errors="replace") if end > start else ""


class TrafficSensor(Sensor):
    """Counts records in per topic and out per topic and type, with cached counter children."""

    def __init__(self, declared: dict[str, TopicSpec], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Looked up by broker name per message: plain strings, never a TopicSpec hashed.
        self._labels = {name: spec.name for name, spec in declared.items()}
        self._fields = {name: TYPE_FIELD.get(spec) for name, spec in declared.items()}
        self._in: dict[str, Counter] = {}
        self._out: dict[tuple[str, str], Counter] = {}
        self._types: dict[str, set[str]] = {}

    def on_message_in(self, tp: TP, offset: int, message: Message) -> None:
        counter = self._in.get(tp.topic)
        if counter is None:
            counter = self._in[tp.topic] = EVENTS_IN.labels(self._label(tp.topic))
        counter.inc()

    def on_send_initiated(
        self, producer: ProducerT, topic: str, message: PendingMessage, keysize: int, valsize: int
    ) -> Any:
        self.sent(topic, message.value)
        return None

    def sent(self, topic: str, value: Any) -> None:
        """Count one record sent to ``topic`` (by Topic.send, or straight to the producer)."""
        field = self._fields.get(topic)
        kind = type_of(value, field) if field is not None and isinstance(value, bytes) else ""
        counter = self._out.get((topic, kind))
        if counter is None:
            counter = self._new_out(topic, kind)
        counter.inc()

    def _new_out(self, topic: str, kind: str) -> Counter:
        seen = self._types.setdefault(topic, set())
        if kind not in seen and len(seen) >= MAX_TYPES:
            kind = "other"
        seen.add(kind)
        counter = self._out[(topic, kind)] = EVENTS_OUT.labels(self._label(topic), kind)
        return counter

    def _label(self, topic: str) -> str:
        return self._labels.get(topic, INTERNAL)


def count_sent(app: AppT, topic: str, value: bytes) -> None:
    """Count a record sent straight to the producer, past Topic.send and its sensors."""
    sensor = _sensors.get(id(app))
    if sensor is not None:
        sensor.sent(topic, value)


_sensors: dict[int, TrafficSensor] = {}
"""The traffic sensor of each app in this process (one engine per worker process)."""


def wire_traffic(engine: Engine) -> None:
    declared = {engine.topics.name(spec): spec for spec in all_topics()}
    sensor = _sensors[id(engine.app)] = TrafficSensor(declared)
    engine.app.sensors.add(sensor)
