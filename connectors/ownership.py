"""Field ownership on product writes: which keys of a platform's body an update leaves out.

``Product.withheld`` names the canonical fields the far side keeps on an update (it owns them,
or images are not synced). Each connector maps those fields to its own body keys with a
``KeysOf`` table and leaves the keys out of an update; a create sends everything (the engine
never withholds on a create). Pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.integration import OwnedField
from schemas.product import Product

KeysOf = Mapping[OwnedField, tuple[str, ...]]
"""A platform's body keys for each owned field (fields it never writes are simply absent)."""


def keys_withheld(product: Product, keys_of: KeysOf) -> frozenset[str]:
    """The body keys an update of ``product`` must not send."""
    return frozenset(key for owned in product.withheld for key in keys_of.get(owned, ()))


def without(body: Mapping[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """``body`` less ``keys``."""
    return {key: value for key, value in body.items() if key not in keys}


def withholds(product: Product, owned: OwnedField) -> bool:
    return owned in product.withheld
