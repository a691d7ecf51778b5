"""A provider's ``counts`` (totals per school, for nobody in particular: the schools overview)
equals the sum of its ``kind_counts`` (per kind, split by owner) for each school, so that the
overview's duty figures are the dashboard's. The assets' totals are grouped by school alone
in SQL, not by owner person: checked here with owners who have left (before today, today,
later), outside organisations, unmatched names and systems, across three schools."""

from __future__ import annotations

from tests.factories import SchoolFactory

from schoolkeep.assets.duties import provider as asset_provider
from schoolkeep.assets.models import Classification
from schoolkeep.assets.tests.test_duties import (
    HORIZON,
    NOW,
    OS,
    asset,
    days,
    frozen,
    organisation,
    owner,
    system,
)
from schoolkeep.duties import registry
from schoolkeep.duties.selectors import per_kind
from schoolkeep.duties.types import DutyCounts
from schoolkeep.people.services import person_mark_leaver
from schoolkeep.tenancy.models import School

__all__ = ["frozen"]  # the frozen clock, autouse


def assets_of_every_owner(school: School, n: int) -> None:
    """``n`` of each: owners staying, left before today, leaving today and leaving later,
    an outside organisation, an unmatched name, nobody; unclassified, sensitive without a
    lawful basis, reviews overdue and due; systems without two-factor or a log-off check."""
    for i in range(n):
        staying, gone, today, later = (owner(school) for _ in range(4))
        for person in (staying, gone, today, later):
            asset(school, owner_person=person, classification=Classification.UNCLASSIFIED,
                  added=-3 - i, last_reviewed_on=days(-370 + 2 * i))
        person_mark_leaver(person=gone, actor=None, leaving_date=days(-2 - i))
        person_mark_leaver(person=today, actor=None, leaving_date=days(0))
        person_mark_leaver(person=later, actor=None, leaving_date=days(5))
        asset(school, owner_organisation=organisation(school), added=-i)
        asset(school, owner_unmatched="Mrs Smith", added=-i)
        asset(school, owner_unmatched="", added=-i)  # nobody, added today first
        sensitive = asset(school, classification=OS, lawful_basis="", added=-i)
        system(school, mfa=False, holds=[sensitive], added=-i)
        system(school, checked=-370 + 3 * i)


def kind_totals(school_id: int) -> dict[str, DutyCounts]:
    """{module: the sum of its kinds' counts} for nobody in particular."""
    until = NOW + HORIZON
    result = {}
    for provider in registry.providers():
        kinds = per_kind(provider)
        if kinds is None:
            continue
        counted = kinds.kind_counts(school_id, now=NOW, horizon=until)
        result[provider.module] = sum((owned.total for owned in counted.values()),
                                      DutyCounts())
    return result


def test_every_providers_totals_equal_its_kinds_counts(personas) -> None:  # type: ignore[no-untyped-def]
    schools = [personas.school, SchoolFactory(slug="elmwood"), SchoolFactory(slug="ashby")]
    assets_of_every_owner(schools[0], 3)
    assets_of_every_owner(schools[1], 1)  # the third has none
    ids = [school.pk for school in schools]
    for provider in registry.providers():
        if per_kind(provider) is None:
            continue
        totals = provider.counts(ids, now=NOW, horizon=NOW + HORIZON)
        for school_id in ids:
            assert totals.get(school_id, DutyCounts()) == kind_totals(school_id)[
                provider.module], (provider.module, school_id)
    totals = asset_provider.counts(ids, now=NOW, horizon=NOW + HORIZON)
    assert totals[schools[0].pk].total > totals[schools[1].pk].total > 0
    assert totals.get(schools[2].pk, DutyCounts()) == DutyCounts()
