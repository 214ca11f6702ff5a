"""Screen sessions across workers, and what answers without one.

A session cookie signed out on one worker is refused by every other worker within seconds, and
by a worker started afterwards; a new sign-in still works. Encerrar todas as sessões signs out
every browser. A worker started with a new password signs every earlier session out on every
worker, those still running with the old one included. No page or admin API route registered
by a worker answers data to a request without a session or the bearer token.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from engine.app import create_engine
from engine.sealing import new_key
from engine.settings import EngineSettings
from engine.web.auth import SESSION_COOKIE, hash_password
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import create_integration

PASSWORD = "senha-da-loja-2026"
NEW_PASSWORD = "senha-nova-da-loja-2027"
INTEGRATION = "loja-sessoes"
SIGNED_IN = {"PONTE_ADMIN_USER": "admin", "PONTE_ADMIN_PASSWORD_HASH": hash_password(PASSWORD)}
HIDDEN = re.compile(r'name="(login_token|csrf)" value="([^"]+)"')


@pytest.fixture(scope="module")
def workers(stack: Stack) -> tuple[Worker, Worker]:
    return stack.start_worker("worker-a", **SIGNED_IN), stack.start_worker("worker-b", **SIGNED_IN)


def hidden_field(html: str, name: str) -> str:
    return next(value for field, value in HIDDEN.findall(html) if field == name)


def sign_in(worker: Worker, password: str = PASSWORD) -> str:
    """The session cookie a real sign-in on ``worker`` sets."""
    form = httpx.get(f"{worker.url}/login", timeout=10)
    answer = httpx.post(
        f"{worker.url}/login",
        data={
            "user": "admin",
            "password": password,
            "login_token": hidden_field(form.text, "login_token"),
            "next": "/plataformas",
        },
        timeout=30,
    )
    assert answer.status_code == 303, answer.text
    return str(answer.cookies[SESSION_COOKIE])


def sign_out(worker: Worker, cookie: str, *, everywhere: bool = False) -> None:
    page = httpx.get(f"{worker.url}/plataformas", cookies={SESSION_COOKIE: cookie}, timeout=10)
    assert page.status_code == 200, page.status_code
    answer = httpx.post(
        f"{worker.url}/logout",
        data={
            "csrf": hidden_field(page.text, "csrf"),
            **({"everywhere": "1"} if everywhere else {}),
        },
        cookies={SESSION_COOKIE: cookie},
        timeout=30,
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/login"


def accepted(worker: Worker, cookie: str) -> bool:
    """Both the API and a page take the cookie (True) or both refuse it (False)."""
    api = httpx.get(
        f"{worker.url}/api/v1/integrations", cookies={SESSION_COOKIE: cookie}, timeout=10
    )
    page = httpx.get(f"{worker.url}/plataformas", cookies={SESSION_COOKIE: cookie}, timeout=10)
    if api.status_code == 200 and page.status_code == 200:
        return True
    assert api.status_code == 401, api.text
    assert api.json()["error"]["code"] == "unauthorized"
    assert page.status_code == 303 and page.headers["Location"].startswith("/login?next=")
    return False


def test_a_cookie_signed_out_on_one_worker_is_refused_by_every_worker(
    stack: Stack, workers: tuple[Worker, Worker]
) -> None:
    first, second = workers
    cookie = sign_in(first)
    other_session = sign_in(second)
    assert accepted(first, cookie) and accepted(second, cookie)

    sign_out(first, cookie)

    assert not accepted(first, cookie), "the worker that signed out still takes the cookie"
    wait_until(lambda: not accepted(second, cookie), 5, "the other worker refuses the cookie")
    late = stack.start_worker("worker-late", **SIGNED_IN)
    assert not accepted(late, cookie), "a worker started after the sign-out takes the cookie"
    assert accepted(second, other_session) and accepted(late, other_session)
    assert accepted(first, sign_in(first)), "signing in again does not work"


def test_ending_every_session_signs_out_each_browser_on_every_worker(
    workers: tuple[Worker, Worker],
) -> None:
    first, second = workers
    mine, other_browser = sign_in(first), sign_in(second)

    sign_out(first, mine, everywhere=True)

    assert not accepted(first, mine) and not accepted(first, other_browser)
    wait_until(lambda: not accepted(second, other_browser), 5, "the other browser is signed out")
    assert accepted(second, sign_in(second)), "signing in again does not work"


def test_a_new_password_signs_out_every_earlier_session_on_every_worker(
    stack: Stack, workers: tuple[Worker, Worker]
) -> None:
    first, second = workers
    before = sign_in(first)
    assert accepted(second, before)

    changed = stack.start_worker(
        "worker-new-password",
        PONTE_ADMIN_USER="admin",
        PONTE_ADMIN_PASSWORD_HASH=hash_password(NEW_PASSWORD),
    )

    wait_until(lambda: not accepted(first, before), 10, "the old worker refuses the old session")
    assert not accepted(second, before) and not accepted(changed, before)
    assert accepted(changed, sign_in(changed, NEW_PASSWORD)), "the new password does not work"


PUBLIC = {
    ("GET", "/login"),
    ("POST", "/login"),
    ("POST", "/logout"),
    ("GET", "/"),
    ("GET", "/static/{name}"),
    ("GET", "/health"),
    ("GET", "/metrics"),
}
"""Answered without a session: the sign-in itself, the screen's code, the operator's probes.
Webhooks are checked apart: they answer only to the platform's signature."""

PARAMETERS = {
    "integration_id": INTEGRATION,
    "platform": "shopify",
    "automation": "order_import",
    "name": "order_import",
    "version": "1",
    "job_id": "job-1",
    "tab": "configuracoes",
    "secret": "not-the-secret",
}


def registered_routes() -> list[tuple[str, str]]:
    """(METHOD, path template) of every route a worker's web server answers."""
    engine = create_engine(
        EngineSettings(
            admin_token="t", secret_key=new_key(), erp_token="e", allow_private_urls=True
        )
    )
    return sorted(
        (method, path)
        for path, view in engine.app.web.views.items()
        for method in view.get_methods() - {"HEAD", "OPTIONS"}
    )


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda found: PARAMETERS[found.group(1)], path)


def unauthenticated(worker: Worker, method: str, path: str, **extra: Any) -> httpx.Response:
    body = {} if method in {"POST", "PUT", "PATCH"} else None
    return httpx.request(method, f"{worker.url}{path}", json=body, timeout=30, **extra)


def test_no_route_answers_data_without_a_session_or_the_token(
    stack: Stack, workers: tuple[Worker, Worker]
) -> None:
    worker = workers[0]
    create_integration(stack, worker, INTEGRATION)
    routes = registered_routes()
    assert len(routes) > 40
    forged = {SESSION_COOKIE: "YWRtaW4.9999999999.00.forged"}
    walked = []
    for method, template in routes:
        if (method, template) in PUBLIC:
            continue
        path = concrete(template)
        for extra in ({}, {"cookies": forged}, {"headers": {"Authorization": "Bearer wrong"}}):
            answer = unauthenticated(worker, method, path, **extra)
            if template.startswith("/api/"):
                assert answer.status_code == 401, (method, path, extra, answer.text)
                assert answer.json() == {"error": {"code": "unauthorized", "message": ANY_TEXT}}
            elif template.startswith("/webhooks/"):
                assert 400 <= answer.status_code < 500, (method, path, answer.text)
                assert INTEGRATION not in answer.text and "shop_domain" not in answer.text
            else:
                assert answer.status_code == 303, (method, path, answer.status_code)
                assert answer.headers["Location"].startswith("/login?next=")
                assert INTEGRATION not in answer.text
        walked.append((method, template))
    assert ("GET", "/api/v1/integrations/{integration_id}") in walked
    assert ("GET", "/plataformas/{integration_id}/{tab}") in walked
    assert ("POST", "/webhooks/{platform}/{integration_id}") in walked


class _AnyText:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and bool(other)


ANY_TEXT = _AnyText()
