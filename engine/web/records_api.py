"""Records of one integration in the admin API: links (vínculos), history (histórico),
catalogue matching and the error list (Erros) with its retry and ignore actions.

    GET  /api/v1/integrations/{id}/links?q=        links by ERP id, platform id, SKU, EAN, order
    POST /api/v1/integrations/{id}/links/match     {"dry_run": true|false}
    GET  /api/v1/integrations/{id}/history?q=      each entity's entries, newest first
    GET  /api/v1/integrations/{id}/errors          the parked records
    POST /api/v1/integrations/{id}/errors/retry    {"entity_key", "payload"?}
    POST /api/v1/integrations/{id}/errors/ignore   {"entity_key"}
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from faust.web import Request, Response, View
from pydantic import BaseModel, ConfigDict, Field

from connectors.budget import Lane
from connectors.capabilities import Entity, Operation
from connectors.cursor import SyncCursor
from connectors.erp.mapping_products import is_parent, product_from_erp
from connectors.errors import ConnectorError
from connectors.registry import PLATFORMS
from engine.context import Engine
from engine.matching import CatalogItem, MatchReport, catalog_item, match_catalogues
from engine.parked_actions import (
    InvalidEdit,
    NotParked,
    NotRetryable,
    ignore_parked,
    parked_view,
    retry_parked,
)
from engine.state.history import record_history
from engine.state.links import save_link
from engine.web.api import (
    READ_YOUR_WRITES_SECONDS,
    AdminView,
    ApiError,
    actor_of,
    integration_or_404,
    json_body,
    parse,
)
from engine.web.responses import validation_details
from schemas.history import HistoryEntry, Step
from schemas.integration import Integration, IntegrationStatus
from schemas.link import Link
from schemas.product import Product

MAX_QUERY = 200
LISTED = 100
REPORTED = 1000  # items per list of a matching report; the counts are always complete


class MatchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    dry_run: bool = Field(True, description="Only report; false writes the clean matches.")


class ParkedAction(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entity_key: str = Field(min_length=1, max_length=300)


class RetryRequest(ParkedAction):
    payload: dict[str, Any] | None = Field(
        None, description="The edited event payload; the parked one when absent."
    )


def records_views(engine: Engine) -> dict[str, type[View]]:
    """Path (under /api/v1/integrations/{integration_id}) -> view."""

    class Links(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            integration = integration_or_404(engine, integration_id)
            query = _query(request)
            found = (
                _find_links(engine, integration.id, query)
                if query
                else engine.views.links.newest(integration.id, LISTED)
            )
            return self.json({"query": query, "links": [_link(k) for k in found]})

    class LinkMatch(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str) -> Response:
            integration = integration_or_404(engine, integration_id)
            wanted = parse(MatchRequest, await json_body(request), "matching request")
            erp_items, platform_items = await _catalogues(engine, integration)
            links = engine.views.links.id_pairs(integration.id, Entity.PRODUCT.value)
            report = match_catalogues(erp_items, platform_items, links)
            linked = 0
            if not wanted.dry_run:
                linked = await _link_matches(engine, integration, report, actor_of(request))
            body = _report(report, len(erp_items), len(platform_items))
            return self.json({"dry_run": wanted.dry_run, "linked": linked, **body})

    class History(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            integration = integration_or_404(engine, integration_id)
            query = _query(request)
            if not query:
                recent = sorted(
                    engine.views.history.recent(integration.id), key=lambda e: e.at, reverse=True
                )
                return self.json({"query": "", "entries": [_entry(e) for e in recent]})
            links = _find_links(engine, integration.id, query)
            entities = _entities(engine, integration.id, query, links)
            return self.json(
                {
                    "query": query,
                    "links": [_link(k) for k in links],
                    "entities": [
                        {"entity_key": key, "entries": [_entry(e) for e in entries[::-1]]}
                        for key, entries in sorted(entities.items())
                    ],
                }
            )

    class Errors(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            integration = integration_or_404(engine, integration_id)
            records = engine.views.parked.of_integration(integration.id)[::-1]
            return self.json({"count": len(records), "errors": [parked_view(r) for r in records]})

    class ErrorRetry(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str) -> Response:
            integration = integration_or_404(engine, integration_id)
            wanted = parse(RetryRequest, await json_body(request), "retry request")
            retried = await _parked_call(
                lambda: retry_parked(
                    engine, integration, wanted.entity_key, actor_of(request), wanted.payload
                )
            )
            answer = {
                "entity_key": wanted.entity_key,
                "status": "resent",
                "topic": retried.topic,
                "config_version": retried.envelope.config_version,
                "edited": retried.edited,
                "message": "sent back to its flow; it leaves the error list once it succeeds",
            }
            if integration.status is not IntegrationStatus.ACTIVE:
                answer["note"] = (
                    f"the integration is {integration.status.value}: the record is held "
                    "until it is resumed"
                )
            return self.json(answer, status=202)

    class ErrorIgnore(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str) -> Response:
            integration = integration_or_404(engine, integration_id)
            wanted = parse(ParkedAction, await json_body(request), "ignore request")
            await _parked_call(
                lambda: ignore_parked(engine, integration, wanted.entity_key, actor_of(request))
            )
            await _visible(
                engine.views.parked.wait_until(
                    lambda: engine.views.parked.get(integration.id, wanted.entity_key) is None,
                    READ_YOUR_WRITES_SECONDS,
                )
            )
            return self.json({"entity_key": wanted.entity_key, "status": "ignored"})

    return {
        "links": Links,
        "links/match": LinkMatch,
        "history": History,
        "errors": Errors,
        "errors/retry": ErrorRetry,
        "errors/ignore": ErrorIgnore,
    }


def _query(request: Request) -> str:
    query = str(request.query.get("q", "")).strip()
    if len(query) > MAX_QUERY:
        raise ApiError(400, "query_too_long", f"q takes at most {MAX_QUERY} characters")
    return query


def _terms(query: str) -> list[str]:
    """The query as typed, and an order number with and without its '#'."""
    bare = query.lstrip("#")
    return list(dict.fromkeys([query, bare, f"#{bare}"] if bare else [query]))


def _find_links(engine: Engine, integration_id: str, query: str) -> list[Link]:
    found = {
        link.key: link for t in _terms(query) for link in engine.views.links.find(integration_id, t)
    }
    return [found[key] for key in sorted(found)]


def _entities(
    engine: Engine, integration_id: str, query: str, links: list[Link]
) -> dict[str, list[HistoryEntry]]:
    """Entity key -> entries, for the entities the query or its links name."""
    terms = _terms(query) + [t for k in links for t in (k.platform_id, k.erp_id, k.sku) if t]
    entities: dict[str, list[HistoryEntry]] = {}
    for term in dict.fromkeys(terms):
        entities.update(engine.views.history.search(integration_id, term))
    return entities


async def _parked_call(call: Callable[[], Any]) -> Any:
    try:
        return await call()
    except NotParked as exc:
        raise ApiError(404, "not_parked", str(exc)) from exc
    except NotRetryable as exc:
        raise ApiError(409, "not_retryable", str(exc)) from exc
    except InvalidEdit as exc:
        raise ApiError(
            400,
            "invalid_payload",
            "the edited payload is not a valid event of this type",
            fields=validation_details(exc.errors),
        ) from exc


async def _visible(waiting: Any) -> None:
    try:
        await waiting
    except TimeoutError as exc:
        raise ApiError(
            503, "not_visible_yet", "saved, but not visible yet; read again shortly"
        ) from exc


async def _catalogues(
    engine: Engine, integration: Integration
) -> tuple[list[CatalogItem], list[CatalogItem]]:
    """Both product catalogues, read on the bulk lane (live traffic goes first)."""
    spec = PLATFORMS[integration.platform]
    if not spec.can(Entity.PRODUCT, Operation.LIST_SINCE):
        raise ApiError(409, "cannot_list", f"{spec.title} cannot list its products")
    try:
        return await asyncio.gather(
            _erp_catalogue(engine), _platform_catalogue(engine, integration)
        )
    except ConnectorError as exc:
        raise ApiError(
            502, "catalogue_unreadable", f"reading a catalogue failed: {exc.describe()}"
        ) from exc


async def _erp_catalogue(engine: Engine) -> list[CatalogItem]:
    """Every ERP product family from the product list alone (parents and children come alike,
    one call per page), known by its parent's code, the ERP id of product links."""
    docs = [doc async for page in engine.erp.products.list_products(None) for doc in page]
    return [catalog_item(product, product.sku) for product in erp_families(docs)]


def erp_families(docs: list[dict[str, Any]]) -> list[Product]:
    """Each parent with its listed children nested as the ERP nests them when read by code."""
    children: dict[str, list[dict[str, Any]]] = {}
    for doc in docs:
        if not is_parent(doc):
            children.setdefault(str(doc["idProdutoMaster"]), []).append(doc)
    return [
        product_from_erp(doc | {"_Skus": children.get(str(doc.get("id")), [])})
        for doc in docs
        if is_parent(doc)
    ]


async def _platform_catalogue(engine: Engine, integration: Integration) -> list[CatalogItem]:
    client = engine.platforms.for_integration(integration)
    items = []
    async for page in client.list_since(Entity.PRODUCT, SyncCursor(), lane=Lane.BULK):
        for record in page.records:
            if isinstance(record, Product) and record.platform_product_id:
                items.append(catalog_item(record, str(record.platform_product_id)))
    return items


async def _link_matches(
    engine: Engine, integration: Integration, report: MatchReport, actor: str
) -> int:
    """Write a link for each clean match and wait until the links view shows them."""
    now = datetime.now(UTC)
    links = [
        Link(
            integration_id=integration.id,
            entity=Entity.PRODUCT.value,
            erp_id=match.erp_id,
            platform_id=match.platform_id,
            sku=match.sku,
            ean=match.ean,
            created_by="match",
            created_at=now,
        )
        for match in report.matched
    ]
    await asyncio.gather(*(save_link(engine.topics, link) for link in links))
    await asyncio.gather(
        *(
            record_history(engine.topics, _linked_entry(integration, link, match.by, actor))
            for link, match in zip(links, report.matched, strict=True)
        )
    )
    view = engine.views.links
    await _visible(
        view.wait_until(
            lambda: all(view.get(k.integration_id, k.entity, k.erp_id) == k for k in links),
            READ_YOUR_WRITES_SECONDS,
        )
    )
    return len(links)


def _linked_entry(integration: Integration, link: Link, by: str, actor: str) -> HistoryEntry:
    return HistoryEntry(
        integration_id=integration.id,
        entity_key=f"product:{link.erp_id}",
        step=Step.LINKED,
        outcome="ok",
        detail=f"linked to platform product {link.platform_id} by {by} (matching by {actor})",
        config_version=integration.version,
        search_keys=[t for t in (link.erp_id, link.platform_id, link.sku, link.ean) if t],
        at=link.created_at,
    )


def _report(report: MatchReport, erp_count: int, platform_count: int) -> dict[str, Any]:
    def item(i: CatalogItem) -> dict[str, str]:
        return {"id": i.id, "sku": i.sku, "name": i.name}

    lists: dict[str, list[Any]] = {
        "matched": [vars(m) for m in report.matched],
        "already_linked": [vars(m) for m in report.already_linked],
        "conflicts": [
            {
                **vars(c),
                "kind": c.kind.value,
                "erp_ids": list(c.erp_ids),
                "platform_ids": list(c.platform_ids),
            }
            for c in report.conflicts
        ],
        "only_in_erp": [item(i) for i in report.only_in_erp],
        "only_on_platform": [item(i) for i in report.only_on_platform],
    }
    return {
        "erp_products": erp_count,
        "platform_products": platform_count,
        "counts": {name: len(values) for name, values in lists.items()},
        **{name: values[:REPORTED] for name, values in lists.items()},
    }


def _link(link: Link) -> dict[str, Any]:
    return link.model_dump(mode="json")


def _entry(entry: HistoryEntry) -> dict[str, Any]:
    return entry.model_dump(mode="json", exclude={"integration_id"})
