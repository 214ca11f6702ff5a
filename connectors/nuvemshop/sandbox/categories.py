"""Categories at `/categories`: language maps, `parent` and first-level `subcategories`."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from connectors.nuvemshop.sandbox.state import (
    API_PREFIX,
    answer,
    field_errors,
    filtered,
    json_body,
    localized_input,
    not_found,
    paged,
    slug,
    state_of,
)
from connectors.nuvemshop.sandbox.store import Records, now_text


def _children(records: Records) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for category in records.all("category"):
        if category.get("parent"):
            children.setdefault(int(category["parent"]), []).append(category["id"])
    return children


def _public(
    records: Records, category: dict[str, Any], children: dict[int, list[int]] | None = None
) -> dict[str, Any]:
    """A category with `subcategories`: the ids of its first-level children."""
    known = _children(records) if children is None else children
    return category | {"subcategories": known.get(int(category["id"]), [])}


def _parent_error(records: Records, body: dict[str, Any]) -> web.Response | None:
    parent = body.get("parent")
    if parent not in (None, 0) and records.get("category", parent) is None:
        return field_errors({"parent": ["does not exist"]})
    return None


async def create_category(request: web.Request) -> web.Response:
    state, body = state_of(request), json_body(request)
    if not isinstance(body, dict) or not body.get("name"):
        return field_errors({"name": ["can't be blank"]})
    refused = _parent_error(state.records, body)
    if refused is not None:
        return refused
    stamp, name = now_text(), localized_input(body["name"])
    category = {
        "id": state.records.next_id("category"),
        "name": name,
        "description": localized_input(body.get("description", "")),
        "handle": {k: slug(v) for k, v in name.items()},
        "parent": body.get("parent") or None,
        "google_shopping_category": body.get("google_shopping_category"),
        "created_at": stamp,
        "updated_at": stamp,
    }
    state.records.save("category", category)
    state.outbox.notify("category/created", category["id"])
    return answer(_public(state.records, category), 201)


async def update_category(request: web.Request) -> web.Response:
    state, body = state_of(request), json_body(request)
    category = state.records.get("category", request.match_info["id"])
    if category is None:
        return not_found()
    if not isinstance(body, dict):
        return field_errors({"category": ["must be a JSON object"]})
    refused = _parent_error(state.records, body)
    if refused is not None:
        return refused
    for key in ("name", "description"):
        if key in body:
            category[key] = localized_input(body[key], category[key])
    if "parent" in body:
        category["parent"] = body["parent"] or None
    category["updated_at"] = now_text()
    state.records.save("category", category)
    state.outbox.notify("category/updated", category["id"])
    return answer(_public(state.records, category))


async def list_categories(request: web.Request) -> web.Response:
    records = state_of(request).records
    children = _children(records)
    rows = [_public(records, c, children) for c in records.all("category")]
    parent = request.query.get("parent_id")
    if parent is not None:
        rows = [r for r in rows if str(r.get("parent") or 0) == parent]
    kept = filtered(request, rows)
    return kept if isinstance(kept, web.Response) else paged(request, kept)


async def get_category(request: web.Request) -> web.Response:
    records = state_of(request).records
    category = records.get("category", request.match_info["id"])
    return not_found() if category is None else answer(_public(records, category))


def add_category_routes(app: web.Application) -> None:
    app.router.add_get(API_PREFIX + "/categories", list_categories)
    app.router.add_post(API_PREFIX + "/categories", create_category)
    app.router.add_get(API_PREFIX + r"/categories/{id:\d+}", get_category)
    app.router.add_put(API_PREFIX + r"/categories/{id:\d+}", update_category)
