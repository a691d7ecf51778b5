"""Forced changes after the review of issue 15: which change answers a leaver's change (one
on or after the leaving date), withdrawing a leaver's changes when the leaving date is
cleared, the leaver never settling their own, and read-only roles recording nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.access.keys import username_key
from schoolkeep.access.models import SystemAccount
from schoolkeep.audit.actions import action_label
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.passwords.events.selectors import (
    answered_from,
    answers,
    forced_change_state,
    withdrawn,
)
from schoolkeep.passwords.events.services import (
    forced_change_compromise,
    forced_change_settle,
    forced_changes_for_leaver,
    forced_changes_withdraw_for_leaver,
)
from schoolkeep.passwords.models import ForcedChange, PasswordChange
from schoolkeep.passwords.tests import cycle_records as rec

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _shared(school, system, *, responsible, users, username="office"):
    account = SystemAccount.objects.create(school=school, system=system, username=username,
                                           username_key=username_key(username),
                                           is_shared=True, responsible_person=responsible)
    account.shared_with.set(users)
    return account


@pytest.fixture
def leaving(personas):
    """Peter Gray leaves in 10 days; Sofia (the staff persona) is responsible for the
    shared FMS account he uses, whose change is raised today."""
    school = personas.school
    system = rec.system(school, "FMS", "finance")
    leaver = rec.person(school, "Peter Gray", leaving_date=TODAY() + timedelta(days=10))
    keeper = rec.person(school, "Sofia Novak", user=personas.staff)
    _shared(school, system, responsible=keeper, users=[leaver])
    [forced] = forced_changes_for_leaver(school=school, person=leaver, actor=personas.siro)
    return forced, leaver, keeper


# ------------------------------------------------------------- which change answers it


def test_a_leavers_change_is_answered_only_on_or_after_the_leaving_date(personas, leaving):
    forced, _leaver, keeper = leaving
    due = TODAY() + timedelta(days=10)
    assert answered_from(forced) == due
    assert not answers(forced, TODAY())
    assert not answers(forced, due - timedelta(days=1))
    assert answers(forced, due) and answers(forced, due + timedelta(days=3))
    # A change recorded today (before the leaving date) does not show as made.
    rec.changed(personas.school, forced.system, keeper, TODAY())
    state = forced_change_state(forced)
    assert [(row.person.pk, row.changed_on) for row in state.asked] == [(keeper.pk, None)]


def test_a_compromise_is_answered_from_the_day_it_was_raised(personas):
    school = personas.school
    system = rec.system(school)
    holder = rec.person(school, "Grace Adeyemi")
    rec.cycle(school, system, holders=[holder], cadence="yearly",
              starts_on=TODAY() - timedelta(days=30))
    forced = forced_change_compromise(school=school, system=system, actor=personas.siro)
    assert answered_from(forced) == TODAY()
    assert answers(forced, TODAY()) and not answers(forced, TODAY() - timedelta(days=1))


def test_a_change_before_the_leaving_date_is_refused_on_its_field_and_writes_nothing(
        personas, leaving):
    forced, _leaver, keeper = leaving
    with pytest.raises(DomainError) as refused:
        forced_change_settle(forced=forced, actor=personas.staff, person=keeper)
    assert refused.value.field == "changed_on"
    assert "on or after the leaving date" in refused.value.message
    assert not PasswordChange.objects.exists()
    forced.refresh_from_db()
    assert forced.settled_at is None


def test_the_page_says_a_change_counts_from_the_leaving_date_and_refuses_an_early_one(
        personas, leaving, login):
    forced, _leaver, keeper = leaving
    url = reverse("passwords:forced-change", args=[forced.public_id])
    client = login(personas.staff)
    page = client.get(url).content.decode()
    assert "Changed on or after the leaving date" in page
    assert "Only a change on or after the leaving date" in page
    response = client.post(url, {"person": str(keeper.public_id)})
    assert response.status_code == 200
    assert "Only a change made on or after the leaving date" in response.content.decode()
    assert not PasswordChange.objects.exists()


# ------------------------------------------------------------------ the leaver


def test_the_leaver_can_never_settle_their_own_change(personas, login):
    """The IT lead is leaving: though they manage passwords, they may not record the change
    of a shared account they used, for themselves or for anyone else."""
    school = personas.school
    system = rec.system(school, "FMS", "finance")
    leaver = rec.person(school, "Ivan Lead", user=personas.it_lead,
                        leaving_date=TODAY() + timedelta(days=10))
    keeper = rec.person(school, "Grace Adeyemi")
    _shared(school, system, responsible=keeper, users=[leaver])
    [forced] = forced_changes_for_leaver(school=school, person=leaver, actor=None)
    with pytest.raises(NotAllowed):
        forced_change_settle(forced=forced, actor=personas.it_lead, person=keeper)
    with pytest.raises(NotAllowed):
        forced_change_settle(forced=forced, actor=personas.it_lead, person=leaver)
    with pytest.raises(DomainError, match="is the leaver"):
        forced_change_settle(forced=forced, actor=personas.siro, person=leaver)
    url = reverse("passwords:forced-change", args=[forced.public_id])
    client = login(personas.it_lead)
    page = client.get(url)
    assert page.status_code == 200
    assert "The password has been changed</button>" not in page.content.decode()
    assert client.post(url, {"person": str(keeper.public_id)}).status_code == 403
    assert not PasswordChange.objects.exists()
    forced.refresh_from_db()
    assert forced.settled_at is None


# --------------------------------------------------------- read-only roles (auditor)


@pytest.fixture
def auditor_asked(personas):
    """A compromise of SIMS, whose cycle the auditor holds (with Grace)."""
    school = personas.school
    system = rec.system(school)
    auditor = rec.person(school, "Alex Auditor", user=personas.auditor)
    grace = rec.person(school, "Grace Adeyemi")
    rec.cycle(school, system, holders=[auditor, grace], cadence="yearly",
              starts_on=TODAY() - timedelta(days=30))
    forced = forced_change_compromise(school=school, system=system, actor=personas.siro)
    return forced, auditor, grace


def test_an_auditor_who_is_asked_sees_the_page_but_records_nothing(
        personas, auditor_asked, login):
    forced, auditor, grace = auditor_asked
    url = reverse("passwords:forced-change", args=[forced.public_id])
    client = login(personas.auditor)
    page = client.get(url)
    assert page.status_code == 200
    assert "Alex Auditor" in page.content.decode()
    assert "The password has been changed</button>" not in page.content.decode()
    assert client.post(url, {"person": str(auditor.public_id)}).status_code == 403
    assert client.post(url, {"person": str(grace.public_id)}).status_code == 403
    assert client.post(url, {}).status_code == 403
    assert not PasswordChange.objects.exists()
    with pytest.raises(NotAllowed):
        forced_change_settle(forced=forced, actor=personas.auditor, person=auditor)
    assert not PasswordChange.objects.exists()


def test_an_auditor_may_not_post_even_once_the_change_is_made(personas, auditor_asked, login):
    forced, auditor, grace = auditor_asked
    for person in (auditor, grace):
        forced_change_settle(forced=forced, actor=personas.siro, person=person)
    forced.refresh_from_db()
    assert forced.settled_at is not None
    url = reverse("passwords:forced-change", args=[forced.public_id])
    assert login(personas.auditor).post(url, {}).status_code == 403


# ----------------------------------------------------- withdrawing a leaver's changes


def test_clearing_the_leaving_date_withdraws_the_open_leaver_changes_once(personas, login):
    school = personas.school
    fms = rec.system(school, "FMS", "finance")
    sims = rec.system(school, "SIMS")
    leaver = rec.person(school, "Peter Gray", leaving_date=TODAY() + timedelta(days=10))
    other = rec.person(school, "Olga Other", leaving_date=TODAY() + timedelta(days=5))
    keeper = rec.person(school, "Grace Adeyemi")
    _shared(school, fms, responsible=keeper, users=[leaver, other])
    _shared(school, sims, responsible=leaver, users=[keeper], username="reception")
    mine = forced_changes_for_leaver(school=school, person=leaver, actor=None)
    [theirs] = forced_changes_for_leaver(school=school, person=other, actor=None)
    assert len(mine) == 2
    rec.cycle(school, sims, holders=[leaver, keeper], cadence="yearly",
              starts_on=TODAY() - timedelta(days=30))
    compromise = forced_change_compromise(school=school, system=sims, actor=personas.siro)

    leaver.leaving_date = None
    leaver.save()
    done = forced_changes_withdraw_for_leaver(school=school, person=leaver,
                                              actor=personas.hr_admin)
    assert sorted(f.pk for f in done) == sorted(f.pk for f in mine)
    for forced in mine:
        forced.refresh_from_db()
        assert forced.settled_at is not None and withdrawn(forced)
    theirs.refresh_from_db()
    compromise.refresh_from_db()
    assert theirs.settled_at is None and compromise.settled_at is None
    events = AuditEvent.objects.filter(action="passwords.forced_change.withdrawn")
    assert events.count() == 2
    assert action_label("passwords.forced_change.withdrawn") != (
        "passwords.forced_change.withdrawn")
    assert not PasswordChange.objects.exists()

    # Again: nothing open, nothing written.
    assert forced_changes_withdraw_for_leaver(school=school, person=leaver,
                                              actor=personas.hr_admin) == []
    assert events.count() == 2

    page = login(personas.siro).get(reverse("passwords:forced-change",
                                            args=[mine[0].public_id])).content.decode()
    assert "Withdrawn: the leaving date was cleared" in page
    assert "The password has been changed</button>" not in page


def test_a_change_answered_by_a_password_change_is_not_shown_as_withdrawn(personas):
    school = personas.school
    system = rec.system(school, "FMS", "finance")
    leaver = rec.person(school, "Peter Gray", leaving_date=TODAY())
    keeper = rec.person(school, "Grace Adeyemi")
    _shared(school, system, responsible=keeper, users=[leaver])
    [forced] = forced_changes_for_leaver(school=school, person=leaver, actor=None)
    forced_change_settle(forced=forced, actor=personas.siro, person=keeper)
    forced.refresh_from_db()
    assert forced.settled_at is not None and not withdrawn(forced)
    assert forced_changes_withdraw_for_leaver(school=school, person=leaver,
                                              actor=None) == []


def test_withdrawing_for_another_schools_person_is_refused(personas):
    stranger = rec.person(personas.other_school, "Peter Gray")
    with pytest.raises(DomainError, match="this school"):
        forced_changes_withdraw_for_leaver(school=personas.school, person=stranger,
                                           actor=personas.siro)
    assert not ForcedChange.objects.exists()
