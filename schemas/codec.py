"""Bytes on the wire: canonical models to and from JSON with orjson.

Decimal goes out as a string so no amount passes through a float.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"cannot serialize {type(value).__name__}")


def encode(model: BaseModel) -> bytes:
    """Serialize a model to JSON bytes."""
    return orjson.dumps(
        model.model_dump(exclude_none=True), default=_default, option=orjson.OPT_NON_STR_KEYS
    )


def decode(model_type: type[ModelT], data: bytes | str) -> ModelT:
    """Parse JSON bytes into ``model_type``; raises pydantic.ValidationError or orjson.JSONDecodeError."""
    return model_type.model_validate(orjson.loads(data))
