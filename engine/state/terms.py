"""A compact search index: term -> the record keys that carry it.

Nearly every term (a SKU, an EAN, a platform id, an order number) names one record, so a term
maps to that record's key itself (the same ``str`` object the view keys its records by, not a
copy); a term shared by a few records holds a tuple of keys, and one shared by many (a SKU in
thousands of orders' history) a dict used as an ordered set, so adding and removing stay O(1).
A set per term would cost about 200 bytes even for one key; this costs one dict slot.
"""

from __future__ import annotations

from collections.abc import Iterable

TUPLE_MOST = 8
"""Keys a term holds in a tuple; past that, in a dict."""

Keys = str | tuple[str, ...] | dict[str, None]


class TermIndex:
    __slots__ = ("_keys",)

    def __init__(self) -> None:
        self._keys: dict[str, Keys] = {}

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, term: str) -> tuple[str, ...]:
        """The keys of the records that carry ``term`` (in the order they were added)."""
        found = self._keys.get(term)
        if found is None:
            return ()
        return (found,) if isinstance(found, str) else tuple(found)

    def add(self, terms: Iterable[str], key: str) -> None:
        for term in terms:
            found = self._keys.get(term)
            if found is None:
                self._keys[term] = key
            elif isinstance(found, dict):
                found[key] = None
            elif isinstance(found, str):
                if found != key:
                    self._keys[term] = (found, key)
            elif key not in found:
                grown = (*found, key)
                self._keys[term] = grown if len(grown) <= TUPLE_MOST else dict.fromkeys(grown)

    def discard(self, terms: Iterable[str], key: str) -> None:
        for term in terms:
            found = self._keys.get(term)
            if found is None:
                continue
            if isinstance(found, str):
                if found == key:
                    del self._keys[term]
            elif isinstance(found, dict):
                found.pop(key, None)
                if not found:
                    del self._keys[term]
            else:
                rest = tuple(k for k in found if k != key)
                self._keys[term] = rest[0] if len(rest) == 1 else rest
