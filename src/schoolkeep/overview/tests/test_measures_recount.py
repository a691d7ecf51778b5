"""Each provider's figures equal a recount from the records, one record at a time, and the
figures worked out by hand (``records.fill``), in two filled schools and an empty one;
each provider runs one query whatever the number of schools."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.agreements.aups import audience
from schoolkeep.agreements.aups.measures import key_of
from schoolkeep.agreements.aups.models import LISTED_AUDIENCES, Aup
from schoolkeep.agreements.policies.models import Policy
from schoolkeep.assets.models import Asset
from schoolkeep.assets.services import asset_create, group_get_or_create
from schoolkeep.backups.models import BackupRun
from schoolkeep.duties.types import local_date
from schoolkeep.incidents.clock import ico_deadline
from schoolkeep.incidents.models import NO_PERSONAL_DATA_KINDS, Decision, Incident
from schoolkeep.overview import registry
from schoolkeep.overview.tests.records import fill, person
from schoolkeep.overview.types import Counted, Figures
from schoolkeep.people.models import Person
from schoolkeep.tenancy.models import School

pytestmark = pytest.mark.django_db


@pytest.fixture
def schools(personas: Personas) -> list[int]:
    """The personas' school and a second of its trust, both filled, and an empty one."""
    second = SchoolFactory(organisation=personas.school.organisation)
    now = timezone.now()
    for school in (personas.school, second):
        fill(school, now=now)
    return [personas.school.pk, second.pk, SchoolFactory().pk]


def test_figures_are_those_worked_out_by_hand(personas: Personas) -> None:
    now = timezone.now()
    expected = fill(personas.school, now=now)
    found: dict[str, Counted] = {}
    for measures in registry.providers():
        found.update(measures.figures([personas.school.pk], now=now).get(personas.school.pk, {}))
    assert {key: found[key] for key in expected} == expected


def provider(module: str):  # type: ignore[no-untyped-def]
    return next(p for p in registry.providers() if p.module == module)


def recount_people(ids: list[int], now: datetime) -> Figures:
    today = local_date(now)
    result: Figures = {}
    for school_id in ids:
        people = [p for p in Person.objects.filter(school_id=school_id)
                  if p.leaving_date is None or p.leaving_date > today]
        agency = [p for p in people if p.kind == "agency"]
        complete = [p for p in people
                    if not p.checks_missing and not p.agency_confirmation_missing]
        confirmed = [p for p in agency if not p.agency_confirmation_missing]
        result[school_id] = {"people.record-complete": (len(complete), len(people)),
                             "people.agency-confirmed": (len(confirmed), len(agency))}
    return result


def recount_assets(ids: list[int], now: datetime) -> Figures:
    today = local_date(now)
    result: Figures = {}
    for school_id in ids:
        assets = list(Asset.objects.filter(school_id=school_id, archived_at__isnull=True)
                      .select_related("owner_person"))
        owned = [a for a in assets if a.owner_organisation_id or (
            a.owner_person is not None
            and (a.owner_person.leaving_date is None or a.owner_person.leaving_date > today))]
        reviewed = [a for a in assets if a.review_due_on is not None and a.review_due_on >= today]
        result[school_id] = {"assets.owned": (len(owned), len(assets)),
                             "assets.reviewed": (len(reviewed), len(assets))}
    return result


def recount_policies(ids: list[int], now: datetime) -> Figures:
    today = local_date(now)
    result: Figures = {}
    for school_id in ids:
        policies = list(Policy.objects.filter(school_id=school_id, archived_at__isnull=True))
        in_date = [p for p in policies if p.current_version_id is not None
                   and (p.next_review_on is None or p.next_review_on >= today)]
        result[school_id] = {"policies.in-date": (len(in_date), len(policies))}
    return result


def recount_aups(ids: list[int], now: datetime) -> Figures:
    today = local_date(now)
    result: Figures = {}
    for aup in Aup.objects.filter(school_id__in=ids, audience__in=LISTED_AUDIENCES):
        if aup.sign_from == 0:
            continue
        signers = list(audience.signers(aup=aup, today=today))
        signed = sum(1 for signer in signers if signer.has_signed)
        result.setdefault(aup.school_id, {})[key_of(aup.audience)] = (signed, len(signers))
    return result


def recount_incidents(ids: list[int], now: datetime) -> Figures:
    """The clock stops when the school decides not to report, or sends its report."""
    result: Figures = {}
    for school_id in ids:
        met = total = pending = 0
        for incident in Incident.objects.filter(school_id=school_id):
            if incident.kind in NO_PERSONAL_DATA_KINDS:
                continue
            if incident.aware_at < now - timedelta(days=365):
                continue
            decision = Decision.objects.filter(incident=incident, kind="ico").first()
            stopped = None
            if decision is not None:
                stopped = decision.told_at if decision.tell else decision.decided_at
            deadline = ico_deadline(incident.aware_at)
            if stopped is None and deadline > now:
                pending += 1  # still within its 72 hours
                continue
            total += 1
            met += stopped is not None and stopped <= deadline
        if total or pending:
            result[school_id] = {"incidents.settled-in-time": (met, total, pending)}
    return result


def drop_empty(figures: Figures) -> Figures:
    """A school whose rows are all (0, 0) may be left out by an aggregate."""
    return {school_id: found for school_id, found in figures.items()
            if any(sum(counted[1:]) for counted in found.values())}


RECOUNTS = {"people": recount_people, "assets": recount_assets,
            "policies": recount_policies, "aups": recount_aups,
            "incidents": recount_incidents}


@pytest.mark.parametrize("module", sorted(RECOUNTS))
def test_figures_equal_a_recount_of_the_records(schools: list[int], module: str,
                                                django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for now in (timezone.now(), timezone.now() + timedelta(days=200)):
        with django_assert_num_queries(1):
            figures = provider(module).figures(schools, now=now)
        expected = RECOUNTS[module](schools, now)
        assert drop_empty(figures) == drop_empty(expected)
    # The demo has something to count in every module, so the comparison is not of nothing.
    assert any(counted[1] for found in expected.values() for counted in found.values())


def test_one_query_whatever_the_number_of_schools(schools: list[int],
                                                  django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    for measures in registry.providers():
        with django_assert_num_queries(1):
            measures.figures(schools[:1], now=timezone.now())
        with django_assert_num_queries(1):
            measures.figures(schools, now=timezone.now())


def test_backup_figure_is_the_installations_for_every_school(schools: list[int]) -> None:
    now = timezone.now()
    backups = provider("backups")
    assert backups.figures(schools, now=now) == {s: {"backups.recent": (0, 1)} for s in schools}
    BackupRun.objects.create(started_at=now - timedelta(hours=40),
                             finished_at=now - timedelta(hours=39), ok=True)
    BackupRun.objects.create(started_at=now - timedelta(hours=3),
                             finished_at=now - timedelta(hours=2), ok=False)
    assert backups.figures(schools, now=now) == {s: {"backups.recent": (0, 1)} for s in schools}
    BackupRun.objects.create(started_at=now - timedelta(hours=2),
                             finished_at=now - timedelta(hours=1), ok=True)
    assert backups.figures(schools, now=now) == {s: {"backups.recent": (1, 1)} for s in schools}


def test_owners_leaving_today_later_or_with_archived_assets_are_counted_exactly(  # type: ignore[no-untyped-def]
        schools: list[int], django_assert_num_queries) -> None:
    """The owned figure takes off the current assets of owners who have left (on or before
    today): not an archived one, not one whose owner leaves later."""
    school = School.objects.get(pk=schools[0])
    now = timezone.now()
    today = local_date(now)
    group = group_get_or_create(school=school, name="Finance", actor=None)
    for name, leaving in (("Lee Today", today), ("Max Later", today + timedelta(days=30)),
                          ("Ned Gone", today - timedelta(days=3))):
        owner = person(school, name, start_date=today - timedelta(days=400),
                       leaving_date=leaving)
        for n in range(2):
            asset_create(school=school, actor=None, group=group, name=f"{name} {n}",
                         owner_person=owner)
        archived = asset_create(school=school, actor=None, group=group, name=f"{name} old",
                                owner_person=owner)
        Asset.objects.filter(pk=archived.pk).update(archived_at=now)
    for when in (now, now + timedelta(days=40)):
        with django_assert_num_queries(1):
            figures = provider("assets").figures(schools, now=when)
        assert drop_empty(figures) == drop_empty(recount_assets(schools, when))
    # Lee's and Ned's four have no owner now, Max's two still have one, on top of fill's 2 of 4.
    assert provider("assets").figures(schools, now=now)[school.pk]["assets.owned"] == (4, 10)
