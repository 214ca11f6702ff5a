"""The payloads an integration sends, its Configurações and Mapeamentos applied. Pure.

The one place where an integration's choices reach an outgoing record; the sinks call these
per message and park ``MappingMissing`` with its reason.

Orders (platform -> ERP): the ERP situacao is the order_status mapping, else Configurações'
``erp_order_status``; the sales channel the mapping, else Configurações' ``sales_channel``,
else the platform's name; carrier and payment method (mapped per payment, ``payment.method``
naming the payment at hand) the mapping, else as the platform names them.

Products: the description is the ERP text ``description_source`` picks (the description when
that text is empty), an extra_description mapping is appended to it as a paragraph, NCM and
custom attributes come from their mappings. Owned fields: on an update, the fields the other
side owns (Configurações' ``field_owner``) are listed in ``Product.withheld`` and the sink
leaves them as that side has them (the ERP mapping drops their keys; a platform connector
does not send them); images not synced (``sync_images`` off) are withheld on every write. A
create sends every field: the far side has nothing to keep yet.
"""

from __future__ import annotations

from typing import Any

from connectors.erp.client import PedidoJson
from connectors.erp.mapping import PedidoChoices, order_to_pedido
from connectors.erp.situacao import Situacao
from engine.failures import MappingMissing
from engine.mapping_rules import (
    ORDER_TARGETS,
    PRODUCT_TARGETS,
    Mapped,
    applied,
    ncm_digits,
)
from schemas.integration import DescriptionSource, Integration, OwnedField, Side
from schemas.mapping import MappingTarget
from schemas.order import Order
from schemas.product import AttributeValue, Product

_ORDER_LEVEL = ORDER_TARGETS - {MappingTarget.PAYMENT_METHOD}
_PAYMENT = frozenset({MappingTarget.PAYMENT_METHOD})
_TO_ERP, _TO_PLATFORM = "an ERP", "a platform"


def pedido_for(order: Order, integration: Integration) -> PedidoJson:
    """The ERP sales order for a platform order (raises engine.failures.MappingMissing)."""
    rules, settings = integration.mappings, integration.settings
    mapped = applied(
        rules, order, creating=True, targets=_ORDER_LEVEL, kind="order", toward=_TO_ERP
    )
    choices = PedidoChoices(
        sales_channel=mapped.get(MappingTarget.SALES_CHANNEL) or settings.sales_channel,
        carrier=mapped.get(MappingTarget.CARRIER),
        payment_methods=_payment_methods(order, integration),
    )
    return order_to_pedido(
        order, situacao=_situacao(mapped, settings.erp_order_status), choices=choices
    )


def _payment_methods(order: Order, integration: Integration) -> tuple[str | None, ...]:
    if not any(rule.target is MappingTarget.PAYMENT_METHOD for rule in integration.mappings):
        return ()
    return tuple(
        applied(
            integration.mappings,
            order,
            creating=True,
            targets=_PAYMENT,
            kind="order",
            toward=_TO_ERP,
            bound={"payment": payment},
        ).get(MappingTarget.PAYMENT_METHOD)
        for payment in order.payments
    )


def _situacao(mapped: Mapped, configured: int) -> int:
    value = mapped.get(MappingTarget.ORDER_STATUS)
    if value is None:
        return configured
    try:
        return int(Situacao(int(value)))
    except ValueError:
        codes = ", ".join(f"{int(s)} {s.label}" for s in Situacao)
        raise MappingMissing(
            f"order status mapped to {value!r}, which is not an ERP situacao ({codes})"
        ) from None


def product_for_platform(product: Product, integration: Integration, *, creating: bool) -> Product:
    """The product as this integration publishes it (raises engine.failures.MappingMissing)."""
    settings = integration.settings
    mapped = _product_mapped(product, integration, creating=creating, toward=_TO_PLATFORM)
    changes: dict[str, Any] = {
        "description": _described(
            _source_text(product, settings.description_source),
            mapped.get(MappingTarget.EXTRA_DESCRIPTION),
        ),
        "withheld": _withheld(integration, Side.PLATFORM, creating=creating),
    }
    if not settings.sync_images:
        changes["images"] = []
        changes["withheld"] = sorted({*changes["withheld"], OwnedField.IMAGES})
    return _with_mapped(product, mapped, changes)


def product_for_erp(product: Product, integration: Integration, *, creating: bool) -> Product:
    """A platform's product as this integration imports it into the ERP: the platform's
    description lands in the ERP text ``description_source`` names, an extra_description
    mapping in the complementary description (raises engine.failures.MappingMissing)."""
    source = integration.settings.description_source
    mapped = _product_mapped(product, integration, creating=creating, toward=_TO_ERP)
    texts = {
        "description": product.description if source is DescriptionSource.DESCRIPTION else None,
        "short_description": (
            product.description if source is DescriptionSource.SHORT_DESCRIPTION else None
        ),
        "complement": product.description if source is DescriptionSource.COMPLEMENT else None,
    }
    extra = mapped.get(MappingTarget.EXTRA_DESCRIPTION)
    if extra is not None:
        texts["complement"] = _described(texts["complement"], extra)
    changes = texts | {"withheld": _withheld(integration, Side.ERP, creating=creating)}
    return _with_mapped(product, mapped, changes)


def _product_mapped(
    product: Product, integration: Integration, *, creating: bool, toward: str
) -> Mapped:
    return applied(
        integration.mappings,
        product,
        creating=creating,
        targets=PRODUCT_TARGETS,
        kind="product",
        toward=toward,
    )


def _with_mapped(product: Product, mapped: Mapped, changes: dict[str, Any]) -> Product:
    ncm = mapped.get(MappingTarget.NCM)
    if ncm is not None:
        digits = ncm_digits(ncm)
        if digits is None:
            raise MappingMissing(f"NCM mapped to {ncm!r}, which is not 8 digits")
        changes["ncm"] = digits
    category = mapped.get(MappingTarget.CATEGORY)
    if category is not None:  # the most specific category: where the platform files it
        changes["categories"] = [*product.categories, category]
    brand = mapped.get(MappingTarget.BRAND)
    if brand is not None:
        changes["brand"] = brand
    if mapped.attributes:
        kept = [spec for spec in product.specifications if spec.name not in mapped.attributes]
        added = [AttributeValue(name=n, value=v) for n, v in mapped.attributes.items()]
        changes["specifications"] = kept + added
    return product.model_copy(update=changes)


def _source_text(product: Product, source: DescriptionSource) -> str | None:
    if source is DescriptionSource.SHORT_DESCRIPTION:
        return product.short_description or product.description
    if source is DescriptionSource.COMPLEMENT:
        return product.complement or product.description
    return product.description


def _described(text: str | None, extra: str | None) -> str | None:
    if extra is None:
        return text
    return f"{text}\n\n{extra}" if text else extra


def _withheld(integration: Integration, owner: Side, *, creating: bool) -> list[OwnedField]:
    """The fields ``owner`` (the side written to) keeps on an update."""
    if creating:
        return []
    owners = integration.settings.field_owner
    return sorted(field for field in OwnedField if owners.get(field, Side.ERP) is owner)
