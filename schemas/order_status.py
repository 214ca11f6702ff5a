"""The canonical order lifecycle and the moves allowed along it.

    pending_payment -> paid -> in_handling -> invoiced -> shipped -> delivered
           \\___________\\__________\\______________________________-> canceled

An order may skip forward (a platform often reports "paid" after we missed "pending") but never
moves back, and nothing leaves ``delivered`` or ``canceled``.
"""

from __future__ import annotations

from enum import StrEnum


class OrderStatus(StrEnum):
    PENDING_PAYMENT = "pending_payment"
    PAID = "paid"
    IN_HANDLING = "in_handling"
    INVOICED = "invoiced"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELED = "canceled"


_FORWARD = [
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.PAID,
    OrderStatus.IN_HANDLING,
    OrderStatus.INVOICED,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
]
_CANCELABLE = frozenset(_FORWARD[:4])


def transition_allowed(current: OrderStatus, new: OrderStatus) -> bool:
    """True when an order in ``current`` may move to ``new`` (the same status is a no-op)."""
    if current == new:
        return True
    if new is OrderStatus.CANCELED:
        return current in _CANCELABLE
    if current is OrderStatus.CANCELED:
        return False
    return _FORWARD.index(new) > _FORWARD.index(current)
