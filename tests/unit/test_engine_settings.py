"""The engine's configuration as read from PONTE_* environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from engine.agents import (
    STREAM_AGENT_WIRING,
    deliveries,
    erp_catalog,
    erp_fanout,
    erp_orders,
    platform_sink,
)
from engine.jobs import runner
from engine.settings import STREAM_AGENTS, EngineSettings, KafkaSettings

ADMIN_TOKEN = "admin-token-7f3a9c"
SECRET_KEY = "x" * 43 + "="
ERP_TOKEN = "erp-token-51be02"
REQUIRED = {
    "PONTE_ADMIN_TOKEN": ADMIN_TOKEN,
    "PONTE_SECRET_KEY": SECRET_KEY,
    "PONTE_ERP_TOKEN": ERP_TOKEN,
}


def test_ponte_variables_map_to_fields() -> None:
    settings = EngineSettings.from_env(
        {
            **REQUIRED,
            "PONTE_BOOTSTRAP_SERVERS": "kafka-1:9092,kafka-2:9092",
            "PONTE_NAMESPACE": "run-42",
            "PONTE_WEB_HOST": "0.0.0.0",
            "PONTE_WEB_PORT": "9100",
            "PONTE_PUBLIC_URL": "https://ponte.example.com.br",
            "PONTE_ERP_BASE_URL": "https://loja.eccosys.com.br/api",
            "PONTE_ERP_REQUESTS_PER_SECOND": "2.5",
            "PONTE_MAX_BODY_BYTES": "2048",
            "PONTE_SINK_MAX_ATTEMPTS": "3",
            "PONTE_SINK_BACKOFF_BASE": "0.25",
            "PONTE_SINK_BACKOFF_CAP": "10",
            "PONTE_REPLICATION_FACTOR": "3",
            "PONTE_DATA_DIR": "/var/lib/ponte",
            "PONTE_FAULT_POINT": "after_erp_write",
            "HOME": "/root",
        }
    )
    assert settings.bootstrap_servers == "kafka-1:9092,kafka-2:9092"
    assert settings.namespace == "run-42"
    assert settings.web_host == "0.0.0.0"
    assert settings.web_port == 9100
    assert settings.webhook_base_url == "https://ponte.example.com.br"
    assert settings.erp_base_url == "https://loja.eccosys.com.br/api"
    assert settings.erp_requests_per_second == 2.5
    assert settings.max_body_bytes == 2048
    assert settings.sink_max_attempts == 3
    assert settings.sink_backoff_base == 0.25
    assert settings.sink_backoff_cap == 10.0
    assert settings.replication_factor == 3
    assert settings.data_dir == Path("/var/lib/ponte")
    assert settings.fault_point == "after_erp_write"
    assert settings.admin_token.get_secret_value() == ADMIN_TOKEN
    assert settings.secret_key.get_secret_value() == SECRET_KEY
    assert settings.erp_token.get_secret_value() == ERP_TOKEN


def test_defaults_with_only_the_secrets() -> None:
    settings = EngineSettings.from_env(dict(REQUIRED))
    assert settings.bootstrap_servers == "127.0.0.1:9092"
    assert settings.namespace == ""
    assert settings.webhook_base_url == "http://127.0.0.1:8100"
    assert settings.public_url is None
    assert settings.fault_point is None
    assert settings.sink_max_attempts == 8


def test_kafka_bootstrap_servers_is_the_fallback() -> None:
    env = {**REQUIRED, "KAFKA_BOOTSTRAP_SERVERS": "broker:29092"}
    assert EngineSettings.from_env(env).bootstrap_servers == "broker:29092"
    assert KafkaSettings.from_env(env).bootstrap_servers == "broker:29092"


def test_ponte_bootstrap_servers_wins_over_kafka_bootstrap_servers() -> None:
    env = {
        **REQUIRED,
        "KAFKA_BOOTSTRAP_SERVERS": "broker:29092",
        "PONTE_BOOTSTRAP_SERVERS": "ponte-broker:9092",
    }
    assert EngineSettings.from_env(env).bootstrap_servers == "ponte-broker:9092"
    assert KafkaSettings.from_env(env).bootstrap_servers == "ponte-broker:9092"


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_missing_required_secret_is_refused(missing: str) -> None:
    env = {name: value for name, value in REQUIRED.items() if name != missing}
    with pytest.raises(ValidationError) as caught:
        EngineSettings.from_env(env)
    field = missing.removeprefix("PONTE_").lower()
    assert [error["loc"] for error in caught.value.errors()] == [(field,)]


def test_malformed_values_are_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        EngineSettings.from_env(
            {**REQUIRED, "PONTE_WEB_PORT": "eighty", "PONTE_SINK_MAX_ATTEMPTS": "0"}
        )
    assert {error["loc"] for error in caught.value.errors()} == {
        ("web_port",),
        ("sink_max_attempts",),
    }


def test_app_id_with_and_without_namespace() -> None:
    assert EngineSettings.from_env(dict(REQUIRED)).app_id == "ponte"
    assert EngineSettings.from_env({**REQUIRED, "PONTE_NAMESPACE": "run-42"}).app_id == (
        "run-42-ponte"
    )


def test_secrets_do_not_appear_in_repr() -> None:
    settings = EngineSettings.from_env(dict(REQUIRED))
    for text in (repr(settings), str(settings), str(settings.model_dump())):
        for secret in (ADMIN_TOKEN, SECRET_KEY, ERP_TOKEN):
            assert secret not in text


def test_settings_are_frozen() -> None:
    settings = EngineSettings.from_env(dict(REQUIRED))
    with pytest.raises(ValidationError):
        settings.web_port = 1  # type: ignore[misc]


def test_kafka_settings_from_env() -> None:
    settings = KafkaSettings.from_env(
        {
            "PONTE_BOOTSTRAP_SERVERS": "kafka:9092",
            "PONTE_NAMESPACE": "tenant-a",
            "PONTE_REPLICATION_FACTOR": "3",
            "PONTE_ADMIN_TOKEN": ADMIN_TOKEN,
        }
    )
    assert settings == KafkaSettings(
        bootstrap_servers="kafka:9092", namespace="tenant-a", replication_factor=3
    )


def test_kafka_settings_need_no_secrets() -> None:
    assert KafkaSettings.from_env({}) == KafkaSettings(
        bootstrap_servers="127.0.0.1:9092", namespace="", replication_factor=1
    )


def test_a_worker_runs_every_agent_unless_told() -> None:
    settings = EngineSettings.from_env(dict(REQUIRED))
    assert settings.agents == "all"
    assert settings.runs("erp-orders") and settings.runs("translate-deliveries")


def test_a_worker_can_be_limited_to_some_agents() -> None:
    settings = EngineSettings.from_env(
        dict(REQUIRED) | {"PONTE_AGENTS": " erp-orders , translate-deliveries"}
    )
    assert settings.agents == "translate-deliveries,erp-orders"
    assert settings.runs("erp-orders") and not settings.runs("platform-sink")


@pytest.mark.parametrize("agents", ["erp-order", "", "all,erp-orders"])
def test_unknown_agents_are_refused_with_the_known_ones(agents: str) -> None:
    with pytest.raises(ValidationError, match="use all or some of translate-deliveries"):
        EngineSettings.from_env(dict(REQUIRED) | {"PONTE_AGENTS": agents})


def test_every_agent_ponte_agents_names_is_wired_under_its_own_name() -> None:
    modules = (deliveries, erp_orders, erp_catalog, erp_fanout, platform_sink, runner)
    assert set(STREAM_AGENT_WIRING) == set(STREAM_AGENTS) == {m.AGENT for m in modules}
