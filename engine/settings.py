"""The engine's own configuration, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

REPO_ROOT = Path(__file__).resolve().parents[1]
STREAM_AGENTS = (
    "translate-deliveries",
    "erp-orders",
    "erp-catalog",
    "erp-fanout",
    "platform-sink",
    "job-runner",
)
"""The agents a worker can be limited to (PONTE_AGENTS); schedules and pollers run on the
group's leader whatever it runs."""


class KafkaSettings(BaseModel):
    """Where the broker is and which namespace of topics to use (enough for `ponte topics`)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    bootstrap_servers: str = "127.0.0.1:9092"
    namespace: str = ""
    replication_factor: int = Field(1, ge=1)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> KafkaSettings:
        return cls.model_validate(_ponte_env(cls, os.environ if environ is None else environ))


def _ponte_env(model: type[BaseModel], env: Mapping[str, str]) -> dict[str, str]:
    values = {
        name: env[f"PONTE_{name.upper()}"]
        for name in model.model_fields
        if f"PONTE_{name.upper()}" in env
    }
    if "bootstrap_servers" not in values and "KAFKA_BOOTSTRAP_SERVERS" in env:
        values["bootstrap_servers"] = env["KAFKA_BOOTSTRAP_SERVERS"]
    return values


class EngineSettings(BaseModel):
    """Every knob of a worker; each maps to one PONTE_* environment variable."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    bootstrap_servers: str = Field("127.0.0.1:9092", description="Kafka bootstrap servers.")
    namespace: str = Field("", description="Prefix of every topic and of the consumer group.")
    web_host: str = Field("127.0.0.1", description="Address the engine's HTTP server binds.")
    web_port: int = Field(8100, description="Port of webhooks, admin API and /metrics.")
    public_url: str | None = Field(None, description="URL platforms use to reach the webhooks.")
    admin_token: SecretStr = Field(description="Bearer token of the admin API.")
    secret_key: SecretStr = Field(description="Fernet key that seals integration credentials.")
    erp_base_url: str = Field("http://127.0.0.1:8101/api", description="ERP API root.")
    erp_token: SecretStr = Field(description="ERP API token.")
    erp_requests_per_second: float = Field(1.0, gt=0)
    erp_webhook_secret: SecretStr | None = Field(
        None,
        description="Secret of the ERP's signed push (POST /webhooks/erp/...); unset: refused.",
    )
    feed_poll_seconds: float = Field(
        0,
        ge=0,
        description="Interval of the platforms' change-feed readers (VTEX feed v3); 0: off.",
    )
    erp_poll_seconds: float = Field(
        0, ge=0, description="Interval of the ERP change-feed poller (leader only); 0 turns it off."
    )
    allow_private_urls: bool = Field(
        False,
        description="Sandbox/dev mode: accept http and private addresses for stores and the ERP.",
    )
    max_body_bytes: int = Field(
        1_048_576, description="Largest webhook body accepted (413 past it)."
    )
    ack_timeout_seconds: float = Field(5.0, description="How long a webhook waits for Kafka's ack.")
    sink_max_attempts: int = Field(
        8, ge=1, description="Tries of a transient ERP failure before DLQ."
    )
    sink_backoff_base: float = Field(0.5, gt=0)
    sink_backoff_cap: float = Field(30.0, gt=0)
    replication_factor: int = Field(1, ge=1)
    session_timeout_seconds: float = Field(
        15.0, ge=6, description="Consumer group session timeout."
    )
    data_dir: Path = Field(REPO_ROOT / "var" / "engine", description="Worker state (table cache).")
    prerequisite_timeout_seconds: float = Field(
        600.0,
        gt=0,
        description="How long an order update waits for its order (paid before created).",
    )
    admin_user: str = Field(
        "admin", min_length=1, max_length=80, description="User name of the screen's operator."
    )
    admin_password_hash: SecretStr | None = Field(
        None,
        description="Hash of the operator's password (`ponte hash-password`); unset: no sign-in.",
    )
    session_hours: float = Field(12.0, gt=0, le=720, description="How long a sign-in lasts.")
    stall_seconds: float = Field(
        120.0,
        gt=0,
        description=(
            "An agent idle this long while its partitions have lag is reported stalled on "
            "/health; at 1.5 times this, the worker exits (70) to be restarted."
        ),
    )
    erp_timeout_seconds: float = Field(10.0, gt=0, description="Per-request ERP timeout.")
    fault_point: str | None = Field(
        None, description="Test-only: a named point where the worker kills itself."
    )
    stream_buffer_maxsize: int = Field(
        4096,
        ge=16,
        description=(
            "Events fetched ahead per agent; a partition pauses while its agent's buffer is "
            "80% full (a smaller buffer redoes less after a restart behind a slow sink)."
        ),
    )
    flows: bool = Field(
        True,
        description=(
            "Run the flows (agents, schedules) in this process. false: an ingest process that "
            "serves webhooks, the admin API and the screen, stores deliveries for the workers "
            "to process, and stays out of their consumer group."
        ),
    )

    agents: str = Field(
        "all",
        description=(
            "The stream agents this worker runs: all, or some of "
            + ", ".join(STREAM_AGENTS)
            + " (comma-separated). Workers of one group may run different ones: a slow sink "
            "gets workers of its own while translation scales apart. Every agent must run on "
            "some worker of the group."
        ),
    )

    @field_validator("agents")
    @classmethod
    def _known_agents(cls, value: str) -> str:
        names = [name.strip() for name in value.split(",") if name.strip()]
        if names == ["all"]:
            return "all"
        unknown = sorted(set(names) - set(STREAM_AGENTS))
        if not names or unknown:
            raise ValueError(
                f"PONTE_AGENTS names {', '.join(unknown) or 'no agent'}; "
                f"use all or some of {', '.join(STREAM_AGENTS)}"
            )
        return ",".join(name for name in STREAM_AGENTS if name in names)

    def runs(self, agent: str) -> bool:
        """True if this worker runs the stream agent ``agent``."""
        return self.agents == "all" or agent in self.agents.split(",")

    @property
    def app_id(self) -> str:
        app_id = f"{self.namespace}-ponte" if self.namespace else "ponte"
        return app_id if self.flows else f"{app_id}-ingest"

    @property
    def webhook_base_url(self) -> str:
        return self.public_url or f"http://{self.web_host}:{self.web_port}"

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> EngineSettings:
        return cls.model_validate(_ponte_env(cls, os.environ if environ is None else environ))
