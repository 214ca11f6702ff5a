"""`/store` (the "testar conexão" call) and order metafields (where apps leave the NF-e)."""

from __future__ import annotations

from aiohttp import web

from connectors.nuvemshop.sandbox.state import (
    API_PREFIX,
    answer,
    field_errors,
    json_body,
    not_found,
    state_of,
)
from connectors.nuvemshop.sandbox.store import now_text


async def get_store(request: web.Request) -> web.Response:
    config = state_of(request).config
    name = config.store_name
    return answer(
        {
            "address": None,
            "admin_language": "pt",
            "blog": None,
            "business_id": None,
            "business_name": None,
            "business_address": None,
            "contact_email": "contato@loja.example",
            "country": "BR",
            "created_at": "2024-01-02T10:00:00+0000",
            "customer_accounts": "optional",
            "description": {"en": "", "es": "", "pt": ""},
            "domains": [],
            "email": "dono@loja.example",
            "facebook": None,
            "google_plus": None,
            "id": int(config.store_id),
            "instagram": None,
            "languages": {
                "pt": {"currency": "BRL", "active": True},
                "es": {"currency": "ARS", "active": False},
                "en": {"currency": "USD", "active": False},
            },
            "logo": None,
            "main_currency": "BRL",
            "current_theme": "amazonas",
            "main_language": "pt",
            "name": {"en": name, "es": name, "pt": name},
            "original_domain": f"loja{config.store_id}.lojavirtualnuvem.com.br",
            "phone": None,
            "pinterest": None,
            "plan_name": "sandbox",
            "type": None,
            "twitter": None,
        }
    )


async def create_metafield(request: web.Request) -> web.Response:
    state, body = state_of(request), json_body(request)
    if not isinstance(body, dict):
        return field_errors({"metafield": ["must be a JSON object"]})
    missing = {
        k: ["can't be blank"]
        for k in ("namespace", "key", "value", "owner_resource", "owner_id")
        if body.get(k) in (None, "")
    }
    if missing:
        return field_errors(missing)
    stamp = now_text()
    field = {
        "id": state.records.next_id("metafield"),
        "namespace": body["namespace"],
        "key": body["key"],
        "value": body["value"],
        "description": body.get("description"),
        "owner_resource": body["owner_resource"],
        "owner_id": int(body["owner_id"]),
        "created_at": stamp,
        "updated_at": stamp,
    }
    state.records.save("metafield", field)
    return answer(field, 201)


async def update_metafield(request: web.Request) -> web.Response:
    state, body = state_of(request), json_body(request)
    field = state.records.get("metafield", request.match_info["id"])
    if field is None:
        return not_found()
    if not isinstance(body, dict) or body.get("value") in (None, ""):
        return field_errors({"value": ["can't be blank"]})
    field.update(value=body["value"], updated_at=now_text())
    state.records.save("metafield", field)
    return answer(field)


async def list_metafields(request: web.Request) -> web.Response:
    resource = request.match_info["resource"].rstrip("s").lower()
    rows = [
        f
        for f in state_of(request).records.all("metafield")
        if f["owner_resource"].lower() == resource
    ]
    for key in ("owner_id", "namespace", "key"):
        if key in request.query:
            rows = [f for f in rows if str(f[key]) == request.query[key]]
    return answer(rows)


def add_storefront_routes(app: web.Application) -> None:
    app.router.add_get(API_PREFIX + "/store", get_store)
    app.router.add_post(API_PREFIX + "/metafields", create_metafield)
    app.router.add_put(API_PREFIX + r"/metafields/{id:\d+}", update_metafield)
    app.router.add_get(API_PREFIX + "/metafields/{resource:[a-z_]+}", list_metafields)
