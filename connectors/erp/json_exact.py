"""JSON for the ERP wire with exact money: Decimal in, Decimal out, never through float.

orjson does not serialise Decimal. Turning it into a string would send `"129.90"` where the
ERP expects a number, and turning it into a float could print `129.9` or worse. Instead each
Decimal is written as an `orjson.Fragment` holding its own fixed-point text, so a value the
mapping quantised to `Decimal("129.90")` goes out as the JSON number `129.90`. Reading uses the
stdlib parser with `parse_float=Decimal` so numbers come back exactly as they were written.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson


def _decimal_fragment(value: object) -> orjson.Fragment:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise TypeError(f"{value} is not a JSON number")
        return orjson.Fragment(format(value, "f"))
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def dumps(document: Any) -> bytes:
    """Serialise to JSON bytes; a Decimal becomes a number with its exact digits."""
    return orjson.dumps(document, default=_decimal_fragment)


def loads(data: bytes | str) -> Any:
    """Parse JSON; every number with a fraction or exponent becomes a Decimal."""
    return json.loads(data, parse_float=Decimal)


def number(value: Any) -> Decimal | None:
    """A JSON number or numeric string as a Decimal; None for anything else (bool included)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal | str):
        return None
    try:
        parsed = Decimal(value)
    except InvalidOperation:
        return None
    return parsed if parsed.is_finite() else None


def loads_object(data: bytes | str) -> dict[str, Any]:
    """Parse a JSON object (a stored document); ValueError for any other JSON value."""
    document = loads(data)
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object, got {type(document).__name__}")
    return document
