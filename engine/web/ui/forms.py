"""Form fields generated from a pydantic model's JSON schema (pure).

Access fields come from the connector's settings model, Configurações from IntegrationSettings
and the connector's extras model: adding a field to a model adds it to the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from engine.web.ui.words import CHOICES, FIELD_HINTS, field_label


@dataclass(frozen=True)
class FormField:
    """One input: ``kind`` is text, password, number, checkbox, select, date, datetime or list."""

    name: str
    label: str
    kind: str
    required: bool = False
    value: Any = None
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    step: str = "any"
    advanced: bool = False


def _variants(prop: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null variants of an ``anyOf`` (or the property itself)."""
    options = prop.get("anyOf") or [prop]
    return [o for o in options if o.get("type") != "null"]


def _resolve(variant: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    ref = variant.get("$ref")
    return defs[ref.rsplit("/", 1)[-1]] if ref else variant


def _kind(variant: dict[str, Any]) -> tuple[str, tuple[tuple[str, str], ...], str]:
    if "enum" in variant:
        return "select", tuple((str(v), CHOICES.get(str(v), str(v))) for v in variant["enum"]), ""
    kind = variant.get("type")
    if variant.get("format") == "password" or variant.get("writeOnly"):
        return "password", (), ""
    if variant.get("format") == "date":
        return "date", (), ""
    if variant.get("format") == "date-time":
        return "datetime", (), ""
    if kind == "boolean":
        return "checkbox", (), ""
    if kind == "integer":
        return "number", (), "1"
    if kind == "number":
        return "number", (), "any"
    if kind == "array":
        return "list", (), ""
    return "text", (), ""


def br_date(value: Any) -> Any:
    """An ISO date (``aaaa-mm-dd``) as the screen shows it: ``dd/mm/aaaa``."""
    if isinstance(value, date):
        value = value.isoformat()
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return value


def form_fields(
    model: type[BaseModel],
    values: dict[str, Any] | None = None,
    *,
    skip: frozenset[str] = frozenset(),
) -> list[FormField]:
    """The inputs of ``model``'s scalar fields, filled with ``values`` (else the defaults)."""
    schema = model.model_json_schema()
    defs = schema.get("$defs", {})
    required = set(schema.get("required", []))
    filled = values or {}
    fields = []
    for name, prop in schema.get("properties", {}).items():
        variants = [_resolve(v, defs) for v in _variants(_resolve(prop, defs))]
        if name in skip or not variants or variants[0].get("type") == "object":
            continue
        kind, choices, step = _kind(variants[0])
        value = filled.get(name, prop.get("default"))
        if kind == "date":
            value = br_date(value)
        example = (prop.get("examples") or [""])[0]
        fields.append(
            FormField(
                name=name,
                label=field_label(name, prop.get("title")),
                kind=kind,
                required=name in required,
                value=", ".join(value) if kind == "list" and isinstance(value, list) else value,
                hint=FIELD_HINTS.get(name) or (f"Ex.: {example}" if example else ""),
                choices=choices,
                step=step,
                advanced=name not in required,
            )
        )
    return fields
