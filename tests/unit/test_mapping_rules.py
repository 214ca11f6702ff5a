"""Mapeamentos rules, transform by transform: what each gives, when it applies, what it needs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from engine.failures import MappingMissing
from engine.mapping_rules import (
    ORDER_TARGETS,
    PRODUCT_TARGETS,
    Mapped,
    applied,
    ncm_digits,
    rule_problems,
    source_value,
)
from schemas.mapping import MappingRule, MappingTarget
from schemas.order import Payment, Shipping
from schemas.product import Product, Variant
from tests.unit.test_erp_mapping import canonical_order

ORDER = canonical_order(
    shipping=Shipping(carrier="Jadlog", method="Jadlog Expresso", price=Decimal("18.50")),
    sales_channel="web",
)
PRODUCT = Product(
    sku="CAM",
    name="Camiseta",
    brand="Acme",
    variants=[Variant(sku="CAM-P", price=Decimal("10"))],
)


def rule(**fields: Any) -> MappingRule:
    return MappingRule.model_validate({"id": "r", "target": "carrier"} | fields)


def on_order(*rules: MappingRule, creating: bool = True) -> Mapped:
    return applied(
        rules, ORDER, creating=creating, targets=ORDER_TARGETS, kind="order", toward="an ERP"
    )


CARRIERS = {"kind": "lookup", "table": {"Jadlog Expresso": "JADLOG LTDA"}}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("shipping.carrier", "Jadlog"),
        ("order.shipping.method", "Jadlog Expresso"),
        ("status", "paid"),
        ("payment.method", "Cartão de crédito"),
        ("payments.0.installments", "3"),
        ("items.1.sku", "BONE-01"),
        ("items.sku", "CAM-P-AZ"),
        ("totals.total", "312.22"),
        ("created_at", "2026-03-15T01:30:00+00:00"),
        ("note", "Entregar à tarde"),
        ("items.7.sku", None),
        ("shipping.tracking.code", None),
        ("nothing.here", None),
        ("customer", None),
        ("items", None),
        ("model_dump", None),
    ],
)
def test_a_source_is_a_dotted_path_into_the_record(path: str, expected: str | None) -> None:
    assert source_value(ORDER, path, kind="order") == expected


def test_a_bound_name_reads_the_record_at_hand() -> None:
    pix = Payment(method="Pix", amount=Decimal("1"))

    assert source_value(ORDER, "payment.method", kind="order", bound={"payment": pix}) == "Pix"


def test_a_product_source_may_name_the_product() -> None:
    assert source_value(PRODUCT, "product.brand", kind="product") == "Acme"
    assert source_value(PRODUCT, "variants.sku", kind="product") == "CAM-P"


def test_a_constant_is_always_its_value() -> None:
    mapped = on_order(rule(transform={"kind": "constant", "value": "Correios"}))

    assert mapped.get(MappingTarget.CARRIER) == "Correios"


def test_a_lookup_gives_the_table_s_value() -> None:
    mapped = on_order(rule(source="shipping.method", transform=CARRIERS))

    assert mapped.get(MappingTarget.CARRIER) == "JADLOG LTDA"


def test_a_lookup_forgives_case_and_spaces() -> None:
    table = {"kind": "lookup", "table": {" jadlog expresso ": "JADLOG LTDA"}}

    assert on_order(rule(source="shipping.method", transform=table)).get(MappingTarget.CARRIER) == (
        "JADLOG LTDA"
    )


def test_a_lookup_miss_takes_the_default() -> None:
    table = {"kind": "lookup", "table": {"Sedex": "CORREIOS"}, "default": "A COMBINAR"}

    mapped = on_order(rule(source="shipping.method", transform=table, required=True))

    assert mapped.get(MappingTarget.CARRIER) == "A COMBINAR"


def test_a_lookup_miss_without_default_is_missing() -> None:
    table = {"kind": "lookup", "table": {"Sedex": "CORREIOS"}}

    assert on_order(rule(source="shipping.method", transform=table)).values == {}


def test_a_required_lookup_miss_names_the_value_and_the_rule() -> None:
    table = {"kind": "lookup", "table": {"Sedex": "CORREIOS"}}

    with pytest.raises(MappingMissing) as missing:
        on_order(rule(id="carrier", source="shipping.method", transform=table, required=True))

    assert str(missing.value) == (
        "carrier 'Jadlog Expresso' has no mapping to an ERP carrier (rule carrier)"
    )


def test_a_required_lookup_of_an_empty_field_says_which_field() -> None:
    table = {"kind": "lookup", "table": {}, "default": None}

    with pytest.raises(MappingMissing, match=r"shipping\.tracking\.code is empty on this order"):
        on_order(rule(source="shipping.tracking.code", transform=table, required=True))


def test_an_empty_source_takes_the_default() -> None:
    table = {"kind": "lookup", "table": {}, "default": "OUTROS"}

    mapped = on_order(rule(source="shipping.tracking.code", transform=table, required=True))

    assert mapped.get(MappingTarget.CARRIER) == "OUTROS"


def test_a_template_fills_its_placeholders() -> None:
    template = {"kind": "template", "template": "{shipping.carrier} - {shipping.method} {{x}}"}

    mapped = on_order(rule(transform=template))

    assert mapped.get(MappingTarget.CARRIER) == "Jadlog - Jadlog Expresso {x}"


def test_a_template_with_an_empty_placeholder_is_missing() -> None:
    template = {"kind": "template", "template": "{shipping.carrier} {note} {invoice.number}"}

    assert on_order(rule(transform=template)).values == {}
    with pytest.raises(MappingMissing, match=r"fills \{invoice.number\}.*empty on this order"):
        on_order(rule(transform=template, required=True))


@pytest.mark.parametrize(
    ("when", "creating", "applies"),
    [
        ("always", True, True),
        ("always", False, True),
        ("create_only", True, True),
        ("create_only", False, False),
        ("update_only", True, False),
        ("update_only", False, True),
    ],
)
def test_when_a_rule_applies(when: str, creating: bool, applies: bool) -> None:
    constant = {"kind": "constant", "value": "X"}

    mapped = on_order(rule(transform=constant, when=when), creating=creating)

    assert (mapped.get(MappingTarget.CARRIER) == "X") is applies


def test_a_required_rule_that_does_not_apply_is_no_miss() -> None:
    table = {"kind": "lookup", "table": {}}
    skipped = rule(source="shipping.method", transform=table, required=True, when="update_only")

    assert on_order(skipped, creating=True).values == {}


def test_the_first_rule_with_a_value_wins_and_a_later_one_is_a_fallback() -> None:
    table = {"kind": "lookup", "table": {"Sedex": "CORREIOS"}}
    first = rule(id="by-method", source="shipping.method", transform=table)
    fallback = rule(id="otherwise", transform={"kind": "constant", "value": "A COMBINAR"})
    never = rule(id="never", transform={"kind": "lookup", "table": {}}, source="x", required=True)

    mapped = on_order(first, fallback, never)

    assert mapped.get(MappingTarget.CARRIER) == "A COMBINAR"


def test_rules_for_other_targets_are_not_evaluated() -> None:
    ncm = rule(target="ncm", source="x", transform={"kind": "lookup", "table": {}}, required=True)

    assert on_order(ncm).values == {}


def test_custom_attributes_are_kept_by_name() -> None:
    material = rule(
        id="material",
        target="custom_attribute",
        attribute="Material",
        transform={"kind": "template", "template": "Algodão ({brand})"},
    )
    fit = rule(
        id="fit",
        target="custom_attribute",
        attribute="Caimento",
        transform={"kind": "constant", "value": "Regular"},
    )

    mapped = applied(
        [material, fit],
        PRODUCT,
        creating=False,
        targets=PRODUCT_TARGETS,
        kind="product",
        toward="a platform",
    )

    assert mapped.attributes == {"Material": "Algodão (Acme)", "Caimento": "Regular"}


def test_a_required_custom_attribute_names_the_attribute() -> None:
    origin = rule(
        id="origin",
        target="custom_attribute",
        attribute="Origem",
        source="categories",
        transform={"kind": "lookup", "table": {}},
        required=True,
    )

    with pytest.raises(MappingMissing) as missing:
        applied(
            [origin],
            PRODUCT,
            creating=True,
            targets=PRODUCT_TARGETS,
            kind="product",
            toward="a platform",
        )

    assert str(missing.value) == (
        "categories is empty on this product, and rule origin needs it for a platform "
        "attribute 'Origem'"
    )


def test_a_valid_list_has_no_problems() -> None:
    rules = [
        rule(id="carrier", source="shipping.method", transform=CARRIERS, required=True),
        rule(
            id="status",
            target="order_status",
            source="status",
            transform=CARRIERS | {"table": {"paid": "0", "pending_payment": "-1"}, "default": "0"},
        ),
        rule(id="ncm", target="ncm", transform={"kind": "constant", "value": "6109.10.00"}),
        rule(
            id="material",
            target="custom_attribute",
            attribute="Material",
            transform={"kind": "template", "template": "{brand}"},
        ),
    ]

    assert rule_problems(rules) == []


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        (
            {"target": "custom_attribute", "transform": {"kind": "constant", "value": "x"}},
            "rule r: a custom_attribute rule needs `attribute`",
        ),
        (
            {"attribute": "Cor", "transform": {"kind": "constant", "value": "x"}},
            "rule r: `attribute` is for custom_attribute rules only",
        ),
        ({"transform": {"kind": "lookup", "table": {}}}, "rule r: a lookup needs `source`"),
        (
            {"source": "shipping..x", "transform": {"kind": "lookup", "table": {}}},
            "rule r: source 'shipping..x' is not a dotted field path",
        ),
        (
            {"transform": {"kind": "template", "template": "{a b}"}},
            "rule r: template placeholder {a b} is not a dotted field path",
        ),
        ({"transform": {"kind": "template", "template": "{"}}, "rule r: the template is not valid"),
        (
            {"transform": {"kind": "template", "template": "{}"}},
            "rule r: template placeholder {} is not a dotted field path",
        ),
        (
            {"target": "order_status", "transform": {"kind": "constant", "value": "Aprovado"}},
            "rule r: order status 'Aprovado' is not an ERP situacao (-1 Aguardando pagamento",
        ),
        (
            {
                "target": "order_status",
                "source": "status",
                "transform": {"kind": "lookup", "table": {"paid": "0"}, "default": "9"},
            },
            "rule r: order status '9' is not an ERP situacao",
        ),
        (
            {"target": "ncm", "transform": {"kind": "constant", "value": "6109"}},
            "rule r: NCM '6109' is not 8 digits",
        ),
    ],
)
def test_a_list_with_a_fault_names_it(fields: dict[str, Any], problem: str) -> None:
    problems = rule_problems([rule(**fields)])

    assert len(problems) == 1 and problems[0].startswith(problem), problems


def test_rule_ids_are_unique() -> None:
    constant = {"kind": "constant", "value": "x"}

    problems = rule_problems([rule(transform=constant), rule(transform=constant)])

    assert problems == ["rule id 'r' is used twice; give each rule its own id"]


@pytest.mark.parametrize(
    ("written", "digits"),
    [("61091000", "61091000"), ("6109.10.00", "61091000"), ("6109", None), ("NCM 61091000", None)],
)
def test_an_ncm_is_eight_digits_however_written(written: str, digits: str | None) -> None:
    assert ncm_digits(written) == digits
