"""Tray's JSON values: numbers as strings, empty dates as "0000-00-00", local naive times.

Tray prints every number as a string ("10.00", "51") and every instant as a naive
"YYYY-MM-DD HH:MM:SS" in the store's time (Brasília); "" and "0000-00-00" mean "none".
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

STORE_TIME = ZoneInfo("America/Sao_Paulo")
_EMPTY_DATES = frozenset({"", "0000-00-00", "0000-00-00 00:00:00"})


def text(value: Any) -> str | None:
    """A non-empty string, else None."""
    if value is None:
        return None
    result = str(value).strip()
    return result or None


def decimal(value: Any) -> Decimal | None:
    """'10.00' -> Decimal('10.00'); '' -> None. Never goes through float."""
    raw = text(value)
    if raw is None:
        return None
    if isinstance(value, float):
        raw = repr(value)
    try:
        result = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(f"not a number: {value!r}") from exc
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def money(value: Any) -> Decimal:
    """Like ``decimal`` with 0 for an empty value."""
    return decimal(value) or Decimal("0")


def flag(value: Any) -> bool:
    """Tray's "1"/"0" (and "" for unset) booleans."""
    return text(value) == "1"


def instant(value: Any) -> datetime | None:
    """'2021-05-06 10:38:45' (store time) -> aware datetime; empty dates -> None."""
    raw = text(value)
    if raw is None or raw in _EMPTY_DATES:
        return None
    return datetime.fromisoformat(raw).replace(tzinfo=STORE_TIME)


def day(value: Any) -> date | None:
    """'2021-02-10' -> date; '0000-00-00' and '' -> None."""
    raw = text(value)
    if raw is None or raw in _EMPTY_DATES:
        return None
    return date.fromisoformat(raw[:10])


def day_and_hour(day_value: Any, hour_value: Any) -> datetime | None:
    """An order's separate `date` and `hour` fields as one aware instant."""
    when = day(day_value)
    if when is None:
        return None
    hour = text(hour_value)
    clock = time.fromisoformat(hour) if hour else time(0, 0)
    return datetime.combine(when, clock, tzinfo=STORE_TIME)


def store_time(moment: datetime) -> str:
    """An aware instant as Tray prints it: naive 'YYYY-MM-DD HH:MM:SS' in store time."""
    return moment.astimezone(STORE_TIME).strftime("%Y-%m-%d %H:%M:%S")


def store_day(moment: datetime) -> str:
    """The store-time date of an instant, 'YYYY-MM-DD' (Tray's date filters and fields)."""
    return moment.astimezone(STORE_TIME).strftime("%Y-%m-%d")


def digits(value: Any) -> str | None:
    """Only the digits of a document or postal code; None when there are none."""
    raw = text(value)
    if raw is None:
        return None
    result = "".join(ch for ch in raw if ch.isdigit())
    return result or None


def unwrap(items: Any, key: str) -> list[dict[str, Any]]:
    """Tray lists wrap each record: [{"Order": {...}}] -> [{...}]; tolerates bare records."""
    if not isinstance(items, list):
        return []
    return [item.get(key, item) for item in items if isinstance(item, dict)]
