"""ERP products, stock, categories and brands <-> canonical, field by field."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from connectors.erp.mapping_products import (
    attribute_from_erp,
    attribute_to_erp,
    brand_from_erp,
    brand_to_erp,
    category_from_erp,
    erp_time,
    price_fields,
    prices,
    product_from_erp,
    product_prices,
    product_to_erp,
    stock_levels,
)
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.product import AttributeValue, Dimensions, Product, Variant

PARENT = {
    "id": "10",
    "codigo": "CAM",
    "nome": "Camiseta",
    "idProdutoMaster": 0,
    "cf": "6109.10.00",
    "marca": "Ponte Wear",
    "preco": Decimal("59.90"),
    "dataAlteracao": "2026-03-14 10:22:31",
    "_Skus": [
        {
            "id": "11",
            "codigo": "CAM-AZ-M",
            "idProdutoMaster": 10,
            "gtin": "7891234567895",
            "preco": Decimal("49.90"),
            "precoDe": Decimal("59.90"),
            "pesoBruto": Decimal("0.250"),
            "altura": 3,
            "largura": Decimal("20.5"),
            "comprimento": 30,
            "grade": [{"chave": "Cor", "valor": "Azul"}, {"chave": "Tamanho", "valor": "M"}],
        },
        {
            "id": "12",
            "codigo": "CAM-AZ-G",
            "idProdutoMaster": 10,
            "preco": Decimal("59.90"),
            "precoDe": 0,
            "situacao": "I",
            "grade": [{"chave": "Cor", "valor": "Azul"}, {"chave": "Tamanho", "valor": "G"}],
        },
    ],
}


def test_parent_and_children_become_one_product_with_variants() -> None:
    product = product_from_erp(PARENT)
    assert product.sku == "CAM"
    assert product.name == "Camiseta"
    assert product.ncm == "61091000"
    assert product.brand == "Ponte Wear"
    assert product.updated_at == datetime(2026, 3, 14, 13, 22, 31, tzinfo=UTC)
    medium, large = product.variants
    assert medium.sku == "CAM-AZ-M"
    assert medium.gtin == "7891234567895"
    assert (medium.price, medium.promotional_price) == (Decimal("59.90"), Decimal("49.90"))
    assert medium.dimensions == Dimensions(
        weight_kg=Decimal("0.250"),
        height_cm=Decimal(3),
        width_cm=Decimal("20.5"),
        length_cm=Decimal(30),
    )
    assert medium.attributes == [
        AttributeValue(name="Cor", value="Azul"),
        AttributeValue(name="Tamanho", value="M"),
    ]
    assert (large.price, large.promotional_price, large.active) == (Decimal("59.90"), None, False)


def test_a_parent_without_children_is_its_own_variant() -> None:
    simple = {"codigo": "CANECA", "nome": "Caneca", "preco": "25.00", "gtin": "789"}
    product = product_from_erp(simple)
    [variant] = product.variants
    assert (variant.sku, variant.gtin, variant.price) == ("CANECA", "789", Decimal("25.00"))
    assert product.ncm is None


def test_a_bad_ncm_is_dropped_not_guessed() -> None:
    assert product_from_erp(PARENT | {"cf": "6109", "_Skus": []}).ncm is None


def test_prices_read_de_por() -> None:
    assert prices({"preco": Decimal("80"), "precoDe": Decimal("100")}) == (
        Decimal(100),
        Decimal(80),
    )
    assert prices({"preco": Decimal("80"), "precoDe": Decimal("70")}) == (80, None)
    assert prices({"preco": Decimal("80")}) == (80, None)
    assert price_fields(Decimal("100"), Decimal("80")) == {
        "preco": Decimal("80.00"),
        "precoDe": Decimal("100.00"),
    }
    assert price_fields(Decimal("100"), None) == {"preco": Decimal("100.00"), "precoDe": 0}


def canonical_product() -> Product:
    size = Dimensions(weight_kg=Decimal("0.25"), height_cm=Decimal(3))
    return Product(
        sku="CAM",
        name="Camiseta",
        brand="Ponte Wear",
        ncm="61091000",
        variants=[
            Variant(
                sku=f"CAM-{size_name}",
                gtin="7891234567895" if size_name == "M" else None,
                price=Decimal("59.90"),
                promotional_price=Decimal("49.90") if size_name == "M" else None,
                dimensions=size,
                attributes=[AttributeValue(name="Tamanho", value=size_name)],
            )
            for size_name in ("M", "G")
        ],
    )


def test_canonical_product_goes_out_as_parent_and_children_and_comes_back() -> None:
    product = canonical_product()
    parent, children = product_to_erp(product)
    assert parent["codigo"] == "CAM" and parent["cf"] == "61091000" and "gtin" not in parent
    assert [child["codigo"] for child in children] == ["CAM-M", "CAM-G"]
    assert children[0]["nome"] == "Camiseta M"
    assert children[0]["grade"] == [{"chave": "Tamanho", "valor": "M"}]
    assert (children[0]["preco"], children[0]["precoDe"]) == (Decimal("49.90"), Decimal("59.90"))
    assert str(children[0]["preco"]) == "49.90"

    back = product_from_erp(parent | {"_Skus": children})
    assert back == product


def test_a_simple_product_goes_out_as_a_parent_alone() -> None:
    variant = Variant(sku="CANECA", price=Decimal("25"), gtin="789")
    product = Product(sku="CANECA", name="Caneca", variants=[variant])
    parent, children = product_to_erp(product)
    assert children == []
    assert parent["gtin"] == "789" and parent["preco"] == Decimal("25.00")
    assert product_from_erp(parent) == product


def test_prices_per_variant() -> None:
    [medium, large] = product_prices(product_from_erp(PARENT))
    assert (medium.sku, medium.price, medium.promotional_price) == (
        "CAM-AZ-M",
        Decimal("59.90"),
        Decimal("49.90"),
    )
    assert large.price_list == "default" and large.currency == "BRL"


def test_stock_is_absolute_per_deposit_and_prefers_available() -> None:
    at = datetime(2026, 3, 14, 12, tzinfo=UTC)
    saldos = [
        {"codigo": "CAM-AZ-M", "idDeposito": "1", "estoqueReal": 7, "estoqueDisponivel": 5},
        {"codigo": "CAM-AZ-M", "idDeposito": "2", "estoqueReal": Decimal("2")},
        {"codigo": "CAM-AZ-M", "estoqueReal": 1, "estoqueDisponivel": 1},
        {"codigo": "CAM-AZ-M", "idDeposito": "3"},
    ]
    levels = stock_levels(saldos, measured_at=at, default_deposit="9")
    assert [(lv.warehouse, lv.quantity) for lv in levels] == [("1", 5), ("2", 2), ("9", 1)]
    assert all(lv.sku == "CAM-AZ-M" and lv.measured_at == at for lv in levels)


def test_erp_time_is_sao_paulo_civil_time() -> None:
    assert erp_time("2026-01-01") == datetime(2026, 1, 1, 3, tzinfo=UTC)
    assert erp_time("01/01/2026") is None


def test_categories_and_brands() -> None:
    category = category_from_erp({"id": 7, "nome": "Camisetas", "idExterno": "x"})
    assert (category.code, category.name, category.parent_code) == ("7", "Camisetas", None)
    assert category_from_erp({"id": 8, "nome": "Polo", "idCategoriaPai": 7}).parent_code == "7"
    assert category.platform_category_id == "7"
    assert brand_from_erp({"id": "3", "nome": "Ponte Wear"}) == Brand(
        name="Ponte Wear", platform_brand_id="3"
    )
    assert brand_from_erp({"nome": "Ponte Wear"}) == Brand(name="Ponte Wear")
    assert brand_to_erp(Brand(name="Ponte Wear")) == {"nome": "Ponte Wear"}


def test_an_atributo_reads_with_its_values_in_order_and_goes_back_by_id() -> None:
    doc = {"id": 7, "nome": "Tamanho", "valores": ["PP", "P", "M"]}
    attribute = attribute_from_erp(doc)
    assert attribute == Attribute(
        name="Tamanho", values=["PP", "P", "M"], platform_attribute_id="7"
    )
    assert attribute_to_erp(attribute) == {
        "nome": "Tamanho",
        "valores": ["PP", "P", "M"],
        "id": "7",
    }
    assert attribute_from_erp({"id": "8", "nome": "Cor"}).values == []


def test_a_new_attribute_goes_out_without_an_id() -> None:
    assert attribute_to_erp(Attribute(name="Cor", values=["Azul"])) == {
        "nome": "Cor",
        "valores": ["Azul"],
    }
