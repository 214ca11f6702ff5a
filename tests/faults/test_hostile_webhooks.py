"""Generated hostile webhooks (malformed, oversized, wrongly signed, tampered replays): the worker
stays up, refuses every one with a 4xx JSON error, and nothing reaches the topics.

A replay of a genuine delivery with its ids unchanged is not an attack Shopify's contract lets
a receiver refuse (Shopify's own retries look exactly like it, and must get a 2xx): those are
acknowledged and deduplicated, which the last part checks (one ERP order for all copies)."""

from __future__ import annotations

import base64
import time
from collections import Counter

import httpx
import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors.shopify.webhooks import sign
from tests.faults.report import ROUND, FaultRun, order_counts, save, scaled
from tests.harness import Stack, Worker, wait_until
from tests.integration.support import (
    create_integration,
    place_order,
    shopify_headers,
    topic_size,
)
from topics.registry import DELIVERIES, ORDERS

pytestmark = pytest.mark.broker

SCENARIO = "hostile-webhooks"
INTEGRATION = "loja-hostile"
MAX_BODY = 65536
EXACT_REPLAYS = 20

JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
NO_ID_KEYS = st.text(max_size=12).filter(lambda k: k not in ("id", "admin_graphql_api_id"))
JSON_WITHOUT_ID = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(NO_ID_KEYS, inner, max_size=4),
    max_leaves=12,
)
BAD_IDS = st.sampled_from([None, "", [], {}, True, 0.5, "   "])


@st.composite
def hostile(draw: st.DrawFn, genuine: bytes, stack: Stack) -> tuple[str, bytes, dict[str, str]]:
    """(kind, body, headers) of one request the engine must refuse."""
    kind = draw(st.sampled_from(["malformed", "oversized", "wrongly_signed", "replayed"]))
    if kind == "malformed":
        body = draw(
            st.one_of(
                st.binary(max_size=400),
                JSON_WITHOUT_ID.map(orjson.dumps),
                BAD_IDS.map(lambda bad: orjson.dumps({"id": bad, "name": "#1"})),
            )
        )
        headers = shopify_headers(stack, body)
        if draw(st.booleans()):  # or well-formed, with a header missing or a topic not read
            body, headers = genuine, shopify_headers(stack, genuine)
            if draw(st.booleans()):
                del headers[draw(st.sampled_from(["X-Shopify-Topic", "X-Shopify-Webhook-Id"]))]
            else:
                headers["X-Shopify-Topic"] = draw(st.sampled_from(["carts/update", "x", ""]))
        return kind, body, headers
    if kind == "oversized":
        size = draw(st.integers(MAX_BODY + 1, MAX_BODY * 3))
        body = genuine + b" " * (size - len(genuine))
        return kind, body, shopify_headers(stack, body)
    if kind == "wrongly_signed":
        headers = shopify_headers(stack, genuine)
        how = draw(st.sampled_from(["other_secret", "random", "missing", "not_base64"]))
        if how == "other_secret":
            headers["X-Shopify-Hmac-Sha256"] = sign(
                draw(st.text(min_size=1).filter(lambda k: k != stack.webhook_secret)), genuine
            )
        elif how == "random":
            headers["X-Shopify-Hmac-Sha256"] = base64.b64encode(
                draw(st.binary(min_size=32, max_size=32))
            ).decode()
        elif how == "missing":
            del headers["X-Shopify-Hmac-Sha256"]
        else:
            headers["X-Shopify-Hmac-Sha256"] = draw(st.from_regex(r"[!-~]{0,60}", fullmatch=True))
        return kind, genuine, headers
    headers = shopify_headers(stack, genuine)  # a captured genuine delivery, replayed altered
    if draw(st.sampled_from(["tampered_body", "other_shop"])) == "tampered_body":
        at = draw(st.integers(0, len(genuine) - 1))
        flipped = bytes([genuine[at] ^ draw(st.integers(1, 255))])
        return kind, genuine[:at] + flipped + genuine[at + 1 :], headers
    headers["X-Shopify-Shop-Domain"] = draw(st.sampled_from(["outra-loja.myshopify.com", "x"]))
    return kind, genuine, headers


def test_hostile_webhooks_are_all_refused_and_store_nothing(fresh_stack: Stack) -> None:
    stack, requests = fresh_stack, scaled(1000, 10000)
    worker = stack.start_worker(PONTE_MAX_BODY_BYTES=str(MAX_BODY))
    create_integration(stack, worker, INTEGRATION)
    genuine = orjson.dumps(place_order(stack))
    answers: Counter[str] = Counter()
    accepted: list[str] = []
    started = time.monotonic()

    with httpx.Client(timeout=30) as http:

        @settings(
            max_examples=requests,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(st.data())
        def send_one(data: st.DataObject) -> None:
            kind, body, headers = data.draw(hostile(genuine, stack))
            status, code = post(http, worker, body, headers)
            answers[f"{kind}:{status}:{code}"] += 1
            if not 400 <= status < 500:
                accepted.append(f"{kind}: {status} {code}")

        send_one()

    seconds = time.monotonic() - started
    sizes = {
        spec.name: topic_size(stack.bootstrap, spec.named(stack.namespace))
        for spec in (DELIVERIES, ORDERS)
    }
    alive = worker.process.alive() and httpx.get(f"{worker.url}/health").status_code == 200
    rejected = worker.metric("ponte_webhooks_rejected_total", platform="shopify")
    replays = exact_replays(stack, worker, genuine)
    sent = sum(answers.values())
    run = FaultRun(
        SCENARIO,
        ROUND,
        sent=sent,
        acknowledged=len(accepted),
        delivered=sum(sizes.values()),
        lost=0,
        duplicated=max(0, replays - 1),
        figures={
            "requests_per_second": round(sent / seconds, 1),
            "refused_4xx": sent - len(accepted),
            "topic_records": sizes,
            "exact_replays": EXACT_REPLAYS,
            "erp_orders_of_replays": replays,
            "answers": dict(sorted(answers.items())),
        },
    )
    save(SCENARIO, [run])
    assert sent >= requests and not accepted, accepted[:10]
    assert alive, "the worker did not survive"
    assert rejected >= sent
    assert sizes == {DELIVERIES.name: 0, ORDERS.name: 0}
    assert replays == 1


def post(
    http: httpx.Client, worker: Worker, body: bytes, headers: dict[str, str]
) -> tuple[int, str]:
    response = http.post(
        f"{worker.url}/webhooks/shopify/{INTEGRATION}", content=body, headers=headers
    )
    try:
        code = str(response.json()["error"]["code"])
    except (ValueError, KeyError, TypeError):
        code = "not-json"
    return response.status_code, code


def exact_replays(stack: Stack, worker: Worker, genuine: bytes) -> int:
    """The same genuine delivery, ids and all, EXACT_REPLAYS times: ERP orders it made."""
    headers = shopify_headers(stack, genuine)
    with httpx.Client(timeout=30) as http:
        statuses = {post(http, worker, genuine, headers)[0] for _ in range(EXACT_REPLAYS)}
    assert statuses == {200}, statuses
    wait_until(
        lambda: (
            worker.metric("ponte_events_processed_total", agent="erp-orders", type="order.placed")
            >= EXACT_REPLAYS
        ),
        60,
        "every copy through the order flow",
    )
    return order_counts(stack.erp_url)[str(orjson.loads(genuine)["name"])]
