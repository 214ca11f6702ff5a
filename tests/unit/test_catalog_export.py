"""Exportar categorias, marcas e atributos as pure rules: which exports answer at once, and
what the platform is sent for a record read from the ERP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.capabilities import Entity, Operation
from connectors.registry import PLATFORMS
from engine.jobs.catalog_export import for_platform
from engine.jobs.progress import answered
from engine.jobs.sources import answer_at_once
from schemas.attribute import Attribute
from schemas.brand import Brand
from schemas.category import Category
from schemas.job import Job, JobKind, JobRequest, JobState

NOW = datetime(2026, 5, 10, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize("platform", sorted(PLATFORMS))
@pytest.mark.parametrize("entity", [Entity.CATEGORY, Entity.BRAND, Entity.ATTRIBUTE])
def test_every_catalogue_export_is_either_written_or_answered_never_both(
    platform: str, entity: Entity
) -> None:
    spec = PLATFORMS[platform]
    request = JobRequest(kind=JobKind.EXPORT, entity=entity.value)

    answer = answer_at_once(request, platform)

    assert (answer is None) == spec.can(entity, Operation.WRITE), (platform, entity)
    if answer is not None:
        assert answer.startswith(("A ", "O ")) and "produto" in answer


def test_shopify_brands_are_answered_with_the_sentence_the_merchant_reads() -> None:
    request = JobRequest(kind=JobKind.EXPORT, entity="brand")

    assert answer_at_once(request, "shopify") == (
        "A Shopify não tem cadastro de marcas: a marca segue em cada produto."
    )
    assert answer_at_once(request, "tray") is None
    imported = JobRequest(kind=JobKind.IMPORT, entity="brand")
    assert answer_at_once(imported, "shopify") is None


def test_an_answered_job_is_done_with_nothing_counted_and_says_why() -> None:
    job = Job(
        id="job-1",
        integration_id="loja",
        request=JobRequest(kind=JobKind.EXPORT, entity="brand"),
        created_at=NOW,
        updated_at=NOW,
    )

    done = answered(job, "A Shopify não tem cadastro de marcas.", NOW)

    assert (done.state, done.total, done.done, done.failed) == (JobState.DONE, 0, 0, 0)
    assert done.result == "A Shopify não tem cadastro de marcas."


def test_a_category_goes_out_under_its_name_with_the_platform_ids_of_its_links() -> None:
    erp = Category(code="7", name="Camisetas", parent_code="3", platform_category_id="7")

    first = for_platform(Entity.CATEGORY, erp, None)
    again = for_platform(Entity.CATEGORY, erp, "9001", "8000")

    assert first == Category(code="Camisetas", name="Camisetas")
    assert again == Category(
        code="Camisetas", name="Camisetas", parent_code="8000", platform_category_id="9001"
    )


def test_brands_and_attributes_carry_the_platform_id_of_their_link_or_none() -> None:
    brand = Brand(name="Ponte Wear", platform_brand_id="12")
    attribute = Attribute(name="Cor", values=["Azul"], platform_attribute_id="4")

    assert for_platform(Entity.BRAND, brand, None) == Brand(name="Ponte Wear")
    assert for_platform(Entity.ATTRIBUTE, attribute, "77") == Attribute(
        name="Cor", values=["Azul"], platform_attribute_id="77"
    )
