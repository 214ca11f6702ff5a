"""The topic declarations: names, dead-letter derivation, broker configs, keys, co-partitioning."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.envelope import EventEnvelope
from topics.dead_letter import DeadLetter
from topics.registry import DECLARED, DELIVERIES, INTEGRATIONS, ORDERS, all_topics, entity_key
from topics.spec import DEAD_LETTER_SUFFIX, NAME_RULE, Cleanup, TopicSpec

DAY_MS = 24 * 60 * 60 * 1000


def test_names_are_unique_dead_letters_included() -> None:
    names = [spec.name for spec in all_topics()]
    assert len(names) == len(set(names))
    assert "ponte.deliveries.dlq" in names
    assert "ponte.orders.dlq" in names


@pytest.mark.parametrize("spec", all_topics(), ids=lambda spec: spec.name)
def test_every_name_follows_the_rule(spec: TopicSpec) -> None:
    assert NAME_RULE.match(spec.name), spec.name


@pytest.mark.parametrize(
    "name", ["ponte", "ponte.", "Ponte.orders", "ponte.Orders", "orders", "ponte.orders_dlq"]
)
def test_name_rule_refuses_bad_names(name: str) -> None:
    assert NAME_RULE.match(name) is None


def test_all_topics_lists_each_declared_topic_and_its_dead_letter() -> None:
    expected = []
    for spec in DECLARED:
        expected.append(spec.name)
        if spec.has_dead_letter:
            expected.append(spec.name + DEAD_LETTER_SUFFIX)
    assert [spec.name for spec in all_topics()] == expected


@pytest.mark.parametrize("spec", [DELIVERIES, ORDERS], ids=lambda spec: spec.name)
def test_dead_letter_is_derived(spec: TopicSpec) -> None:
    dead_letter = spec.dead_letter
    assert dead_letter.name == spec.name + ".dlq"
    assert dead_letter.value is DeadLetter
    assert dead_letter.key == spec.key
    assert dead_letter.partitions == spec.partitions
    assert dead_letter.cleanup is Cleanup.DELETE
    assert dead_letter.retention == timedelta(days=30)
    assert not dead_letter.has_dead_letter
    # The original is untouched (frozen dataclass, replace()).
    assert spec.value is not DeadLetter


def test_a_dead_letter_topic_has_no_dead_letter_of_its_own() -> None:
    with pytest.raises(LookupError, match=r"ponte\.orders\.dlq"):
        _ = ORDERS.dead_letter.dead_letter


def test_spec_without_dead_letter_raises_lookup_error() -> None:
    assert not INTEGRATIONS.has_dead_letter
    with pytest.raises(LookupError, match=r"ponte\.integrations has no dead-letter topic"):
        _ = INTEGRATIONS.dead_letter


def test_compact_topic_keeps_records_forever() -> None:
    assert INTEGRATIONS.broker_config() == {
        "cleanup.policy": "compact",
        "retention.ms": "-1",
        "min.compaction.lag.ms": "0",
    }


@pytest.mark.parametrize("spec", [DELIVERIES, ORDERS], ids=lambda spec: spec.name)
def test_delete_topic_retention_is_in_milliseconds(spec: TopicSpec) -> None:
    assert spec.broker_config() == {"cleanup.policy": "delete", "retention.ms": str(7 * DAY_MS)}
    assert spec.dead_letter.broker_config() == {
        "cleanup.policy": "delete",
        "retention.ms": str(30 * DAY_MS),
    }


def test_retention_below_a_second_keeps_its_milliseconds() -> None:
    spec = TopicSpec(
        name="ponte.short",
        key="k",
        value=EventEnvelope,
        partitions=1,
        retention=timedelta(seconds=1, milliseconds=500),
    )
    assert spec.broker_config()["retention.ms"] == "1500"


def test_named_prefixes_the_namespace() -> None:
    assert ORDERS.named("") == "ponte.orders"
    assert ORDERS.named("run-42") == "run-42.ponte.orders"
    assert ORDERS.dead_letter.named("run-42") == "run-42.ponte.orders.dlq"


def test_entity_key_joins_integration_and_entity() -> None:
    assert entity_key("loja-sao-joao", "order:820982911946154508") == (
        "loja-sao-joao:order:820982911946154508"
    )
    assert DELIVERIES.key == ORDERS.key == "{integration_id}:{entity_key}"


def test_keyed_topics_processed_together_are_co_partitioned() -> None:
    # The order-links table (engine/agents/erp_orders.py) is sized by ORDERS.partitions and
    # deliveries become orders under the same key: both topics must split keys the same way.
    assert DELIVERIES.partitions == ORDERS.partitions
    assert DELIVERIES.dead_letter.partitions == DELIVERIES.partitions
    assert ORDERS.dead_letter.partitions == ORDERS.partitions
