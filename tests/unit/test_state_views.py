"""The links and history views folded from records as the writers encode them (no broker: the
fold is a pure function of the records)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from pydantic import ValidationError

from engine.state import history as history_module
from engine.state.held import HeldView
from engine.state.history import HistoryView
from engine.state.links import LinksView
from engine.state.parked import ParkedView
from engine.state.terms import TermIndex
from schemas.codec import encode
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import StockChanged
from schemas.held import HeldEvent
from schemas.history import HistoryEntry, Step
from schemas.link import Link
from schemas.parked import ErrorClass, ParkedRecord
from schemas.stock import StockLevel

NOW = datetime(2026, 11, 27, 4, 0, tzinfo=UTC)


def product_link(integration: str, erp_id: str, sku: str, **fields: str) -> Link:
    values = {"platform_id": f"gid://shopify/Product/{erp_id}", "ean": f"789{erp_id}"} | fields
    return Link(
        integration_id=integration,
        entity="product",
        erp_id=erp_id,
        sku=sku,
        created_by="import",
        created_at=NOW,
        **values,
    )


def order_link(integration: str, erp_id: str, number: str, platform_id: str) -> Link:
    return Link(
        integration_id=integration,
        entity="order",
        erp_id=erp_id,
        platform_id=platform_id,
        order_number=number,
        created_by="order",
        created_at=NOW,
    )


def links_view(*links: Link) -> LinksView:
    view = LinksView("127.0.0.1:1", "links")
    for link in links:
        view.apply(link.key, encode(link))
    return view


def test_a_link_is_found_by_each_of_its_terms_and_read_back_equal() -> None:
    link = product_link("loja", "101", "CAM-01")
    view = links_view(link, product_link("loja", "102", "CAM-02"))
    for term in ("101", "gid://shopify/Product/101", "CAM-01", "789101"):
        assert view.find("loja", term) == [link]
    assert view.get("loja", "product", "101") == link
    assert view.by_platform_id("loja", "product", "gid://shopify/Product/101") == link
    assert view.find("loja", "nothing") == []
    assert view.get("loja", "product", "999") is None


def test_order_links_are_found_by_number_and_entity_separates_equal_ids() -> None:
    order = order_link("loja", "900", "#1001", "55")
    product = product_link("loja", "55", "CAM-55", platform_id="900")
    view = links_view(order, product)
    assert view.find("loja", "#1001") == [order]
    assert view.find("loja", "55") == sorted([order, product], key=lambda link: link.key)
    assert view.by_platform_id("loja", "order", "55") == order
    assert view.by_platform_id("loja", "product", "900") == product
    assert view.by_platform_id("loja", "order", "900") is None


def test_integrations_do_not_see_each_others_links() -> None:
    view = links_view(product_link("loja-a", "1", "SKU-1"), product_link("loja-b", "1", "SKU-1"))
    assert [link.integration_id for link in view.find("loja-a", "SKU-1")] == ["loja-a"]
    assert [link.integration_id for link in view.of_integration("loja-b")] == ["loja-b"]
    assert view.find("loja-c", "SKU-1") == []
    assert view.of_integration("loja-c") == []


def test_a_rewritten_link_drops_its_old_terms_and_a_tombstone_removes_it() -> None:
    first = product_link("loja", "101", "CAM-01")
    view = links_view(first, product_link("loja", "102", "CAM-02", ean="shared"))
    second = product_link("loja", "101", "CAM-01-NOVO", ean="shared")
    view.apply(second.key, encode(second))
    assert view.find("loja", "CAM-01") == []
    assert view.find("loja", "CAM-01-NOVO") == [second]
    assert [link.erp_id for link in view.find("loja", "shared")] == ["101", "102"]
    view.apply(second.key, None)
    assert view.get("loja", "product", "101") is None
    assert [link.erp_id for link in view.find("loja", "shared")] == ["102"]
    assert view.count("loja") == 1
    view.apply("loja:product:102", None)
    assert view.count("loja") == 0
    view.apply("loja:product:102", None)  # a tombstone for what is gone already
    assert view.of_integration("loja") == []


def test_an_unreadable_link_record_is_refused_and_leaves_the_view_as_it_was() -> None:
    link = product_link("loja", "101", "CAM-01")
    view = links_view(link)
    with pytest.raises(ValidationError):
        view.apply(link.key, b'{"integration_id": "loja"}')
    assert view.find("loja", "CAM-01") == [link]


def test_id_pairs_are_the_erp_and_platform_ids_of_one_entity() -> None:
    view = links_view(
        product_link("loja", "1", "A", platform_id="p1"),
        product_link("loja", "2", "B", platform_id="p2"),
        order_link("loja", "3", "#3", "o3"),
    )
    assert sorted(view.id_pairs("loja", "product")) == [("1", "p1"), ("2", "p2")]
    assert view.id_pairs("loja", "order") == [("3", "o3")]
    assert view.id_pairs("other", "product") == []


def test_term_index_holds_one_key_or_several() -> None:
    index = TermIndex()
    index.add(["a", "b"], "k1")
    index.add(["a"], "k2")
    index.add(["a"], "k2")
    assert index.get("a") == ("k1", "k2")
    assert index.get("b") == ("k1",)
    index.discard(["a", "b"], "k1")
    assert index.get("a") == ("k2",)
    assert index.get("b") == ()
    index.discard(["a", "missing"], "k9")
    assert index.get("a") == ("k2",)
    assert len(index) == 1


def entry(integration: str, entity_key: str, n: int, *terms: str) -> HistoryEntry:
    return HistoryEntry(
        integration_id=integration,
        entity_key=entity_key,
        step=Step.RECEIVED,
        outcome="ok",
        detail=f"entry {n}",
        search_keys=list(terms),
        at=NOW + timedelta(seconds=n),
    )


def history_view(*entries: HistoryEntry) -> HistoryView:
    view = HistoryView("127.0.0.1:1", "history")
    for item in entries:
        view.apply(f"{item.integration_id}:{item.entity_key}", encode(item))
    return view


def test_history_is_found_by_entity_and_by_the_terms_its_entries_carry() -> None:
    first = entry("loja", "order:4501", 1, "#4501", "gid://shopify/Order/9")
    second = entry("loja", "order:4501", 2)
    other = entry("loja", "product:CAM-01", 3, "CAM-01", "789100")
    view = history_view(first, second, other, entry("outra", "order:4501", 4, "#4501"))
    assert view.of_entity("loja", "order:4501") == [first, second]
    assert view.search("loja", "#4501") == {"order:4501": [first, second]}
    assert view.search("loja", "4501") == {"order:4501": [first, second]}
    assert view.search("loja", "CAM-01") == {"product:CAM-01": [other]}
    assert view.search("loja", "789100") == {"product:CAM-01": [other]}
    assert view.search("loja", "nada") == {}
    assert view.search("nenhuma", "#4501") == {}
    assert view.recent("loja") == [first, second, other]
    assert view.of_entity("nenhuma", "order:4501") == []


def test_history_keeps_the_last_entries_per_entity_and_per_integration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(history_module, "PER_INTEGRATION", 6)
    many = [entry("loja", "order:1", n, "#1") for n in range(history_module.PER_ENTITY + 5)]
    view = history_view(*many)
    assert view.of_entity("loja", "order:1") == many[-history_module.PER_ENTITY :]
    view = history_view(
        *(entry("loja", f"order:{n}", n, f"#{n}") for n in range(4)),
        entry("loja", "order:0", 10),  # order 0 written again: order 1 is now the oldest
        *(entry("loja", f"order:{n}", n, f"#{n}") for n in range(4, 6)),
    )
    assert view.of_entity("loja", "order:1") == []
    assert view.search("loja", "#1") == {}
    assert len(view.of_entity("loja", "order:0")) == 2
    kept = [n for n in range(6) if view.of_entity("loja", f"order:{n}")]
    assert kept == [0, 2, 3, 4, 5]
    assert view.search("loja", "#5") == {"order:5": [entry("loja", "order:5", 5, "#5")]}


def test_newest_links_are_the_latest_created_first() -> None:
    links = [
        product_link("loja", str(n), f"SKU-{n}").model_copy(
            update={"created_at": NOW + timedelta(minutes=(n * 7) % 10)}
        )
        for n in range(10)
    ]
    view = links_view(*links)
    expected = sorted(links, key=lambda link: link.created_at, reverse=True)[:3]
    assert view.newest("loja", 3) == expected
    assert view.newest("other", 3) == []


def test_a_term_shared_by_many_keys_keeps_them_in_order_and_lets_them_go() -> None:
    index = TermIndex()
    keys = [f"order:{n}" for n in range(50)]
    for key in keys:
        index.add(["SKU-POPULAR", key], key)
    assert index.get("SKU-POPULAR") == tuple(keys)
    for key in keys[:-1]:
        index.discard(["SKU-POPULAR", key], key)
    assert index.get("SKU-POPULAR") == (keys[-1],)
    index.discard(["SKU-POPULAR"], keys[-1])
    assert index.get("SKU-POPULAR") == ()
    assert len(index) == 1  # only the last key's own term


def held_event(integration: str, automation: str, sku: str, minutes: int) -> HeldEvent:
    at = NOW + timedelta(minutes=minutes)
    level = StockLevel(sku=sku, warehouse="1", quantity=Decimal("3"), measured_at=at)
    envelope = EventEnvelope(
        event_id=f"ev-{sku}-{minutes}",
        type="stock.changed",
        integration_id=integration,
        source=SourceSystem.ERP,
        entity_key=f"stock:{sku}",
        occurred_at=at,
        received_at=at,
        idempotency_key=f"k-{sku}-{minutes}",
        trace_id="t",
        config_version=1,
        payload=StockChanged(level=level),
    )
    return HeldEvent(
        integration_id=integration,
        automation=automation,
        source_topic="erp-changes",
        envelope=envelope,
        held_at=at,
    )


def test_held_events_are_listed_oldest_first_and_counted_without_decoding() -> None:
    view = HeldView("127.0.0.1:1", "held")
    events = [
        held_event("loja", "stock_export", "B", 5),
        held_event("loja", "stock_export", "A", 1),
        held_event("loja", "price_export", "C", 3),
        held_event("outra", "stock_export", "A", 0),
    ]
    for event in events:
        view.apply(event.key, encode(event))
    assert view.of("loja") == [events[1], events[2], events[0]]
    assert view.of("loja", "stock_export") == [events[1], events[0]]
    assert view.oldest("loja", None, 2) == [events[1], events[2]]
    assert view.counts("loja") == {"stock_export": 2, "price_export": 1}
    assert view.count("loja") == 3 and view.count("loja", "price_export") == 1
    assert view.holds("loja", "stock_export", "stock:A")
    assert not view.holds("loja", "price_export", "stock:A")
    view.apply(events[1].key, None)
    view.apply(events[2].key, None)
    view.apply("nenhuma:stock_export:stock:Z", None)
    assert view.of("loja") == [events[0]]
    assert view.counts("loja") == {"stock_export": 1}
    assert view.of("nenhuma") == [] and view.count("nenhuma", "stock_export") == 0


def parked_record(
    integration: str, entity_key: str, error_class: ErrorClass, minutes: int
) -> ParkedRecord:
    event = held_event(integration, "stock_export", entity_key, minutes)
    return ParkedRecord(
        integration_id=integration,
        entity_key=entity_key,
        error_class=error_class,
        reason="the platform refused it",
        source_topic="outbound",
        envelope=event.envelope,
        parked_at=event.held_at,
    )


def test_parked_records_are_listed_oldest_first_and_counted_by_class() -> None:
    view = ParkedView("127.0.0.1:1", "parked")
    records = [
        parked_record("loja", "product:B", ErrorClass.MAPPING, 5),
        parked_record("loja", "product:A", ErrorClass.MAPPING, 1),
        parked_record("loja", "order:9", ErrorClass.AUTH, 3),
        parked_record("outra", "product:A", ErrorClass.MAPPING, 0),
    ]
    for record in records:
        view.apply(record.key, encode(record))
    assert view.of_integration("loja") == [records[1], records[2], records[0]]
    assert view.get("loja", "product:A") == records[1]
    assert view.get("loja", "product:Z") is None
    assert view.count("loja") == 3
    assert view.counts("loja") == {ErrorClass.MAPPING: 2, ErrorClass.AUTH: 1}
    view.apply(records[1].key, None)
    view.apply("nenhuma:product:A", None)
    assert view.get("loja", "product:A") is None
    assert view.counts("loja") == {ErrorClass.MAPPING: 1, ErrorClass.AUTH: 1}
    assert view.of_integration("nenhuma") == [] and view.count("nenhuma") == 0
