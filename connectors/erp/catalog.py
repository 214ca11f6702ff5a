"""The catalogue around products: categories (`/categorias`), brands (`/marcas`) and attributes
(`/atributos`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from connectors.budget import Lane
from connectors.erp.wire import ErpWire, ItemResult

CatalogJson = dict[str, Any]


class ErpCatalog:
    """Read and create categories, brands and attributes; writes answer per item."""

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

    def list_attributes(self, *, page_size: int = 100) -> AsyncIterator[list[CatalogJson]]:
        """Pages of `{id, nome, valores}`."""
        return self._wire.pages("/atributos", {}, page_size=page_size)

    async def get_attribute(self, attribute_id: str, *, lane: Lane = Lane.LIVE) -> CatalogJson:
        return await self._wire.get_one(f"/atributos/{attribute_id}", "atributo", lane=lane)

    async def create_attributes(
        self, atributos: list[CatalogJson], *, lane: Lane = Lane.LIVE
    ) -> list[ItemResult]:
        """Create attributes; results are matched by `nome`."""
        return await self._wire.write_items("POST", "/atributos", _named(atributos), lane=lane)

    async def update_attributes(
        self, atributos: list[CatalogJson], *, lane: Lane = Lane.LIVE
    ) -> list[ItemResult]:
        """Replace the name and values of attributes named by `id`; matched by `nome`."""
        return await self._wire.write_items("PUT", "/atributos", _named(atributos), lane=lane)


def _named(items: list[CatalogJson]) -> list[CatalogJson]:
    """The envelope keys results by `codigo`; a category or brand is known by its name."""
    return [{"codigo": item.get("nome")} | item for item in items]
