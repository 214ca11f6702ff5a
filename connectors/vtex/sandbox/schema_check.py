"""A small OpenAPI 3 schema check: enough of JSON Schema (type, nullable, required,
properties, items, enum, $ref, allOf/anyOf/oneOf) to hold our bodies against VTEX's specs.
Written here because ``jsonschema`` is not a dependency of the project."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def load_spec(path: Path) -> dict[str, Any]:
    spec: dict[str, Any] = orjson.loads(path.read_bytes())
    return spec


def operation_schema(
    spec: dict[str, Any], path: str, method: str, status: str | None = None
) -> Any:
    """The request body schema (``status`` None) or a response's JSON schema."""
    operation = spec["paths"][path][method.lower()]
    holder = operation["requestBody"] if status is None else operation["responses"][status]
    content = resolve(spec, holder)["content"]
    media = next((m for m in content if "json" in m), next(iter(content)))
    return content[media]["schema"]


def resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def problems(spec: dict[str, Any], schema: Any, value: Any, where: str = "$") -> list[str]:
    """What in ``value`` breaks ``schema`` (empty when it conforms)."""
    schema = resolve(spec, schema)
    if not isinstance(schema, dict) or not schema:
        return []
    if value is None:
        return [] if schema.get("nullable") or "type" not in schema else [f"{where}: null"]
    found: list[str] = []
    for part in schema.get("allOf", []):
        found += problems(spec, part, value, where)
    for key in ("anyOf", "oneOf"):
        if key in schema and all(problems(spec, s, value, where) for s in schema[key]):
            found.append(f"{where}: matches none of {key}")
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    if kinds and not any(_is(value, k) for k in kinds):
        return [*found, f"{where}: {type(value).__name__} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: {name} required")
        for name, sub in (schema.get("properties") or {}).items():
            if name in value:
                found += problems(spec, sub, value[name], f"{where}.{name}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            found += problems(spec, schema["items"], item, f"{where}[{index}]")
    return found


def _is(value: Any, kind: str) -> bool:
    if kind == "null":
        return value is None
    if kind in ("integer", "number") and isinstance(value, bool):
        return False
    if kind == "integer" and isinstance(value, float):
        return value.is_integer()
    return isinstance(value, _TYPES.get(kind, (object,)))
