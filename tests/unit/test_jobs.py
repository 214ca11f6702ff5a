"""Jobs as pure rules: which requests a platform can run, progress and checkpoints, which
orders a job wants, and the ERP family code of an imported product."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from connectors.cursor import SyncCursor
from connectors.registry import PLATFORMS
from engine.catalog_import import family_parent
from engine.jobs.progress import (
    MAX_ERRORS,
    Checkpoint,
    PageOutcome,
    after_page,
    cancelled,
    checkpoint_of,
    finished,
    fresher,
    page_done,
    started,
)
from engine.jobs.requests import refusal
from engine.jobs.sources import first_checkpoint, wanted
from schemas.job import Job, JobError, JobKind, JobRequest, JobState
from schemas.order import Order
from schemas.product import Product, Variant

NOW = datetime(2026, 5, 10, 15, 0, tzinfo=UTC)


def job(**request: Any) -> Job:
    asked = JobRequest.model_validate({"kind": "import", **request})
    return Job(id="job-1", integration_id="loja", request=asked, created_at=NOW, updated_at=NOW)


# -- requests --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "request_", "code"),
    [
        ("shopify", {"kind": "import", "entity": "product"}, None),
        ("shopify", {"kind": "import", "entity": "brand"}, None),
        ("tray", {"kind": "import", "entity": "category"}, None),
        ("vtex", {"kind": "import", "entity": "category"}, "platform_cannot"),
        ("vtex", {"kind": "import", "entity": "category", "code": "7"}, None),
        ("nuvemshop", {"kind": "import", "entity": "brand", "code": "x"}, "platform_cannot"),
        ("shopify", {"kind": "import", "entity": "order"}, "unsupported_entity"),
        ("shopify", {"kind": "export", "entity": "product"}, None),
        ("shopify", {"kind": "export", "entity": "category"}, None),
        ("shopify", {"kind": "export", "entity": "brand"}, None),  # answered at once
        ("tray", {"kind": "export", "entity": "attribute", "code": "3"}, None),
        ("shopify", {"kind": "export", "entity": "order"}, "unsupported_entity"),
        ("shopify", {"kind": "import", "date_from": "2026-05-01"}, "not_for_this_kind"),
        ("shopify", {"kind": "import_orders", "entity": "order"}, "missing_range"),
        (
            "shopify",
            {"kind": "import_orders", "entity": "order", "date_to": "2026-05-01"},
            "missing_range",
        ),
        (
            "shopify",
            {
                "kind": "import_orders",
                "entity": "order",
                "date_from": "2026-05-02",
                "date_to": "2026-05-01",
            },
            "invalid_range",
        ),
        ("tray", {"kind": "import_orders", "entity": "order", "date_from": "2026-05-01"}, None),
        ("vtex", {"kind": "import_orders", "entity": "order", "order_number": "v1-01"}, None),
        ("shopify", {"kind": "reconcile"}, "unsupported_kind"),
        ("shopify", {"kind": "replay_held"}, "unsupported_kind"),
    ],
)
def test_a_request_is_refused_by_what_the_platform_can_do(
    platform: str, request_: dict[str, Any], code: str | None
) -> None:
    found = refusal(JobRequest.model_validate(request_), PLATFORMS[platform])

    assert (found.code if found else None) == code
    if found is not None:
        assert len(found.message) > 10


def test_the_refusal_says_how_to_do_it_instead() -> None:
    found = refusal(JobRequest(kind=JobKind.IMPORT, entity="brand"), PLATFORMS["vtex"])

    assert found is not None and "by code" in found.message
    range_ = JobRequest(
        kind=JobKind.IMPORT_ORDERS,
        entity="order",
        date_from=date(2026, 5, 2),
        date_to=date(2026, 5, 1),
    )
    message = refusal(range_, PLATFORMS["shopify"])
    assert message is not None and "2026-05-01" in message.message


# -- checkpoints and progress ----------------------------------------------------------------


def test_a_cursor_that_moves_resets_the_pages_to_skip() -> None:
    moved = SyncCursor(since=NOW)

    first = after_page(Checkpoint(), moved)

    assert first == Checkpoint(cursor=moved, skip=0, pages=1)


def test_a_cursor_that_stays_counts_the_pages_to_skip_on_resume() -> None:
    """Tray moves its cursor only after the last page: a resumed pass skips what was done."""
    checkpoint = Checkpoint()
    for _ in range(3):
        checkpoint = after_page(checkpoint, SyncCursor())

    assert (checkpoint.skip, checkpoint.pages) == (3, 3)
    assert after_page(checkpoint, SyncCursor(since=NOW)).skip == 0


def test_progress_adds_up_page_by_page_and_keeps_the_first_errors() -> None:
    running = started(job(), "host:1", NOW)
    errors = [JobError(item=f"product:{n}", reason="refused") for n in range(MAX_ERRORS + 5)]

    after_one = page_done(
        running, PageOutcome(done=200, errors=errors[:10]), Checkpoint(pages=1), NOW
    )
    after_two = page_done(
        after_one, PageOutcome(done=30, errors=errors[10:]), Checkpoint(pages=2), NOW
    )

    assert (after_two.state, after_two.runner) == (JobState.RUNNING, "host:1")
    assert (after_two.done, after_two.failed) == (230, MAX_ERRORS + 5)
    assert after_two.errors == errors[:MAX_ERRORS]
    assert checkpoint_of(after_two).pages == 2


def test_a_finished_job_knows_its_total_and_says_what_it_did() -> None:
    ran = page_done(
        job(), PageOutcome(done=998, errors=[JobError(item="a", reason="b")] * 2), Checkpoint(), NOW
    )

    done = finished(ran, NOW)

    assert (done.state, done.total) == (JobState.DONE, 1000)
    assert done.result == "998 of 1000 products imported; 2 failed (see errors)"
    all_failed = finished(
        page_done(job(), PageOutcome(errors=[JobError(item="a", reason="b")]), Checkpoint(), NOW),
        NOW,
    )
    assert all_failed.state is JobState.FAILED
    empty = finished(job(entity="category"), NOW)
    assert (empty.state, empty.total, empty.result) == (
        JobState.DONE,
        0,
        "0 of 0 categories imported",
    )


def test_a_cancelled_job_names_who_cancelled_it() -> None:
    ran = page_done(job(), PageOutcome(done=50), Checkpoint(pages=1), NOW)

    stopped = cancelled(ran, "ana", NOW)

    assert stopped.state is JobState.CANCELLED and stopped.state.finished
    assert stopped.result == "cancelled by ana after 50 products"


def test_the_freshest_copy_wins_finished_first_then_pages_then_time() -> None:
    queued = job()
    later = page_done(started(queued, "a", NOW), PageOutcome(done=1), Checkpoint(pages=2), NOW)
    newer_but_behind = page_done(
        queued, PageOutcome(), Checkpoint(pages=1), NOW + timedelta(seconds=5)
    )
    done = finished(later, NOW)

    assert fresher(queued, None, later) is later
    assert fresher(later, newer_but_behind) is later
    assert fresher(later, done) is done
    assert fresher(None, None) is None


# -- which orders a job wants ----------------------------------------------------------------


def order(number: str, created: datetime) -> Order:
    return Order.model_validate(
        {
            "platform": "shopify",
            "platform_order_id": f"id-{number}",
            "number": f"#{number}",
            "status": "paid",
            "customer": {"name": "Maria Silva", "email": "maria@example.com.br"},
            "items": [{"sku": "CAM-P", "name": "Camiseta", "quantity": 1, "unit_price": "10.00"}],
            "totals": {"subtotal": "10.00", "total": "10.00"},
            "currency": "BRL",
            "created_at": created.isoformat(),
        }
    )


def test_orders_are_wanted_by_the_merchants_calendar_day() -> None:
    asked = JobRequest(
        kind=JobKind.IMPORT_ORDERS,
        entity="order",
        date_from=date(2026, 5, 1),
        date_to=date(2026, 5, 2),
    )

    # 01:30 UTC on the 3rd is still the 2nd in São Paulo; 02:30 on the 1st UTC is the 30th there.
    assert wanted(asked, order("1", datetime(2026, 5, 3, 1, 30, tzinfo=UTC)))
    assert not wanted(asked, order("2", datetime(2026, 5, 3, 3, 30, tzinfo=UTC)))
    assert not wanted(asked, order("3", datetime(2026, 5, 1, 2, 30, tzinfo=UTC)))
    assert first_checkpoint(asked).cursor.since == datetime(2026, 5, 1, 3, 0, tzinfo=UTC)


def test_an_order_is_wanted_by_its_number_with_or_without_the_hash() -> None:
    placed = order("1001", NOW)

    assert wanted(
        JobRequest(kind=JobKind.IMPORT_ORDERS, entity="order", order_number="1001"), placed
    )
    assert wanted(
        JobRequest(kind=JobKind.IMPORT_ORDERS, entity="order", order_number="#1001"), placed
    )
    assert wanted(
        JobRequest(kind=JobKind.IMPORT_ORDERS, entity="order", order_number="id-1001"), placed
    )
    assert not wanted(
        JobRequest(kind=JobKind.IMPORT_ORDERS, entity="order", order_number="1002"), placed
    )
    assert first_checkpoint(JobRequest(kind=JobKind.IMPORT, entity="product")) == Checkpoint()


# -- the ERP family code ---------------------------------------------------------------------


def product(sku: str, *variants: str) -> Product:
    return Product(
        sku=sku,
        name="Camiseta",
        variants=[Variant(sku=v, price=Decimal("10.00")) for v in variants],
    )


@pytest.mark.parametrize(
    ("sku", "variants", "parent"),
    [
        ("CAM-01-P", ("CAM-01-P", "CAM-01-M"), "CAM-01"),  # Shopify: the first variant's SKU
        ("CAM-01", ("CAM-01-P", "CAM-01-M"), "CAM-01"),  # a real parent code stays
        ("CAM-01", ("CAM-01",), "CAM-01"),  # a simple product is its own variant
        ("AB", ("AB", "AC"), "AB-PAI"),  # no stem worth the name
        ("X-1", ("X-1", "X-1-B"), "X-1-PAI"),  # the stem is itself a variant
    ],
)
def test_a_family_parent_never_shares_a_variants_code(
    sku: str, variants: tuple[str, ...], parent: str
) -> None:
    assert family_parent(product(sku, *variants)).sku == parent
