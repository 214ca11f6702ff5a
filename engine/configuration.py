"""Configurações and Automações as an operator changes them: pure validation and views.

Every function here is pure: it takes the current record and what the operator sent and
returns the next value, or raises ``Refused`` naming the field at fault and what to do.
A PATCH is a JSON merge patch (RFC 7396): objects merge, ``null`` resets a field to its default.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from connectors.capabilities import ConnectorSpec
from engine.web.responses import validation_details
from schemas.automation import GROUPS, MINIMUM_INTERVAL_SECONDS, Automation, Automations
from schemas.config_change import ConfigChange
from schemas.integration import IntegrationSettings

RESTORED_PARTS = ("settings", "mappings", "automations")
"""What a restore brings back from an old version; access and status stay current."""


class Refused(ValueError):
    """A configuration change the engine will not make: a code, a reason, the fields at fault."""

    def __init__(
        self,
        code: str,
        message: str,
        fields: list[dict[str, str]] | None = None,
        *,
        status: int = 400,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.fields, self.status = code, message, fields or [], status


def merge_patch(current: Any, patch: Any) -> Any:
    """RFC 7396: ``patch`` applied to ``current`` (``null`` removes a key)."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(current) if isinstance(current, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def settings_from(body: Any, connector: ConnectorSpec) -> IntegrationSettings:
    """The whole Configurações an operator sent, its platform extras checked by the connector."""
    try:
        settings = IntegrationSettings.model_validate(body)
    except ValidationError as exc:
        raise Refused("invalid", "the settings are not valid", validation_details(exc)) from exc
    extras = platform_extras(settings.platform_extras, connector)
    return settings.model_copy(update={"platform_extras": extras})


def patched_settings(
    current: IntegrationSettings, patch: Any, connector: ConnectorSpec
) -> IntegrationSettings:
    """``current`` with a merge patch applied, validated like a whole PUT."""
    if not isinstance(patch, dict):
        raise Refused("invalid", "send a JSON object of the settings to change")
    return settings_from(merge_patch(current.model_dump(mode="json"), patch), connector)


def platform_extras(extras: dict[str, Any], connector: ConnectorSpec) -> dict[str, Any]:
    """The extras validated by the connector's model, keeping only what was set."""
    if connector.extras is None:
        if extras:
            raise Refused(
                "invalid",
                f"{connector.title} has no platform-specific settings",
                [{"field": f"platform_extras.{name}", "message": "not allowed"} for name in extras],
            )
        return {}
    try:
        validated = connector.extras.model_validate(extras)
    except ValidationError as exc:
        fields = [
            {**problem, "field": f"platform_extras.{problem['field']}"}
            for problem in validation_details(exc)
        ]
        raise Refused(
            "invalid", f"the {connector.title} settings (platform_extras) are not valid", fields
        ) from exc
    dumped: dict[str, Any] = validated.model_dump(mode="json", include=validated.model_fields_set)
    return dumped


def extras_of(settings: IntegrationSettings, connector: ConnectorSpec) -> BaseModel | None:
    """The platform extras as the connector's typed model (for the flows that apply them)."""
    if connector.extras is None:
        return None
    return connector.extras.model_validate(settings.platform_extras)


def patched_automations(current: Automations, patch: Any) -> Automations:
    """``current`` with switches changed, e.g. ``{"stock_export": {"enabled": true}}``."""
    if not isinstance(patch, dict) or not patch:
        raise Refused("invalid", 'send {"<automation>": {"enabled": true|false, ...}}')
    known = {a.value for a in Automation}
    unknown = sorted(set(patch) - known)
    if unknown:
        raise Refused(
            "unknown_automation",
            f"no automation named {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            [{"field": name, "message": "unknown automation"} for name in unknown],
        )
    for name, change in patch.items():
        _check_interval(Automation(name), change)
    merged = merge_patch(current.model_dump(mode="json"), patch)
    try:
        return Automations.model_validate(merged)
    except ValidationError as exc:
        raise Refused("invalid", "the automations are not valid", validation_details(exc)) from exc


def _check_interval(automation: Automation, change: Any) -> None:
    if not isinstance(change, dict) or "interval_seconds" not in change:
        return
    interval = change["interval_seconds"]
    field = f"{automation.value}.interval_seconds"
    minimum = MINIMUM_INTERVAL_SECONDS.get(automation)
    if minimum is None:
        scheduled = ", ".join(sorted(a.value for a in MINIMUM_INTERVAL_SECONDS))
        raise Refused(
            "not_scheduled",
            f"{automation.value} runs on events, not on a schedule; "
            f"interval_seconds applies only to {scheduled}",
            [{"field": field, "message": "not a scheduled automation"}],
        )
    if not isinstance(interval, int) or isinstance(interval, bool) or interval < minimum:
        raise Refused(
            "interval_too_short",
            f"{automation.value} may run at most every {minimum} seconds (the platform-safe "
            f"minimum); got {interval!r}",
            [{"field": field, "message": f"must be a whole number of at least {minimum}"}],
        )


def turned_on(before: Automations, after: Automations) -> list[Automation]:
    """The automations that were off and are now on."""
    return [a for a in Automation if after.is_on(a) and not before.is_on(a)]


def automations_view(automations: Automations, held: dict[str, int]) -> list[dict[str, Any]]:
    """The switches grouped as the merchant sees them (Produto, Estoque, Vendas, Webhooks)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for automation in Automation:
        switch = automations.switch(automation)
        groups.setdefault(GROUPS[automation].value, []).append(
            {
                "name": automation.value,
                "enabled": switch.enabled,
                "interval_seconds": switch.interval_seconds,
                "minimum_interval_seconds": MINIMUM_INTERVAL_SECONDS.get(automation),
                "description": Automations.model_fields[automation.value].description,
                "held": held.get(automation.value, 0),
            }
        )
    return [{"group": name, "automations": items} for name, items in groups.items()]


def version_summary(change: ConfigChange) -> dict[str, Any]:
    """One line of the config log: who changed what, and when (no values)."""
    return {
        "version": change.version,
        "actor": change.actor,
        "at": change.at.isoformat(),
        "action": change.action,
        "changed": [field.path for field in change.changes],
    }


def restored_parts(change: ConfigChange) -> dict[str, Any]:
    """What restoring ``change``'s version sets on the current integration."""
    return {part: getattr(change.snapshot, part) for part in RESTORED_PARTS}
