"""Echo suppression fingerprints (engine.echo): stable over what the far side echoes back,
different for a genuine change, and blind to the fields the other side owns."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from connectors.erp.mapping_products import product_from_erp, product_to_erp
from engine.echo import (
    fingerprint,
    owned_by,
    toward_erp,
    toward_platform,
    with_fingerprints,
)
from engine.mapped import product_for_platform
from schemas.integration import Integration, IntegrationSettings, OwnedField, Side
from schemas.link import Link
from schemas.product import AttributeValue, Dimensions, Product, Variant

ERP_OWNS = IntegrationSettings()
PLATFORM_OWNS_TEXTS = IntegrationSettings(
    field_owner={**ERP_OWNS.field_owner, OwnedField.NAME: Side.PLATFORM}
    | {OwnedField.DESCRIPTION: Side.PLATFORM}
)
EVERYTHING = list(OwnedField)


def camiseta(**changes: object) -> Product:
    product = Product(
        sku="CAM-01",
        name="Camiseta Azul",
        description="Algodão",
        brand="Marca",
        variants=[
            Variant(
                sku="CAM-01-P",
                gtin="7891234567895",
                price=Decimal("100.00"),
                dimensions=Dimensions(weight_kg=Decimal("0.300")),
                attributes=[AttributeValue(name="Tamanho", value="P")],
            ),
            Variant(
                sku="CAM-01-M",
                price=Decimal("100"),
                attributes=[AttributeValue(name="Tamanho", value="M")],
            ),
        ],
    )
    return product.model_copy(update=changes)


def test_the_fingerprint_ignores_what_stores_write_differently() -> None:
    echoed = camiseta(
        sku="CAM-01-P",  # Shopify names a product by its first variant's SKU
        platform_product_id="555",
        ncm="61091000",
        images=["https://cdn.example/1.jpg"],
        categories=["Roupas"],
        updated_at=datetime(2026, 1, 1, tzinfo=UTC),
        variants=[
            v.model_copy(
                update={
                    "price": Decimal("100"),
                    "platform_variant_id": "9",
                    "dimensions": Dimensions(
                        weight_kg=v.dimensions.weight_kg, height_cm=Decimal("0")
                    ),
                }
            )
            for v in reversed(camiseta().variants)
        ],
        name=" Camiseta Azul ",
    )

    assert fingerprint(echoed, EVERYTHING) == fingerprint(camiseta(), EVERYTHING)


def test_a_genuine_change_has_another_fingerprint() -> None:
    before = fingerprint(camiseta(), EVERYTHING)
    first, second = camiseta().variants

    assert fingerprint(camiseta(name="Camiseta Verde"), EVERYTHING) != before
    assert fingerprint(camiseta(brand=None), EVERYTHING) != before
    assert fingerprint(camiseta(active=False), EVERYTHING) != before
    regtin = first.model_copy(update={"gtin": "7891234567888"})
    assert fingerprint(camiseta(variants=[regtin, second]), EVERYTHING) != before
    repriced = first.model_copy(update={"price": Decimal("99.90")})
    assert fingerprint(camiseta(variants=[repriced, second]), EVERYTHING) != before
    assert fingerprint(camiseta(variants=[first]), EVERYTHING) != before


def test_fields_left_out_do_not_count_but_the_field_list_does() -> None:
    without_name = [OwnedField.DESCRIPTION, OwnedField.PRICE, OwnedField.BRAND]

    renamed = fingerprint(camiseta(name="Outro nome"), without_name)

    assert renamed == fingerprint(camiseta(), without_name)
    assert fingerprint(camiseta(), without_name) != fingerprint(camiseta(), EVERYTHING)


def test_each_direction_covers_the_fields_its_writes_carry() -> None:
    assert owned_by(ERP_OWNS, Side.ERP) == frozenset(OwnedField)
    assert toward_erp(ERP_OWNS) == frozenset()
    assert toward_platform(ERP_OWNS) == {OwnedField.NAME, OwnedField.DESCRIPTION, OwnedField.BRAND}
    assert toward_erp(PLATFORM_OWNS_TEXTS) == {OwnedField.NAME, OwnedField.DESCRIPTION}
    assert toward_platform(PLATFORM_OWNS_TEXTS) == {OwnedField.BRAND}


def test_a_store_edit_of_a_field_the_erp_owns_has_nothing_for_the_erp() -> None:
    fields = toward_erp(ERP_OWNS)
    edited = camiseta(name="Nome da loja", description="Texto da loja")

    assert fingerprint(edited, fields) == fingerprint(camiseta(), fields)
    first, second = camiseta().variants
    new_gtin = first.model_copy(update={"gtin": "7891234567888"})
    assert fingerprint(camiseta(variants=[new_gtin, second]), fields) != fingerprint(
        camiseta(), fields
    )


def test_an_erp_product_read_back_from_the_erp_keeps_its_fingerprint() -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    integration = Integration(
        id="loja",
        platform="shopify",
        name="Loja",
        credentials="sealed",
        settings=ERP_OWNS,
        version=1,
        created_at=now,
        updated_at=now,
    )
    sent = camiseta(ncm="61091000")
    parent, children = product_to_erp(sent)
    read_back = product_from_erp({**parent, "_Skus": children})

    for fields in (EVERYTHING, toward_platform(ERP_OWNS)):
        as_published = product_for_platform(read_back, integration, creating=False)
        assert fingerprint(as_published, fields) == fingerprint(sent, fields)


def test_a_link_records_what_each_side_holds() -> None:
    link = Link(
        integration_id="loja",
        entity="product",
        erp_id="CAM-01",
        platform_id="555",
        created_by="export",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )

    noted = with_fingerprints(link, erp="e1", platform="p1")

    assert (noted.erp_fingerprint, noted.platform_fingerprint) == ("e1", "p1")
    assert with_fingerprints(noted, erp="e1", platform="p1") is noted
    assert Link.model_validate_json(noted.model_dump_json()) == noted
