"""A postal address as Brazilian logistics and the NF-e need it."""

from __future__ import annotations

from pydantic import Field

from schemas.base import Canonical


class Address(Canonical):
    recipient: str | None = Field(None, description="Who receives at this address.")
    company: str | None = None
    street: str | None = Field(None, description="Logradouro (street line).")
    number: str | None = Field(None, description="Número; 'S/N' when none.")
    complement: str | None = Field(None, description="Complemento (second line).")
    neighborhood: str | None = Field(None, description="Bairro.")
    city: str | None = None
    state: str | None = Field(None, description="State or province code, e.g. 'SP'.")
    postal_code: str | None = Field(None, description="CEP / ZIP, as given.")
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 country code.")
    phone: str | None = None
