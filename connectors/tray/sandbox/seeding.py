"""Seed records (for tests and the demo), made through the same operations as the API."""

from __future__ import annotations

from collections.abc import Callable

from connectors.tray.sandbox.state import SandboxState


def _product(state: SandboxState, n: int) -> str:
    product = state.create(
        "Product",
        {
            "name": f"Camiseta Seed {n}",
            "reference": f"SEED-{n}",
            "price": "59.90",
            "stock": "10",
            "ean": f"78900000{n:05d}",
            "weight": "300",
            "ncm": "61091000",
            "brand": "Ponte",
        },
    )
    return str(product["id"])


def _category(state: SandboxState, n: int) -> str:
    return str(state.create("Category", {"name": f"Categoria Seed {n}"})["id"])


def _brand(state: SandboxState, n: int) -> str:
    return str(state.create("Brand", {"brand": f"Marca Seed {n}"})["id"])


def _attribute(state: SandboxState, n: int) -> str:
    fields = {"name": f"Característica Seed {n}", "values": ["P", "M", "G"]}
    return str(state.create("Property", fields)["id"])


def _order(state: SandboxState, n: int) -> str:
    product_id = _product(state, n)
    order = state.place_order(
        {
            "point_sale": "LOJA VIRTUAL",
            "shipment": "Sedex",
            "shipment_value": "10.44",
            "payment_form": "Pix",
            "Customer": {
                "type": "0",
                "name": f"Cliente Seed {n}",
                "cpf": "12442673177",
                "email": f"cliente{n}@example.com",
                "phone": "1133330001",
                "CustomerAddress": [
                    {
                        "address": "Rua Teste",
                        "number": "55",
                        "neighborhood": "Centro",
                        "city": "Marília",
                        "state": "SP",
                        "zip_code": "17500-000",
                        "country": "Brasil",
                        "type": "1",
                    }
                ],
            },
            "ProductsSold": [{"product_id": product_id, "quantity": 2, "price": "59.90"}],
        }
    )
    return str(order["id"])


SEEDERS: dict[str, Callable[[SandboxState, int], str]] = {
    "product": _product,
    "category": _category,
    "brand": _brand,
    "attribute": _attribute,
    "order": _order,
}


def seed(state: SandboxState, entity: str, count: int) -> list[str]:
    """``count`` new records of ``entity``; their Tray ids."""
    return [SEEDERS[entity](state, state.store.next_id(f"seed-{entity}")) for _ in range(count)]
