"""VTEX's value conventions: integer cents in OMS, decimal units in Pricing, ISO-3 countries,
timestamps with seven fractional digits, and catalog dates without an offset."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

_CENT = Decimal("0.01")

# OMS addresses carry ISO 3166-1 alpha-3 codes; canonical addresses carry alpha-2.
_ALPHA3_TO_ALPHA2 = {
    "BRA": "BR", "ARG": "AR", "CHL": "CL", "COL": "CO", "MEX": "MX", "PER": "PE",
    "PRY": "PY", "URY": "UY", "BOL": "BO", "ECU": "EC", "VEN": "VE", "USA": "US",
    "CAN": "CA", "PRT": "PT", "ESP": "ES", "FRA": "FR", "DEU": "DE", "ITA": "IT",
    "GBR": "GB", "JPN": "JP", "CHN": "CN",
}  # fmt: skip


def from_cents(value: Any) -> Decimal:
    """An OMS amount (integer cents) as exact money: 1160 -> Decimal('11.60')."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"an OMS amount must be integer cents, got {value!r}")
    return (Decimal(int(value)) * _CENT).quantize(_CENT)


def to_cents(amount: Decimal) -> int:
    """Exact money as OMS integer cents; refuses fractions of a cent rather than rounding."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has a fraction of a cent")
    return int(cents)


def from_units(value: Any) -> Decimal:
    """A Pricing/Catalog JSON number (decimal units) as Decimal, via its shortest repr."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not an amount: {value!r}")
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def to_units(amount: Decimal) -> float | int:
    """Decimal money as a JSON number for Pricing; the float's repr is the same decimal."""
    if amount == amount.to_integral_value():
        return int(amount)
    number = float(amount)
    if Decimal(repr(number)) != amount:
        raise ValueError(f"{amount} cannot be sent as a JSON number without loss")
    return number


def parse_instant(value: str | None) -> datetime | None:
    """A VTEX timestamp as an aware datetime; dates without an offset are taken as UTC
    (Catalog's CreationDate has none; that it is UTC is UNCONFIRMED)."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    head, dot, tail = text.partition(".")
    if dot:  # Python reads at most 6 fractional digits on 3.11; VTEX sends 7
        digits = len(tail) - len(tail.lstrip("0123456789"))
        tail = tail[: min(digits, 6)] + tail[digits:]
        text = f"{head}.{tail}"
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def country_alpha2(alpha3: str | None) -> str | None:
    """ISO-3 (as OMS sends) to ISO-2; None when unknown rather than a guess."""
    if not alpha3:
        return None
    code = alpha3.strip().upper()
    return code if len(code) == 2 else _ALPHA3_TO_ALPHA2.get(code)


def digits(value: str | None) -> str | None:
    """Only the digits of a document (CPF/CNPJ) or key; None when there are none."""
    if not value:
        return None
    kept = "".join(ch for ch in value if ch.isdigit())
    return kept or None


def text(value: Any) -> str | None:
    """A stripped string, or None for null/empty."""
    if value is None:
        return None
    stripped = str(value).strip()
    return stripped or None
