"""Catalogue matching: clean matches by SKU then EAN, and every kind of conflict reported."""

from __future__ import annotations

from decimal import Decimal

from engine.matching import CatalogItem, ConflictKind, catalog_item, match_catalogues
from engine.web.records_api import erp_families
from schemas.product import Product, Variant


def item(item_id: str, *skus: str, eans: dict[str, str] | None = None) -> CatalogItem:
    return CatalogItem(id=item_id, sku=skus[0], skus=frozenset(skus), eans=eans or {})


def test_products_sharing_a_sku_are_matched_by_sku() -> None:
    report = match_catalogues(
        [item("CAM", "CAM", "CAM-P", eans={"CAM-P": "789001"})],
        [item("111", "CAM-P", "CAM-M", eans={"CAM-P": "789001"})],
    )

    assert [(m.erp_id, m.platform_id, m.by, m.ean) for m in report.matched] == [
        ("CAM", "111", "sku", "789001")
    ]
    assert report.conflicts == [] and report.only_in_erp == [] and report.only_on_platform == []


def test_products_sharing_no_sku_are_matched_by_ean() -> None:
    report = match_catalogues(
        [item("CAM", "CAM", eans={"CAM": "789001"})],
        [item("111", "CAMISETA-AZUL", eans={"CAMISETA-AZUL": "789001"})],
    )

    assert [(m.erp_id, m.platform_id, m.by) for m in report.matched] == [("CAM", "111", "ean")]


def test_what_has_no_counterpart_is_reported_per_side() -> None:
    report = match_catalogues([item("A", "A"), item("B", "B")], [item("1", "A"), item("2", "Z")])

    assert [m.erp_id for m in report.matched] == ["A"]
    assert [i.id for i in report.only_in_erp] == ["B"]
    assert [i.id for i in report.only_on_platform] == ["2"]


def test_the_same_sku_with_different_eans_is_a_conflict_not_a_match() -> None:
    report = match_catalogues(
        [item("A", "A", eans={"A": "789001"})], [item("1", "A", eans={"A": "789999"})]
    )

    assert report.matched == []
    [conflict] = report.conflicts
    assert conflict.kind is ConflictKind.EAN_MISMATCH
    assert (conflict.value, conflict.erp_ids, conflict.platform_ids) == ("A", ("A",), ("1",))
    assert "789001" in conflict.detail and "789999" in conflict.detail
    assert report.only_in_erp == [] and report.only_on_platform == []


def test_a_missing_ean_on_one_side_is_no_mismatch() -> None:
    report = match_catalogues([item("A", "A", eans={"A": "789001"})], [item("1", "A")])

    assert [m.platform_id for m in report.matched] == ["1"]


def test_a_sku_on_two_erp_products_blocks_both() -> None:
    report = match_catalogues([item("A", "X"), item("B", "X")], [item("1", "X")])

    assert report.matched == []
    [conflict] = report.conflicts
    assert conflict.kind is ConflictKind.DUPLICATE_SKU
    assert conflict.erp_ids == ("A", "B") and conflict.platform_ids == ("1",)
    assert "erp" in conflict.detail
    assert report.only_in_erp == [] and report.only_on_platform == []


def test_a_sku_on_two_platform_products_blocks_them() -> None:
    report = match_catalogues([item("A", "X")], [item("1", "X"), item("2", "X")])

    [conflict] = report.conflicts
    assert conflict.kind is ConflictKind.DUPLICATE_SKU
    assert conflict.erp_ids == ("A",) and conflict.platform_ids == ("1", "2")
    assert report.matched == [] and report.only_in_erp == []


def test_an_ean_on_two_products_of_one_side_is_a_conflict() -> None:
    report = match_catalogues(
        [item("A", "A", eans={"A": "789"}), item("B", "B", eans={"B": "789"})],
        [item("1", "A", eans={"A": "789"})],
    )

    kinds = {c.kind for c in report.conflicts}
    assert ConflictKind.DUPLICATE_EAN in kinds
    assert report.matched == []


def test_a_product_blocked_by_a_conflict_elsewhere_is_reported_not_left_out() -> None:
    # Platform products 1 and 2 share an EAN; ERP product A matches 1 by SKU.
    report = match_catalogues(
        [item("A", "A")],
        [item("1", "A", eans={"A": "789"}), item("2", "Z", eans={"Z": "789"})],
    )

    assert report.matched == [] and report.only_in_erp == []
    assert [(c.kind, c.erp_ids) for c in report.conflicts if c.erp_ids] == [
        (ConflictKind.DUPLICATE_EAN, ("A",))
    ]


def test_skus_leading_to_several_products_are_ambiguous() -> None:
    report = match_catalogues([item("A", "A-P", "A-M")], [item("1", "A-P"), item("2", "A-M")])

    [conflict] = report.conflicts
    assert conflict.kind is ConflictKind.AMBIGUOUS
    assert conflict.erp_ids == ("A",) and conflict.platform_ids == ("1", "2")


def test_a_platform_product_whose_skus_lead_back_to_several_erp_products_is_ambiguous() -> None:
    report = match_catalogues([item("A", "A-P"), item("B", "A-M")], [item("1", "A-P", "A-M")])

    assert report.matched == []
    [conflict] = report.conflicts
    assert conflict.kind is ConflictKind.AMBIGUOUS
    assert conflict.platform_ids == ("1",) and conflict.erp_ids == ("A", "B")


def test_a_product_linked_to_another_id_is_a_conflict() -> None:
    report = match_catalogues(
        [item("A", "A"), item("B", "B")],
        [item("1", "A"), item("2", "B")],
        links=[("A", "9"), ("C", "2")],
    )

    assert report.matched == []
    assert sorted((c.kind, c.erp_ids, c.platform_ids) for c in report.conflicts) == [
        (ConflictKind.ALREADY_LINKED, ("A",), ("1",)),
        (ConflictKind.ALREADY_LINKED, ("B",), ("2",)),
    ]
    assert any("already linked to platform product 9" in c.detail for c in report.conflicts)
    assert any("already linked to ERP product C" in c.detail for c in report.conflicts)


def test_an_existing_identical_link_is_reported_as_already_linked() -> None:
    report = match_catalogues([item("A", "A")], [item("1", "A")], links=[("A", "1")])

    assert report.matched == [] and report.conflicts == []
    assert [(m.erp_id, m.platform_id) for m in report.already_linked] == [("A", "1")]


def test_a_canonical_product_gives_its_skus_and_eans() -> None:
    product = Product(
        sku="CAM",
        name="Camiseta",
        variants=[
            Variant(sku="CAM-P", gtin="7890000000011", price=Decimal("10")),
            Variant(sku="CAM-M", gtin=" ", price=Decimal("10")),
        ],
    )

    made = catalog_item(product, "CAM")

    assert made.skus == {"CAM", "CAM-P", "CAM-M"}
    assert dict(made.eans) == {"CAM-P": "7890000000011"}


def test_erp_families_come_from_the_product_list_alone() -> None:
    listed = [
        {"id": 10, "codigo": "CAM", "nome": "Camiseta", "idProdutoMaster": 0, "preco": "10"},
        {
            "id": 11,
            "codigo": "CAM-P",
            "gtin": "7890000000011",
            "idProdutoMaster": 10,
            "preco": "10",
        },
        {"id": 12, "codigo": "CAM-M", "idProdutoMaster": 10, "preco": "10"},
        {"id": 20, "codigo": "BONE", "nome": "Boné", "gtin": "7890000000028", "preco": "5"},
    ]

    items = [catalog_item(p, p.sku) for p in erp_families(listed)]

    assert [(i.id, set(i.skus), dict(i.eans)) for i in items] == [
        ("CAM", {"CAM", "CAM-P", "CAM-M"}, {"CAM-P": "7890000000011"}),
        ("BONE", {"BONE"}, {"BONE": "7890000000028"}),
    ]
