"""Echo suppression (engine.echo): per-field hashes stable over what the far side echoes back,
different for a genuine change; a change is news only where it changed at its source and the
other side does not hold it, within the fields a write to that side carries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from connectors.erp.mapping_products import product_from_erp, product_to_erp
from engine.echo import contents, news, noted, only, stale, toward_erp, toward_platform
from engine.mapped import product_for_platform
from schemas.integration import Integration, IntegrationSettings, OwnedField, Side
from schemas.link import Link
from schemas.product import AttributeValue, Dimensions, Product, Variant

NOW = datetime(2026, 1, 1, tzinfo=UTC)
ERP_OWNS = IntegrationSettings()
PLATFORM_OWNS_TEXTS = IntegrationSettings(
    field_owner=ERP_OWNS.field_owner
    | {OwnedField.NAME: Side.PLATFORM, OwnedField.DESCRIPTION: Side.PLATFORM}
)
ALL = frozenset({"name", "description", "brand", "price", "variants"})


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


def changed(product: Product) -> set[str]:
    before, after = contents(camiseta()), contents(product)
    return {field for field in ALL if before[field] != after[field]}


def link(**fields: object) -> Link:
    made = Link(
        integration_id="loja",
        entity="product",
        erp_id="CAM-01",
        platform_id="555",
        created_by="export",
        created_at=NOW,
    )
    return made.model_copy(update=fields)


def test_the_hashes_ignore_what_stores_write_differently() -> None:
    echoed = camiseta(
        sku="CAM-01-P",  # Shopify names a product by its first variant's SKU
        platform_product_id="555",
        ncm="61091000",
        images=["https://cdn.example/1.jpg"],
        categories=["Roupas"],
        updated_at=NOW,
        name=" Camiseta Azul ",
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
    )

    assert changed(echoed) == set()


def test_a_genuine_change_changes_its_field_only() -> None:
    first, second = camiseta().variants

    assert changed(camiseta(name="Camiseta Verde")) == {"name"}
    assert changed(camiseta(description="Linho")) == {"description"}
    assert changed(camiseta(brand=None)) == {"brand"}
    assert changed(camiseta(active=False)) == {"variants"}
    regtin = first.model_copy(update={"gtin": "7891234567888"})
    assert changed(camiseta(variants=[regtin, second])) == {"variants"}
    repriced = first.model_copy(update={"promotional_price": Decimal("89.90")})
    assert changed(camiseta(variants=[repriced, second])) == {"price"}
    assert changed(camiseta(variants=[first])) == {"price", "variants"}


def test_each_direction_writes_the_fields_the_far_side_does_not_own() -> None:
    assert toward_erp(ERP_OWNS) == {"variants"}
    assert toward_platform(ERP_OWNS) == {"name", "description", "brand", "variants"}
    assert toward_erp(PLATFORM_OWNS_TEXTS) == {"name", "description", "variants"}
    assert toward_platform(PLATFORM_OWNS_TEXTS) == {"brand", "variants"}


def test_our_own_write_coming_back_is_no_news() -> None:
    sent = contents(camiseta())
    exported = link(erp_contents=sent, platform_contents=sent)

    fields = toward_erp(PLATFORM_OWNS_TEXTS)
    assert news(sent, fields, seen=exported.platform_contents, held=exported.erp_contents) == []


def test_a_store_edit_of_its_own_field_is_news_for_the_erp_and_not_the_reverse() -> None:
    sent = contents(camiseta())
    exported = link(erp_contents=sent, platform_contents=sent)
    edited = contents(camiseta(name="Nome da loja"))

    assert news(
        edited,
        toward_erp(PLATFORM_OWNS_TEXTS),
        seen=exported.platform_contents,
        held=exported.erp_contents,
    ) == ["name"]
    assert (
        news(
            edited,
            toward_erp(ERP_OWNS),
            seen=exported.platform_contents,
            held=exported.erp_contents,
        )
        == []
    )


def test_a_store_that_kept_its_own_name_is_no_news_after_another_store_renamed_it() -> None:
    """Two stores own the name: one renames it (imported into the ERP); the other's unchanged
    name, echoed after the ERP's next change, must not be written back (a loop between them)."""
    first = contents(camiseta())
    other_store = link(
        erp_contents=contents(camiseta(name="Da outra loja")), platform_contents=first
    )

    assert (
        news(
            first,
            toward_erp(PLATFORM_OWNS_TEXTS),
            seen=other_store.platform_contents,
            held=other_store.erp_contents,
        )
        == []
    )


def test_an_erp_product_read_back_from_the_erp_keeps_its_hashes() -> None:
    integration = Integration(
        id="loja",
        platform="shopify",
        name="Loja",
        credentials="sealed",
        settings=ERP_OWNS,
        version=1,
        created_at=NOW,
        updated_at=NOW,
    )
    sent = camiseta(ncm="61091000")
    parent, children = product_to_erp(sent)
    read_back = product_from_erp({**parent, "_Skus": children})

    as_published = product_for_platform(read_back, integration, creating=False)
    assert contents(as_published) == contents(sent)


def test_a_link_notes_what_each_side_holds_and_the_newest_platform_time() -> None:
    held = contents(camiseta())
    later = NOW + timedelta(seconds=5)

    once = noted(
        link(), erp=held, platform=only(frozenset({"name"}), held), platform_changed_at=later
    )

    assert (once.erp_contents, once.platform_contents) == (held, {"name": held["name"]})
    assert noted(once, erp=held, platform_changed_at=NOW) is once
    assert once.platform_changed_at == later
    assert stale(once, NOW) and not stale(once, later) and not stale(once, None)
    assert not stale(link(), NOW)
    assert Link.model_validate_json(once.model_dump_json()) == once


def test_toward_a_store_the_erp_value_of_a_field_it_owns_wins_over_the_store_edit() -> None:
    store_renamed = contents(camiseta(name="Nome da loja"))
    erp = contents(camiseta())

    assert news(erp, toward_platform(ERP_OWNS), held=store_renamed) == ["name"]
    assert news(erp, toward_platform(PLATFORM_OWNS_TEXTS), held=store_renamed) == []
