"""Histórico de configurações: an integration's config log as the screen shows it (pure).

Each version says who changed what and when; two versions can be compared field by field.
Sealed values are never shown (the config log keeps them as "(sealed)").
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from engine.config_changes import diff
from engine.web.ui.words import (
    AUTOMATIONS,
    CONFIG_ACTIONS,
    CONFIG_PARTS,
    OWNED_FIELDS,
    STATUS,
    field_label,
)
from schemas.automation import Automation
from schemas.config_change import ConfigChange, FieldChange

AUTOMATION_PARTS = {"enabled": "ligada", "interval_seconds": "intervalo (segundos)"}
LONGEST_VALUE = 400
KNOWN_AUTOMATIONS = frozenset(a.value for a in Automation)


BRASILIA = ZoneInfo("America/Sao_Paulo")


def shown_time(at: datetime | None) -> str:
    """A moment as the merchant reads it: Brasília time."""
    return "—" if at is None else at.astimezone(BRASILIA).strftime("%d/%m/%Y %H:%M (Brasília)")


def path_label(path: str) -> str:
    """A dotted path of the config log in the screen's words, e.g. Configurações / Estoque."""
    head, *rest = path.split(".")
    section = CONFIG_PARTS.get(head, head)
    detail = _detail(head, rest)
    return f"{section} / {detail}" if detail else section


def _detail(head: str, rest: list[str]) -> str:
    if not rest:
        return ""
    if head == "settings" and rest[0] == "field_owner" and len(rest) > 1:
        return f"Quem manda em: {OWNED_FIELDS.get(rest[1], rest[1])}"
    if head == "automations" and rest[0] in KNOWN_AUTOMATIONS:
        label = AUTOMATIONS[Automation(rest[0])][0]
        part = AUTOMATION_PARTS.get(rest[1], rest[1]) if len(rest) > 1 else ""
        return f"{label} ({part})" if part else label
    return field_label(rest[-1])


def shown_value(value: Any) -> str:
    """A logged value as text: yes/no, a dash for none, JSON for lists and objects."""
    if value is None:
        return "—"
    if value == "(sealed)":
        return "(segredo, não exibido)"
    if isinstance(value, bool):
        return "sim" if value else "não"
    if isinstance(value, list | dict):
        text = orjson.dumps(value).decode() if value else "(vazio)"
    else:
        text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def change_rows(changes: list[FieldChange]) -> list[dict[str, str]]:
    def shown(path: str, value: Any) -> str:
        return STATUS.get(value, value) if path == "status" else shown_value(value)

    return [
        {
            "label": path_label(c.path),
            "path": c.path,
            "before": shown(c.path, c.before),
            "after": shown(c.path, c.after),
        }
        for c in changes
    ]


def version_rows(log: list[ConfigChange], current_version: int) -> list[dict[str, Any]]:
    """The config log, newest first, each version with its changed fields."""
    return [
        {
            "version": c.version,
            "actor": c.actor,
            "at": shown_time(c.at),
            "action": CONFIG_ACTIONS.get(c.action, c.action),
            "changed": (
                ["Todos os campos (inclusão)"]
                if c.action == "create"
                else sorted({path_label(f.path) for f in c.changes})
            ),
            "changes": change_rows(c.changes),
            "current": c.version == current_version,
            "restorable": c.version != current_version and c.action != "delete",
        }
        for c in reversed(log)
    ]


def compared(log: list[ConfigChange], query: Mapping[str, str]) -> dict[str, Any]:
    """The comparison asked in ``?de=&ate=``: its rows, or why it cannot be made."""
    asked = {name: str(query.get(name, "")).strip() for name in ("de", "ate")}
    if not all(asked.values()):
        return {"asked": False}
    by_number = {str(c.version): c for c in log}
    missing = [v for v in asked.values() if v not in by_number]
    if missing:
        return {"asked": True, "problem": f"Versão {missing[0]} não encontrada no histórico."}
    older, newer = by_number[asked["de"]], by_number[asked["ate"]]
    return {
        "asked": True,
        "from": older.version,
        "to": newer.version,
        "rows": change_rows(diff(older.snapshot, newer.snapshot)),
    }


def history_context(
    log: list[ConfigChange], current_version: int, query: Mapping[str, str]
) -> dict[str, Any]:
    versions = version_rows(log, current_version)
    newest = versions[0]["version"] if versions else current_version
    second = versions[1]["version"] if len(versions) > 1 else newest
    comparison = compared(log, query)
    return {
        "versions": versions,
        "comparison": comparison,
        "compare_from": comparison.get("from", second),
        "compare_to": comparison.get("to", newest),
    }
