"""Every admin API operation as data: method, path, body and answer models, error statuses.

``openapi`` builds the document from this table; ``tests/integration/test_openapi.py`` checks
it against the routes a worker registers (none undocumented, none documented but missing).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel

from engine.integrations import IntegrationCreate
from engine.web import api_models as a
from engine.web.config_api import IntegrationChange, PauseRequest
from engine.web.connection_api import ConnectionTest
from engine.web.held_api import HeldDecision
from engine.web.mappings_api import MappingsChange, PreviewRequest
from engine.web.records_api import MatchRequest, ParkedAction, RetryRequest
from schemas.automation import Automation
from schemas.integration import IntegrationSettings
from schemas.job import Job, JobRequest

V1 = "/api/v1"
ONE = f"{V1}/integrations/{{integration_id}}"
NAMED_IN_PATH = {"integration_id", "job_id", "version"}  # unknown ones answer 404
SAVES = (409, 503)  # changed meanwhile / not visible yet

PATH_PARAMETERS: dict[str, dict[str, Any]] = {
    "integration_id": {"type": "string", "pattern": "^[a-z0-9][a-z0-9-]{1,62}$"},
    "job_id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9-]{0,79}$"},
    "version": {"type": "integer", "minimum": 1, "maximum": 2**31},
    "automation": {"type": "string", "enum": [x.value for x in Automation]},
    "name": {"type": "string", "enum": [x.value for x in Automation]},
}


@dataclass(frozen=True)
class Query:
    name: str
    description: str
    required: bool = False
    schema: dict[str, Any] = field(default_factory=lambda: {"type": "string", "maxLength": 200})


SEARCH = Query("q", "ERP id, platform id, SKU, EAN or order number (at most 200 characters).")


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    answer: type[BaseModel]
    tag: str
    status: int = 200
    body: type[BaseModel] | None = None
    body_optional: bool = False
    errors: tuple[int, ...] = ()
    query: tuple[Query, ...] = ()
    answered: str = ""

    @property
    def path_parameters(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def operation_id(self) -> str:
        words = re.sub(r"[{}]", "", self.path.removeprefix(V1)).replace("-", "_").split("/")
        return "_".join([self.method.lower(), *(w for w in words if w)])

    @property
    def error_statuses(self) -> list[int]:
        statuses = {401, 403, *self.errors}
        if NAMED_IN_PATH & set(self.path_parameters):
            statuses.add(404)
        if self.body is not None:
            statuses |= {400, 415}
        if self.query or {"version", "automation", "name"} & set(self.path_parameters):
            statuses.add(400)
        return sorted(statuses)


def _op(
    method: str, path: str, summary: str, answer: type[BaseModel], tag: str, **kw: Any
) -> Operation:
    return Operation(method, path, summary, answer, tag, **kw)


INTEGRATIONS = "Integrações"
CONFIG = "Configurações"
MAPPINGS = "Mapeamentos"
AUTOMATIONS = "Automações"
RECORDS = "Vínculos, histórico e erros"
JOBS = "Jobs"

OPERATIONS: tuple[Operation, ...] = (
    _op("GET", f"{V1}/openapi.json", "This document", a.OpenApiAnswer, INTEGRATIONS),
    _op("GET", f"{V1}/integrations", "List the integrations", a.IntegrationList, INTEGRATIONS),
    _op(
        "POST",
        f"{V1}/integrations",
        "Include an integration",
        a.IntegrationView,
        INTEGRATIONS,
        status=201,
        body=IntegrationCreate,
        errors=SAVES,
    ),
    _op(
        "POST",
        f"{V1}/integrations/test-connection",
        "Testar Conexão with unsaved access",
        a.ConnectionAnswer,
        INTEGRATIONS,
        body=ConnectionTest,
        errors=(409,),
    ),
    _op("GET", ONE, "Read an integration", a.IntegrationView, INTEGRATIONS),
    _op(
        "PATCH",
        ONE,
        "Rename it or change its access fields",
        a.IntegrationView,
        INTEGRATIONS,
        body=IntegrationChange,
        errors=SAVES,
    ),
    _op(
        "DELETE",
        ONE,
        "Delete an integration (none of its events may be held)",
        a.Deleted,
        INTEGRATIONS,
        errors=SAVES,
    ),
    _op(
        "POST",
        f"{ONE}/test-connection",
        "Testar Conexão with the saved access",
        a.ConnectionAnswer,
        INTEGRATIONS,
    ),
    _op(
        "POST",
        f"{ONE}/pause",
        "Pause",
        a.IntegrationView,
        INTEGRATIONS,
        body=PauseRequest,
        body_optional=True,
        errors=SAVES,
    ),
    _op(
        "POST",
        f"{ONE}/resume",
        "Resume",
        a.IntegrationView,
        INTEGRATIONS,
        body=PauseRequest,
        body_optional=True,
        errors=SAVES,
    ),
    _op("GET", f"{ONE}/settings", "Read Configurações", a.SettingsAnswer, CONFIG),
    _op(
        "PUT",
        f"{ONE}/settings",
        "Replace Configurações",
        a.SettingsAnswer,
        CONFIG,
        body=IntegrationSettings,
        errors=SAVES,
    ),
    _op(
        "PATCH",
        f"{ONE}/settings",
        "Change Configurações (JSON merge patch)",
        a.SettingsAnswer,
        CONFIG,
        body=a.SettingsPatch,
        errors=SAVES,
    ),
    _op("GET", f"{ONE}/config/versions", "The config log", a.ConfigVersions, CONFIG),
    _op("GET", f"{ONE}/config/versions/{{version}}", "One logged version", a.ConfigVersion, CONFIG),
    _op(
        "POST",
        f"{ONE}/config/versions/{{version}}/restore",
        "Restore a version's Configurações, Mapeamentos and Automações",
        a.RestoredIntegration,
        CONFIG,
        status=201,
        errors=SAVES,
    ),
    _op(
        "GET",
        f"{ONE}/config/diff",
        "What changed between two versions",
        a.ConfigDiff,
        CONFIG,
        query=(
            Query("from", "The older version.", True, {"type": "integer"}),
            Query("to", "The newer version.", True, {"type": "integer"}),
        ),
    ),
    _op("GET", f"{ONE}/mappings", "Read Mapeamentos", a.MappingsAnswer, MAPPINGS),
    _op(
        "PUT",
        f"{ONE}/mappings",
        "Replace Mapeamentos",
        a.MappingsAnswer,
        MAPPINGS,
        body=MappingsChange,
        errors=SAVES,
    ),
    _op(
        "POST",
        f"{ONE}/mappings/preview",
        "What a draft would send for recent real events",
        a.PreviewAnswer,
        MAPPINGS,
        body=PreviewRequest,
    ),
    _op("GET", f"{ONE}/automations", "Read Automações, grouped", a.AutomationsAnswer, AUTOMATIONS),
    _op(
        "PATCH",
        f"{ONE}/automations",
        "Switch automations on or off, set schedules",
        a.AutomationsAnswer,
        AUTOMATIONS,
        body=a.AutomationsPatch,
        errors=SAVES,
    ),
    _op(
        "GET",
        f"{ONE}/held",
        "Events held while an automation was off",
        a.HeldList,
        AUTOMATIONS,
        query=(
            Query("automation", "Only this automation's.", schema=PATH_PARAMETERS["automation"]),
        ),
    ),
    _op(
        "POST",
        f"{ONE}/held/{{automation}}",
        "Process or discard held events",
        a.HeldDecisionAnswer,
        AUTOMATIONS,
        body=HeldDecision,
        errors=(409, 503),
    ),
    _op(
        "POST",
        f"{ONE}/automations/{{name}}/run",
        "Run a scheduled automation now",
        a.RunAnswer,
        AUTOMATIONS,
        status=202,
        errors=(409,),
    ),
    _op("GET", f"{ONE}/automation-runs", "Schedules and recent runs", a.RunsAnswer, AUTOMATIONS),
    _op(
        "GET",
        f"{ONE}/links",
        "Links (vínculos) with the ERP",
        a.LinksAnswer,
        RECORDS,
        query=(SEARCH,),
    ),
    _op(
        "POST",
        f"{ONE}/links/match",
        "Match both catalogues by SKU/EAN",
        a.MatchAnswer,
        RECORDS,
        body=MatchRequest,
        errors=(409, 502, 503),
    ),
    _op(
        "GET",
        f"{ONE}/history",
        "History (histórico), by entity",
        a.HistoryAnswer,
        RECORDS,
        query=(SEARCH,),
    ),
    _op("GET", f"{ONE}/errors", "The error list (Erros)", a.ErrorsAnswer, RECORDS),
    _op(
        "POST",
        f"{ONE}/errors/retry",
        "Retry a parked record, edited or not",
        a.RetryAnswer,
        RECORDS,
        status=202,
        body=RetryRequest,
        errors=(404, 409),
    ),
    _op(
        "POST",
        f"{ONE}/errors/ignore",
        "Ignore a parked record",
        a.IgnoreAnswer,
        RECORDS,
        body=ParkedAction,
        errors=(404, 409, 503),
    ),
    _op("GET", f"{ONE}/jobs", "The integration's jobs, newest first", a.JobsAnswer, JOBS),
    _op(
        "POST",
        f"{ONE}/jobs",
        "Start Importar, Exportar or Importar Pedidos de Venda",
        Job,
        JOBS,
        status=202,
        body=JobRequest,
        errors=SAVES,
    ),
    _op("GET", f"{V1}/jobs/{{job_id}}", "A job's progress and result", Job, JOBS),
    _op(
        "POST",
        f"{V1}/jobs/{{job_id}}/cancel",
        "Cancel a job",
        a.JobCancelAnswer,
        JOBS,
        status=202,
        errors=(409,),
    ),
)
