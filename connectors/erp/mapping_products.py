"""ERP product documents <-> canonical Product, StockLevel, Price, Category and Brand. Pure.

The ERP keeps a product as a parent (`idProdutoMaster` = 0) and one child per SKU of its grade;
a product without variations is a parent alone, and its own SKU is the one variant.

Field names follow the reference's Eccosys list where it has one (`codigo`, `gtin`, `preco`,
`precoDe`, `cf`, `idProdutoMaster`, `estoqueReal`, `estoqueDisponivel`); the rest are
UNCONFIRMED and isolated here: `grade` as `[{chave, valor}]` (Tiny's confirmed variation
shape), `peso`/`pesoBruto` in kg and `altura`/`largura`/`comprimento` in cm, `situacao`
"A"/"I", `marca` as text, `dataAlteracao` as Sao Paulo civil time, and the short and
complementary descriptions as `descricaoCurta`/`descricaoComplementar` (Bling's names).

Prices: `precoDe` is the "from" price of "de R$ X por R$ Y". So when `precoDe` is above
`preco`, the canonical price is `precoDe` and the promotional price is `preco`; otherwise the
price is `preco` and there is no promotion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.erp.json_exact import number
from connectors.erp.mapping import ERP_TIMEZONE, compact, money
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.integration import OwnedField
from schemas.price import Price
from schemas.product import AttributeValue, Dimensions, Product, Variant
from schemas.stock import StockLevel

ProdutoJson = dict[str, Any]
_ERP_KEYS: dict[OwnedField, tuple[str, ...]] = {
    OwnedField.NAME: ("nome",),
    OwnedField.DESCRIPTION: ("descricao", "descricaoCurta", "descricaoComplementar"),
    OwnedField.PRICE: ("preco", "precoDe"),
    OwnedField.BRAND: ("marca",),
}
"""The ERP fields of each owned product field (images, categories and stock: none here)."""
_NON_DIGITS = re.compile(r"\D")
_ERP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d")


def erp_time(value: Any) -> datetime | None:
    """An ERP timestamp (`yyyy-MM-dd HH:mm:ss` or a bare date), in Sao Paulo time."""
    for fmt in _ERP_FORMATS:
        try:
            return datetime.strptime(str(value), fmt).replace(tzinfo=ERP_TIMEZONE)
        except ValueError:
            continue
    return None


def is_parent(doc: ProdutoJson) -> bool:
    """`idProdutoMaster` 0 (or absent) marks a parent."""
    master = number(doc.get("idProdutoMaster", 0))
    return master is None or master == 0


def ncm(doc: ProdutoJson) -> str | None:
    """`cf` (the NCM) as 8 digits; "6109.10.00" is accepted, anything else is dropped."""
    digits = _NON_DIGITS.sub("", str(doc.get("cf") or ""))
    return digits if len(digits) == 8 else None


def prices(doc: ProdutoJson) -> tuple[Decimal, Decimal | None]:
    """(price, promotional price) from `preco` and `precoDe`."""
    preco = number(doc.get("preco")) or Decimal(0)
    preco_de = number(doc.get("precoDe"))
    if preco_de is not None and preco_de > preco:
        return preco_de, preco
    return preco, None


def price_fields(price: Decimal, promotional: Decimal | None) -> dict[str, Decimal]:
    """`preco`/`precoDe` for a canonical price; `precoDe` 0 clears a past promotion."""
    if promotional is not None and promotional < price:
        return {"preco": money(promotional), "precoDe": money(price)}
    return {"preco": money(price), "precoDe": Decimal("0.00")}


def dimensions(doc: ProdutoJson) -> Dimensions:
    """Carriers quote on gross weight: `pesoBruto`, else `peso`."""
    weight = number(doc.get("pesoBruto")) or number(doc.get("peso"))
    return Dimensions(
        weight_kg=weight,
        height_cm=number(doc.get("altura")),
        width_cm=number(doc.get("largura")),
        length_cm=number(doc.get("comprimento")),
    )


def attributes(doc: ProdutoJson) -> list[AttributeValue]:
    grade = doc.get("grade")
    return [
        AttributeValue(name=str(entry["chave"]), value=str(entry["valor"]))
        for entry in (grade if isinstance(grade, list) else [])
        if isinstance(entry, dict) and entry.get("chave") and entry.get("valor") is not None
    ]


def variant_from_erp(doc: ProdutoJson) -> Variant:
    price, promotional = prices(doc)
    return Variant(
        sku=str(doc["codigo"]),
        gtin=str(doc["gtin"]) if doc.get("gtin") else None,
        price=price,
        promotional_price=promotional,
        dimensions=dimensions(doc),
        attributes=attributes(doc),
        active=doc.get("situacao", "A") != "I",
    )


def product_from_erp(parent: ProdutoJson) -> Product:
    """A parent with its children in `_Skus` (none: the parent is its own only variant)."""
    children = [child for child in parent.get("_Skus") or [] if isinstance(child, dict)]
    return Product(
        sku=str(parent["codigo"]),
        name=str(parent.get("nome") or parent["codigo"]),
        description=parent.get("descricao") or None,
        short_description=parent.get("descricaoCurta") or None,
        complement=parent.get("descricaoComplementar") or None,
        brand=parent.get("marca") or None,
        ncm=ncm(parent),
        variants=[variant_from_erp(doc) for doc in children or [parent]],
        active=parent.get("situacao", "A") != "I",
        updated_at=erp_time(parent.get("dataAlteracao")),
    )


def _variant_fields(variant: Variant) -> dict[str, Any]:
    size = variant.dimensions
    return compact(
        {
            "codigo": variant.sku,
            "gtin": variant.gtin,
            **price_fields(variant.price, variant.promotional_price),
            "pesoBruto": size.weight_kg,
            "altura": size.height_cm,
            "largura": size.width_cm,
            "comprimento": size.length_cm,
            "situacao": "A" if variant.active else "I",
        }
    )


def product_to_erp(product: Product) -> tuple[ProdutoJson, list[ProdutoJson]]:
    """(parent, children) for `ErpProducts.upsert_family`; no children for a simple product.

    The fields in `product.withheld` are left out, so the ERP keeps its own values."""
    parent, children = _family(product)
    if not product.withheld:
        return parent, children
    left_out = {key for owned in product.withheld for key in _ERP_KEYS.get(owned, ())}
    return _without(parent, left_out), [_without(child, left_out) for child in children]


def _without(doc: ProdutoJson, keys: set[str]) -> ProdutoJson:
    return {key: value for key, value in doc.items() if key not in keys}


def _family(product: Product) -> tuple[ProdutoJson, list[ProdutoJson]]:
    common = compact(
        {
            "cf": product.ncm,
            "marca": product.brand,
            "descricao": product.description,
            "descricaoCurta": product.short_description,
            "descricaoComplementar": product.complement,
        }
    )
    simple = len(product.variants) == 1 and product.variants[0].sku == product.sku
    first = _variant_fields(product.variants[0])
    parent = (first if simple else {k: v for k, v in first.items() if k != "gtin"}) | common
    parent |= {
        "codigo": product.sku,
        "nome": product.name,
        "situacao": "A" if product.active else "I",
    }
    if simple:
        return parent, []
    children = [
        _variant_fields(variant)
        | common
        | {
            "nome": " ".join([product.name, *(a.value for a in variant.attributes)]),
            "grade": [{"chave": a.name, "valor": a.value} for a in variant.attributes],
        }
        for variant in product.variants
    ]
    return parent, children


def product_prices(product: Product) -> list[Price]:
    """One Price per variant: what a PriceChanged carries."""
    return [
        Price(sku=v.sku, price=v.price, promotional_price=v.promotional_price)
        for v in product.variants
    ]


def stock_levels(
    saldos: Iterable[dict[str, Any]], *, measured_at: datetime, default_deposit: str
) -> list[StockLevel]:
    """One absolute level per deposit: what is available (`estoqueDisponivel`), which
    falls back to the physical `estoqueReal` when the ERP sends no available figure."""
    levels = []
    for saldo in saldos:
        available = number(saldo.get("estoqueDisponivel"))
        quantity = available if available is not None else number(saldo.get("estoqueReal"))
        if quantity is None or not saldo.get("codigo"):
            continue
        deposit = str(saldo.get("idDeposito") or default_deposit)
        levels.append(
            StockLevel(
                sku=str(saldo["codigo"]),
                warehouse=deposit,
                quantity=quantity,
                measured_at=measured_at,
            )
        )
    return levels


def category_from_erp(doc: dict[str, Any]) -> Category:
    """`{id, nome, ...}`, known by the ERP's id; the parent (`idCategoriaPai`) is UNCONFIRMED
    and often absent."""
    parent = doc.get("idCategoriaPai")
    return Category(
        code=str(doc["id"]),
        name=str(doc["nome"]),
        parent_code=str(parent) if parent else None,
        platform_category_id=str(doc["id"]),
    )


def category_to_erp(category: Category) -> dict[str, Any]:
    return compact(
        {"nome": category.name, "idExterno": category.code, "idCategoriaPai": category.parent_code}
    )


def brand_from_erp(doc: dict[str, Any]) -> Brand:
    """`{id, nome}`, known by the ERP's id when the record has one."""
    brand_id = doc.get("id")
    return Brand(name=str(doc["nome"]), platform_brand_id=str(brand_id) if brand_id else None)


def brand_to_erp(brand: Brand) -> dict[str, Any]:
    return {"nome": brand.name}


def attribute_from_erp(doc: dict[str, Any]) -> Attribute:
    """An `atributos` record `{id, nome, valores}` (field names UNCONFIRMED, see the sandbox)."""
    values = doc.get("valores") or []
    return Attribute(
        name=str(doc["nome"]),
        values=[str(v) for v in values],
        platform_attribute_id=str(doc["id"]),
    )


def attribute_to_erp(attribute: Attribute) -> dict[str, Any]:
    """The write body; `id` only when the ERP's id is known (a PUT)."""
    body: dict[str, Any] = {"nome": attribute.name, "valores": list(attribute.values)}
    if attribute.platform_attribute_id:
        body["id"] = attribute.platform_attribute_id
    return body
