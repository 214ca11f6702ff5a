"""Scalar readers for Shopify JSON: money, ids, timestamps and text, exact or refused.

Numbers. Callers parse bodies with a parser that keeps 64-bit integers exact (orjson and
Python's ``json`` both do; a JavaScript-style parser does not). Shopify sends every amount as a
string ("89.99"), which becomes a ``Decimal`` directly, never through a float.

An amount that arrives as a JSON number anyway (a few refund fields do) was parsed into a
float. Shortest-repr formatting gives back the decimal text that was on the wire whenever it
had at most 15 significant digits, which covers any real amount, so such a float is accepted
through ``repr``. A float needing more digits (``0.1 + 0.2`` is ``0.30000000000000004``) did not
come from a written amount and is refused, as are NaN and infinities.

Ids. Shopify ids go past 2^53: they are read as ints or strings and kept as strings. A float id
has already lost digits and is refused. The numeric tail of ``admin_graphql_api_id``
("gid://shopify/Order/820982911946154508") is preferred over ``id``: some published samples
(and any body that went through a JavaScript parser) carry a rounded ``id`` next to an exact gid.

Every refusal is ``Permanent``: the same payload can never map, so it goes to the DLQ.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from connectors.errors import Permanent

EXACT_FLOAT_DIGITS = 15
"""Significant digits a double carries round-trip from decimal text and back."""

_GID_PREFIX = "gid://shopify/"
_NO_RECORD: Mapping[str, Any] = {}


def money(value: Any, field: str) -> Decimal:
    """An amount as an exact Decimal: from a string or int, or a float under the repr rule."""
    if isinstance(value, bool) or value is None:
        raise Permanent(f"Shopify {field}: expected an amount, got {value!r}")
    if isinstance(value, float):
        return _decimal_from_float(value, field)
    if not isinstance(value, str | int | Decimal):
        raise Permanent(f"Shopify {field}: expected an amount, got {type(value).__name__}")
    try:
        amount = Decimal(value)
    except InvalidOperation as exc:
        raise Permanent(f"Shopify {field}: {value!r} is not a number") from exc
    if not amount.is_finite():
        raise Permanent(f"Shopify {field}: {value!r} is not a finite amount")
    return amount


def optional_money(value: Any, field: str) -> Decimal | None:
    """Like ``money`` but None for a missing or empty value."""
    if value is None or value == "":
        return None
    return money(value, field)


def money_or_zero(value: Any, field: str) -> Decimal:
    """Like ``money`` but zero for a missing or empty value ("0.00" keeps its scale)."""
    amount = optional_money(value, field)
    return Decimal(0) if amount is None else amount


def _decimal_from_float(value: float, field: str) -> Decimal:
    text = repr(value)
    amount = Decimal(text)
    if not amount.is_finite() or len(amount.as_tuple().digits) > EXACT_FLOAT_DIGITS:
        raise Permanent(f"Shopify {field}: the float {text} is not an exact amount")
    return amount


def shop_amount(money_set: Any, field: str) -> Decimal | None:
    """The shop-currency amount of a Shopify ``*_set`` object, None when absent."""
    return optional_money(record(record(money_set).get("shop_money")).get("amount"), field)


def external_id(value: Any, field: str) -> str | None:
    """An id as a string; None when absent; a float (digits already lost) is refused."""
    if value is None or value == "":
        return None
    if isinstance(value, bool | float):
        raise Permanent(f"Shopify {field}: {value!r} is not an exact id (parse ints exactly)")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    raise Permanent(f"Shopify {field}: expected an id, got {type(value).__name__}")


def gid_tail(value: Any) -> str | None:
    """The id inside "gid://shopify/<Type>/<id>[?...]", None when ``value`` is no such gid."""
    if not isinstance(value, str) or not value.startswith(_GID_PREFIX):
        return None
    tail = value.rpartition("/")[2].partition("?")[0]
    return tail if tail.isdigit() else None


def preferred_id(resource: Mapping[str, Any], field: str) -> str | None:
    """The exact id of a Shopify resource: the gid's tail when present, else ``id``."""
    return gid_tail(resource.get("admin_graphql_api_id")) or external_id(resource.get("id"), field)


def timestamp(value: Any, field: str) -> datetime | None:
    """An ISO 8601 instant with its offset; None when absent; naive or unreadable is refused."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise Permanent(f"Shopify {field}: expected an ISO 8601 string, got {value!r}")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Permanent(f"Shopify {field}: {value!r} is not an ISO 8601 instant") from exc
    if instant.tzinfo is None:
        raise Permanent(f"Shopify {field}: {value!r} has no UTC offset")
    return instant


def text(value: Any) -> str | None:
    """A non-blank string stripped, else None (Shopify sends "" and null alike for 'no value')."""
    if not isinstance(value, str):
        return None
    return value.strip() or None


def first_text(*values: Any) -> str | None:
    """The first non-blank string among ``values``."""
    return next((found for found in map(text, values) if found), None)


def record(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object, else an empty one (absent nested objects are null)."""
    return value if isinstance(value, Mapping) else _NO_RECORD


def records(value: Any) -> list[Mapping[str, Any]]:
    """The JSON objects in a list; an absent list is empty."""
    items: Iterable[Any] = value if isinstance(value, list) else ()
    return [item for item in items if isinstance(item, Mapping)]
