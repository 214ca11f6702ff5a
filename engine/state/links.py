"""Links (vínculos) between ERP ids and platform ids, findable by SKU, EAN, order number or
platform code."""

from __future__ import annotations

from collections import defaultdict

from engine.bindings import BoundTopics
from engine.state.view import TopicView
from schemas.codec import decode, encode
from schemas.link import Link
from topics.registry import LINKS


class LinksView(TopicView):
    def __init__(self, bootstrap_servers: str, topic: str, **kwargs: object) -> None:
        super().__init__(bootstrap_servers, topic, **kwargs)
        self._links: dict[str, Link] = {}
        self._by_term: dict[tuple[str, str], set[str]] = defaultdict(set)

    def get(self, integration_id: str, entity: str, erp_id: str) -> Link | None:
        return self._links.get(f"{integration_id}:{entity}:{erp_id}")

    def by_platform_id(self, integration_id: str, entity: str, platform_id: str) -> Link | None:
        for link in self.find(integration_id, platform_id):
            if link.entity == entity and link.platform_id == platform_id:
                return link
        return None

    def find(self, integration_id: str, term: str) -> list[Link]:
        """Links of one integration whose ERP id, platform id, SKU, EAN or order number is ``term``."""
        keys = self._by_term.get((integration_id, term), set())
        return sorted((self._links[k] for k in keys if k in self._links), key=lambda link: link.key)

    def of_integration(self, integration_id: str) -> list[Link]:
        return [link for link in self._links.values() if link.integration_id == integration_id]

    def apply(self, key: str, value: bytes | None) -> None:
        old = self._links.pop(key, None)
        if old is not None:
            for term in _terms(old):
                self._by_term[(old.integration_id, term)].discard(key)
        if value is None:
            return
        link = decode(Link, value)
        self._links[key] = link
        for term in _terms(link):
            self._by_term[(link.integration_id, term)].add(key)


def _terms(link: Link) -> set[str]:
    terms = {link.erp_id, link.platform_id, link.sku, link.ean, link.order_number}
    return {term for term in terms if term}


async def save_link(topics: BoundTopics, link: Link) -> None:
    """Write a link and wait for Kafka's ack."""
    await (await topics[LINKS].send(key=link.key.encode(), value=encode(link)))
