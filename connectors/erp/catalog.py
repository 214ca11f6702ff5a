"""The catalogue around products: categories (`/categorias`) and brands (`/marcas`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from connectors.budget import Lane
from connectors.erp.wire import ErpWire, ItemResult

CatalogJson = dict[str, Any]


class ErpCatalog:
    """Read and create categories and brands; writes answer per item."""

    def __init__(self, wire: ErpWire) -> None:
        self._wire = wire

    def list_categories(self, *, page_size: int = 100) -> AsyncIterator[list[CatalogJson]]:
        """Pages of `{id, idExterno, nome, tituloPagina, descricao, keywords, idGrupoTag}`."""
        return self._wire.pages("/categorias", {}, page_size=page_size)

    async def create_categories(
        self, categorias: list[CatalogJson], *, lane: Lane = Lane.LIVE
    ) -> list[ItemResult]:
        """Create categories; results are matched by `nome` (categories have no `codigo`)."""
        return await self._wire.write_items("POST", "/categorias", _named(categorias), lane=lane)

    def list_brands(self, *, page_size: int = 100) -> AsyncIterator[list[CatalogJson]]:
        """Pages of `{id, nome}`."""
        return self._wire.pages("/marcas", {}, page_size=page_size)

    async def create_brands(
        self, marcas: list[CatalogJson], *, lane: Lane = Lane.LIVE
    ) -> list[ItemResult]:
        """Create brands; results are matched by `nome`."""
        return await self._wire.write_items("POST", "/marcas", _named(marcas), lane=lane)


def _named(items: list[CatalogJson]) -> list[CatalogJson]:
    """The envelope keys results by `codigo`; a category or brand is known by its name."""
    return [{"codigo": item.get("nome")} | item for item in items]
