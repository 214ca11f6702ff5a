"""The admin API's OpenAPI document: served by a real worker, valid OpenAPI 3.1, naming every
/api/v1 route the worker answers and no other; the errors it documents are what a client gets."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from engine.app import create_engine
from engine.sealing import new_key
from engine.settings import EngineSettings
from engine.web.openapi import (
    OPENAPI_PATH,
    documented_operations,
    openapi_document,
    registered_operations,
)
from tests.harness import Stack, Worker
from tests.integration.support import create_integration

INTEGRATION = "/api/v1/integrations"


def refused(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json"), response.headers
    error = response.json()["error"]
    assert error["code"] == code, error
    assert error["message"], error
    return dict(error)


@pytest.fixture(scope="module")
def served(worker: Worker) -> dict[str, Any]:
    response = worker.api("GET", OPENAPI_PATH)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_the_served_document_is_valid_openapi_3_1(served: dict[str, Any]) -> None:
    validate(served)
    assert served["openapi"] == "3.1.0"
    assert served == openapi_document()


def test_every_registered_route_is_documented_and_nothing_else() -> None:
    engine = create_engine(
        EngineSettings(
            admin_token="t", secret_key=new_key(), erp_token="e", allow_private_urls=True
        )
    )
    registered = registered_operations(engine.app.web.views)
    assert len(registered) > 30
    assert registered - documented_operations() == set(), "routes missing from the document"
    assert documented_operations() - registered == set(), "documented routes nobody answers"


def test_every_operation_documents_its_answer_and_json_errors(served: dict[str, Any]) -> None:
    for path, methods in served["paths"].items():
        for method, operation in methods.items():
            statuses = {int(s) for s in operation["responses"]}
            assert {401, 403} <= statuses, (method, path)
            assert any(200 <= s < 300 for s in statuses), (method, path)
            if "{integration_id}" in path or "{job_id}" in path:
                assert 404 in statuses, (method, path)
            if "requestBody" in operation:
                assert {400, 415} <= statuses, (method, path)
            for status, answer in operation["responses"].items():
                assert list(answer["content"]) == ["application/json"], (method, path, status)


def test_bodies_and_answers_come_from_the_models(served: dict[str, Any]) -> None:
    create = served["paths"][INTEGRATION]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/IntegrationCreate"}
    schemas = served["components"]["schemas"]
    assert schemas["IntegrationCreate"]["additionalProperties"] is False
    view = schemas["IntegrationView"]["properties"]
    assert "sealed_fields" not in view
    assert view["credentials"]["additionalProperties"] == {"type": "string"}
    assert set(schemas["AutomationsPatch"]["properties"]) == set(
        schemas["Automations"]["properties"]
    )


def test_the_document_needs_the_admin_token(worker: Worker) -> None:
    anonymous = httpx.get(f"{worker.url}{OPENAPI_PATH}", timeout=10)
    refused(anonymous, 401, "unauthorized")


def test_errors_are_json_with_an_actionable_code(stack: Stack, worker: Worker) -> None:
    create_integration(stack, worker, "loja-openapi")
    one = f"{INTEGRATION}/loja-openapi"

    refused(worker.api("GET", f"{INTEGRATION}/nao-existe/settings"), 404, "not_found")
    refused(worker.api("GET", "/api/v1/jobs/job-0000000000000000"), 404, "not_found")
    refused(worker.api("GET", f"{one}/config/versions/999"), 404, "not_found")
    refused(worker.api("GET", "/api/v1/nada"), 404, "no_such_route")
    not_allowed = refused(worker.api("DELETE", f"{one}/settings"), 405, "method_not_allowed")
    assert "PUT" in not_allowed["message"]

    refused(worker.api("PUT", f"{one}/settings", content=b"{"), 400, "malformed_json")
    wrong_type = worker.api(
        "PUT", f"{one}/settings", content=b"{}", headers={"Content-Type": "text/plain"}
    )
    refused(wrong_type, 415, "unsupported_media_type")
    invalid = refused(
        worker.api("PUT", f"{one}/settings", json={"stock_buffer": -1}), 400, "invalid"
    )
    assert invalid["fields"][0]["field"] == "stock_buffer"

    # Query parameters the document does not list are ignored, on reads and on changes.
    assert worker.api("GET", f"{one}/links", params={"nope": "1"}).status_code == 200
    paused = worker.api("POST", f"{one}/pause", params={"nope": "1"})
    assert paused.status_code == 200, paused.text
    assert paused.json()["status"] == "paused"
