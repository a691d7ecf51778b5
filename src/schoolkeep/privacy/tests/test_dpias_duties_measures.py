"""The measure ``dpias.completed-where-required``: current assets whose current DPIA says
one is required, those signed off among them, and (pending) the assets with special category
or children's data not yet screened; archived ones left out; one query for 3 and 40
schools; registered in the privacy area."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from typing import Any

import pytest
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.lib.text import fold
from schoolkeep.overview import registry
from schoolkeep.privacy.dpias.measures import COMPLETED_WHERE_REQUIRED, provider
from schoolkeep.privacy.dpias.models import Dpia
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
_numbers = itertools.count(1)


def asset(school: School, **fields: Any) -> Asset:
    group, _ = AssetGroup.objects.get_or_create(school=school, name_key="g",
                                                defaults={"name": "G"})
    name = f"Asset {next(_numbers)}"
    return Asset.objects.create(school=school, group=group, name=name, name_key=fold(name),
                                **fields)


def dpia(school: School, of: Asset, **fields: Any) -> Dpia:
    return Dpia.objects.create(school=school, asset=of, **fields)


def a_register(school: School) -> None:
    dpia(school, asset(school), screening_required=True, signed_off_on=date(2026, 1, 5))
    dpia(school, asset(school), screening_required=True)  # in progress
    dpia(school, asset(school, children_data=True), screening_required=False)  # not needed
    asset(school, special_category_data=True)  # not screened: pending
    dpia(school, asset(school, children_data=True))  # started, not screened: pending
    asset(school)  # nothing to count
    dpia(school, asset(school, archived_at=NOW), screening_required=True)  # archived
    dpia(school, asset(school), screening_required=True, signed_off_on=date(2025, 1, 5),
         archived_at=NOW)  # an archived DPIA: that asset has no current one


def test_completed_out_of_required_with_the_unscreened_pending(personas: Personas) -> None:
    a_register(personas.school)
    figures = provider.figures([personas.school.pk], now=NOW)
    assert figures[personas.school.pk][COMPLETED_WHERE_REQUIRED] == (1, 2, 2)


def test_a_school_with_nothing_to_count_has_no_figure(personas: Personas) -> None:
    asset(personas.school)
    assert provider.figures([personas.school.pk], now=NOW) == {}


@pytest.mark.parametrize("n", [3, 40])
def test_one_query_for_any_number_of_schools(n: int, django_assert_num_queries: Any) -> None:
    ids = []
    for _ in range(n):
        school: Any = SchoolFactory()
        a_register(school)
        ids.append(school.pk)
    with django_assert_num_queries(1):
        figures = provider.figures(ids, now=NOW)
    assert {figures[school_id][COMPLETED_WHERE_REQUIRED] for school_id in ids} == {(1, 2, 2)}


def test_in_the_privacy_area() -> None:
    [spec] = provider.specs
    assert spec.area == "privacy"
    assert spec.label == "Assets that need a DPIA with one completed"


def test_listed_with_the_overview() -> None:
    assert any(each.module == "dpias" for each in registry.providers())
