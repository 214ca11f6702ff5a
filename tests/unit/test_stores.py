"""Which store an integration connects, by its connector's store keys."""

from __future__ import annotations

from datetime import UTC, datetime

from engine.stores import same_store
from schemas.integration import Integration


def integration(id_: str, platform: str, **connection: str) -> Integration:
    return Integration(
        id=id_,
        platform=platform,
        name=id_,
        connection=connection,
        credentials="sealed",
        version=1,
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    )


def test_two_integrations_of_one_shop_are_one_store_whatever_their_other_settings() -> None:
    one = integration("loja-a", "shopify", shop_domain="joana.myshopify.com", api_version="1")
    again = integration("loja-b", "shopify", shop_domain="joana.myshopify.com", api_version="2")

    assert same_store(one, again)


def test_two_tray_stores_numbering_alike_are_two_stores() -> None:
    first = integration("tray-1", "tray", api_address="https://a.example/web_api", store_id="1")
    second = integration("tray-2", "tray", api_address="https://b.example/web_api", store_id="1")

    assert not same_store(first, second)
    assert not same_store(first, integration("nuvem-1", "nuvemshop", store_id="1"))
