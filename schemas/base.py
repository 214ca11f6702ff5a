"""Shared building blocks: the frozen base model, money, external ids and timestamps."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field


class Canonical(BaseModel):
    """Base of every canonical model: immutable, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _refuse_float(value: Any) -> Any:
    if isinstance(value, float):
        raise ValueError("money must be a Decimal or a string, never a float")
    return value


def _refuse_non_finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("money must be a finite number")
    return value


Money = Annotated[
    Decimal,
    BeforeValidator(_refuse_float),
    AfterValidator(_refuse_non_finite),
    Field(description="An amount of money as an exact decimal (serialized as a string)."),
]
"""Money is Decimal, never float: a float cannot hold 0.10 exactly."""

Quantity = Annotated[Decimal, BeforeValidator(_refuse_float), AfterValidator(_refuse_non_finite)]


def _id_as_string(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("an external id must be a string")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError("an external id must be a string; a float loses digits past 2^53")
    return value


ExternalId = Annotated[
    str,
    BeforeValidator(_id_as_string),
    Field(
        min_length=1,
        description="An id in another system, always a string (Shopify ids exceed 2^53).",
    ),
]

Timestamp = AwareDatetime
"""Every instant carries its UTC offset; naive datetimes are refused."""

CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217 currency code.")]
