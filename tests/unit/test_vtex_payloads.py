"""What we send VTEX holds against the request schemas of its own OpenAPI specs."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson
import pytest

from connectors.contract import OrderMove, OrderMoveKind
from connectors.vtex.mapping_catalog import (
    attribute_from_vtex,
    brand_payload,
    category_payload,
    product_payload,
    sku_payload,
)
from connectors.vtex.order_ops import invoice_body
from connectors.vtex.prices_stock import price_body, stock_body
from connectors.vtex.sandbox.schema_check import load_spec, operation_schema, problems
from schemas.brand import Brand
from schemas.category import Category
from schemas.order import Invoice
from schemas.price import Price
from schemas.product import Dimensions, Product, Variant
from schemas.stock import StockLevel

SAMPLES = Path(__file__).resolve().parents[2].parent / "shared" / "samples" / "vtex"
SPECS: dict[str, dict[str, Any]] = {}


def spec(name: str) -> dict[str, Any]:
    if name not in SPECS:
        SPECS[name] = load_spec(SAMPLES / "openapi" / f"{name}-api.json")
    return SPECS[name]


def check(api: str, path: str, method: str, body: Any) -> None:
    document = spec(api)
    assert problems(document, operation_schema(document, path, method), body) == []


def sample(name: str) -> Any:
    return orjson.loads((SAMPLES / name).read_bytes())


PRODUCT = Product(
    sku="CAM-1", name="Camiseta", description="Algodão", categories=["7"],
    variants=[Variant(sku="CAM-1-M", price=Decimal("59.90"), dimensions=Dimensions(weight_kg=Decimal("0.3")))],
)  # fmt: skip


def test_the_checker_catches_a_wrong_body() -> None:
    document = spec("catalog")
    schema = operation_schema(document, "/api/catalog/pvt/product/{productId}", "put")
    assert problems(document, schema, {"Name": "x"})  # CategoryId and BrandId missing
    assert problems(document, schema, {"Name": 1, "CategoryId": 1, "BrandId": 1})


@pytest.mark.parametrize("existing", [None, "catalog_product_get_response.json"])
def test_product_bodies_match_post_and_put(existing: str | None) -> None:
    body = product_payload(PRODUCT, sample(existing) if existing else None, 7, 2000001)
    check("catalog", "/api/catalog/pvt/product/{productId}", "put", body)
    check("catalog", "/api/catalog/pvt/product", "post", body)
    if existing:  # merged, not partial: fields we do not own survive
        assert (
            body["DescriptionShort"] == sample(existing)["DescriptionShort"]
            and body["ShowWithoutStock"]
        )


def test_sku_bodies_match_and_a_new_sku_is_not_sent_active() -> None:
    new = sku_payload(PRODUCT.variants[0], 42, None)
    check("catalog", "/api/catalog/pvt/stockkeepingunit", "post", new)
    assert new["IsActive"] is False and new["ActivateIfPossible"] is True
    merged = sku_payload(PRODUCT.variants[0], 42, sample("catalog_sku_get_response.json"))
    check("catalog", "/api/catalog/pvt/stockkeepingunit/{skuId}", "put", merged)
    assert (
        merged["IsActive"] is True
        and merged["ManufacturerCode"] == ""
        and merged["UnitMultiplier"] == 2.0
    )


def test_category_and_brand_bodies_match() -> None:
    category = category_payload(
        Category(code="9", name="Roupas", parent_code="3"),
        sample("catalog_category_get_response.json"),
    )
    check("catalog", "/api/catalog/pvt/category/{categoryId}", "put", category)
    check(
        "catalog",
        "/api/catalog/pvt/category",
        "post",
        category_payload(Category(code="9", name="Roupas"), None),
    )
    check(
        "catalog",
        "/api/catalog/pvt/brand",
        "post",
        brand_payload(Brand(name="Marca"), 2000010, None),
    )


def test_stock_body_matches_and_keeps_the_lead_time() -> None:
    level = StockLevel(
        sku="CAM-1-M",
        warehouse="01",
        quantity=Decimal(7),
        measured_at=datetime(2026, 1, 5, tzinfo=UTC),
    )
    body = stock_body(level, "14e3fcc", sample("logistics_inventory_by_sku_response.json"))
    check(
        "logistics",
        "/api/logistics/pvt/inventory/skus/{skuId}/warehouses/{warehouseId}",
        "put",
        body,
    )
    assert (
        body["quantity"] == 7
        and body["unlimitedQuantity"] is False
        and body["leadTime"] == "1.00:00:00"
    )


def test_price_body_matches_keeps_other_policies_and_dates_the_promotion() -> None:
    price = Price(
        sku="CAM-1-M", price=Decimal("59.90"), promotional_price=Decimal("49.90"),
        promotion_starts_at=datetime(2026, 1, 1, tzinfo=UTC), promotion_ends_at=datetime(2026, 1, 8, tzinfo=UTC),
    )  # fmt: skip
    body = price_body(price, "1", sample("pricing_price_get_response.json"))
    check("pricing", "/pricing/prices/{itemId}", "put", body)
    ours = [f for f in body["fixedPrices"] if f["tradePolicyId"] == "1"]
    assert ours == [{"tradePolicyId": "1", "value": 49.9, "listPrice": 59.9, "minQuantity": 1,
                     "dateRange": {"from": "2026-01-01T00:00:00+00:00", "to": "2026-01-08T00:00:00+00:00"}}]  # fmt: skip
    assert len([f for f in body["fixedPrices"] if f["tradePolicyId"] == "9"]) == 4
    assert body["basePrice"] == 59.9


def test_invoice_body_matches_in_cents() -> None:
    order = sample("order_get_response.json")
    move = OrderMove(
        OrderMoveKind.INVOICE, invoice=Invoice(key="3" * 44, number="24382", series="1")
    )
    body = invoice_body(order, move)
    check("orders", "/api/oms/pvt/orders/{orderId}/invoice", "post", body)
    assert body["invoiceValue"] == "1160" and body["items"] == [
        {"id": "18", "price": 990, "quantity": 1}
    ]


def test_tracking_and_cancel_samples_match_their_schemas() -> None:
    check("orders", "/api/oms/pvt/orders/{orderId}/invoice/{invoiceNumber}", "patch",
          sample("order_invoice_tracking_patch_request.json"))  # fmt: skip
    check("orders", "/api/oms/pvt/orders/{orderId}/cancel", "post", {"reason": "Sem estoque"})


def response_example(api: str, path: str, method: str) -> Any:
    content = spec(api)["paths"][path][method]["responses"]["200"]["content"]["application/json"]
    return content.get("example") or content["schema"]["example"]


def test_a_specification_field_and_its_values_read_as_an_attribute() -> None:
    field = response_example("catalog", "/api/catalog/pvt/specification/{specificationId}", "get")
    values = response_example(
        "catalog", "/api/catalog_system/pub/specification/fieldvalue/{fieldId}", "get"
    )
    values = [*values, {"FieldValueId": 59, "Value": "Retirado", "IsActive": False, "Position": 0}]
    attribute = attribute_from_vtex(field, values)
    assert attribute.name == "Peso" and attribute.platform_attribute_id == "32"
    assert attribute.values == [  # by Position, inactive ones left out
        "0 a 6 meses", "5 a 6 anos", "3 a 4 anos", "1 a 2 anos", "7 a 8 anos", "9 a 10 anos",
        "Acima de 10 anos",
    ]  # fmt: skip
    created = sample("catalog_specification_create_response.json")
    assert attribute_from_vtex(created, []).name == "Material"
