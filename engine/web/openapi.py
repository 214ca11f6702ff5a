"""The admin API's OpenAPI 3.1 document, generated from the pydantic models of its bodies and
answers, served at ``GET /api/v1/openapi.json``.

The operations are a table (``OPERATIONS``, in ``api_routes``): a test checks it against the
routes the worker registers, so a route cannot go undocumented, and the fuzzing test checks
each answer against the document.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from faust.web import Request, Response, View
from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from connectors.registry import PLATFORMS
from engine.context import Engine
from engine.integrations import IntegrationCreate
from engine.web.api import AdminView
from engine.web.api_models import ApiErrorAnswer
from engine.web.api_routes import OPERATIONS, PATH_PARAMETERS, Operation
from engine.web.auth import CSRF_HEADER, SESSION_COOKIE
from engine.web.connection_api import ConnectionTest

OPENAPI_PATH = "/api/v1/openapi.json"
API_PREFIX = "/api/v1/"
REF = "#/components/schemas/{model}"
SUCCESS_MEANINGS = {
    200: "Done: the record as it is now.",
    201: "Created: the new record (or version).",
    202: "Accepted: it goes on in the background; follow it through the job answered.",
}
ERROR_MEANINGS = {
    400: "Bad request: malformed JSON, or a body or parameter that is not valid (the fields "
    "at fault are named).",
    401: "No admin token (Authorization: Bearer <token>) and no signed-in session.",
    403: f"A signed-in session changing something without its {CSRF_HEADER} header.",
    404: "The integration, job, version or parked record named in the path does not exist.",
    409: "Refused in the current state (changed meanwhile, not active, already finished ...).",
    415: "The body is not application/json.",
    502: "A platform or the ERP could not be read.",
    503: "Saved, but not visible yet on this worker: read it again shortly.",
}
DESCRIPTION = f"""Ponte's admin API: integrations, Configurações, Mapeamentos, Automações, jobs,
links, history, the error list and the config log.

Every route needs `Authorization: Bearer <admin token>`, or a signed-in session cookie
(`{SESSION_COOKIE}`) plus the `{CSRF_HEADER}` header on changes. Bodies are JSON
(`Content-Type: application/json`). Every error is JSON `{{"error": {{"code", "message"}}}}`;
the code is for programs, the message tells a person what to do. Query parameters not listed
for an operation are ignored. Secrets are write-only: answers say only whether each is "set".
"""


def _ref(model: type[BaseModel]) -> dict[str, str]:
    return {"$ref": REF.format(model=model.__name__)}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _components() -> dict[str, Any]:
    """Every model's JSON schema; requests as validated, answers as serialized."""
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {
        (ApiErrorAnswer, "serialization"): None
    }
    for op in OPERATIONS:
        wanted[(op.answer, "serialization")] = None
        if op.body is not None:
            wanted[(op.body, "validation")] = None
    for spec in PLATFORMS.values():
        wanted[(spec.settings, "validation")] = None
    refs, definitions = models_json_schema(list(wanted), ref_template=REF)
    schemas: dict[str, Any] = definitions.get("$defs", {})
    for body in (IntegrationCreate, ConnectionTest):
        schemas[body.__name__]["properties"].update(_platform_access())
    return {"schemas": schemas, "refs": refs}


def _platform_access() -> dict[str, Any]:
    """``platform`` one of the connectors, ``access`` that connector's settings model."""
    return {
        "platform": {"type": "string", "enum": sorted(PLATFORMS)},
        "access": {
            "description": "The platform's access fields: its connector's settings model.",
            "anyOf": [_ref(spec.settings) for _, spec in sorted(PLATFORMS.items())],
        },
    }


def _parameters(op: Operation) -> list[dict[str, Any]]:
    path = [
        {"name": name, "in": "path", "required": True, "schema": PATH_PARAMETERS[name]}
        for name in op.path_parameters
    ]
    query = [
        {
            "name": q.name,
            "in": "query",
            "required": q.required,
            "description": q.description,
            "schema": q.schema,
        }
        for q in op.query
    ]
    return path + query


def _responses(op: Operation, answer_ref: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {
        str(op.status): {
            "description": op.answered or SUCCESS_MEANINGS[op.status],
            "content": _json(answer_ref),
        }
    }
    for status in op.error_statuses:
        responses[str(status)] = {
            "description": ERROR_MEANINGS[status],
            "content": _json(_ref(ApiErrorAnswer)),
        }
    return responses


def _operation(op: Operation, refs: dict[Any, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": _parameters(op),
        "responses": _responses(op, refs[(op.answer, "serialization")]),
    }
    if op.body is not None:
        spec["requestBody"] = {
            "required": not op.body_optional,
            "content": _json(refs[(op.body, "validation")]),
        }
    return spec


@cache
def openapi_document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document (the same on every worker, built once)."""
    components = _components()
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, components["refs"])
    return {
        "openapi": "3.1.0",
        "info": {"title": "Ponte admin API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": [], "csrf": []}],
        "paths": paths,
        "components": {
            "schemas": components["schemas"],
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "session": {"type": "apiKey", "in": "cookie", "name": SESSION_COOKIE},
                "csrf": {"type": "apiKey", "in": "header", "name": CSRF_HEADER},
            },
        },
    }


def documented_operations() -> set[tuple[str, str]]:
    """(METHOD, path) of every operation in the document."""
    return {(op.method, op.path) for op in OPERATIONS}


def registered_operations(views: dict[str, View]) -> set[tuple[str, str]]:
    """(METHOD, path) of every admin API route a worker's web server answers."""
    return {
        (method, path)
        for path, view in views.items()
        if path.startswith(API_PREFIX)
        for method in view.get_methods() - {"HEAD", "OPTIONS"}
    }


def openapi_view(engine: Engine) -> type[View]:
    class OpenApiDocument(AdminView):
        ponte = engine

        async def get(self, request: Request) -> Response:
            return self.json(openapi_document())

    return OpenApiDocument
