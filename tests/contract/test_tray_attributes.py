"""Tray product properties ("características") read from the Tray sandbox over loopback HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from connectors.capabilities import Entity
from connectors.cursor import SyncCursor
from connectors.errors import NotFound
from connectors.tray.client import TrayClient
from connectors.tray.sandbox.kit import TraySandboxKit
from schemas.attribute import Attribute


@pytest.fixture
async def kit(tmp_path: Path) -> AsyncIterator[TraySandboxKit]:
    kit = TraySandboxKit()
    await kit.start(tmp_path)
    try:
        yield kit
    finally:
        await kit.stop()


async def test_the_whole_list_is_read_over_every_page_and_the_cursor_stays(
    kit: TraySandboxKit,
) -> None:
    ids = await kit.seed(Entity.ATTRIBUTE, 53)  # two pages of at most 50
    client = TrayClient(kit.settings())
    cursor = SyncCursor()
    try:
        pages = [page async for page in client.list_since(Entity.ATTRIBUTE, cursor)]
    finally:
        await client.aclose()
    read = [record for page in pages for record in page.records]
    assert all(isinstance(r, Attribute) for r in read)
    assert [r.platform_attribute_id for r in read] == ids  # type: ignore[attr-defined]
    assert read[0].values == ["P", "M", "G"]  # type: ignore[attr-defined]
    assert all(page.cursor == cursor for page in pages), "no change date: nothing to advance"


async def test_one_property_is_found_by_id_past_the_first_page(kit: TraySandboxKit) -> None:
    ids = await kit.seed(Entity.ATTRIBUTE, 52)
    client = TrayClient(kit.settings())
    try:
        found = await client.get_by_code(Entity.ATTRIBUTE, ids[-1])
        with pytest.raises(NotFound):
            await client.get_by_code(Entity.ATTRIBUTE, "999999")
    finally:
        await client.aclose()
    assert isinstance(found, Attribute)
    assert found.platform_attribute_id == ids[-1]
    assert found.name.startswith("Característica Seed")


async def test_the_sandbox_serves_properties_with_auth_and_paging(kit: TraySandboxKit) -> None:
    settings = kit.settings()
    assert settings.access_token is not None
    token = settings.access_token.get_secret_value()
    base = f"{kit.base_url}/web_api"
    async with httpx.AsyncClient() as http:
        refused = await http.get(f"{base}/products/properties", params={"access_token": "x"})
        bad = await http.post(
            f"{base}/properties", params={"access_token": token}, json={"Property": {}}
        )
        made = await http.post(
            f"{base}/properties",
            params={"access_token": token},
            json={"Property": {"name": "Cor", "values": ["Azul", "Verde"]}},
        )
        listed = await http.get(
            f"{base}/products/properties", params={"access_token": token, "limit": "1"}
        )
    assert refused.status_code == 401
    assert bad.status_code == 400
    assert made.status_code == 201
    body = listed.json()
    assert body["paging"]["total"] == 1 and body["paging"]["limit"] == 1
    assert body["Properties"] == [
        {"Property": {"id": made.json()["id"], "name": "Cor", "values": ["Azul", "Verde"]}}
    ]


async def test_properties_honour_the_rate_limit(kit: TraySandboxKit) -> None:
    [code] = await kit.seed(Entity.ATTRIBUTE, 1)
    await kit.force_rate_limit(calls=2, retry_after=0.2)
    client = TrayClient(kit.settings())
    try:
        found = await client.get_by_code(Entity.ATTRIBUTE, code)
    finally:
        await client.aclose()
    assert found.platform_attribute_id == code  # type: ignore[attr-defined]


async def test_an_attribute_is_written_once_and_found_again_by_id_or_name(
    kit: TraySandboxKit,
) -> None:
    seeded = await kit.seed(Entity.ATTRIBUTE, 51)  # the one written lands past the first page
    client = TrayClient(kit.settings())
    cor = Attribute(name="Cor", values=["Azul", "Verde"])
    try:
        made = await client.upsert(Entity.ATTRIBUTE, cor)
        by_name = await client.upsert(Entity.ATTRIBUTE, cor)
        by_id = await client.upsert(
            Entity.ATTRIBUTE, cor.model_copy(update={"platform_attribute_id": made})
        )
        gone = await client.upsert(
            Entity.ATTRIBUTE, cor.model_copy(update={"platform_attribute_id": "999999"})
        )
        read = await client.get_by_code(Entity.ATTRIBUTE, made)
        listed = [
            r
            async for page in client.list_since(Entity.ATTRIBUTE, SyncCursor())
            for r in page.records
        ]
    finally:
        await client.aclose()
    assert made not in seeded
    assert made == by_name == by_id == gone, "one property, however often it is exported"
    assert read == Attribute(name="Cor", values=["Azul", "Verde"], platform_attribute_id=made)
    assert len(listed) == len(seeded) + 1
