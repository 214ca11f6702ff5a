""" "Testar Conexão" for Shopify: ``GET shop.json``, then one read of products and of orders,
every failure named for a person.

``shop.json`` answers any installed app, scopes or not; the two reads are what tells an app
installed without ``read_products`` / ``read_orders`` (Shopify answers 403) from a working one.
"""

from __future__ import annotations

import httpx

from connectors.contract import CheckOutcome, ConnectionCheck
from connectors.errors import AuthError, ConnectorError, Retryable
from connectors.shopify.transport import ShopifyTransport

OUTCOME_BY_STATUS = {
    401: CheckOutcome.BAD_CREDENTIALS,
    402: CheckOutcome.MISSING_PERMISSION,
    403: CheckOutcome.MISSING_PERMISSION,
    404: CheckOutcome.UNKNOWN_STORE,
}
SCOPE_PROBES = (
    ("/products.json", {"limit": "1", "fields": "id"}),
    ("/orders.json", {"limit": "1", "fields": "id", "status": "any"}),
)
DETAIL_BY_STATUS = {
    401: "Shopify refused the access token (wrong, revoked or expired). Create a new one in "
    "the app's settings and save it here.",
    402: "The store is frozen or unpaid (HTTP 402 Payment Required): Shopify answers nothing "
    "until the plan is paid.",
    403: "The app lacks a permission (access scope) Ponte needs ({reason}). Grant the scopes "
    "in the app's configuration and reinstall it.",
    404: "Shopify knows no store at {domain} (or the API version {version} is not served). "
    "Use the permanent {{shop}}.myshopify.com domain.",
}


async def check_connection(api: ShopifyTransport) -> ConnectionCheck:
    """The outcome of ``GET shop.json`` and the scope probes, with the store's name."""
    settings = api.settings
    try:
        shop = (await api.json("GET", "/shop.json"))["shop"]
        for path, params in SCOPE_PROBES:
            await api.json("GET", path, params=params)
    except Retryable as exc:
        return _transport_failure(exc, settings.origin)
    except ConnectorError as exc:
        status = 401 if isinstance(exc, AuthError) else exc.status or 0  # renewal refused too
        outcome = OUTCOME_BY_STATUS.get(status, CheckOutcome.UNREACHABLE)
        template = DETAIL_BY_STATUS.get(status, "Shopify answered unexpectedly: {reason}")
        detail = template.format(
            domain=settings.shop_domain, version=settings.api_version, reason=exc.describe()
        )
        return ConnectionCheck(outcome, detail)
    return ConnectionCheck(CheckOutcome.OK, "", store_name=str(shop.get("name") or ""))


def _transport_failure(exc: Retryable, origin: str) -> ConnectionCheck:
    cause = exc.__cause__
    if isinstance(cause, httpx.TimeoutException):
        return ConnectionCheck(
            CheckOutcome.TIMEOUT, f"{origin} did not answer in time; try again in a moment."
        )
    if isinstance(cause, httpx.TransportError):
        return ConnectionCheck(
            CheckOutcome.UNREACHABLE,
            f"Could not connect to {origin}: {cause!r}. Check the store domain.",
        )
    # Still rate limited or a 5xx after the retries: Shopify is there but not answering well.
    return ConnectionCheck(CheckOutcome.UNREACHABLE, f"Shopify is not answering: {exc.describe()}")
