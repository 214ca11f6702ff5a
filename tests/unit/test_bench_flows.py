"""The flow benchmark's pure parts: its statistics, its records and the baseline's work."""

from __future__ import annotations

import orjson
import pytest

from bench.flow_data import brl_sample, order_deliveries, stock_changes
from bench.flow_stats import exactly_once, ratio_to_baseline, throughput
from bench.flow_work import (
    command_identity,
    fan_out_stock,
    offline_integration,
    order_checks_before_erp,
    order_identity,
    translate_orders,
)
from bench.freshness import Changes
from schemas.automation import Automation
from schemas.codec import decode
from schemas.envelope import EventEnvelope
from schemas.integration import Integration, IntegrationStatus


def integration(iid: str, *switches_on: Automation) -> Integration:
    return offline_integration(iid, *switches_on)


def test_throughput_counts_intervals_from_first_to_last() -> None:
    figures = throughput([3000.0, 1000.0, 2000.0])  # three records, two intervals, two seconds
    assert figures == {"records": 3, "span_s": 2.0, "per_s": 1.0, "steady_per_s": 1.0}


def test_steady_throughput_leaves_out_a_slow_start_and_tail() -> None:
    start_up = [0.0]
    steady = [10_000.0 + n for n in range(98)]  # 1000/s once running
    tail = [20_000.0]
    figures = throughput(start_up + steady + tail)
    assert figures["per_s"] == pytest.approx(99 / 20, abs=0.1)
    assert figures["steady_per_s"] == pytest.approx(1000, rel=0.01)


def test_throughput_of_too_few_records_is_none() -> None:
    assert throughput([])["per_s"] is None
    assert throughput([5.0])["per_s"] is None
    assert throughput([5.0, 5.0])["per_s"] is None  # no time passed: no rate


def test_exactly_once_counts_lost_doubled_and_unexpected() -> None:
    tally = exactly_once(["a", "b", "c"], ["a", "a", "a", "c", "x"])
    assert tally == {"lost": 1, "duplicated": 2, "unexpected": 1}
    assert exactly_once(["a"], ["a"]) == {"lost": 0, "duplicated": 0, "unexpected": 0}


def test_ratio_to_baseline() -> None:
    assert ratio_to_baseline(700.0, 1000.0) == 0.7
    assert ratio_to_baseline(None, 1000.0) is None
    assert ratio_to_baseline(700.0, 0.0) is None


def test_the_sample_order_is_brl_paid_and_each_copy_a_distinct_order() -> None:
    sample = orjson.dumps(brl_sample())
    assert b'"USD"' not in sample and b'"BRL"' in sample
    records = order_deliveries("bench-orders", "loja.myshopify.com", 3)
    translate = translate_orders(
        {"bench-orders": integration("bench-orders", Automation.ORDER_IMPORT)}
    )
    envelopes = [decode(EventEnvelope, translate(r.key, r.value)[0][1]) for r in records]
    numbers = {e.payload.order.number for e in envelopes}  # type: ignore[union-attr]
    assert numbers == {"#F0", "#F1", "#F2"}
    assert [e.entity_key for e in envelopes] == [r.identity for r in records]
    assert [order_identity(translate(r.key, r.value)[0][1]) for r in records] == [
        r.identity for r in records
    ]
    assert len({r.identity for r in records}) == 3


def test_order_checks_map_the_order_for_the_erp_only_while_order_import_is_on() -> None:
    records = order_deliveries("bench-orders", "loja.myshopify.com", 1)
    on = integration("bench-orders", Automation.ORDER_IMPORT)
    envelope = decode(EventEnvelope, translate_orders({on.id: on})(None, records[0].value)[0][1])
    pedido = order_checks_before_erp(on)(envelope)
    assert isinstance(pedido, dict) and pedido["numeroDaOrdemDeCompra"] == "#F0"
    assert order_checks_before_erp(integration("bench-orders"))(envelope) is None


def test_stock_fan_out_makes_one_command_per_integration_with_stock_export_on() -> None:
    records = stock_changes(4, skus=2, warehouses=2)
    assert len({r.identity for r in records}) == 4
    paused = integration("loja-c", Automation.STOCK_EXPORT).model_copy(
        update={"status": IntegrationStatus.PAUSED}
    )
    work = fan_out_stock(
        [integration("loja-a", Automation.STOCK_EXPORT), integration("loja-b"), paused]
    )
    produced = work(records[0].key, records[0].value)
    assert [command_identity(value) for _, value in produced] == [f"loja-a:{records[0].identity}"]
    assert produced[0][0] == b"loja-a:stock:BENCH-00000"


def test_a_change_counts_as_shown_once_its_sku_shows_that_quantity_or_a_later_one() -> None:
    changes = Changes()
    changes.sent("A", 5, at_ms=1000.0)
    changes.sent("A", 7, at_ms=1100.0)
    changes.sent("B", 3, at_ms=1000.0)
    changes.shown({"A": 5, "B": 2}, now_ms=1050.0)
    assert changes.latencies_ms == [50.0] and changes.outstanding() == 2
    changes.shown({"A": 9, "B": 3}, now_ms=1300.0)
    assert sorted(changes.latencies_ms) == [50.0, 200.0, 300.0]
    assert changes.outstanding() == 0
