"""JSON Schema of the canonical models, exported from the models, never written by hand."""

from __future__ import annotations

from pathlib import Path

import orjson
from pydantic import BaseModel

from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.customer import Customer
from schemas.delivery import Delivery
from schemas.envelope import EventEnvelope
from schemas.integration import Integration
from schemas.order import Order
from schemas.price import Price
from schemas.product import Product
from schemas.stock import StockLevel

EXPORTED: tuple[type[BaseModel], ...] = (
    Attribute,
    Brand,
    Category,
    Customer,
    Delivery,
    EventEnvelope,
    Integration,
    Order,
    Price,
    Product,
    StockLevel,
)
SCHEMA_DIR = Path(__file__).with_name("json")


def rendered_schemas() -> dict[str, bytes]:
    """File name -> JSON Schema bytes, for every exported model."""
    return {
        f"{model.__name__}.schema.json": orjson.dumps(
            model.model_json_schema(), option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS
        )
        + b"\n"
        for model in EXPORTED
    }


def write_schemas(directory: Path = SCHEMA_DIR) -> list[Path]:
    """Write every schema file; returns the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in rendered_schemas().items():
        path = directory / name
        path.write_bytes(content)
        written.append(path)
    return written
