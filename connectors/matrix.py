"""The capability matrix (platform x entity x operation), generated from the registry."""

from __future__ import annotations

from connectors.capabilities import Entity, Operation
from connectors.erp.connector import ERP
from connectors.registry import PLATFORMS


def capability_matrix() -> str:
    """A Markdown table: one row per platform and entity, one column per operation."""
    operations = list(Operation)
    lines = [
        "| platform | entity | " + " | ".join(operations) + " |",
        "|---|---|" + "---|" * len(operations),
    ]
    for spec in [*PLATFORMS.values(), ERP]:
        for entity in Entity:
            if entity not in spec.capabilities:
                continue
            marks = ["yes" if spec.can(entity, op) else "" for op in operations]
            lines.append(f"| {spec.name} | {entity} | " + " | ".join(marks) + " |")
    return "\n".join(lines)
