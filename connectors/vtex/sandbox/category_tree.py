"""The public category tree, ``GET /api/catalog_system/pub/category/tree/{categoryLevels}``
[V-CAT], in the shape of ``samples/vtex/catalog_category_tree_response.json``: the active
categories from the roots down, ``categoryLevels`` levels deep, each with its children."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from aiohttp import web

from connectors.vtex.sandbox.state import STATE

Node = dict[str, Any]


def _slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def category_nodes(categories: list[Node], levels: int, store_url: str) -> list[Node]:
    """The tree of ``categories`` (the store's records) as VTEX answers it."""
    active = [c for c in categories if c.get("IsActive")]

    def node(category: Node, depth: int, path: str) -> Node:
        url = f"{path}/{_slug(category['Name'])}"
        kids = [c for c in active if c.get("FatherCategoryId") == category["Id"]]
        return {
            "id": category["Id"],
            "name": category["Name"],
            "hasChildren": bool(kids),
            "url": url,
            "children": [node(c, depth + 1, url) for c in kids] if depth < levels else [],
            "Title": category.get("Title") or "",
            "MetaTagDescription": category.get("Description") or "",
        }

    return [node(c, 1, store_url) for c in active if not c.get("FatherCategoryId")]


async def category_tree(request: web.Request) -> web.Response:
    levels = request.match_info["levels"]
    if not levels.isdigit() or int(levels) < 1:
        message = {"Message": "categoryLevels must be a positive number"}
        return web.json_response(message, status=400)
    state = request.app[STATE]
    store_url = f"https://{request.query.get('an', 'ponte')}.vtexcommercestable.com.br"
    nodes = category_nodes(state.store.all("category"), int(levels), store_url)
    return web.json_response(nodes)


def add_category_tree_route(app: web.Application) -> None:
    app.router.add_get("/api/catalog_system/pub/category/tree/{levels}", category_tree)
