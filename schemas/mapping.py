"""Mapeamentos: rules between an ERP field and a platform field, for what the standard flow
does not cover (NCM, extra descriptions, sales channel, carrier, order status, payment method,
custom attributes, the platform's category and brand)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from schemas.base import Canonical


class MappingTarget(StrEnum):
    NCM = "ncm"
    EXTRA_DESCRIPTION = "extra_description"
    SALES_CHANNEL = "sales_channel"
    CARRIER = "carrier"
    ORDER_STATUS = "order_status"
    PAYMENT_METHOD = "payment_method"
    CUSTOM_ATTRIBUTE = "custom_attribute"
    CATEGORY = "category"
    BRAND = "brand"


class ApplyWhen(StrEnum):
    ALWAYS = "always"
    CREATE_ONLY = "create_only"
    UPDATE_ONLY = "update_only"


class Constant(Canonical):
    kind: Literal["constant"] = "constant"
    value: str


class Lookup(Canonical):
    """A table from the source value to the target value, with a default on a miss."""

    kind: Literal["lookup"] = "lookup"
    table: dict[str, str]
    default: str | None = Field(None, description="Used on a miss; None: the miss is an error.")


class Template(Canonical):
    """``{field}`` placeholders filled from the record, e.g. ``"{name} - {brand}"``."""

    kind: Literal["template"] = "template"
    template: str = Field(min_length=1)


Transform = Annotated[Constant | Lookup | Template, Field(discriminator="kind")]


class MappingRule(Canonical):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    target: MappingTarget
    source: str = Field("", description="Dotted path of the source field, e.g. 'shipping.carrier'.")
    attribute: str | None = Field(None, description="custom_attribute only: the attribute name.")
    transform: Transform
    when: ApplyWhen = ApplyWhen.ALWAYS
    required: bool = Field(
        False, description="The ERP needs this value: a miss parks the record with its reason."
    )
