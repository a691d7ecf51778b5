"""``backup_scopes.failing-321`` (the IT lead's: a scope in use not meeting the 3-2-1 rule,
due two weeks after it was added, overdue after that; none once it meets the rule or is
archived; counts agree with the list for many schools in the same queries), the overview's
measure of scopes meeting the rule, and the demo's scopes and sets at Larkspur."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.continuity import rule321
from schoolkeep.continuity.models import BackupSet, Scope
from schoolkeep.continuity.scopes import duties, measures
from schoolkeep.continuity.scopes.demo import (
    CPOMS_EXPORT,
    CPOMS_SUPPLIER,
    JKCLOUD,
    REDSTOR,
    TAPES,
    build_demo_scopes,
)
from schoolkeep.continuity.scopes.services import scope_archive
from schoolkeep.continuity.tests.scopes_records import check, make_scope, make_set
from schoolkeep.demo.builder import DemoContext
from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts
from schoolkeep.people.services import person_create
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


def age(scope: Scope, days: int) -> None:
    Scope.objects.filter(pk=scope.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_a_failing_scope_is_due_then_overdue_and_ends_when_met(personas: Personas) -> None:
    school = personas.school
    now = timezone.now()
    new = make_scope(school)
    old = make_scope(school, "Curriculum network", kind="curriculum_network")
    age(new, 3)  # due in 11 days: within the horizon
    age(old, 20)
    found = {d.key: d for d in duties.provider.for_school(school.pk, now=now,
                                                          horizon=now + HORIZON)}
    assert {d.status for d in found.values()} == {DUE, OVERDUE}
    overdue = found[f"{duties.KIND}:{old.public_id}"]
    assert overdue.status == OVERDUE and overdue.owner_role == Role.IT_LEAD
    assert "no copy counts yet" in overdue.subject and "network" not in overdue.title
    assert duties.provider.counts([school.pk], now=now, horizon=now + HORIZON) == {
        school.pk: DutyCounts(due=1, overdue=1)}
    # Meeting the rule ends the duty; so does archiving the scope.
    make_set(school, "Tapes", scopes=[old], offline=True)
    make_set(school, "NAS", scopes=[old])
    make_set(school, "Cloud", scopes=[old], off_site=True)
    scope_archive(scope=new, actor=None)
    assert duties.provider.for_school(school.pk, now=now, horizon=now + HORIZON) == []
    assert duties.provider.counts([school.pk], now=now, horizon=now + HORIZON) == {}


def test_the_schoolkeep_scopes_duty_asks_for_a_set_of_the_schools_own(
        personas: Personas) -> None:
    from schoolkeep.continuity.checks.install import ensure_install_sets

    school = personas.school
    ensure_install_sets([school.pk])
    scope = Scope.objects.get(school=school, kind="schoolkeep")
    age(scope, 20)
    found = [duty for duty in duties.provider.for_school(
        school.pk, now=timezone.now(), horizon=timezone.now() + HORIZON)]
    assert [duty.status for duty in found] == [OVERDUE]
    assert found[0].action == "Add a backup set of the school's own that protects it"
    assert found[0].url == f"{reverse('continuity:set-create')}?scope={scope.public_id}"
    make_set(school, "Server backup to NAS", scopes=[scope], checked_days_ago=None)
    again = duties.provider.for_school(school.pk, now=timezone.now(),
                                       horizon=timezone.now() + HORIZON)
    assert again[0].action == "Record its backups, or a check of each"
    assert again[0].url == reverse("continuity:scope-detail", args=[scope.public_id])


def test_a_scope_added_today_is_not_yet_listed(personas: Personas) -> None:
    make_scope(personas.school)
    now = timezone.now()
    assert duties.provider.for_school(personas.school.pk, now=now,
                                      horizon=now + HORIZON) == []


def test_counts_are_one_query_and_agree_with_the_list(personas: Personas,
                                                     django_assert_num_queries) -> None:
    now = timezone.now()
    horizon = now + HORIZON
    schools = [personas.school, personas.other_school, *(SchoolFactory() for _ in range(3))]
    for number, school in enumerate(schools):
        age(make_scope(school, "Old"), 30)
        age(make_scope(school, "Young", kind="other"), 5 + number)  # due in the fortnight
        make_scope(school, "New", kind="curriculum_network")  # due after the horizon
    met = make_scope(personas.school, "Met", kind="other")
    age(met, 40)
    make_set(personas.school, "Tapes", scopes=[met], offline=True)
    make_set(personas.school, "NAS", scopes=[met])
    make_set(personas.school, "Cloud", scopes=[met], off_site=True)
    ids = [s.pk for s in schools]
    with django_assert_num_queries(1):
        counted = duties.provider.counts(ids, now=now, horizon=horizon)
    for school in schools:
        listed = duties.provider.for_school(school.pk, now=now, horizon=horizon)
        assert counted[school.pk] == sum((DutyCounts.of(d.status) for d in listed),
                                         DutyCounts())
        assert counted[school.pk] == DutyCounts(due=1, overdue=1)


def test_the_measure_counts_scopes_meeting_the_rule(personas: Personas) -> None:
    school = personas.school
    good = make_scope(school)
    make_set(school, "Tapes", scopes=[good], offline=True)
    make_set(school, "NAS", scopes=[good])
    make_set(school, "Cloud", scopes=[good], off_site=True)
    make_scope(school, "Curriculum network", kind="curriculum_network")
    figures = measures.provider.figures([school.pk, personas.other_school.pk],
                                        now=timezone.now())
    assert figures == {school.pk: {measures.MEETING: (1, 2)}}


def test_the_demo_records_the_policys_sets_and_one_failing_scope() -> None:
    school = SchoolFactory(slug="larkspur")
    grace = person_create(school=school, actor=None, full_name="Grace Adeyemi",
                          kind="support")
    system_create(school=school, actor=None, name="CPOMS")
    jkcloud = system_create(school=school, actor=None, name="JKCloud", kind="backup")
    System.objects.filter(name="CPOMS").update(catalogue_key="cpoms")
    System.objects.filter(pk=jkcloud.pk).update(catalogue_key="jkcloud")
    ctx = DemoContext(schools={"larkspur": school})
    build_demo_scopes(ctx)
    build_demo_scopes(ctx)  # again: nothing more
    assert set(Scope.objects.filter(school=school).values_list("name", flat=True)) == {
        "Admin network", "Curriculum network", "Schoolkeep", "CPOMS"}
    sets = {s.name: s for s in BackupSet.objects.filter(school=school, install_copy="")}
    assert set(sets) == {TAPES, JKCLOUD, REDSTOR, CPOMS_SUPPLIER, CPOMS_EXPORT}
    assert sets[CPOMS_EXPORT].offline and not sets[CPOMS_EXPORT].off_site
    assert sets[CPOMS_SUPPLIER].off_site
    assert {s.name for s in Scope.objects.get(school=school, kind="schoolkeep")
            .backup_sets.filter(install_copy="")} == {TAPES, JKCLOUD, REDSTOR}
    assert sets[TAPES].offline and sets[JKCLOUD].off_site and sets[JKCLOUD].encrypted
    assert sets[JKCLOUD].provider_system_id == jkcloud.pk
    assert sets[REDSTOR].provider_organisation.name == "RedStor"
    assert all(s.owner == grace for s in sets.values())
    for backup_set in sets.values():  # what the checks step (405) records
        check(backup_set, days_ago=3)
    verdicts = rule321.evaluate([school.pk], today=timezone.localdate())
    by_name = {scope.name: verdicts[scope.pk] for scope in Scope.objects.filter(school=school)}
    assert by_name["Admin network"].met and by_name["CPOMS"].met
    assert by_name["Schoolkeep"].met
    assert by_name["Curriculum network"].reasons == [
        "only 2 copies on separate devices (3 are needed)"]


@pytest.mark.usefixtures("shared_demo")
def test_the_built_demo_has_exactly_one_failing_scope_and_duty() -> None:
    """Every Larkspur scope's verdict after all the demo's steps (the checks at 405 too),
    and the IT lead's duties once the new scopes' two weeks have passed."""
    from schoolkeep.tenancy.models import School

    school = School.objects.get(slug="larkspur")
    verdicts = rule321.evaluate([school.pk], today=timezone.localdate())
    scopes = Scope.objects.filter(school=school, archived_at__isnull=True)
    by_name = {scope.name: verdicts[scope.pk] for scope in scopes}
    assert set(by_name) == {"Admin network", "Curriculum network", "Schoolkeep", "CPOMS"}
    assert {name: verdict.met for name, verdict in by_name.items()} == {
        "Admin network": True, "Curriculum network": False, "Schoolkeep": True, "CPOMS": True}
    assert by_name["Curriculum network"].reasons == [
        "only 2 copies on separate devices (3 are needed)"]
    assert by_name["Admin network"].reasons == [] and by_name["CPOMS"].reasons == []
    # Schoolkeep meets the rule through the school's own sets of its server; its own
    # nightly archive is named while it has no recent good run.
    assert (by_name["Schoolkeep"].copies, by_name["Schoolkeep"].off_site,
            by_name["Schoolkeep"].offline) == (3, 2, 1)
    later = timezone.now() + timedelta(days=15)
    found = duties.provider.for_school(school.pk, now=later, horizon=later + HORIZON)
    assert [duty.subject for duty in found] == [
        "Curriculum network: only 2 copies on separate devices (3 are needed)"]
    assert duties.provider.counts([school.pk], now=later, horizon=later + HORIZON) == {
        school.pk: DutyCounts(due=0, overdue=1)}
