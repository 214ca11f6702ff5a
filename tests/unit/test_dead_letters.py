"""The dead-letter record of a consumed event: where it came from, what it was, why it failed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from engine.dead_letters import dead_letter_record
from topics.dead_letter import DeadLetter


@dataclass(frozen=True)
class Message:
    """The attributes of faust.types.Message that dead_letter_record reads."""

    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class Event:
    """A stand-in for Faust's event struct (key, value, message), not one of our components."""

    key: Any
    value: Any
    message: Message


def record_of(event: Event, **overrides: Any) -> DeadLetter:
    arguments = {"reason": "ERP refused the order", "error_type": "Permanent", "attempts": 1}
    arguments.update(overrides)
    return dead_letter_record(event, **arguments)  # type: ignore[arg-type]


def test_every_field_comes_from_the_event_and_the_failure() -> None:
    event = Event(
        key=b"loja-demo:order:820982911946154508",
        value=b'{"event_id": "5f1c", "type": "order.placed"}',
        message=Message(topic="run-42.ponte.orders", partition=7, offset=123456789012),
    )
    before = datetime.now(UTC)
    record = record_of(event, reason="HTTP 422: cpf inválido", error_type="Permanent", attempts=3)
    after = datetime.now(UTC)
    assert record.source_topic == "run-42.ponte.orders"
    assert record.source_partition == 7
    assert record.source_offset == 123456789012
    assert record.key == "loja-demo:order:820982911946154508"
    assert record.value == '{"event_id": "5f1c", "type": "order.placed"}'
    assert record.reason == "HTTP 422: cpf inválido"
    assert record.error_type == "Permanent"
    assert record.attempts == 3
    assert record.failed_at.tzinfo is not None
    assert before <= record.failed_at <= after


def test_record_without_key() -> None:
    event = Event(key=None, value=b"{}", message=Message("ponte.deliveries", 0, 0))
    record = record_of(event)
    assert record.key is None
    assert record.value == "{}"
    assert record.source_offset == 0


def test_value_that_is_not_bytes_is_kept_empty() -> None:
    event = Event(key=b"k", value=None, message=Message("ponte.deliveries", 1, 2))
    assert record_of(event).value == ""


def test_undecodable_bytes_are_replaced_not_refused() -> None:
    event = Event(
        key=b"loja:\xff", value=b'{"name": "\xc3"}', message=Message("ponte.orders", 0, 5)
    )
    record = record_of(event)
    assert record.key == "loja:\ufffd"
    assert record.value == '{"name": "\ufffd"}'


def test_attempts_below_one_are_refused() -> None:
    event = Event(key=b"k", value=b"{}", message=Message("ponte.orders", 0, 5))
    with pytest.raises(ValidationError):
        record_of(event, attempts=0)


def test_value_is_kept_exactly_as_it_was() -> None:
    event = Event(key=b"k", value=b'{"id": 1}\n', message=Message("ponte.deliveries", 0, 5))
    assert record_of(event).value == '{"id": 1}\n'
