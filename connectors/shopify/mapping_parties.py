"""The buyer and the addresses of a Shopify REST order, as canonical models.

Shopify's REST order carries no CPF/CNPJ (only GraphQL ``localizationExtensions`` does). Brazilian
checkout apps commonly write it into ``note_attributes`` under a name such as "CPF", "CNPJ",
"cpf_cnpj" or "document"; that is the one place read here. ``billing_address.company`` is not
read as a document: it holds a company name as often as a number.

Shopify has no separate house number or neighbourhood (bairro) fields; they stay None rather
than being guessed by splitting ``address1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connectors.errors import Permanent
from connectors.shopify.mapping_values import first_text, preferred_id, record, records, text
from schemas.address import Address
from schemas.customer import Customer, DocumentType

DOCUMENT_ATTRIBUTE_NAMES = frozenset({"cpf", "cnpj", "cpfcnpj", "document", "documento"})
"""note_attributes names (lower-cased, letters and digits only) that hold a CPF or CNPJ."""

DOCUMENT_TYPE_BY_LENGTH = {11: DocumentType.CPF, 14: DocumentType.CNPJ}


def customer_from_shopify(order: Mapping[str, Any]) -> Customer:
    """The buyer: the customer record, then the addresses and the order's contact fields.

    Email and phone prefer what was typed at checkout (the order's own ``email``/``phone``) over
    the customer account; the billing address phone is the last resort for a phone.
    """
    buyer = record(order.get("customer"))
    billing = record(order.get("billing_address"))
    email = first_text(order.get("email"), order.get("contact_email"), buyer.get("email"))
    name = first_text(
        person_name(buyer),
        person_name(billing),
        person_name(record(order.get("shipping_address"))),
        email,
    )
    if name is None:
        raise Permanent("Shopify order has no customer name, address name or email")
    document, document_type = document_from_note_attributes(order.get("note_attributes"))
    return Customer(
        platform_customer_id=preferred_id(buyer, "customer.id"),
        name=name,
        email=email,
        phone=first_text(order.get("phone"), buyer.get("phone"), billing.get("phone")),
        document=document,
        document_type=document_type,
    )


def person_name(person: Mapping[str, Any]) -> str | None:
    """``first_name last_name`` when either is set, else the address ``name`` field."""
    parts = [
        part for part in (text(person.get("first_name")), text(person.get("last_name"))) if part
    ]
    return " ".join(parts) if parts else text(person.get("name"))


def document_from_note_attributes(
    note_attributes: Any,
) -> tuple[str | None, DocumentType | None]:
    """The first CPF (11 digits) or CNPJ (14 digits) found under a document-like name."""
    for attribute in records(note_attributes):
        name = "".join(char for char in str(attribute.get("name", "")).lower() if char.isalnum())
        if name not in DOCUMENT_ATTRIBUTE_NAMES:
            continue
        digits = "".join(char for char in str(attribute.get("value") or "") if char.isdigit())
        document_type = DOCUMENT_TYPE_BY_LENGTH.get(len(digits))
        if document_type is not None:
            return digits, document_type
    return None, None


def address_from_shopify(address: Any) -> Address | None:
    """A Shopify address object as an Address; None when absent or empty."""
    fields = record(address)
    mapped = Address(
        recipient=first_text(fields.get("name"), person_name(fields)),
        company=text(fields.get("company")),
        street=text(fields.get("address1")),
        complement=text(fields.get("address2")),
        city=text(fields.get("city")),
        state=text(fields.get("province_code")),
        postal_code=text(fields.get("zip")),
        country=text(fields.get("country_code")),
        phone=text(fields.get("phone")),
    )
    return mapped if mapped != Address() else None
