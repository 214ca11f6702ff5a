"""Whether a manual action can run on an integration's platform, before anything is queued.

Pure: the capability table decides. Each refusal carries a code and a sentence the operator
can act on (the admin API answers it as a 400).
"""

from __future__ import annotations

from dataclasses import dataclass

from connectors.capabilities import ConnectorSpec, Entity, Operation
from schemas.job import JobKind, JobRequest

CATALOG_ENTITIES = (Entity.PRODUCT, Entity.CATEGORY, Entity.BRAND, Entity.ATTRIBUTE)
EXPORTABLE = CATALOG_ENTITIES
MANUAL_KINDS = (JobKind.IMPORT, JobKind.EXPORT, JobKind.IMPORT_ORDERS)


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


def refusal(request: JobRequest, spec: ConnectorSpec) -> Refusal | None:
    """Why ``request`` cannot run against ``spec``'s platform; None when it can."""
    if request.kind not in MANUAL_KINDS:
        kinds = ", ".join(kind.value for kind in MANUAL_KINDS)
        return Refusal("unsupported_kind", f"kind must be one of: {kinds}")
    if request.kind is JobKind.IMPORT_ORDERS:
        return _orders_refusal(request, spec)
    if request.date_from or request.date_to or request.order_number:
        return Refusal(
            "not_for_this_kind", "date_from, date_to and order_number are for import_orders only"
        )
    if request.kind is JobKind.IMPORT:
        return _import_refusal(request, spec)
    return _export_refusal(request, spec)


def _entity(request: JobRequest, allowed: tuple[Entity, ...]) -> Entity | Refusal:
    if request.entity in {entity.value for entity in allowed}:
        return Entity(request.entity)
    names = ", ".join(entity.value for entity in allowed)
    verb = "Importar" if request.kind is JobKind.IMPORT else "Exportar"
    return Refusal("unsupported_entity", f"{verb} takes entity {names}, not {request.entity!r}")


def _import_refusal(request: JobRequest, spec: ConnectorSpec) -> Refusal | None:
    entity = _entity(request, CATALOG_ENTITIES)
    if isinstance(entity, Refusal):
        return entity
    if request.code is not None:
        if not spec.can(entity, Operation.GET_BY_CODE):
            return Refusal(
                "platform_cannot", f"{spec.title} cannot read one {entity.value} by its code"
            )
        return None
    if not (spec.can(entity, Operation.LIST_SINCE) or spec.can(entity, Operation.READ)):
        hint = (
            "; import them one at a time by code" if spec.can(entity, Operation.GET_BY_CODE) else ""
        )
        return Refusal(
            "platform_cannot", f"{spec.title} cannot list its {entity.value} records{hint}"
        )
    return None


def _export_refusal(request: JobRequest, spec: ConnectorSpec) -> Refusal | None:
    entity = _entity(request, EXPORTABLE)
    if isinstance(entity, Refusal):
        return entity
    if entity in spec.on_products:
        return None  # the job answers at once why there is nothing to send (sources)
    if not spec.can(entity, Operation.WRITE):
        return Refusal("platform_cannot", f"{spec.title} takes no {entity.value} writes")
    return None


def _orders_refusal(request: JobRequest, spec: ConnectorSpec) -> Refusal | None:
    if request.entity not in (Entity.ORDER.value, Entity.PRODUCT.value):
        return Refusal("unsupported_entity", "Importar Pedidos de Venda imports orders only")
    if request.code is not None:
        return Refusal("not_for_this_kind", "import one order by order_number, not code")
    if request.order_number is None and request.date_from is None:
        return Refusal("missing_range", "give date_from (and date_to), or an order_number")
    if request.date_to is not None and request.date_from is None:
        return Refusal("missing_range", "date_to needs a date_from")
    if request.date_from and request.date_to and request.date_to < request.date_from:
        return Refusal(
            "invalid_range",
            f"date_to ({request.date_to}) is before date_from ({request.date_from})",
        )
    if not spec.can(Entity.ORDER, Operation.LIST_SINCE):
        return Refusal("platform_cannot", f"{spec.title} cannot list its orders")
    return None
