"""Everything a sandbox request handler needs, held once on the aiohttp application."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone
from typing import Any

import orjson
from aiohttp import web

from connectors.shopify.sandbox.config import SandboxConfig
from connectors.shopify.sandbox.dispatch import WebhookDispatcher
from connectors.shopify.sandbox.outbox import Outbox
from connectors.shopify.sandbox.ratelimit import LeakyBuckets
from connectors.shopify.sandbox.resources import Resources, Tokens
from connectors.shopify.sandbox.store import ShopStore

# Brazil has had no daylight saving since 2019: a fixed offset is exact for Brasília time.
SHOP_TZ = timezone(timedelta(hours=-3))
SHOP_ID = 548380009
PRIMARY_LOCATION_ID = 655441491


@dataclass
class Faults:
    """Misbehaviour asked for through `/_sandbox`: the next calls answered 429."""

    throttled_calls: int = 0
    retry_after: float | None = None


@dataclass(frozen=True)
class SandboxState:
    config: SandboxConfig
    store: ShopStore
    outbox: Outbox
    buckets: LeakyBuckets
    dispatcher: WebhookDispatcher
    resources: Resources
    tokens: Tokens
    faults: Faults = field(default_factory=Faults)

    def notify(self, topic: str, resource: dict[str, Any]) -> None:
        """Queue a delivery of ``resource`` to every subscription of ``topic``. Caller commits."""
        subscriptions = self.store.list_webhooks(topic, None)
        if subscriptions:
            body = orjson.dumps(resource)
            self.outbox.enqueue(topic, body, self.config.api_version, subscriptions)


STATE = web.AppKey("shopify_sandbox_state", SandboxState)


def json_response(
    payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """orjson-encoded JSON, so 64-bit ids go out as exact integers."""
    return web.Response(
        body=orjson.dumps(payload), status=status, content_type="application/json", headers=headers
    )


def default_shop(config: SandboxConfig) -> dict[str, Any]:
    """The shop resource, shaped like `api_rest_2026-04_shop_get_response.json`."""
    name = config.shop_domain.removesuffix(".myshopify.com")
    return {
        "id": SHOP_ID,
        "name": name.replace("-", " ").title(),
        "email": f"owner@{name}.example.com",
        "domain": config.shop_domain,
        "province": "São Paulo",
        "country": "BR",
        "address1": "Avenida Paulista, 1000",
        "zip": "01310-100",
        "city": "São Paulo",
        "source": None,
        "phone": "+551130000000",
        "latitude": -23.5614,
        "longitude": -46.6559,
        "primary_locale": "pt-BR",
        "address2": None,
        "created_at": "2026-01-05T09:00:00-03:00",
        "updated_at": "2026-01-05T09:00:00-03:00",
        "country_code": "BR",
        "country_name": "Brazil",
        "currency": "BRL",
        "customer_email": f"contato@{name}.example.com",
        "timezone": "(GMT-03:00) Brasilia",
        "iana_timezone": "America/Sao_Paulo",
        "shop_owner": "Ponte Demo",
        "money_format": "R$ {{amount_with_comma_separator}}",
        "money_with_currency_format": "R$ {{amount_with_comma_separator}} BRL",
        "weight_unit": "kg",
        "province_code": "SP",
        "taxes_included": False,
        "auto_configure_tax_inclusivity": None,
        "tax_shipping": None,
        "county_taxes": True,
        "plan_display_name": "Basic",
        "plan_name": "basic",
        "has_discounts": False,
        "has_gift_cards": False,
        "myshopify_domain": config.shop_domain,
        "google_apps_domain": None,
        "google_apps_login_enabled": None,
        "money_in_emails_format": "R$ {{amount_with_comma_separator}}",
        "money_with_currency_in_emails_format": "R$ {{amount_with_comma_separator}} BRL",
        "eligible_for_payments": True,
        "requires_extra_payments_agreement": False,
        "password_enabled": True,
        "has_storefront": True,
        "finances": True,
        "primary_location_id": PRIMARY_LOCATION_ID,
        "checkout_api_supported": True,
        "multi_location_enabled": True,
        "setup_required": False,
        "pre_launch_enabled": False,
        "enabled_presentment_currencies": ["BRL"],
        "marketing_sms_consent_enabled_at_checkout": False,
        "transactional_sms_disabled": False,
    }


def default_location(config: SandboxConfig) -> dict[str, Any]:
    """The shop's one location, shaped like `api_rest_location.json` (plus `active`)."""
    return {
        "id": PRIMARY_LOCATION_ID,
        "name": "Depósito Central",
        "deleted_at": None,
        "address1": "Avenida Paulista, 1000",
        "address2": None,
        "city": "São Paulo",
        "zip": "01310-100",
        "province": "São Paulo",
        "country": "BR",
        "phone": "+551130000000",
        "created_at": "2026-01-05T09:00:00-03:00",
        "updated_at": "2026-01-05T09:00:00-03:00",
        "country_code": "BR",
        "country_name": "Brazil",
        "province_code": "SP",
        "legacy": False,
        "active": True,
        "admin_graphql_api_id": f"gid://shopify/Location/{PRIMARY_LOCATION_ID}",
        "localized_country_name": "Brazil",
        "localized_province_name": "São Paulo",
    }
