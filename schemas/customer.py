"""The buyer, with the fiscal identity the NF-e needs."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from schemas.base import Canonical, ExternalId


class DocumentType(StrEnum):
    CPF = "cpf"
    CNPJ = "cnpj"
    FOREIGN = "foreign"


class Customer(Canonical):
    platform_customer_id: ExternalId | None = None
    name: str = Field(description="Full name, or company name for a CNPJ.")
    email: str | None = None
    phone: str | None = None
    document: str | None = Field(None, description="CPF or CNPJ digits, no punctuation.")
    document_type: DocumentType | None = None
    state_registration: str | None = Field(None, description="Inscrição estadual (IE).")
