"""The alert rules, their promtool unit tests, the Prometheus configs and the Grafana dashboards
agree with each other and with the metrics the engine exports.

promtool is Debian's (`apt-get install prometheus`, done by scripts/setup.sh). PyYAML is not a
dependency, so the YAML files are read as text where only a few shapes matter.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

import engine.app  # noqa: F401  # registers every metric of the engine, connectors' included
from engine.settings import REPO_ROOT

PROMETHEUS = REPO_ROOT / "deploy" / "prometheus"
GRAFANA = REPO_ROOT / "deploy" / "grafana"
DASHBOARDS = sorted((GRAFANA / "dashboards").glob("*.json"))
PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
SERIES_FROM_PROMETHEUS = {"up"}
LABELS_FROM_PROMETHEUS = {"instance", "job"}
METRIC_NAME = re.compile(r"\b(ponte_[a-z0-9_]+)(\{[^}]*\})?")


def promtool(*args: str) -> subprocess.CompletedProcess[str]:
    if not Path(PROMTOOL).exists():
        pytest.fail("promtool is missing: run scripts/setup.sh (apt-get install prometheus)")
    return subprocess.run(
        [PROMTOOL, *args], capture_output=True, text=True, timeout=60, cwd=PROMETHEUS
    )


def exported() -> dict[str, set[str]]:
    """Every sample name the engine can export, with the label names of its samples."""
    names: dict[str, set[str]] = {}
    # The registry has no public listing of its collectors and their sample names.
    for collector, samples in list(REGISTRY._collector_to_names.items()):
        labels = set(getattr(collector, "_labelnames", ()))
        for name in samples:
            if name.startswith("ponte_"):
                names[name] = labels | ({"le"} if name.endswith("_bucket") else set())
    return names


def expressions() -> list[tuple[str, str]]:
    """(where, PromQL) of every alert rule and every dashboard query."""
    found = [
        ("alerts.yml", expr)
        for expr in re.findall(
            r"expr: \|\n((?:\s{10}.*\n)+)|expr: (.*)\n", (PROMETHEUS / "alerts.yml").read_text()
        )
    ]
    queries = [(where, a or b) for where, (a, b) in found]
    for path in DASHBOARDS:
        for panel in _panels(json.loads(path.read_text())):
            for target in panel.get("targets", []):
                queries.append((f"{path.name}: {panel['title']}", target["expr"]))
    return queries


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in dashboard["panels"] if p["type"] != "row"]


def test_alert_rules_are_valid() -> None:
    result = promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_alert_rules_pass_their_unit_tests() -> None:
    result = promtool("test", "rules", "alerts.test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@pytest.mark.parametrize("config", ["prometheus.yml", "prometheus.local.yml"])
def test_prometheus_configs_load_the_alert_rules(config: str) -> None:
    result = promtool("check", "config", config)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alerts.yml" in (PROMETHEUS / config).read_text()


def test_every_alert_is_tested_firing_and_not_firing() -> None:
    alerts = set(re.findall(r"- alert: (\w+)", (PROMETHEUS / "alerts.yml").read_text()))
    cases = re.findall(
        r"alertname: (\w+)\n\s+exp_alerts:( \[\])?", (PROMETHEUS / "alerts.test.yml").read_text()
    )
    firing = {name for name, empty in cases if not empty}
    quiet = {name for name, empty in cases if empty}
    assert {"PonteAgentStalled", "PonteIntegrationStopped", "PonteOrdersNotFresh"} <= alerts
    assert alerts - firing == set(), "alerts never tested firing"
    assert alerts - quiet == set(), "alerts never tested not firing"


def test_every_metric_in_rules_and_dashboards_is_exported_with_those_labels() -> None:
    known = exported()
    queries = expressions()
    assert len(queries) > 30
    used = set()
    for where, expr in queries:
        names = METRIC_NAME.findall(expr) + [
            (n, "") for n in SERIES_FROM_PROMETHEUS if re.search(rf"\b{n}\{{", expr)
        ]
        assert names, f"{where}: {expr!r} uses no metric"
        for name, selector in names:
            used.add(name)
            if name in SERIES_FROM_PROMETHEUS:
                continue
            assert name in known, f"{where}: {name} is not a metric the engine exports"
            labels = set(re.findall(r"(\w+)\s*(?:=~|!=|!~|=)", selector))
            unknown = labels - known[name] - LABELS_FROM_PROMETHEUS
            assert not unknown, f"{where}: {name} has no label {sorted(unknown)}"
    main = {
        "ponte_consumer_lag",
        "ponte_oldest_unprocessed_seconds",
        "ponte_integration_status",
        "ponte_webhooks_rejected_total",
        "ponte_events_processed_total",
        "ponte_rate_limit_wait_seconds_total",
        "ponte_job_items",
        "ponte_events_out_total",
    }
    assert main <= used


def test_dashboards_are_valid_and_use_the_provisioned_datasource() -> None:
    datasource = (GRAFANA / "provisioning" / "datasources" / "prometheus.yml").read_text()
    uid = re.search(r"uid: (\S+)", datasource)
    assert uid and "url: http://prometheus:9090" in datasource
    assert {p.name for p in DASHBOARDS} == {"ponte-overview.json", "ponte-integration.json"}
    for path in DASHBOARDS:
        dashboard = json.loads(path.read_text())
        panels = dashboard["panels"]
        assert len({p["id"] for p in panels}) == len(panels), path.name
        for panel in panels:
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24, (path.name, panel["title"])
            if panel["type"] != "row":
                assert panel["targets"], (path.name, panel["title"])
                assert panel["datasource"]["uid"] == uid.group(1), (path.name, panel["title"])


def test_integration_dashboard_is_filtered_by_its_integration_variable() -> None:
    dashboard = json.loads((GRAFANA / "dashboards" / "ponte-integration.json").read_text())
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert "label_values(ponte_integration_status, integration)" in json.dumps(
        variables["integration"]["query"]
    )
    filtered = [
        t["expr"]
        for p in _panels(dashboard)
        for t in p["targets"]
        if 'integration="$integration"' in t["expr"]
    ]
    assert len(filtered) >= 8


def test_compose_provisions_grafana_with_the_dashboards_and_prometheus_with_the_rules() -> None:
    compose = (REPO_ROOT / "docker-compose.yml").read_text()
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in compose
    provider = (GRAFANA / "provisioning" / "dashboards" / "ponte.yml").read_text()
    path = re.search(r"path: (\S+)", provider)
    assert path and f"./deploy/grafana/dashboards:{path.group(1)}:ro" in compose
    assert "./deploy/prometheus/alerts.yml:/etc/prometheus/alerts.yml:ro" in compose
