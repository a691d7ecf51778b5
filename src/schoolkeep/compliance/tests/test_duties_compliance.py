"""The compliance duties: a control to confirm (never confirmed: due on the last day of the
term it came to the school in, the later of the school's creation and the control's;
confirmed: due by its cadence, listed within the horizon; found not done: overdue), to its
named owner (while they may confirm) or its role; a control not met (one per control, from
its last worked-out status, computed controls only); counts agree with the lists and stay
the same number of queries for 3 schools or 40."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.compliance.models import Control, ControlSetting, ControlStatus, State
from schoolkeep.compliance.state.duties import ATTESTATION_DUE, NOT_MET, provider
from schoolkeep.compliance.tests.state_records import attest, attested, computed
from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts, local_date
from schoolkeep.tenancy.calendar import TermCalendar
from schoolkeep.tenancy.models import MembershipRole, School

pytestmark = pytest.mark.django_db


def only_builtins_of_the_test() -> None:
    """The catalogue's built-in controls archived, so each test counts only its own."""
    Control.objects.filter(school__isnull=True).update(archived_at=timezone.now())


def listed(school, now=None):
    now = now or timezone.now()
    return provider.for_school(school.pk, now=now, horizon=now + HORIZON)


def agree(ids: list[int], now) -> dict[int, DutyCounts]:
    counts = provider.counts(ids, now=now, horizon=now + HORIZON)
    for school_id in ids:
        duties = provider.for_school(school_id, now=now, horizon=now + HORIZON)
        expected = DutyCounts(due=sum(d.status == DUE for d in duties),
                              overdue=sum(d.status == OVERDUE for d in duties))
        assert counts.get(school_id, DutyCounts()) == expected, school_id
    return counts


def test_attestation_due_never_confirmed_then_by_cadence(personas: Personas) -> None:
    only_builtins_of_the_test()
    school = personas.school
    control = attested(cadence="every_n_days", every_days=30, owner_role="it_lead")
    calendar = TermCalendar(school)
    this_term_ends = calendar.term_for_date(timezone.localdate()).ends_on
    [duty] = listed(school)  # due on the last day of the term it came in: this one
    assert duty.due_at == this_term_ends
    # A school of long ago: a control added today is still due at the end of this term.
    long_ago = timezone.now() - timedelta(days=400)
    School.objects.filter(pk=school.pk).update(created_at=long_ago)
    [duty] = listed(school)
    assert duty.due_at == this_term_ends
    # A control there since then: due at the end of the term it came in, so overdue now.
    Control.objects.filter(pk=control.pk).update(created_at=long_ago)
    [duty] = listed(school)
    assert duty.key.startswith(ATTESTATION_DUE) and duty.status == OVERDUE
    assert duty.due_at == calendar.term_for_date(local_date(long_ago)).ends_on
    assert duty.owner_role == "it_lead" and duty.owner_user_id is None
    assert duty.title == f"Confirm: {control.title}"
    assert duty.url == f"/compliance/controls/{control.public_id}/confirm/"
    today = timezone.localdate()
    attest(school, control, today - timedelta(days=5))  # due in 25 days: not listed
    assert listed(school) == []
    attest(school, control, today - timedelta(days=20))  # an older one does not count
    assert listed(school) == []
    attest(school, control, today - timedelta(days=20))
    ControlSetting.objects.create(school=school, control=control, owner=personas.dpo)
    attest(school, control, today - timedelta(days=1), outcome="not_done")
    [duty] = listed(school)
    assert duty.status == OVERDUE and duty.due_at == today - timedelta(days=1)
    assert duty.owner_user_id == personas.dpo.pk
    assert "Found not done" in duty.subject


def test_attestation_due_within_the_horizon(personas: Personas) -> None:
    only_builtins_of_the_test()
    school = personas.school
    control = attested(cadence="yearly")
    attest(school, control, timezone.localdate() - timedelta(days=360))
    [duty] = listed(school)
    assert duty.status == DUE
    ControlSetting.objects.create(school=school, control=control, owner=personas.outsider)
    [duty] = listed(school)
    assert duty.owner_user_id is None  # not a member here: the control's role


def test_control_not_met_one_duty_per_computed_control(personas: Personas) -> None:
    only_builtins_of_the_test()
    school = personas.school
    now = timezone.now()
    late = computed(owner_role="dpo")
    fine = computed()
    confirmed = attested()
    attest(school, confirmed, timezone.localdate())
    since = now - timedelta(days=2)
    for control, state in ((late, State.NOT_MET), (fine, State.MET),
                           (confirmed, State.NOT_MET)):
        ControlStatus.objects.create(school=school, control=control, state=state, since=since,
                                     checked_at=now, owner_role=control.owner_role, overdue=3)
    [duty] = listed(school, now)
    assert duty.key == f"{NOT_MET}:{school.pk}:{late.public_id}"
    assert duty.status == OVERDUE and duty.due_at == since and duty.owner_role == "dpo"
    assert duty.url == f"/compliance/controls/{late.public_id}/"
    late.archived_at = now
    late.save()
    assert listed(school, now) == []


def test_counts_agree_and_do_not_grow_with_the_schools(personas: Personas) -> None:
    now = timezone.now()
    today = timezone.localdate()
    termly = attested(cadence="termly")

    def schools(n: int) -> list[int]:
        ids = []
        for number in range(n):
            school = SchoolFactory()
            control = computed()
            ControlStatus.objects.create(school=school, control=control, state=State.NOT_MET,
                                         since=now - timedelta(days=1), checked_at=now)
            attest(school, termly, today - timedelta(days=number % 200))
            own = attested(school=school, cadence="every_n_days", every_days=10)
            ControlSetting.objects.create(school=school, control=own, cadence="every_n_days",
                                          every_days=5 + number % 20)
            attest(school, own, today - timedelta(days=number % 30))
            ids.append(school.pk)
        return ids

    few, many = schools(3), schools(40)
    agree(few + many + [personas.school.pk], now)
    provider.counts(few, now=now, horizon=now + HORIZON)  # the term dates read once
    with CaptureQueriesContext(connection) as at_three:
        provider.counts(few, now=now, horizon=now + HORIZON)
    with CaptureQueriesContext(connection) as at_forty:
        provider.counts(many, now=now, horizon=now + HORIZON)
    assert len(at_three) == len(at_forty) <= 7


def test_a_named_owner_without_a_confirming_role_no_longer_owns(personas: Personas) -> None:
    """An owner whose roles were all changed to auditor (who may not confirm) gets no duty:
    the control falls back to its role."""
    only_builtins_of_the_test()
    school = personas.school
    control = attested(owner_role="it_lead")
    Control.objects.filter(pk=control.pk).update(created_at=timezone.now() - timedelta(days=400))
    School.objects.filter(pk=school.pk).update(created_at=timezone.now() - timedelta(days=400))
    ControlSetting.objects.create(school=school, control=control, owner=personas.staff)
    [duty] = listed(school)
    assert duty.owner_user_id == personas.staff.pk
    MembershipRole.objects.filter(membership__school=school,
                                  membership__user=personas.staff).update(role="auditor")
    [duty] = listed(school)
    assert duty.owner_user_id is None and duty.owner_role == "it_lead"
