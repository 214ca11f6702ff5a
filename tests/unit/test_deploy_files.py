"""docker-compose.yml and the Prometheus configs agree with the code they deploy.

PyYAML is not a dependency, so the files are read as text: the assertions target lines whose
shape the files keep on purpose (one `KEY: value` per line, `targets: ["host:port"]`).
"""

from __future__ import annotations

import re
from pathlib import Path

from engine.settings import REPO_ROOT, EngineSettings

COMPOSE = REPO_ROOT / "docker-compose.yml"
PROMETHEUS = REPO_ROOT / "deploy" / "prometheus"
KAFKA_POM = REPO_ROOT / "deploy" / "kafka" / "pom.xml"


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _service_block(compose: str, name: str) -> str:
    """The lines of one service, from `  name:` to the next two-space-indented key."""
    match = re.search(rf"^  {re.escape(name)}:\n((?:    .*\n|\s*\n)*)", compose, re.MULTILINE)
    assert match, f"service {name} not in docker-compose.yml"
    return match.group(1)


def _scrape_targets(path: Path) -> list[str]:
    return re.findall(r'"([^"]+)"', "".join(re.findall(r"targets:\s*\[(.*)\]", _text(path))))


def test_every_ponte_variable_in_compose_is_an_engine_setting() -> None:
    used = set(re.findall(r"\bPONTE_[A-Z_]+\b", _text(COMPOSE)))
    known = {f"PONTE_{name.upper()}" for name in EngineSettings.model_fields}
    assert used, "docker-compose.yml configures no PONTE_* variable"
    assert used <= known, f"not EngineSettings fields: {sorted(used - known)}"


def test_required_secrets_come_from_the_environment() -> None:
    engine = _service_block(_text(COMPOSE), "engine")
    for name in ("PONTE_ADMIN_TOKEN", "PONTE_SECRET_KEY", "PONTE_ERP_TOKEN"):
        assert re.search(rf"^\s+{name}: \$\{{{name}:\?", engine, re.MULTILINE), name
    required = {name for name, field in EngineSettings.model_fields.items() if field.is_required()}
    for name in required:
        assert f"PONTE_{name.upper()}:" in engine, f"engine service lacks PONTE_{name.upper()}"


def test_engine_port_is_what_prometheus_scrapes() -> None:
    engine = _service_block(_text(COMPOSE), "engine")
    port = re.search(r"PONTE_WEB_PORT: (\d+)", engine)
    assert port, "engine service sets no PONTE_WEB_PORT"
    assert _scrape_targets(PROMETHEUS / "prometheus.yml") == [f"engine:{port.group(1)}"]
    default_port = EngineSettings.model_fields["web_port"].default
    assert _scrape_targets(PROMETHEUS / "prometheus.local.yml") == [f"127.0.0.1:{default_port}"]


def test_prometheus_configs_scrape_the_engine_metrics_page() -> None:
    for name in ("prometheus.yml", "prometheus.local.yml"):
        text = _text(PROMETHEUS / name)
        assert "job_name: ponte-engine" in text, name
        assert "metrics_path: /metrics" in text, name
        assert "scrape_interval: 5s" in text, name
    mounted = "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml"
    assert mounted in _service_block(_text(COMPOSE), "prometheus")


def test_kafka_image_matches_the_local_broker_version() -> None:
    pom = re.search(r"<kafka\.version>([^<]+)</kafka\.version>", _text(KAFKA_POM))
    image = re.search(r"image: apache/kafka:(\S+)", _service_block(_text(COMPOSE), "kafka"))
    assert pom and image
    assert image.group(1) == pom.group(1)


def test_kafka_listener_the_services_use_is_advertised() -> None:
    compose = _text(COMPOSE)
    bootstrap = set(re.findall(r"PONTE_BOOTSTRAP_SERVERS: (\S+)", compose))
    assert bootstrap == {"kafka:9092"}
    kafka = _service_block(compose, "kafka")
    assert re.search(r"KAFKA_ADVERTISED_LISTENERS: .*PLAINTEXT://kafka:9092\b", kafka)
    assert "--bootstrap-server localhost:9092" in kafka  # the healthcheck
    assert 'KAFKA_AUTO_CREATE_TOPICS_ENABLE: "false"' in kafka


def test_sandboxes_listen_where_the_engine_and_host_look() -> None:
    compose = _text(COMPOSE)
    engine = _service_block(compose, "engine")
    erp_url = re.search(r"PONTE_ERP_BASE_URL: http://erp-sandbox:(\d+)/api", engine)
    assert erp_url, "the engine reaches the ERP sandbox by its service name"
    assert 'PONTE_ALLOW_PRIVATE_URLS: "true"' in engine, (
        "plain http to a service name needs dev mode"
    )
    erp = _service_block(compose, "erp-sandbox")
    assert f'- "{erp_url.group(1)}"' in erp
    for service, port in (("engine", "8100"), ("erp-sandbox", "8101"), ("shopify-sandbox", "8102")):
        assert f'"127.0.0.1:{port}:{port}"' in _service_block(compose, service), service
    assert "network_mode" not in compose
