"""Every change to an integration is a new version plus an entry in the config log.

``diff`` is pure; ``save_version`` writes the version, then its log entry, each acknowledged.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from engine.bindings import BoundTopics
from engine.context import Engine
from engine.state.config_log import log_change
from schemas.codec import encode
from schemas.config_change import ConfigChange, FieldChange
from schemas.integration import Integration
from topics.registry import INTEGRATIONS

UNAUDITED = frozenset({"version", "updated_at", "updated_by", "created_at"})
SEALED = frozenset({"credentials"})


def diff(before: Integration | None, after: Integration) -> list[FieldChange]:
    """The fields that differ, as dotted paths; sealed values are never shown."""
    old = {} if before is None else _flatten(before.model_dump(mode="json"))
    new = _flatten(after.model_dump(mode="json"))
    changes = []
    for path in sorted(set(old) | set(new)):
        if path.split(".")[0] in UNAUDITED or old.get(path) == new.get(path):
            continue
        if path.split(".")[0] in SEALED:
            changes.append(FieldChange(path=path, before="(sealed)", after="(sealed)"))
        else:
            changes.append(FieldChange(path=path, before=old.get(path), after=new.get(path)))
    return changes


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict) and value:
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{prefix}{key}."))
        return flat
    return {prefix.rstrip("."): value}


def next_version(current: Integration, actor: str, **changes: Any) -> Integration:
    """The next version of ``current`` with ``changes`` applied and validated."""
    data = current.model_dump()
    data.update(changes)
    data.update(version=current.version + 1, updated_at=datetime.now(UTC), updated_by=actor)
    return Integration.model_validate(data)


async def save_integration(topics: BoundTopics, integration: Integration) -> None:
    """Write a version of an integration to its compacted topic; wait for Kafka's ack."""
    await (await topics[INTEGRATIONS].send(key=integration.id.encode(), value=encode(integration)))


async def save_version(
    engine: Engine, before: Integration | None, after: Integration, action: str
) -> ConfigChange:
    """Persist ``after`` and its audited change; the version is visible to every worker soon."""
    change = ConfigChange(
        integration_id=after.id,
        version=after.version,
        actor=after.updated_by,
        at=after.updated_at,
        action=action,
        changes=diff(before, after),
        snapshot=after,
    )
    await save_integration(engine.topics, after)
    await log_change(engine.topics, change)
    return change
