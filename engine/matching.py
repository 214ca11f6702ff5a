"""Catalogue matching (vínculos em massa): which ERP product is which platform product.

Products are matched by SKU first (any SKU of the product, parent or variant), then by EAN
when they share no SKU. Only clean matches are linked; everything else is reported:

    duplicate_sku / duplicate_ean   one side carries the value on two products
    ean_mismatch                    the same SKU carries a different EAN on each side
    ambiguous                       the product's SKUs (or EANs) lead to several products
    already_linked                  one of the two is already linked to another product

Pure: the catalogues and existing links go in, a report comes out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from schemas.integration import Side
from schemas.product import Product


class ConflictKind(StrEnum):
    DUPLICATE_SKU = "duplicate_sku"
    DUPLICATE_EAN = "duplicate_ean"
    EAN_MISMATCH = "ean_mismatch"
    AMBIGUOUS = "ambiguous"
    ALREADY_LINKED = "already_linked"


@dataclass(frozen=True)
class CatalogItem:
    """One product as matching sees it: its id on its side, its SKUs and their EANs."""

    id: str
    sku: str
    name: str = ""
    skus: frozenset[str] = frozenset()
    eans: Mapping[str, str] = field(default_factory=dict)
    """Variant SKU -> its EAN, for the variants that carry one."""

    @property
    def ean_values(self) -> frozenset[str]:
        return frozenset(self.eans.values())


@dataclass(frozen=True)
class Match:
    erp_id: str
    platform_id: str
    by: str  # "sku" or "ean"
    sku: str
    ean: str | None


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    value: str
    detail: str
    erp_ids: tuple[str, ...] = ()
    platform_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class MatchReport:
    matched: list[Match]
    already_linked: list[Match]
    conflicts: list[Conflict]
    only_in_erp: list[CatalogItem]
    only_on_platform: list[CatalogItem]


def catalog_item(product: Product, item_id: str) -> CatalogItem:
    """A canonical product as a matching item (blank SKUs and EANs ignored)."""
    skus = {product.sku.strip()} | {v.sku.strip() for v in product.variants}
    eans = {v.sku.strip(): v.gtin.strip() for v in product.variants if v.gtin and v.gtin.strip()}
    return CatalogItem(
        id=item_id,
        sku=product.sku.strip(),
        name=product.name,
        skus=frozenset(s for s in skus if s),
        eans=eans,
    )


class _Index:
    """One side's catalogue, indexed by SKU and by EAN."""

    def __init__(self, items: Iterable[CatalogItem]) -> None:
        self.items = {item.id: item for item in items}
        self.by_sku: dict[str, set[str]] = defaultdict(set)
        self.by_ean: dict[str, set[str]] = defaultdict(set)
        for item in self.items.values():
            for sku in item.skus:
                self.by_sku[sku].add(item.id)
            for ean in item.ean_values:
                self.by_ean[ean].add(item.id)

    def ids_by_sku(self, skus: Iterable[str]) -> set[str]:
        return {item_id for sku in skus for item_id in self.by_sku.get(sku, ())}

    def ids_by_ean(self, eans: Iterable[str]) -> set[str]:
        return {item_id for ean in eans for item_id in self.by_ean.get(ean, ())}


def match_catalogues(
    erp: Iterable[CatalogItem],
    platform: Iterable[CatalogItem],
    links: Iterable[tuple[str, str]] = (),
) -> MatchReport:
    """Match the ERP's products to the platform's; ``links`` are existing (erp_id, platform_id)."""
    erp_side, platform_side = _Index(erp), _Index(platform)
    linked_erp = dict(links)
    linked_platform = {platform_id: erp_id for erp_id, platform_id in linked_erp.items()}
    conflicts = _duplicates(erp_side, platform_side)
    tainted_erp = {i for c in conflicts for i in c.erp_ids}
    tainted_platform = {i: c for c in reversed(conflicts) for i in c.platform_ids}
    matched: list[Match] = []
    already: list[Match] = []
    for item in erp_side.items.values():
        if item.id in tainted_erp:
            continue
        outcome = _pair(item, erp_side, platform_side, tainted_platform)
        if outcome is None:
            continue
        if isinstance(outcome, Conflict):
            conflicts.append(outcome)
        elif (clash := _link_clash(outcome, linked_erp, linked_platform)) is not None:
            conflicts.append(clash)
        elif linked_erp.get(outcome.erp_id) == outcome.platform_id:
            already.append(outcome)
        else:
            matched.append(outcome)
    seen_erp = {m.erp_id for m in matched + already} | {i for c in conflicts for i in c.erp_ids}
    seen_platform = {m.platform_id for m in matched + already} | {
        i for c in conflicts for i in c.platform_ids
    }
    return MatchReport(
        matched=matched,
        already_linked=already,
        conflicts=list(dict.fromkeys(conflicts)),
        only_in_erp=[i for i in erp_side.items.values() if i.id not in seen_erp],
        only_on_platform=[i for i in platform_side.items.values() if i.id not in seen_platform],
    )


def _duplicates(erp: _Index, platform: _Index) -> list[Conflict]:
    """A SKU or EAN carried by two products of one side: neither can be matched by it."""
    conflicts = []
    for side, own, other in ((Side.ERP, erp, platform), (Side.PLATFORM, platform, erp)):
        for kind, index, counterpart in (
            (ConflictKind.DUPLICATE_SKU, own.by_sku, other.by_sku),
            (ConflictKind.DUPLICATE_EAN, own.by_ean, other.by_ean),
        ):
            for value, ids in sorted(index.items()):
                if len(ids) < 2:
                    continue
                others = counterpart.get(value, set())
                erp_ids, platform_ids = (ids, others) if side is Side.ERP else (others, ids)
                what = "SKU" if kind is ConflictKind.DUPLICATE_SKU else "EAN"
                conflicts.append(
                    Conflict(
                        kind=kind,
                        value=value,
                        detail=f"{what} {value} is on {len(ids)} products in the {side.value}",
                        erp_ids=tuple(sorted(erp_ids)),
                        platform_ids=tuple(sorted(platform_ids)),
                    )
                )
    return conflicts


def _pair(
    item: CatalogItem, erp: _Index, platform: _Index, tainted: Mapping[str, Conflict]
) -> Match | Conflict | None:
    """The one platform product ``item`` matches (by SKU, else EAN), a conflict, or None."""
    candidates = platform.ids_by_sku(item.skus)
    by = "sku"
    if not candidates:
        candidates, by = platform.ids_by_ean(item.ean_values), "ean"
    if not candidates:
        return None
    if blocked := sorted(candidates & tainted.keys()):
        cause = tainted[blocked[0]]
        return Conflict(
            kind=cause.kind,
            value=cause.value,
            detail=f"ERP product {item.sku} matches platform product {blocked[0]}, where "
            + cause.detail,
            erp_ids=(item.id,),
            platform_ids=tuple(sorted(candidates)),
        )
    if len(candidates) > 1:
        return _ambiguous(item.id, item, sorted(candidates), by, Side.ERP)
    (platform_id,) = candidates
    other = platform.items[platform_id]
    back = erp.ids_by_sku(other.skus) if by == "sku" else erp.ids_by_ean(other.ean_values)
    if back != {item.id}:
        return _ambiguous(platform_id, other, sorted(back), by, Side.PLATFORM)
    if by == "sku" and (mismatch := _ean_mismatch(item, other)) is not None:
        return mismatch
    return _match(item, other, by)


def _ambiguous(item_id: str, item: CatalogItem, found: list[str], by: str, side: Side) -> Conflict:
    what = "SKUs" if by == "sku" else "EANs"
    there = "platform" if side is Side.ERP else "erp"
    erp_ids, platform_ids = ([item_id], found) if side is Side.ERP else (found, [item_id])
    return Conflict(
        kind=ConflictKind.AMBIGUOUS,
        value=item.sku,
        detail=f"the {what} of {side.value} product {item.sku} lead to {len(found)} {there} products",
        erp_ids=tuple(erp_ids),
        platform_ids=tuple(platform_ids),
    )


def _ean_mismatch(erp_item: CatalogItem, platform_item: CatalogItem) -> Conflict | None:
    for sku in sorted(erp_item.skus & platform_item.skus):
        ours, theirs = erp_item.eans.get(sku), platform_item.eans.get(sku)
        if ours and theirs and ours != theirs:
            return Conflict(
                kind=ConflictKind.EAN_MISMATCH,
                value=sku,
                detail=f"SKU {sku} has EAN {ours} in the ERP and {theirs} on the platform",
                erp_ids=(erp_item.id,),
                platform_ids=(platform_item.id,),
            )
    return None


def _match(erp_item: CatalogItem, platform_item: CatalogItem, by: str) -> Match:
    shared_eans = sorted(erp_item.ean_values & platform_item.ean_values)
    ean = shared_eans[0] if shared_eans else next(iter(sorted(erp_item.ean_values)), None)
    return Match(erp_id=erp_item.id, platform_id=platform_item.id, by=by, sku=erp_item.sku, ean=ean)


def _link_clash(
    match: Match, linked_erp: Mapping[str, str], linked_platform: Mapping[str, str]
) -> Conflict | None:
    """One of the pair already linked elsewhere: the link is the operator's to change."""
    linked_to = linked_erp.get(match.erp_id)
    if linked_to is not None and linked_to != match.platform_id:
        detail = f"ERP product {match.erp_id} is already linked to platform product {linked_to}"
    elif (erp_id := linked_platform.get(match.platform_id)) not in (None, match.erp_id):
        detail = f"platform product {match.platform_id} is already linked to ERP product {erp_id}"
    else:
        return None
    return Conflict(
        kind=ConflictKind.ALREADY_LINKED,
        value=match.sku,
        detail=detail,
        erp_ids=(match.erp_id,),
        platform_ids=(match.platform_id,),
    )
