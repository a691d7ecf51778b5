"""Forced password changes: a system possibly compromised, and a leaver who knew a shared
account's password (services, and the two pages)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.access.keys import username_key
from schoolkeep.access.models import SystemAccount
from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents.handling.triage import incident_triage
from schoolkeep.incidents.models import Channel, Kind
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.passwords.events.selectors import forced_change_state
from schoolkeep.passwords.events.services import (
    forced_change_compromise,
    forced_change_settle,
    forced_changes_for_leaver,
)
from schoolkeep.passwords.models import ForcedChange, PasswordChange
from schoolkeep.passwords.selectors import holder_dues
from schoolkeep.passwords.services import password_change_record
from schoolkeep.passwords.tests import cycle_records as rec

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def sims(personas):
    """SIMS with a termly cycle held by Sofia (staff persona's record) and Grace."""
    school = personas.school
    system = rec.system(school)
    sofia = rec.person(school, "Sofia Novak", user=personas.staff)
    grace = rec.person(school, "Grace Adeyemi")
    rec.cycle(school, system, holders=[sofia, grace], cadence="yearly",
              starts_on=TODAY() - timedelta(days=30))
    return system, sofia, grace


def _shared(school, system, *, responsible, users, username="office"):
    account = SystemAccount.objects.create(school=school, system=system, username=username,
                                           username_key=username_key(username),
                                           is_shared=True, responsible_person=responsible)
    account.shared_with.set(users)
    return account


# ----------------------------------------------------------------------- compromise


def test_a_compromise_makes_every_holder_due_today_once(personas, sims):
    system, sofia, grace = sims
    before = {d.person.pk: d.due_on for d in holder_dues(school=personas.school, today=TODAY())}
    assert all(day > TODAY() for day in before.values())
    forced = forced_change_compromise(school=personas.school, system=system,
                                      actor=personas.siro, note="Phishing e-mail answered")
    assert (forced.reason, forced.due_on, forced.settled_at) == ("compromise", TODAY(), None)
    dues = holder_dues(school=personas.school, today=TODAY())
    assert {(d.person.pk, d.due_on, d.reason) for d in dues} == {
        (sofia.pk, TODAY(), "compromise"), (grace.pk, TODAY(), "compromise")}
    again = forced_change_compromise(school=personas.school, system=system,
                                     actor=personas.it_lead)
    assert again.pk == forced.pk
    assert ForcedChange.objects.count() == 1
    event = AuditEvent.objects.get(action="passwords.forced_change.raised")
    assert event.changes["holders"] == 2


def test_a_compromise_is_settled_when_every_holder_has_changed(personas, sims):
    system, sofia, grace = sims
    forced = forced_change_compromise(school=personas.school, system=system,
                                      actor=personas.siro)
    password_change_record(school=personas.school, system=system, person=sofia,
                           changed_on=TODAY(), via="dashboard", actor=personas.staff)
    forced.refresh_from_db()
    assert forced.settled_at is None
    state = forced_change_state(forced)
    assert [(row.person.pk, row.changed_on) for row in state.asked] == [
        (grace.pk, None), (sofia.pk, TODAY())]
    forced_change_settle(forced=forced, actor=personas.siro, person=grace)
    forced.refresh_from_db()
    assert forced.settled_at is not None
    assert PasswordChange.objects.get(person=grace).via == PasswordChange.Via.ON_BEHALF


def test_a_change_before_the_compromise_does_not_count(personas, sims):
    system, sofia, grace = sims
    rec.changed(personas.school, system, sofia, TODAY() - timedelta(days=1))
    forced = forced_change_compromise(school=personas.school, system=system,
                                      actor=personas.siro)
    assert [row.person.pk for row in forced_change_state(forced).waiting] == [grace.pk,
                                                                              sofia.pk]


def test_only_a_manager_of_passwords_marks_a_compromise(personas, sims):
    system, _sofia, _grace = sims
    with pytest.raises(NotAllowed):
        forced_change_compromise(school=personas.school, system=system, actor=personas.dpo)
    assert not ForcedChange.objects.exists()


def test_a_system_without_holders_cannot_be_marked(personas):
    system = rec.system(personas.school, "CPOMS", "safeguarding")
    with pytest.raises(DomainError, match="nobody to ask"):
        forced_change_compromise(school=personas.school, system=system, actor=personas.siro)


def test_the_incident_must_name_the_system(personas, sims):
    system, _sofia, _grace = sims
    incident, _ = incident_report(school=personas.school, actor=personas.siro,
                                  channel=Channel.APP, title="Phishing",
                                  description="A link was clicked.")
    with pytest.raises(DomainError, match="not among the systems") as caught:
        forced_change_compromise(school=personas.school, system=system, actor=personas.siro,
                                 incident=incident)
    assert caught.value.field == "incident"
    incident.systems.add(system)
    forced = forced_change_compromise(school=personas.school, system=system,
                                      actor=personas.siro, incident=incident)
    assert forced.incident == incident


# ----------------------------------------------------------------------- leavers


def test_a_leaver_of_a_shared_account_makes_one_change_due_on_their_leaving_date(personas):
    school = personas.school
    system = rec.system(school, "FMS", "finance")
    leaving = TODAY() + timedelta(days=10)
    leaver = rec.person(school, "Peter Gray", leaving_date=leaving)
    keeper = rec.person(school, "Sofia Novak", user=personas.staff)
    other = rec.person(school, "Grace Adeyemi")
    account = _shared(school, system, responsible=keeper, users=[leaver, other])
    _shared(school, system, responsible=keeper, users=[other], username="reception")
    disabled = _shared(school, system, responsible=leaver, users=[], username="old")
    disabled.enabled = False
    disabled.save()
    made = forced_changes_for_leaver(school=school, person=leaver, actor=None)
    assert [(f.account, f.due_on, f.reason, f.leaver) for f in made] == [
        (account, leaving, "leaver", leaver)]
    assert forced_changes_for_leaver(school=school, person=leaver, actor=None) == made
    assert ForcedChange.objects.count() == 1
    state = forced_change_state(made[0])
    assert {row.person.pk for row in state.asked} == {keeper.pk, other.pk}


def test_a_moved_leaving_date_moves_the_due_date(personas):
    school = personas.school
    system = rec.system(school, "FMS", "finance")
    leaver = rec.person(school, "Peter Gray", leaving_date=TODAY() + timedelta(days=10))
    _shared(school, system, responsible=leaver, users=[])
    [forced] = forced_changes_for_leaver(school=school, person=leaver, actor=None)
    leaver.leaving_date = TODAY() + timedelta(days=20)
    leaver.save()
    [moved] = forced_changes_for_leaver(school=school, person=leaver, actor=None)
    assert moved.pk == forced.pk and moved.due_on == TODAY() + timedelta(days=20)
    assert AuditEvent.objects.filter(action="passwords.forced_change.moved").count() == 1


def test_one_change_by_the_responsible_person_settles_a_leavers_change(personas):
    school = personas.school
    system = rec.system(school, "FMS", "finance")
    leaver = rec.person(school, "Peter Gray", leaving_date=TODAY())
    keeper = rec.person(school, "Sofia Novak", user=personas.staff)
    _shared(school, system, responsible=keeper, users=[leaver])
    [forced] = forced_changes_for_leaver(school=school, person=leaver, actor=None)
    change = forced_change_settle(forced=forced, actor=personas.staff, person=keeper)
    assert change.via == PasswordChange.Via.DASHBOARD
    forced.refresh_from_db()
    assert forced.settled_at is not None
    with pytest.raises(DomainError, match="already been made"):
        forced_change_settle(forced=forced, actor=personas.staff, person=keeper)


def test_the_leaver_is_not_asked_and_others_may_not_record_for_someone(personas):
    school = personas.school
    system = rec.system(school, "FMS", "finance")
    leaver = rec.person(school, "Peter Gray", leaving_date=TODAY())
    keeper = rec.person(school, "Grace Adeyemi")
    rec.person(school, "Sofia Novak", user=personas.staff)
    _shared(school, system, responsible=keeper, users=[leaver])
    [forced] = forced_changes_for_leaver(school=school, person=leaver, actor=None)
    with pytest.raises(DomainError, match="is the leaver and knows this password"):
        forced_change_settle(forced=forced, actor=personas.siro, person=leaver)
    with pytest.raises(NotAllowed):
        forced_change_settle(forced=forced, actor=personas.staff, person=keeper)


# ----------------------------------------------------------------------- pages


def test_the_compromise_page_says_how_many_are_asked_and_get_records_nothing(
        personas, sims, login):
    system, _sofia, _grace = sims
    url = reverse("passwords:system-compromised", args=[system.public_id])
    response = login(personas.it_lead).get(url)
    assert response.status_code == 200
    assert "The 2 people who hold a SIMS password will be asked" in response.content.decode()
    assert not ForcedChange.objects.exists()
    response = login(personas.it_lead).post(url, {"note": "Supplier warning"})
    forced = ForcedChange.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("passwords:forced-change", args=[forced.public_id])
    assert forced.note == "Supplier warning"


def test_the_compromise_page_preselects_the_incident(personas, sims, login):
    system, _sofia, _grace = sims
    incident, _ = incident_report(school=personas.school, actor=personas.siro,
                                  channel=Channel.APP, title="Phishing",
                                  description="A link was clicked.")
    incident.systems.add(system)
    url = reverse("passwords:system-compromised", args=[system.public_id])
    page = login(personas.siro).get(f"{url}?incident={incident.public_id}")
    assert f'value="{incident.public_id}" selected' in page.content.decode()
    login(personas.siro).post(url, {"incident": str(incident.public_id)})
    assert ForcedChange.objects.get().incident == incident


def test_another_schools_system_or_forced_change_is_404(personas, sims, login):
    other_system = rec.system(personas.other_school, "SIMS")
    client = login(personas.siro)
    assert client.get(reverse("passwords:system-compromised",
                              args=[other_system.public_id])).status_code == 404
    outsider_change = ForcedChange.objects.create(
        school=personas.other_school, system=other_system, reason="compromise",
        raised_at=timezone.now(), due_on=TODAY(), raised_by_label="them")
    assert client.get(reverse("passwords:forced-change",
                              args=[outsider_change.public_id])).status_code == 404


def test_a_holder_sees_the_forced_change_and_records_their_own(personas, sims, login):
    system, sofia, grace = sims
    forced = forced_change_compromise(school=personas.school, system=system,
                                      actor=personas.siro)
    url = reverse("passwords:forced-change", args=[forced.public_id])
    client = login(personas.staff)
    page = client.get(url)
    assert page.status_code == 200
    assert "2 of 2 still to change it" in page.content.decode()
    assert client.post(url, {"person": str(grace.public_id)}).status_code == 200
    assert not PasswordChange.objects.filter(person=grace).exists()
    assert client.post(url, {"person": str(sofia.public_id)}).status_code == 302
    assert PasswordChange.objects.get(person=sofia).via == PasswordChange.Via.DASHBOARD


def test_someone_not_asked_and_without_passwords_view_gets_403(personas, sims, login):
    system, _sofia, _grace = sims
    forced = forced_change_compromise(school=personas.school, system=system,
                                      actor=personas.siro)
    url = reverse("passwords:forced-change", args=[forced.public_id])
    assert login(personas.dsl).get(url).status_code == 403
    assert login(personas.auditor).get(url).status_code == 200
    assert login(personas.auditor).post(url, {}).status_code == 403



def _forced_page(personas, login, count: int):
    """A compromise of a system with ``count`` holders, half of whom changed since."""
    school = personas.school
    system = rec.system(school, f"System {count}")
    people = [rec.person(school, f"Holder {count} {n:02d}") for n in range(count)]
    rec.cycle(school, system, holders=people, cadence="yearly",
              starts_on=TODAY() - timedelta(days=30))
    for person in people[::2]:
        rec.changed(school, system, person, TODAY())
    forced = ForcedChange.objects.create(school=school, system=system, reason="compromise",
                                         raised_at=timezone.now(), due_on=TODAY(),
                                         raised_by_label="SIRO")
    client = login(personas.siro)
    url = reverse("passwords:forced-change", args=[forced.public_id])
    client.get(url)  # the session's first request writes its activity stamp
    return client, url


# The request's own (session, user, school) and the page's (the forced change, the cycles,
# their holders, the changes since, the people asked): the same for any number of holders.
PAGE_QUERIES = 9


@pytest.mark.parametrize("count", [3, 40])
def test_the_forced_change_page_reads_the_same_queries_for_3_and_40_holders(
        personas, login, steady_session, django_assert_num_queries, count):
    client, url = _forced_page(personas, login, count)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(url)
    assert response.content.decode().count("<tr>") == count + 1



def test_the_incident_page_links_each_system_to_mark_it_for_managers_of_passwords(
        personas, sims, login):
    system, _sofia, _grace = sims
    incident, _ = incident_report(school=personas.school, actor=personas.siro,
                                  channel=Channel.APP, title="Phishing",
                                  description="A link was clicked.")
    incident_triage(incident=incident, actor=personas.siro, version=incident.version,
                    kind=Kind.SECURITY, systems=[system])
    page = reverse("incidents:incident-detail", args=[incident.public_id])
    link = (reverse("passwords:system-compromised", args=[system.public_id])
            + f"?incident={incident.public_id}")
    assert link in login(personas.siro).get(page).content.decode()
    dpo_page = login(personas.dpo).get(page)
    assert dpo_page.status_code == 200 and link not in dpo_page.content.decode()
