"""Admin API of an integration's held events: list them, then process or discard them.

The logic (acknowledged re-sends before release, history of discards) is in
``engine.held_replay``; these views validate the request and answer.
"""

from __future__ import annotations

from faust.web import Request, Response, View
from pydantic import BaseModel, ConfigDict, Field

from engine.configuration import Refused
from engine.context import Engine
from engine.held_replay import (
    SUMMARY_LIMIT,
    discard_held,
    held_counts,
    held_summary,
    process_held,
    selected,
)
from engine.web.api import (
    AdminView,
    ApiError,
    actor_of,
    integration_or_404,
    json_body,
    parse,
)
from schemas.automation import Automation


class HeldDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: str = Field(pattern="^(process|discard)$")
    entity_keys: list[str] | None = Field(
        None, description="Only these entities' held events (default: all of the automation)."
    )


def held_view(engine: Engine) -> type[View]:
    class HeldEvents(AdminView):
        ponte = engine

        async def get(self, request: Request, integration_id: str) -> Response:
            integration_or_404(engine, integration_id)
            automation = request.query.get("automation")
            named = None if automation is None else automation_named(automation).value
            view = engine.views.held
            return self.json(
                {
                    "count": view.count(integration_id, named),
                    "by_automation": held_counts(engine, integration_id),
                    "items": [
                        held_summary(h) for h in view.oldest(integration_id, named, SUMMARY_LIMIT)
                    ],
                }
            )

    return HeldEvents


def held_decision_view(engine: Engine) -> type[View]:
    class HeldDecisionView(AdminView):
        ponte = engine

        async def post(self, request: Request, integration_id: str, automation: str) -> Response:
            integration = integration_or_404(engine, integration_id)
            named = automation_named(automation)
            decision = parse(HeldDecision, await json_body(request), "decision")
            held = selected(engine, integration_id, named, decision.entity_keys)
            actor = actor_of(request)
            try:
                if decision.action == "process":
                    done = await process_held(engine, integration, named, held, actor)
                else:
                    done = await discard_held(engine, integration, held, actor)
            except Refused as exc:
                raise ApiError(exc.status, exc.code, exc.message) from exc
            except TimeoutError as exc:
                raise ApiError(
                    503, "not_visible_yet", "done, but the held list shows it shortly"
                ) from exc
            left = engine.views.held.count(integration_id, named.value)
            return self.json({"action": decision.action, "count": done, "held_left": left})

    return HeldDecisionView


def automation_named(name: str) -> Automation:
    try:
        return Automation(name)
    except ValueError as exc:
        known = ", ".join(a.value for a in Automation)
        raise ApiError(
            400, "unknown_automation", f"no automation {name!r}; known: {known}"
        ) from exc
