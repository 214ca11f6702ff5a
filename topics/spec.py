"""The shape of a topic declaration and the naming rules derived from it."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel

NAME_RULE = re.compile(r"^ponte\.[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)*$")
DEAD_LETTER_SUFFIX = ".dlq"


class Cleanup(StrEnum):
    DELETE = "delete"
    COMPACT = "compact"


@dataclass(frozen=True)
class TopicSpec:
    """One topic: its name, what its key holds, its value model and its broker settings."""

    name: str
    key: str
    value: type[BaseModel]
    partitions: int
    cleanup: Cleanup = Cleanup.DELETE
    retention: timedelta | None = timedelta(days=7)
    has_dead_letter: bool = False

    @property
    def dead_letter(self) -> TopicSpec:
        """The dead-letter topic of this one: same key, the failed record with its reason."""
        if not self.has_dead_letter:
            raise LookupError(f"{self.name} has no dead-letter topic")
        from topics.dead_letter import DeadLetter

        return replace(
            self,
            name=self.name + DEAD_LETTER_SUFFIX,
            value=DeadLetter,
            cleanup=Cleanup.DELETE,
            retention=timedelta(days=30),
            has_dead_letter=False,
        )

    def broker_config(self) -> dict[str, str]:
        """Topic-level configs as the broker names them."""
        retention_ms = (
            "-1" if self.retention is None else str(int(self.retention.total_seconds() * 1000))
        )
        config = {"cleanup.policy": self.cleanup.value, "retention.ms": retention_ms}
        if self.cleanup is Cleanup.COMPACT:
            config["min.compaction.lag.ms"] = "0"
        return config

    def named(self, namespace: str) -> str:
        """The name on the broker: a namespace (one per test run or tenant) may prefix it."""
        return f"{namespace}.{self.name}" if namespace else self.name
