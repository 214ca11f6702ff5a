"""Mapeamentos applied: an integration's rules read a canonical record and give the values the
far side gets. Pure; runs per message, so nothing here copies or dumps the record.

A rule reads its ``source``, a dotted path into the record (``shipping.carrier``,
``payment.method``, ``status``, ``product.ncm``), and transforms it:

    Constant    the value, always
    Lookup      the table's value for the source, else the default; no default: missing
    Template    ``{path}`` placeholders filled from the record; an empty placeholder: missing

Paths: a leading ``order.``/``product.`` names the record itself; a list followed by a name
reads its first element (``payments.method``), a number picks one (``variants.1.sku``); a
singular name reads the list of its plural (``payment.method`` is ``payments.method``) unless
the caller binds it (``pedido_for`` binds ``payment`` to each payment in turn).

Rules apply in list order and the first one that yields a value for a target wins, so a table
without a default followed by a constant is a fallback. A rule whose ``when`` does not fit the
write (create or update) is skipped. A ``required`` rule that yields nothing raises
``MappingMissing`` with a reason an operator can act on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from functools import lru_cache
from string import Formatter
from typing import Any

from pydantic import BaseModel

from connectors.erp.situacao import Situacao
from engine.failures import MappingMissing
from schemas.mapping import ApplyWhen, Constant, Lookup, MappingRule, MappingTarget, Template

ORDER_TARGETS = frozenset(
    {
        MappingTarget.SALES_CHANNEL,
        MappingTarget.CARRIER,
        MappingTarget.ORDER_STATUS,
        MappingTarget.PAYMENT_METHOD,
    }
)
PRODUCT_TARGETS = frozenset(
    {
        MappingTarget.NCM,
        MappingTarget.EXTRA_DESCRIPTION,
        MappingTarget.CUSTOM_ATTRIBUTE,
        MappingTarget.CATEGORY,
        MappingTarget.BRAND,
    }
)
_LABELS = {
    MappingTarget.NCM: "NCM",
    MappingTarget.EXTRA_DESCRIPTION: "extra description",
    MappingTarget.SALES_CHANNEL: "sales channel",
    MappingTarget.CARRIER: "carrier",
    MappingTarget.ORDER_STATUS: "order status",
    MappingTarget.PAYMENT_METHOD: "payment method",
    MappingTarget.CATEGORY: "category",
    MappingTarget.BRAND: "brand",
}
_SOURCE_PATH = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$")
_NCM = re.compile(r"^\d{8}$")
_NCM_WRITTEN = re.compile(r"^[\d.\s-]+$")
_SITUACOES = frozenset(str(int(situacao)) for situacao in Situacao)


@dataclass(frozen=True, slots=True)
class Mapped:
    """What the rules gave: one value per target, custom attributes by name."""

    values: Mapping[MappingTarget, str] = field(default_factory=dict)
    attributes: Mapping[str, str] = field(default_factory=dict)

    def get(self, target: MappingTarget) -> str | None:
        return self.values.get(target)


def label(rule: MappingRule) -> str:
    """How a reason names the rule's target: "carrier", "attribute 'Material'"."""
    if rule.target is MappingTarget.CUSTOM_ATTRIBUTE:
        return f"attribute {rule.attribute!r}"
    return _LABELS[rule.target]


def text(value: Any) -> str | None:
    """A scalar as the far side gets it; None (missing) for nothing, blanks and structures."""
    if value is None or isinstance(value, BaseModel | Mapping):
        return None
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        parts = [part for part in (text(item) for item in value) if part]
        return ", ".join(parts) or None
    if isinstance(value, str | int | Decimal):
        rendered = str(value).strip()
        return rendered or None
    return None


def _attribute(node: BaseModel, name: str) -> Any:
    fields = type(node).model_fields
    if name not in fields and f"{name}s" in fields:
        name = f"{name}s"
    if name.startswith(("_", "model_")):
        return None
    found = getattr(node, name, None)
    return None if callable(found) else found


def _step(node: Any, name: str) -> Any:
    if isinstance(node, BaseModel):
        return _attribute(node, name)
    if isinstance(node, Mapping):
        return node.get(name)
    if isinstance(node, list | tuple):
        if name.isdigit():
            index = int(name)
            return node[index] if index < len(node) else None
        return _step(node[0], name) if node else None
    return None


def source_value(
    record: BaseModel, path: str, *, kind: str, bound: Mapping[str, Any] | None = None
) -> str | None:
    """The text at ``path`` in ``record`` (a ``kind`` such as "order"); None when empty."""
    names = path.split(".")
    if names[0] == kind and len(names) > 1:
        names = names[1:]
    if bound and names[0] in bound:
        node: Any = bound[names[0]]
        names = names[1:]
    else:
        node = record
    for name in names:
        node = _step(node, name)
        if node is None:
            return None
    if isinstance(node, list | tuple) and node and isinstance(node[0], BaseModel):
        return None
    return text(node)


@lru_cache(maxsize=512)
def placeholders(template: str) -> tuple[tuple[str, str | None], ...]:
    """(literal text, placeholder path or None) pairs; ``{{`` and ``}}`` are literal braces."""
    return tuple((literal, name) for literal, name, _, _ in Formatter().parse(template))


class _Miss(Exception):
    """A rule gave nothing; ``reason`` says why, for a required rule's MappingMissing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Where:
    kind: str  # the record: "order", "product"
    toward: str  # the side that gets the value: "an ERP", "a platform"
    bound: Mapping[str, Any] | None


def _looked_up(rule: MappingRule, table: Lookup, value: str | None, at: _Where) -> str:
    if value is None:
        if table.default is not None:
            return table.default
        raise _Miss(
            f"{rule.source} is empty on this {at.kind}, and rule {rule.id} needs it for "
            f"{at.toward} {label(rule)}"
        )
    found = table.table.get(value)
    if found is None:
        folded = value.casefold()
        found = next((v for k, v in table.table.items() if k.strip().casefold() == folded), None)
    if found is not None:
        return found
    if table.default is not None:
        return table.default
    raise _Miss(
        f"{label(rule)} {value!r} has no mapping to {at.toward} {label(rule)} (rule {rule.id})"
    )


def _filled(
    rule: MappingRule, template: Template, values: Mapping[str, str | None], at: _Where
) -> str:
    parts = []
    for literal, name in placeholders(template.template):
        parts.append(literal)
        if name is None:
            continue
        value = values.get(name)
        if value is None:
            raise _Miss(
                f"rule {rule.id} fills {{{name}}} in its template, but {name} is empty on "
                f"this {at.kind}"
            )
        parts.append(value)
    return "".join(parts)


def transformed(rule: MappingRule, record: BaseModel, at: _Where) -> str:
    """The rule's value for ``record``; raises _Miss with the reason when it gives none."""
    transform = rule.transform
    if isinstance(transform, Constant):
        return transform.value
    if isinstance(transform, Lookup):
        value = source_value(record, rule.source, kind=at.kind, bound=at.bound)
        return _looked_up(rule, transform, value, at)
    names = {name for _, name in placeholders(transform.template) if name is not None}
    values = {name: source_value(record, name, kind=at.kind, bound=at.bound) for name in names}
    return _filled(rule, transform, values, at)


def fits(rule: MappingRule, *, creating: bool) -> bool:
    if rule.when is ApplyWhen.CREATE_ONLY:
        return creating
    if rule.when is ApplyWhen.UPDATE_ONLY:
        return not creating
    return True


def _slot(rule: MappingRule) -> tuple[MappingTarget, str | None]:
    return rule.target, rule.attribute


def applied(
    rules: Iterable[MappingRule],
    record: BaseModel,
    *,
    creating: bool,
    targets: frozenset[MappingTarget],
    kind: str,
    toward: str,
    bound: Mapping[str, Any] | None = None,
) -> Mapped:
    """The values ``rules`` give ``record`` (a ``kind``) for ``targets``, going ``toward``
    "an ERP" or "a platform"; raises MappingMissing when a required rule gives nothing."""
    at = _Where(kind, toward, bound)
    values: dict[MappingTarget, str] = {}
    attributes: dict[str, str] = {}
    settled: set[tuple[MappingTarget, str | None]] = set()
    for rule in rules:
        if (
            rule.target not in targets
            or _slot(rule) in settled
            or not fits(rule, creating=creating)
        ):
            continue
        try:
            value = transformed(rule, record, at)
        except _Miss as miss:
            if rule.required:
                raise MappingMissing(miss.reason) from None
            continue
        settled.add(_slot(rule))
        if rule.target is MappingTarget.CUSTOM_ATTRIBUTE and rule.attribute:
            attributes[rule.attribute] = value
        else:
            values[rule.target] = value
    return Mapped(values, attributes)


def rule_problems(rules: Iterable[MappingRule]) -> list[str]:
    """What is wrong with a list of rules an operator saves, one actionable line each."""
    problems: list[str] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            problems.append(f"rule id {rule.id!r} is used twice; give each rule its own id")
        seen.add(rule.id)
        problems.extend(f"rule {rule.id}: {problem}" for problem in _rule_problems(rule))
    return problems


def _rule_problems(rule: MappingRule) -> list[str]:
    problems = []
    if rule.target is MappingTarget.CUSTOM_ATTRIBUTE and not (rule.attribute or "").strip():
        problems.append("a custom_attribute rule needs `attribute`, the attribute's name")
    if rule.target is not MappingTarget.CUSTOM_ATTRIBUTE and rule.attribute is not None:
        problems.append("`attribute` is for custom_attribute rules only")
    transform = rule.transform
    if isinstance(transform, Lookup) and not rule.source:
        problems.append("a lookup needs `source`, the field it looks up (e.g. shipping.carrier)")
    if rule.source and not _SOURCE_PATH.match(rule.source):
        problems.append(f"source {rule.source!r} is not a dotted field path")
    if isinstance(transform, Template):
        problems.extend(_template_problems(transform.template))
    problems.extend(_value_problems(rule.target, _outputs(rule)))
    return problems


def _template_problems(template: str) -> list[str]:
    try:
        names = [name for _, name in placeholders(template) if name is not None]
    except ValueError as exc:
        return [f"the template is not valid ({exc}); write {{{{ and }}}} for literal braces"]
    return [
        f"template placeholder {{{name}}} is not a dotted field path"
        for name in names
        if not _SOURCE_PATH.match(name)
    ]


def _outputs(rule: MappingRule) -> list[str]:
    transform = rule.transform
    if isinstance(transform, Constant):
        return [transform.value]
    if isinstance(transform, Lookup):
        default = [] if transform.default is None else [transform.default]
        return [*transform.table.values(), *default]
    return []


def _value_problems(target: MappingTarget, outputs: list[str]) -> list[str]:
    if target is MappingTarget.ORDER_STATUS:
        codes = ", ".join(f"{int(s)} {s.label}" for s in Situacao)
        return [
            f"order status {value!r} is not an ERP situacao ({codes})"
            for value in outputs
            if value.strip() not in _SITUACOES
        ]
    if target is MappingTarget.NCM:
        return [f"NCM {value!r} is not 8 digits" for value in outputs if not ncm_digits(value)]
    return []


def ncm_digits(value: str) -> str | None:
    """An NCM as its 8 digits ("6109.10.00" -> "61091000"); None when it is not one."""
    if not _NCM_WRITTEN.match(value):
        return None
    digits = re.sub(r"\D", "", value)
    return digits if _NCM.match(digits) else None
