"""Attestations (password_change_record) and the holders' due dates (selectors)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import open_event
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.passwords.models import ForcedChange, PasswordChange
from schoolkeep.passwords.selectors import cycle_dues, holder_dues, holders_of
from schoolkeep.passwords.services import password_change_record
from schoolkeep.passwords.tests import cycle_records as rec
from schoolkeep.tenancy.models import Term
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_a_holder_records_a_change_and_it_is_audited(personas):
    school = personas.school
    sims = rec.system(school)
    sofia = rec.person(school, "Sofia Novak", user=personas.staff)
    rec.cycle(school, sims, holders=[sofia], cadence="every_n_days", every_days=90)
    change = password_change_record(school=school, system=sims, person=sofia,
                                    changed_on=TODAY(), via="dashboard", actor=personas.staff)
    assert change.changed_on == TODAY()
    event = AuditEvent.objects.get(action="passwords.change.recorded")
    assert open_event(event).changes["person"] == "Sofia Novak"  # sealed: person's key
    due = holder_dues(school=school, today=TODAY())
    assert [(d.person.pk, d.due_on, d.overdue) for d in due] == [
        (sofia.pk, TODAY() + timedelta(days=90), False)]


@pytest.mark.parametrize(("offset", "message"), [
    (1, "cannot be in the future"), (-400, "more than a year ago")])
def test_a_day_in_the_future_or_too_long_ago_is_refused(personas, offset, message):
    school = personas.school
    sims = rec.system(school)
    sofia = rec.person(school, "Sofia Novak", user=personas.staff)
    rec.cycle(school, sims, holders=[sofia], cadence="yearly")
    with pytest.raises(DomainError, match=message) as caught:
        password_change_record(school=school, system=sims, person=sofia,
                               changed_on=TODAY() + timedelta(days=offset), via="dashboard",
                               actor=personas.staff)
    assert caught.value.field == "changed_on"
    assert not PasswordChange.objects.exists()


def test_someone_who_holds_no_cycle_of_the_system_is_refused(personas):
    school = personas.school
    sims = rec.system(school)
    fms = rec.system(school, "FMS", "finance")
    sofia = rec.person(school, "Sofia Novak", user=personas.staff)
    rec.cycle(school, fms, holders=[sofia], cadence="yearly")
    with pytest.raises(DomainError, match="does not hold a password cycle of SIMS"):
        password_change_record(school=school, system=sims, person=sofia, changed_on=TODAY(),
                               via="dashboard", actor=personas.staff)


def test_a_member_may_not_record_someone_elses_change_without_manage(personas):
    school = personas.school
    sims = rec.system(school)
    grace = rec.person(school, "Grace Adeyemi")
    rec.cycle(school, sims, holders=[grace], cadence="yearly")
    with pytest.raises(NotAllowed):
        password_change_record(school=school, system=sims, person=grace, changed_on=TODAY(),
                               via="on_behalf", actor=personas.staff)
    password_change_record(school=school, system=sims, person=grace, changed_on=TODAY(),
                           via="on_behalf", actor=personas.it_lead)
    assert PasswordChange.objects.filter(person=grace).count() == 1


def test_holders_of_a_label_are_its_current_members_people(personas):
    school = personas.school
    sims = rec.system(school)
    user = UserFactory()
    membership = MembershipFactory(user=user, school=school, roles=[Role.STAFF])
    gone_user = UserFactory()
    gone = MembershipFactory(user=gone_user, school=school, roles=[Role.STAFF])
    grace = rec.person(school, "Grace Adeyemi", user=user)
    rec.person(school, "Left Already", user=gone_user, leaving_date=TODAY() - timedelta(days=3))
    admin = rec.label(school, "Admin staff", [membership, gone])
    named = rec.person(school, "Named Holder")
    made = rec.cycle(school, sims, holders=[named], holders_label=admin)
    assert [p.full_name for p in holders_of(school=school)[made]] == [
        "Grace Adeyemi", "Named Holder"]
    assert grace.pk in {p.pk for p in holders_of(school=school, system=sims)[made]}


def test_a_compromise_makes_the_change_due_now_and_settles_when_all_changed(personas):
    school = personas.school
    sims = rec.system(school)
    sofia = rec.person(school, "Sofia Novak", user=personas.staff)
    grace = rec.person(school, "Grace Adeyemi")
    rec.cycle(school, sims, holders=[sofia, grace], cadence="every_n_days", every_days=90)
    rec.changed(school, sims, sofia, TODAY() - timedelta(days=5))
    rec.changed(school, sims, grace, TODAY() - timedelta(days=5))
    forced = ForcedChange.objects.create(
        school=school, system=sims, reason="compromise", raised_at=timezone.now(),
        due_on=TODAY(), raised_by_label="IT lead")
    dues = {d.person.pk: d for d in holder_dues(school=school, today=TODAY())}
    assert dues[sofia.pk].due_on == TODAY()
    assert dues[sofia.pk].reason == "compromise"
    # the next day it is overdue
    later = {d.person.pk: d for d in holder_dues(school=school,
                                                 today=TODAY() + timedelta(days=1))}
    assert later[grace.pk].overdue
    password_change_record(school=school, system=sims, person=sofia, changed_on=TODAY(),
                           via="dashboard", actor=personas.staff)
    forced.refresh_from_db()
    assert forced.settled_at is None  # Grace has not changed hers yet
    dues = {d.person.pk: d for d in holder_dues(school=school, today=TODAY())}
    assert dues[sofia.pk].reason == "every_n_days"
    assert dues[grace.pk].reason == "compromise"
    password_change_record(school=school, system=sims, person=grace, changed_on=TODAY(),
                           via="on_behalf", actor=personas.it_lead)
    forced.refresh_from_db()
    assert forced.settled_at is not None


def test_termly_dues_on_the_cycle_page_mark_estimated_terms(personas):
    school = SchoolFactory()  # no dates of its own: estimated
    sims = rec.system(school)
    sofia = rec.person(school, "Sofia Novak")
    made = rec.cycle(school, sims, holders=[sofia], starts_on=date(2026, 9, 1))
    rec.changed(school, sims, sofia, date(2026, 10, 1))
    [item] = cycle_dues(school=school, today=date(2026, 11, 1), cycle=made)
    [row] = item.rows
    assert row.due is not None and row.due.estimated
    assert row.last_changed_on == date(2026, 10, 1)
    Term.objects.create(school=school, academic_year=2026, name="autumn",
                        starts_on=date(2026, 9, 2), ends_on=date(2026, 12, 18))
    Term.objects.create(school=school, academic_year=2026, name="spring",
                        starts_on=date(2027, 1, 5), ends_on=date(2027, 3, 26))
    Term.objects.create(school=school, academic_year=2026, name="summer",
                        starts_on=date(2027, 4, 12), ends_on=date(2027, 7, 21))
    [item] = cycle_dues(school=school, today=date(2026, 11, 1), cycle=made)
    assert item.rows[0].due.on == date(2027, 3, 26)
    assert not item.rows[0].due.estimated
    assert item.overdue_count == 0
    [late] = cycle_dues(school=school, today=date(2027, 3, 27), cycle=made)
    assert late.overdue_count == 1


def test_a_leaver_forced_change_lets_the_shared_accounts_users_attest(personas):
    from schoolkeep.access.models import SystemAccount

    school = personas.school
    sims = rec.system(school)
    grace = rec.person(school, "Grace Adeyemi")
    account = SystemAccount.objects.create(school=school, system=sims, username="office",
                                           username_key="office", is_shared=True,
                                           responsible_person=grace)
    forced = ForcedChange.objects.create(
        school=school, system=sims, reason="leaver", raised_at=timezone.now(), due_on=TODAY(),
        account=account, raised_by_label="Schoolkeep")
    password_change_record(school=school, system=sims, person=grace, changed_on=TODAY(),
                           via="on_behalf", actor=personas.it_lead)
    forced.refresh_from_db()
    assert forced.settled_at is not None
