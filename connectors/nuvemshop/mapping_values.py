"""Reading Nuvemshop's loose JSON values: language maps, decimal strings, odd timestamps."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

DEFAULT_LANGUAGES = ("pt", "es", "en")
_NON_DIGITS = re.compile(r"\D")


def localized(value: Any, languages: tuple[str, ...] = DEFAULT_LANGUAGES) -> str | None:
    """The text of a `{"pt": ..., "es": ...}` map in the first language present (or a plain string).

    Nuvemshop sends `name`, `description` and `handle` as language maps even in a one-language
    store; the Brazilian text comes first, then any other non-empty language.
    """
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for language in languages:
            text = value.get(language)
            if isinstance(text, str) and text:
                return text
        for text in value.values():
            if isinstance(text, str) and text:
                return text
        return None
    return str(value)


def text(value: Any) -> str | None:
    """A non-empty string or None; numbers (ids, house numbers) become strings."""
    if value is None or isinstance(value, bool):
        return None
    result = str(value).strip()
    return result or None


def decimal(value: Any, default: Decimal | None = None) -> Decimal | None:
    """Money and measures arrive as strings ("19.00"); a float is read through its repr."""
    if value is None or value == "":
        return default
    try:
        return Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return default


def money(value: Any) -> Decimal:
    """A required amount; absent means zero."""
    result = decimal(value, Decimal("0"))
    assert result is not None
    return result


def timestamp(value: Any) -> datetime | None:
    """ISO 8601 with `-03:00` or `+0000` offsets, or PHP's `{"date", "timezone"}` object."""
    if value is None or value == "":
        return None
    if isinstance(value, Mapping):
        stamp = timestamp(str(value.get("date", "")).replace(" ", "T"))
        return None if stamp is None else stamp.replace(tzinfo=stamp.tzinfo or UTC)
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def digits(value: Any) -> str | None:
    """Only the digits of a document number ("123.456.789-09" -> "12345678909")."""
    raw = text(value)
    if raw is None:
        return None
    return _NON_DIGITS.sub("", raw) or None


def nuvemshop_time(moment: datetime) -> str:
    """The wire format Nuvemshop answers with: `2022-02-23T12:25:18+0000`."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
