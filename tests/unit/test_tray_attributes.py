"""Tray product properties ("características") -> canonical attributes. Pure mapping.

The property record's field names are UNCONFIRMED (the reference documents the paths only).
"""

from __future__ import annotations

from connectors.tray.mapping import attribute_from_tray


def test_a_property_maps_to_an_attribute_with_its_values() -> None:
    attribute = attribute_from_tray({"id": "41", "name": "Tamanho", "values": ["P", "M", "G"]})
    assert attribute.name == "Tamanho"
    assert attribute.values == ["P", "M", "G"]
    assert attribute.platform_attribute_id == "41"


def test_numeric_ids_become_text_and_blank_or_repeated_values_are_dropped() -> None:
    attribute = attribute_from_tray({"id": 7, "name": "Cor", "values": ["Azul", " ", "Azul", 38]})
    assert attribute.platform_attribute_id == "7"
    assert attribute.values == ["Azul", "38"]


def test_a_property_without_values_has_none() -> None:
    assert attribute_from_tray({"id": "3", "name": "Material"}).values == []
    assert attribute_from_tray({"id": "3", "name": "Material", "values": None}).values == []
