"""The one contract every platform connector passes against its own sandbox.

Parametrised over the registry and each connector's capability table: adding a connector with a
sandbox kit enlists it here; declaring a capability makes the matching tests run for it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from connectors.capabilities import ConnectorSpec, Entity, Operation
from connectors.contract import CheckOutcome, NotificationRefused
from connectors.cursor import SyncCursor
from connectors.erp.connector import ERP
from connectors.registry import PLATFORMS

KITTED = [spec for spec in [*PLATFORMS.values(), ERP] if spec.sandbox_kit is not None]


def cases(operation: Operation) -> list[Any]:
    return [
        pytest.param(spec, entity, id=f"{spec.name}-{entity}")
        for spec in KITTED
        for entity, operations in spec.capabilities.items()
        if operation in operations
    ]


def platforms() -> list[Any]:
    return [pytest.param(spec, id=spec.name) for spec in KITTED]


@pytest.fixture
async def running(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[tuple[ConnectorSpec, Any]]:
    spec: ConnectorSpec = request.param
    assert spec.sandbox_kit is not None
    kit = spec.sandbox_kit()
    await kit.start(tmp_path)
    try:
        yield spec, kit
    finally:
        await kit.stop()


async def client_for(spec: ConnectorSpec, settings: Any) -> Any:
    assert spec.client is not None
    return spec.client(settings)


async def read_all(client: Any, entity: Entity, cursor: SyncCursor) -> tuple[list[Any], SyncCursor]:
    records: list[Any] = []
    async for page in client.list_since(entity, cursor):
        records.extend(page.records)
        cursor = page.cursor
    return records, cursor


@pytest.mark.parametrize("running", platforms(), indirect=True)
async def test_testar_conexao_answers_ok(running: tuple[ConnectorSpec, Any]) -> None:
    spec, kit = running
    client = await client_for(spec, kit.settings())
    try:
        check = await client.test_connection()
    finally:
        await client.aclose()
    assert check.ok, check.detail


@pytest.mark.parametrize("running", platforms(), indirect=True)
@pytest.mark.parametrize(
    "outcome",
    [
        CheckOutcome.BAD_CREDENTIALS,
        CheckOutcome.MISSING_PERMISSION,
        CheckOutcome.UNKNOWN_STORE,
        CheckOutcome.UNREACHABLE,
        CheckOutcome.TIMEOUT,
    ],
)
async def test_testar_conexao_names_each_failure(
    running: tuple[ConnectorSpec, Any], outcome: CheckOutcome
) -> None:
    spec, kit = running
    client = await client_for(spec, kit.failing_settings(outcome))
    try:
        check = await client.test_connection()
    finally:
        await client.aclose()
    assert check.outcome is outcome
    assert check.detail, "a failure says why, for a person"


@pytest.mark.parametrize(("running", "entity"), cases(Operation.LIST_SINCE), indirect=["running"])
async def test_list_since_exhausts_every_page_then_resumes_from_the_saved_cursor(
    running: tuple[ConnectorSpec, Any], entity: Entity
) -> None:
    spec, kit = running
    first_ids = await kit.seed(entity, 7)
    client = await client_for(spec, kit.settings())
    try:
        records, cursor = await read_all(client, entity, SyncCursor())
        restored = SyncCursor.model_validate_json(cursor.model_dump_json())  # survives a restart
        later_ids = await kit.seed(entity, 3)
        again, _ = await read_all(client, entity, restored)
    finally:
        await client.aclose()
    assert len(records) >= len(first_ids)
    assert {platform_id(r) for r in again} >= set(later_ids)
    assert not ({platform_id(r) for r in again} & set(first_ids)), "a record already read came back"


@pytest.mark.parametrize(("running", "entity"), cases(Operation.GET_BY_CODE), indirect=["running"])
async def test_get_by_platform_code(running: tuple[ConnectorSpec, Any], entity: Entity) -> None:
    spec, kit = running
    [code] = await kit.seed(entity, 1)
    client = await client_for(spec, kit.settings())
    try:
        record = await client.get_by_code(entity, code)
    finally:
        await client.aclose()
    assert platform_id(record) == code


@pytest.mark.parametrize("running", platforms(), indirect=True)
async def test_a_rate_limit_is_honoured_without_losing_the_request(
    running: tuple[ConnectorSpec, Any],
) -> None:
    spec, kit = running
    await kit.force_rate_limit(calls=2, retry_after=0.3)
    client = await client_for(spec, kit.settings())
    try:
        check = await client.test_connection()
    finally:
        await client.aclose()
    assert check.ok, check.detail


@pytest.mark.parametrize(("running", "entity"), cases(Operation.WEBHOOK), indirect=["running"])
async def test_a_valid_notification_is_accepted_and_a_tampered_one_refused(
    running: tuple[ConnectorSpec, Any], entity: Entity
) -> None:
    spec, kit = running
    assert spec.verify_notification is not None
    [code] = await kit.seed(entity, 1)
    settings = kit.settings()

    notification = spec.verify_notification(await kit.notification(entity, code), settings)
    assert notification.platform_id == code
    assert notification.entity is entity

    with pytest.raises(NotificationRefused) as refused:
        spec.verify_notification(await kit.notification(entity, code, tampered=True), settings)
    assert refused.value.status == 401


def platform_id(record: Any) -> str:
    """The platform's id of a canonical record, whatever its entity."""
    for name in (
        "platform_order_id",
        "platform_product_id",
        "platform_category_id",
        "platform_brand_id",
        "platform_attribute_id",
    ):
        value = getattr(record, name, None)
        if value is not None:
            return str(value)
    raise AssertionError(f"{type(record).__name__} carries no platform id")
