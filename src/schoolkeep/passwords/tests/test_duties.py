"""passwords duties: change-due owned by the holder, then the IT lead after 14 days overdue
(and for holders without an account); shared-change-due for a leaver's shared account;
counts agree with for_school; titles name no person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.factories import SchoolFactory

from schoolkeep.duties.types import HORIZON, OVERDUE, DutyCounts
from schoolkeep.passwords.duties import CHANGE_DUE, SHARED_CHANGE_DUE, provider
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.passwords.tests import cycle_records as rec

pytestmark = pytest.mark.django_db


def _duties(school):
    now = timezone.now()
    return provider.for_school(school.pk, now=now, horizon=now + HORIZON)


def test_the_holder_owns_it_then_the_it_lead_after_14_days(personas):
    school = personas.school
    today = timezone.localdate()
    sims = rec.system(school)
    fms = rec.system(school, "FMS", "finance")
    me = rec.person(school, "Sofia Novak", user=personas.staff)
    # SIMS: due 5 days ago (the holder's); FMS: due 20 days ago (the IT lead's)
    rec.cycle(school, sims, holders=[me], cadence="every_n_days", every_days=30,
              starts_on=today - timedelta(days=35))
    rec.cycle(school, fms, holders=[me], cadence="every_n_days", every_days=30,
              starts_on=today - timedelta(days=50))
    by_title = {d.title: d for d in _duties(school)}
    sims_duty = by_title["Change the SIMS password"]
    fms_duty = by_title["Change the FMS password"]
    assert sims_duty.owner_user_id == personas.staff.pk and sims_duty.owner_role is None
    assert sims_duty.status == OVERDUE and sims_duty.key.startswith(CHANGE_DUE)
    assert fms_duty.owner_user_id is None and fms_duty.owner_role == "it_lead"
    assert "Sofia Novak" in fms_duty.subject and "Sofia" not in fms_duty.title
    assert sims_duty.url == "/passwords/mine/" and sims_duty.permission == "passwords.attest"
    # Passed to the IT lead, it leads where the holder is listed, not to the IT lead's own page.
    assert fms_duty.url == "/passwords/overdue/" and fms_duty.permission == "passwords.view"


def test_a_holder_without_an_account_is_the_it_leads_and_far_dues_are_left_out(personas):
    school = personas.school
    today = timezone.localdate()
    sims = rec.system(school)
    rec.cycle(school, sims, holders=[rec.person(school, "No Account")], cadence="every_n_days",
              every_days=10, starts_on=today - timedelta(days=5))
    rec.cycle(school, rec.system(school, "USO", "identity"),
              holders=[rec.person(school, "Far Away")], cadence="every_n_days",
              every_days=90, starts_on=today)
    [duty] = _duties(school)
    assert duty.owner_role == "it_lead" and duty.status == "due"


def test_a_leavers_shared_account_is_its_responsible_persons(personas):
    from schoolkeep.access.models import SystemAccount

    school = personas.school
    sims = rec.system(school)
    owner = rec.person(school, "Grace Adeyemi", user=personas.business_manager)
    account = SystemAccount.objects.create(school=school, system=sims, username="office",
                                           username_key="office", is_shared=True,
                                           responsible_person=owner)
    ForcedChange.objects.create(school=school, system=sims, reason="leaver",
                                raised_at=timezone.now(), due_on=timezone.localdate(),
                                account=account, raised_by_label="Schoolkeep")
    [duty] = _duties(school)
    assert duty.key.startswith(SHARED_CHANGE_DUE)
    assert duty.owner_user_id == personas.business_manager.pk
    assert "Grace" not in duty.title


def test_a_leaver_responsible_for_the_shared_account_never_owns_its_change(personas):
    from schoolkeep.access.models import SystemAccount

    school = personas.school
    sims = rec.system(school)
    leaver = rec.person(school, "Grace Adeyemi", user=personas.business_manager)
    account = SystemAccount.objects.create(school=school, system=sims, username="office",
                                           username_key="office", is_shared=True,
                                           responsible_person=leaver)
    ForcedChange.objects.create(school=school, system=sims, reason="leaver",
                                raised_at=timezone.now(), due_on=timezone.localdate(),
                                account=account, leaver=leaver, raised_by_label="Schoolkeep")
    [duty] = _duties(school)
    assert duty.owner_user_id is None and duty.owner_role == "it_lead"


def test_counts_agree_with_for_school_for_several_schools(personas):
    today = timezone.localdate()
    schools = [personas.school, SchoolFactory(organisation=personas.school.organisation)]
    for n, school in enumerate(schools):
        system = rec.system(school)
        people = [rec.person(school, f"Holder {k}") for k in range(n + 2)]
        rec.cycle(school, system, holders=people, cadence="every_n_days", every_days=7,
                  starts_on=today - timedelta(days=3 + 5 * n))
    now = timezone.now()
    counts = provider.counts([s.pk for s in schools], now=now, horizon=now + HORIZON)
    for school in schools:
        duties = _duties(school)
        assert counts[school.pk] == sum((DutyCounts.of(d.status) for d in duties),
                                        DutyCounts())
    assert counts[schools[0].pk] == DutyCounts(due=2)
    assert counts[schools[1].pk] == DutyCounts(overdue=3)


def test_counts_read_a_fixed_number_of_queries(personas, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()

    def school_with_holders(count):
        school = SchoolFactory()
        system = rec.system(school)
        rec.cycle(school, system, holders=[rec.person(school, f"H{k}") for k in range(count)],
                  cadence="termly", starts_on=today - timedelta(days=100))
        return school

    few = [school_with_holders(1)]
    now = timezone.now()
    provider.counts([s.pk for s in few], now=now, horizon=now + HORIZON)
    with CaptureQueriesContext(connection) as first:
        provider.counts([s.pk for s in few], now=now, horizon=now + HORIZON)
    many = few + [school_with_holders(5) for _ in range(6)]
    with django_assert_num_queries(len(first)):
        counts = provider.counts([s.pk for s in many], now=now, horizon=now + HORIZON)
    assert len(counts) >= 1


def test_the_measure_counts_holders_not_overdue_per_school(personas):
    from schoolkeep.passwords.measures import CURRENT
    from schoolkeep.passwords.measures import provider as measures

    school = personas.school
    today = timezone.localdate()
    sims = rec.system(school)
    late, fine = rec.person(school, "Late"), rec.person(school, "Fine")
    rec.cycle(school, sims, holders=[late, fine], cadence="every_n_days", every_days=30,
              starts_on=today - timedelta(days=40))
    rec.changed(school, sims, fine, today)
    other = SchoolFactory()
    assert measures.figures([school.pk, other.pk], now=timezone.now()) == {
        school.pk: {CURRENT: (1, 2)}}
