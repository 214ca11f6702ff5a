"""What mapping one real order costs, per platform, against parsing its bytes alone.

Each platform's order sample (the answer its client reads) is mapped from raw bytes (JSON parse
and mapping, as a webhook or GET body arrives) and from an already parsed dict; the baseline is
``orjson.loads`` of the same bytes, timed in the same run. The ERP's row is the other way: the
canonical Order (the mapped Shopify sample) to an ERP `pedido`.
"""

from __future__ import annotations

import timeit
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from connectors.erp.mapping import order_to_pedido
from connectors.erp.situacao import Situacao
from connectors.errors import Permanent
from connectors.nuvemshop.mapping_order import order_from_nuvemshop, order_from_nuvemshop_json
from connectors.shopify.mapping import order_from_shopify, order_from_shopify_json
from connectors.tray.mapping_orders import order_from_tray
from connectors.vtex.mapping import order_from_vtex
from schemas.order import Order

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
REPEATS = 5


@dataclass(frozen=True)
class OrderSample:
    """A platform's real order answer and its two ways into the canonical Order."""

    file: str
    from_bytes: Callable[[bytes], Any]
    from_dict: Callable[[Any], Any]


def _tray_order(parsed: Any) -> Order:
    return order_from_tray(parsed["Order"])  # GET /orders/:id/complete wraps it in "Order"


ORDER_SAMPLES: dict[str, OrderSample] = {
    "shopify": OrderSample(
        "api_rest_2026-04_order_get_response.json", order_from_shopify_json, order_from_shopify
    ),
    "nuvemshop": OrderSample("api_get_order.json", order_from_nuvemshop_json, order_from_nuvemshop),
    "tray": OrderSample(
        "order_complete_response.json", lambda raw: _tray_order(orjson.loads(raw)), _tray_order
    ),
    "vtex": OrderSample(
        "order_get_response.json", lambda raw: order_from_vtex(orjson.loads(raw)), order_from_vtex
    ),
}


ERP_SOURCES = ("shopify", "vtex", "nuvemshop", "tray")


def sample_bytes(platform: str) -> bytes:
    return (SAMPLES / platform / ORDER_SAMPLES[platform].file).read_bytes()


def pedido_of(order: Order) -> dict[str, Any]:
    return order_to_pedido(order, situacao=Situacao.EM_ABERTO)


def bookable_sample() -> tuple[str, Order, dict[str, str]]:
    """The first platform whose mapped sample the ERP books, that Order, and why the platforms
    tried before it were refused."""
    refused: dict[str, str] = {}
    for platform in ERP_SOURCES:
        order = ORDER_SAMPLES[platform].from_bytes(sample_bytes(platform))
        try:
            pedido_of(order)
        except Permanent as exc:
            refused[platform] = exc.reason
            continue
        return platform, order, refused
    raise RuntimeError(f"the ERP books none of the order samples: {refused}")


def best_us(work: Callable[[], Any]) -> float:
    """Microseconds per call: the best of ``REPEATS`` timeit runs of ~0.2 s each."""
    timer = timeit.Timer(work)
    number, _ = timer.autorange()
    return round(min(timer.repeat(REPEATS, number)) / number * 1e6, 2)


def _ratio(numerator: float, denominator: float) -> float:
    return round(numerator / denominator, 1)


def platform_mapping_cost(platform: str) -> dict[str, Any]:
    sample = ORDER_SAMPLES[platform]
    raw = sample_bytes(platform)
    parsed = orjson.loads(raw)
    parse_us = best_us(lambda: orjson.loads(raw))
    from_bytes_us = best_us(lambda: sample.from_bytes(raw))
    from_dict_us = best_us(lambda: sample.from_dict(parsed))
    return {
        "sample": f"{platform}/{sample.file}",
        "bytes": len(raw),
        "parse_us": parse_us,
        "from_bytes_us": from_bytes_us,
        "from_dict_us": from_dict_us,
        "ratio_from_bytes_to_parse": _ratio(from_bytes_us, parse_us),
        "ratio_from_dict_to_parse": _ratio(from_dict_us, parse_us),
    }


def erp_mapping_cost() -> dict[str, Any]:
    """Order -> pedido, alone and with the platform's bytes parsed and mapped before it."""
    platform, order, refused = bookable_sample()
    sample = ORDER_SAMPLES[platform]
    raw = sample_bytes(platform)
    parse_us = best_us(lambda: orjson.loads(raw))
    from_order_us = best_us(lambda: pedido_of(order))
    from_bytes_us = best_us(lambda: pedido_of(sample.from_bytes(raw)))
    return {
        "sample": f"{platform}/{sample.file}, mapped to the canonical Order",
        "bytes": len(raw),
        "parse_us": parse_us,
        "from_bytes_us": from_bytes_us,
        "from_dict_us": from_order_us,
        "ratio_from_bytes_to_parse": _ratio(from_bytes_us, parse_us),
        "ratio_from_dict_to_parse": _ratio(from_order_us, parse_us),
        "note": f"from_dict is Order -> pedido; from_bytes is {platform} bytes -> Order -> pedido",
        "samples_refused_by_the_erp": refused,
    }


def mapping_cost(platform: str) -> dict[str, Any]:
    return erp_mapping_cost() if platform == "erp" else platform_mapping_cost(platform)
