"""Links (vínculos) between ERP ids and platform ids, findable by SKU, EAN, order number or
platform code.

Compact: a link is kept as the bytes it was written as, stamped with its creation time
(engine.state.stamped), and decoded when read, as few at a time as a query needs. Links are grouped by integration, with one term index per
integration whose entries point at the link's key itself. About 1 KiB of worker memory per link
against 3 KiB for a pydantic object plus a set per term (bench.suite_memory measures it).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable

import orjson

from engine.bindings import BoundTopics
from engine.state.stamped import stamp_of, stamped, value_of
from engine.state.terms import TermIndex
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.link import Link
from topics.registry import LINKS

TERM_FIELDS = ("erp_id", "platform_id", "sku", "ean", "order_number")


class _IntegrationLinks:
    """One integration's links: key -> stored link, and the index of their terms."""

    __slots__ = ("encoded", "terms")

    def __init__(self) -> None:
        self.encoded: dict[str, bytes] = {}
        self.terms = TermIndex()


class LinksView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._integrations: dict[str, _IntegrationLinks] = {}

    def get(self, integration_id: str, entity: str, erp_id: str) -> Link | None:
        links = self._integrations.get(integration_id)
        stored = links and links.encoded.get(f"{integration_id}:{entity}:{erp_id}")
        return _link(stored) if stored else None

    def linked_by(self, entity: str, erp_id: str) -> list[str]:
        """The integrations that link this ERP record."""
        return [
            integration_id
            for integration_id, links in self._integrations.items()
            if f"{integration_id}:{entity}:{erp_id}" in links.encoded
        ]

    def by_platform_id(self, integration_id: str, entity: str, platform_id: str) -> Link | None:
        prefix = f"{integration_id}:{entity}:"
        for link in self._decoded(integration_id, platform_id, prefix):
            if link.entity == entity and link.platform_id == platform_id:
                return link
        return None

    def find(self, integration_id: str, term: str) -> list[Link]:
        """Links of one integration whose ERP id, platform id, SKU, EAN or order number is ``term``."""
        return sorted(self._decoded(integration_id, term), key=lambda link: link.key)

    def of_integration(self, integration_id: str) -> list[Link]:
        links = self._integrations.get(integration_id)
        return [_link(stored) for stored in links.encoded.values()] if links else []

    def id_pairs(self, integration_id: str, entity: str) -> list[tuple[str, str]]:
        """(ERP id, platform id) of an integration's links of one entity, without decoding
        whole links (the catalogue matching reads all of them)."""
        links = self._integrations.get(integration_id)
        prefix = f"{integration_id}:{entity}:"
        pairs = []
        for key, stored in links.encoded.items() if links else ():
            if key.startswith(prefix):
                fields = orjson.loads(value_of(stored))
                pairs.append((fields["erp_id"], fields["platform_id"]))
        return pairs

    def newest(self, integration_id: str, count: int) -> list[Link]:
        """An integration's ``count`` latest links by creation time, latest first."""
        links = self._integrations.get(integration_id)
        stored = links.encoded.values() if links else ()
        return [_link(s) for s in heapq.nlargest(count, stored, key=stamp_of)]

    def count(self, integration_id: str) -> int:
        links = self._integrations.get(integration_id)
        return len(links.encoded) if links else 0

    def apply(self, key: str, value: bytes | None) -> None:
        link = decode(Link, value) if value is not None else None  # refuse unreadable first
        integration_id = key.split(":", 1)[0]
        links = self._integrations.get(integration_id)
        if links is None:
            if value is None:
                return
            links = self._integrations[integration_id] = _IntegrationLinks()
        old = links.encoded.pop(key, None)
        if old is not None:
            fields = orjson.loads(value_of(old))
            links.terms.discard(_terms(fields.get(name) for name in TERM_FIELDS), key)
        if link is None or value is None:
            if not links.encoded:
                del self._integrations[integration_id]
            return
        links.encoded[key] = stamped(link.created_at, value)
        links.terms.add(_terms(getattr(link, name) for name in TERM_FIELDS), key)

    def _decoded(self, integration_id: str, term: str, prefix: str = "") -> list[Link]:
        links = self._integrations.get(integration_id)
        if links is None:
            return []
        keys = links.terms.get(term)
        return [_link(links.encoded[k]) for k in keys if k.startswith(prefix)]


def _link(stored: bytes) -> Link:
    return decode(Link, value_of(stored))


def _terms(values: Iterable[object]) -> set[str]:
    return {value for value in values if isinstance(value, str) and value}


async def save_link(topics: BoundTopics, link: Link) -> None:
    """Write a link and wait for Kafka's ack."""
    await (await topics[LINKS].send(key=link.key.encode(), value=encode(link)))
