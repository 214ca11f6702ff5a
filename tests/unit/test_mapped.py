"""An integration's Configurações and Mapeamentos in the ERP order and the product it sends."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from connectors.erp.mapping_orders import pedido_to_order
from connectors.erp.mapping_products import product_to_erp
from engine.failures import MappingMissing
from engine.mapped import pedido_for, product_for_erp, product_for_platform
from schemas.integration import Integration, OwnedField
from schemas.order import Payment, Shipping
from schemas.product import AttributeValue, Product, Variant
from tests.unit.test_erp_mapping import canonical_order

NOW = datetime(2026, 3, 15, tzinfo=UTC)
ORDER = canonical_order(
    shipping=Shipping(carrier="Jadlog", method="Jadlog Expresso", price=Decimal("18.50")),
    payments=[
        Payment(method="Cartão de crédito", amount=Decimal("300.00"), installments=3),
        Payment(method="Pix", amount=Decimal("12.22")),
    ],
    sales_channel="web",
)
PRODUCT = Product(
    sku="CAM",
    name="Camiseta",
    description="Camiseta de algodão",
    short_description="Camiseta",
    complement="Lavar à mão",
    brand="Acme",
    images=["https://cdn.example/cam.jpg"],
    specifications=[AttributeValue(name="Material", value="Poliéster")],
    variants=[Variant(sku="CAM", price=Decimal("59.90"))],
)


def integration(mappings: list[dict[str, Any]] | None = None, **settings: Any) -> Integration:
    return Integration.model_validate(
        {
            "id": "loja",
            "platform": "shopify",
            "name": "Loja",
            "credentials": "sealed",
            "settings": settings,
            "mappings": mappings or [],
            "version": 1,
            "created_at": NOW,
            "updated_at": NOW,
        }
    )


CARRIER = {
    "id": "carrier",
    "target": "carrier",
    "source": "shipping.method",
    "transform": {"kind": "lookup", "table": {"Jadlog Expresso": "JADLOG LOGISTICA"}},
    "required": True,
}


def test_without_mappings_the_order_goes_as_the_platform_names_it() -> None:
    pedido = pedido_for(ORDER, integration())

    assert pedido["situacao"] == 0
    assert pedido["canalDeVenda"] == "shopify"
    assert "servicePlatformOrigin" not in pedido
    assert pedido["transportador"] == "Jadlog"
    assert [p["formaPagamento"] for p in pedido["_Parcelas"]] == ["Cartão de crédito", "Pix"]


def test_configuracoes_set_the_situacao_and_the_sales_channel() -> None:
    pedido = pedido_for(ORDER, integration(erp_order_status=-1, sales_channel="LOJA-SHOPIFY"))

    assert pedido["situacao"] == -1
    assert pedido["canalDeVenda"] == "LOJA-SHOPIFY"
    assert pedido["servicePlatformOrigin"] == "shopify"


def test_a_sales_channel_keeps_the_order_the_platform_s() -> None:
    pedido = pedido_for(ORDER, integration(sales_channel="LOJA-SHOPIFY"))

    back = pedido_to_order(pedido)

    assert (back.platform, back.platform_order_id) == ("shopify", ORDER.platform_order_id)
    assert back.sales_channel == "LOJA-SHOPIFY"


def test_order_mappings_land_in_the_pedido() -> None:
    rules = [
        CARRIER,
        {
            "id": "channel",
            "target": "sales_channel",
            "source": "sales_channel",
            "transform": {"kind": "lookup", "table": {"web": "SITE"}},
        },
        {
            "id": "status",
            "target": "order_status",
            "source": "status",
            "transform": {"kind": "lookup", "table": {"paid": "3"}},
        },
        {
            "id": "payment",
            "target": "payment_method",
            "source": "payment.method",
            "transform": {"kind": "lookup", "table": {"Pix": "PIX"}, "default": "CARTAO"},
        },
    ]

    pedido = pedido_for(ORDER, integration(rules, sales_channel="IGNORED", erp_order_status=0))

    assert pedido["transportador"] == "JADLOG LOGISTICA"
    assert pedido["canalDeVenda"] == "SITE"
    assert pedido["situacao"] == 3
    assert [p["formaPagamento"] for p in pedido["_Parcelas"]] == ["CARTAO", "PIX"]


def test_an_unmapped_carrier_is_missing_with_its_reason() -> None:
    order = ORDER.model_copy(update={"shipping": Shipping(method="Loggi", price=Decimal("18.50"))})

    with pytest.raises(MappingMissing) as missing:
        pedido_for(order, integration([CARRIER]))

    assert str(missing.value) == "carrier 'Loggi' has no mapping to an ERP carrier (rule carrier)"


def test_a_required_payment_method_is_checked_per_payment() -> None:
    rule = {
        "id": "payment",
        "target": "payment_method",
        "source": "payment.method",
        "transform": {"kind": "lookup", "table": {"Pix": "PIX"}},
        "required": True,
    }

    with pytest.raises(MappingMissing, match="'Cartão de crédito' has no mapping"):
        pedido_for(ORDER, integration([rule]))


def test_a_stored_status_that_is_no_situacao_is_missing() -> None:
    # rule_problems refuses it on save; a rule saved by an older version may still hold it.
    rule = {
        "id": "status",
        "target": "order_status",
        "transform": {"kind": "constant", "value": "9"},
    }

    with pytest.raises(MappingMissing, match="not an ERP situacao"):
        pedido_for(ORDER, integration([rule]))


PRODUCT_RULES = [
    {"id": "ncm", "target": "ncm", "transform": {"kind": "constant", "value": "6109.10.00"}},
    {
        "id": "extra",
        "target": "extra_description",
        "transform": {"kind": "template", "template": "Marca: {brand}"},
        "when": "create_only",
    },
    {
        "id": "material",
        "target": "custom_attribute",
        "attribute": "Material",
        "transform": {"kind": "constant", "value": "Algodão"},
    },
]


def test_product_mappings_land_in_the_published_product() -> None:
    published = product_for_platform(PRODUCT, integration(PRODUCT_RULES), creating=True)

    assert published.ncm == "61091000"
    assert published.description == "Camiseta de algodão\n\nMarca: Acme"
    assert published.specifications == [AttributeValue(name="Material", value="Algodão")]
    assert published.images == PRODUCT.images
    assert published.withheld == []


def test_a_create_only_rule_is_left_out_of_an_update() -> None:
    published = product_for_platform(PRODUCT, integration(PRODUCT_RULES), creating=False)

    assert published.description == "Camiseta de algodão"


@pytest.mark.parametrize(
    ("source", "description"),
    [
        ("description", "Camiseta de algodão"),
        ("short_description", "Camiseta"),
        ("complement", "Lavar à mão"),
    ],
)
def test_the_description_is_the_text_configuracoes_names(source: str, description: str) -> None:
    published = product_for_platform(
        PRODUCT, integration(description_source=source), creating=False
    )

    assert published.description == description


def test_an_empty_chosen_text_falls_back_to_the_description() -> None:
    bare = PRODUCT.model_copy(update={"short_description": None})

    published = product_for_platform(
        bare, integration(description_source="short_description"), creating=False
    )

    assert published.description == "Camiseta de algodão"


def test_images_not_synced_are_withheld() -> None:
    published = product_for_platform(PRODUCT, integration(sync_images=False), creating=True)

    assert published.images == []
    assert published.withheld == [OwnedField.IMAGES]


def test_fields_the_platform_owns_are_withheld_on_update_only() -> None:
    owners = {"field_owner": {"name": "platform", "price": "platform"}}

    updated = product_for_platform(PRODUCT, integration(**owners), creating=False)
    created = product_for_platform(PRODUCT, integration(**owners), creating=True)

    assert updated.withheld == [OwnedField.NAME, OwnedField.PRICE]
    assert created.withheld == []


def test_an_ncm_that_is_not_eight_digits_is_missing() -> None:
    rule = {
        "id": "ncm",
        "target": "ncm",
        "transform": {"kind": "template", "template": "{brand}"},
    }

    with pytest.raises(MappingMissing, match="NCM mapped to 'Acme'"):
        product_for_platform(PRODUCT, integration([rule]), creating=True)


def test_an_import_puts_the_description_in_the_chosen_erp_text() -> None:
    rules = [
        {
            "id": "extra",
            "target": "extra_description",
            "transform": {"kind": "constant", "value": "Importado"},
        }
    ]
    imported = product_for_erp(
        PRODUCT, integration(rules, description_source="short_description"), creating=True
    )

    parent, _ = product_to_erp(imported)

    assert parent["descricaoCurta"] == "Camiseta de algodão"
    assert parent["descricaoComplementar"] == "Importado"
    assert "descricao" not in parent


def test_an_import_update_leaves_what_the_erp_owns() -> None:
    owners = {"field_owner": {"name": "erp", "description": "erp", "price": "platform"}}

    imported = product_for_erp(PRODUCT, integration(**owners), creating=False)
    parent, _ = product_to_erp(imported)

    assert {"nome", "descricao", "marca"}.isdisjoint(parent)
    assert parent["preco"] == Decimal("59.90")
    assert parent["codigo"] == "CAM"


def test_a_category_lookup_files_the_product_under_the_platform_s_category() -> None:
    rules = [
        {
            "id": "vtex-category",
            "target": "category",
            "source": "categories.0",
            "transform": {"kind": "lookup", "table": {"Roupas": "12"}, "default": None},
            "required": True,
        },
        {"id": "brand", "target": "brand", "transform": {"kind": "constant", "value": "Acme"}},
    ]
    clothes = PRODUCT.model_copy(update={"categories": ["Roupas"], "brand": None})

    published = product_for_platform(clothes, integration(rules), creating=True)

    assert published.categories == ["Roupas", "12"]
    assert published.brand == "Acme"
    with pytest.raises(MappingMissing, match="category"):
        product_for_platform(
            clothes.model_copy(update={"categories": ["Brinquedos"]}),
            integration(rules),
            creating=True,
        )
