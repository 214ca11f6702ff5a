"""Admin API of an integration's Mapeamentos: read, replace, and preview a draft on real events.

    GET  /api/v1/integrations/{id}/mappings          the rules and the version they belong to
    PUT  /api/v1/integrations/{id}/mappings          {"mappings": [...], "expected_version"?}
    POST /api/v1/integrations/{id}/mappings/preview  {"mappings"?: [...], "limit"?: 10}

A PUT is validated as a whole (unique ids, known targets, an attribute name for custom
attributes, ERP situacao codes, 8-digit NCMs) and saved as a new audited version. A preview
applies the draft (or the saved rules) to the integration's latest real events, read from
their topics, and answers what each would send, or why it could not: nothing is sent or saved.
"""

from __future__ import annotations

from typing import Any

from faust.web import Request, Response, View
from pydantic import BaseModel, ConfigDict, Field

from connectors.erp import json_exact
from connectors.erp.mapping_products import product_to_erp
from connectors.errors import ConnectorError
from engine.config_changes import next_version
from engine.context import Engine
from engine.failures import MappingMissing
from engine.mapped import pedido_for, product_for_erp, product_for_platform
from engine.mapping_rules import rule_problems
from engine.recent_events import RecentEvent, recent_events
from engine.web.api import AdminView, ApiError, actor_of, integration_or_404, json_body, parse
from engine.web.config_api import INTEGRATION, saved
from schemas.envelope import EventEnvelope, SourceSystem
from schemas.events import OrderPlaced, ProductChanged
from schemas.integration import Integration
from schemas.mapping import MappingRule, MappingTarget
from topics.registry import CATALOG, ORDERS, OUTBOUND

PREVIEW_TOPICS = (ORDERS, CATALOG, OUTBOUND)


class MappingsChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mappings: list[MappingRule]
    expected_version: int | None = Field(
        None, description="Refuse the change when the integration is no longer at this version."
    )


class PreviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    mappings: list[MappingRule] | None = Field(None, description="The draft; default: saved.")
    limit: int = Field(10, ge=1, le=50)


def checked(rules: list[MappingRule]) -> list[MappingRule]:
    problems = rule_problems(rules)
    if problems:
        raise ApiError(400, "invalid_mappings", "; ".join(problems), problems=problems)
    return rules


def mappings_body(integration: Integration) -> dict[str, Any]:
    return {
        "version": integration.version,
        "mappings": [rule.model_dump(mode="json") for rule in integration.mappings],
        "targets": [target.value for target in MappingTarget],
    }


def mappings_view(engine: Engine) -> type[View]:
    class IntegrationMappings(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            return self.json(mappings_body(integration_or_404(engine, integration_id)))

        async def put(self, request: Request, integration_id: str) -> Response:
            current = integration_or_404(engine, integration_id)
            change = parse(MappingsChange, await json_body(request), "mapping list")
            rules = checked(change.mappings)
            expected = change.expected_version
            if expected is not None and expected != current.version:
                raise ApiError(
                    409,
                    "changed_meanwhile",
                    f"the integration is at version {current.version}, not {expected}: "
                    "read the mappings again and reapply your change",
                )
            if rules == current.mappings:
                return self.json(mappings_body(current))
            after = next_version(current, actor_of(request), mappings=rules)
            await saved(engine, current, after, "mappings")
            return self.json(mappings_body(after))

    return IntegrationMappings


def preview_view(engine: Engine) -> type[View]:
    class MappingsPreview(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str) -> Response:
            current = integration_or_404(engine, integration_id)
            asked = parse(PreviewRequest, await json_body(request), "preview request")
            rules = current.mappings if asked.mappings is None else checked(asked.mappings)
            draft = current.model_copy(update={"mappings": rules})
            events = await recent_events(
                engine.settings.bootstrap_servers,
                [engine.topics.name(spec) for spec in PREVIEW_TOPICS],
                integration_id,
                limit=asked.limit,
            )
            body = {
                "version": current.version,
                "draft": asked.mappings is not None,
                "events": [previewed(engine, draft, event) for event in events],
            }
            # json_exact: money goes out with its digits, as the ERP would get it.
            return self.bytes(json_exact.dumps(body), content_type="application/json")

    return MappingsPreview


def previewed(engine: Engine, draft: Integration, event: RecentEvent) -> dict[str, Any]:
    """What ``draft`` would send for one event; never sends."""
    envelope = event.envelope
    summary: dict[str, Any] = {
        "event_id": envelope.event_id,
        "type": envelope.type,
        "entity_key": envelope.entity_key,
        "topic": event.topic,
        "received_at": envelope.received_at.isoformat(),
    }
    try:
        sent = would_send(engine, draft, envelope)
    except MappingMissing as exc:
        return summary | {"outcome": "mapping_missing", "reason": str(exc)}
    except ConnectorError as exc:
        return summary | {"outcome": "refused", "reason": exc.reason}
    if sent is None:
        return summary | {"outcome": "not_mapped", "reason": "no mapping applies to this event"}
    return summary | {"outcome": "ok", **sent}


def would_send(
    engine: Engine, draft: Integration, envelope: EventEnvelope
) -> dict[str, Any] | None:
    """{"direction", "payload"} of an order or product event; None for other events."""
    payload = envelope.payload
    if isinstance(payload, OrderPlaced):
        return {"direction": "to_erp", "payload": pedido_for(payload.order, draft)}
    if not isinstance(payload, ProductChanged):
        return None
    product = payload.product
    links = engine.views.links
    if envelope.source is SourceSystem.ERP:
        creating = links.get(draft.id, "product", product.sku) is None
        published = product_for_platform(product, draft, creating=creating)
        # Each platform's connector shapes its own JSON: the canonical product is shown.
        shown: Any = published.model_dump(mode="json", exclude_defaults=True)
        return {"direction": "to_platform", "creating": creating, "payload": shown}
    known = product.platform_product_id
    creating = known is None or links.by_platform_id(draft.id, "product", known) is None
    parent, children = product_to_erp(product_for_erp(product, draft, creating=creating))
    shown = {"parent": parent, "children": children}
    return {"direction": "to_erp", "creating": creating, "payload": shown}


def mappings_views(engine: Engine) -> dict[str, type[View]]:
    """Path -> view of the Mapeamentos routes."""
    return {
        f"{INTEGRATION}/mappings": mappings_view(engine),
        f"{INTEGRATION}/mappings/preview": preview_view(engine),
    }
