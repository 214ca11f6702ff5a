"""The Integrações screens: Plataformas, Incluir uma Plataforma, and one integration's tabs.

Pages read this worker's views (registry, jobs, parked, history) and render; every change is
made by the page's script through the JSON admin API, with the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web
from faust.web import Request, Response, View

from connectors.registry import PLATFORMS
from engine.configuration import automations_view
from engine.context import Engine
from engine.held_replay import held_counts
from engine.jobs.requests import CATALOG_ENTITIES
from engine.parked_actions import parked_view
from engine.web.ui.forms import form_fields
from engine.web.ui.pages import Page, redirect
from engine.web.ui.versions import history_context, shown_time
from engine.web.ui.words import (
    APPLY_WHEN,
    AUTOMATIONS,
    ENTITIES,
    ERROR_ADVICE,
    ERROR_CLASSES,
    JOB_DONE,
    JOB_KINDS,
    JOB_STATES,
    MAPPING_TARGETS,
    OWNED_FIELDS,
    STATUS,
    TRANSFORMS,
    record_label,
    status_explained,
)
from schemas.automation import Automation
from schemas.integration import Integration, IntegrationSettings, OwnedField
from schemas.job import Job
from schemas.mapping import MappingRule

TABS = {
    "configuracoes": "Configurações",
    "mapeamentos": "Mapeamentos",
    "automacoes": "Automações",
    "erros": "Erros",
    "acesso": "Acesso",
    "versoes": "Histórico de configurações",
}
MENU_PAGES = {
    "importar": "Importar",
    "exportar": "Exportar",
    "pedidos": "Importar Pedidos de Venda",
    "historico": "Histórico e vínculos",
    "tarefas": "Tarefas",
}


def summary(engine: Engine, integration: Integration) -> dict[str, Any]:
    """An integration as a row of Plataformas (and the heading of its page)."""
    recent = engine.views.history.recent(integration.id)
    last = max([e.at for e in recent], default=integration.updated_at)
    return {
        "id": integration.id,
        "name": integration.name,
        "platform_title": PLATFORMS[integration.platform].title,
        "status": integration.status.value,
        "status_label": STATUS[integration.status],
        "status_reason": status_explained(integration.status, integration.status_reason),
        "version": integration.version,
        "last_activity": shown_time(last),
    }


def job_row(job: Job) -> dict[str, Any]:
    request = job.request
    what = ENTITIES.get(request.entity, request.entity)
    title = f"{JOB_KINDS.get(request.kind.value, request.kind.value)} {what}"
    if request.code:
        title += f" (código {request.code})"
    return {
        "id": job.id,
        "title": title,
        "state": job.state.value,
        "state_label": JOB_STATES[job.state.value],
        "finished": job.state.finished,
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
        "result": job_outcome(job),
        "requested": f"{job.requested_by}, {shown_time(job.created_at)}",
    }


def job_outcome(job: Job) -> str:
    """The result of a finished job in pt-BR, from its counts (the runner's text is English)."""
    if not job.state.finished:
        return ""
    if job.notice:
        return job.notice
    if job.state.value == "failed":
        return f"Não concluída ({job.done} feito(s)). Detalhe técnico: {job.result or '-'}"
    total = job.total if job.total is not None else job.done + job.failed
    text = f"{job.done} de {total} {JOB_DONE[job.request.kind.value]}"
    if job.failed:
        text += f", {job.failed} com erro"
    if job.state.value == "cancelled":
        text += " antes do cancelamento"
    first = "; ".join(f"{e.item}: {e.reason}" for e in job.errors[:3])
    return f"{text} — {first}" if first else text


def automation_groups(engine: Engine, integration: Integration) -> list[dict[str, Any]]:
    groups = automations_view(integration.automations, held_counts(engine, integration.id))
    for group in groups:
        for item in group["automations"]:
            item["label"], item["explanation"] = AUTOMATIONS[Automation(item["name"])]
    return groups


def rule_row(rule: MappingRule | None) -> dict[str, Any]:
    """A rule as its fieldset shows it; None: the blank rule of "Adicionar regra"."""
    if rule is None:
        return {"target": "carrier", "transform": {"kind": "lookup"}, "when": "always"}
    row = rule.model_dump(mode="json")
    transform = rule.transform
    if transform.kind == "lookup":
        row["value_text"] = "\n".join(f"{k} = {v}" for k, v in transform.table.items())
        row["default"] = transform.default
    else:
        row["value_text"] = transform.value if transform.kind == "constant" else transform.template
    return row


def tab_context(
    engine: Engine, integration: Integration, tab: str, query: Mapping[str, str]
) -> dict[str, Any]:
    spec = PLATFORMS[integration.platform]
    settings = integration.settings
    if tab == "configuracoes":
        extras = spec.extras
        return {
            "settings_fields": form_fields(
                IntegrationSettings,
                settings.model_dump(mode="json"),
                skip=frozenset({"field_owner"}),
            ),
            "owners": [(n, label, settings.field_owner[n].value) for n, label in _owned()],
            "extras_fields": []
            if extras is None
            else form_fields(extras, settings.platform_extras),
        }
    if tab == "mapeamentos":
        return {
            "rules": [rule_row(rule) for rule in integration.mappings],
            "blank_rule": rule_row(None),
            "targets": list(MAPPING_TARGETS.items()),
            "transforms": list(TRANSFORMS.items()),
            "apply_when": list(APPLY_WHEN.items()),
        }
    if tab == "automacoes":
        return {"groups": automation_groups(engine, integration)}
    if tab == "acesso":
        return access_context(engine, integration)
    if tab == "versoes":
        log = engine.views.config_log.of_integration(integration.id)
        return history_context(log, integration.version, query)
    if tab == "erros":
        return {
            "errors": [_error_row(r) for r in engine.views.parked.of_integration(integration.id)]
        }
    shown = None if tab == "tarefas" else 20
    jobs = [job_row(j) for j in engine.views.jobs.of_integration(integration.id)[:shown]]
    return {
        "jobs": jobs,
        "entities": [(e.value, ENTITIES[e.value]) for e in CATALOG_ENTITIES],
        "query": "",
    }


def access_context(engine: Engine, integration: Integration) -> dict[str, Any]:
    """The Acesso tab: the saved access fields (secrets only as "definido") and held counts."""
    held = held_counts(engine, integration.id)
    return {
        "fields": form_fields(PLATFORMS[integration.platform].settings, integration.connection),
        "secrets_set": frozenset(integration.sealed_fields),
        "held_total": sum(held.values()),
    }


def _owned() -> list[tuple[Any, str]]:
    return [(field, OWNED_FIELDS[field.value]) for field in OwnedField]


def _error_row(record: Any) -> dict[str, Any]:
    row = parked_view(record)
    row["class_label"] = ERROR_CLASSES.get(row["error_class"], row["error_class"])
    row["advice"] = ERROR_ADVICE.get(row["error_class"], "")
    row["record"] = record_label(row["entity_key"])
    row["parked_at"] = shown_time(record.parked_at)
    row["payload_json"] = orjson.dumps(row["payload"], option=orjson.OPT_INDENT_2).decode()
    return row


def screen_views(engine: Engine) -> dict[str, type[View]]:
    """Path -> page of the Integrações screens."""

    class Plataformas(Page):
        ponte = engine

        async def get(self, request: Request) -> Response:
            items = [
                summary(engine, i) for i in sorted(engine.registry.all(), key=lambda i: i.name)
            ]
            return self.render(request, "plataformas.html", items=items)

    class Incluir(Page):
        ponte = engine

        async def get(self, request: Request) -> Response:
            chosen = str(request.query.get("plataforma", ""))
            spec = PLATFORMS.get(chosen)
            return self.render(
                request,
                "incluir.html",
                platforms=[(name, s.title) for name, s in PLATFORMS.items()],
                chosen=chosen if spec else "",
                chosen_title=spec.title if spec else "",
                fields=form_fields(spec.settings) if spec else [],
            )

    class IntegrationPage(Page):
        ponte = engine

        async def get(self, request: Request, integration_id: str, tab: str) -> Response:
            integration = engine.registry.get(integration_id)
            label = TABS.get(tab) or MENU_PAGES.get(tab)
            if integration is None or label is None:
                return self.render(request, "nao_encontrado.html", status=404)
            errors = engine.views.parked.count(integration.id)
            tabs = [
                (k, f"{v} ({errors})" if k == "erros" and errors else v) for k, v in TABS.items()
            ]
            return self.render(
                request,
                "integracao.html",
                item=summary(engine, integration),
                tabs=tabs,
                tab=tab,
                tab_label=label,
                tab_template=f"tab_{tab}.html",
                **tab_context(engine, integration, tab, request.query),
            )

    class IntegrationHome(Page):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response | web.Response:
            if engine.registry.get(integration_id) is None:
                return self.render(request, "nao_encontrado.html", status=404)
            return redirect(f"/plataformas/{integration_id}/configuracoes")

    return {
        "/plataformas": Plataformas,
        "/plataformas/incluir": Incluir,
        "/plataformas/{integration_id}": IntegrationHome,
        "/plataformas/{integration_id}/{tab}": IntegrationPage,
    }
