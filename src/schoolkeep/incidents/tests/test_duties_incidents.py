"""Duties of incident handling: the ICO decision due at the deadline while the clock runs,
triage of waiting reports, and actions for their owners; titles carry only the reference;
``counts`` is one aggregate for every school and agrees with ``for_school``; the overdue ICO
decision shows as overdue on the dashboard, to who may see reports only."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.factories import MembershipFactory, UserFactory
from tests.personas import Personas

from schoolkeep.duties import registry
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import DUE, HORIZON, OVERDUE, DutyCounts
from schoolkeep.incidents.clock import ico_deadline
from schoolkeep.incidents.duties_incidents import MODULE, IncidentDuties
from schoolkeep.incidents.handling.actions import action_add, action_mark_done
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.handling.services import incident_close
from schoolkeep.incidents.handling.triage import incident_assess_risk, incident_triage
from schoolkeep.incidents.models import Channel, Incident, Kind
from schoolkeep.incidents.report.services import incident_report
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 12, 0, tzinfo=UTC)
SECRET = "Safeguarding notes of a Year 4 child left in the staff room"
provider = IncidentDuties()


def report(personas: Personas, *, ago: timedelta, received_ago: timedelta | None = None,
           school: Any = None, actor: Any = None) -> Incident:
    with time_machine.travel(NOW - (received_ago if received_ago is not None else ago),
                             tick=False):
        incident, _ = incident_report(
            school=school or personas.school, actor=actor or personas.staff,
            channel=Channel.APP, title=SECRET, description=SECRET, personal_data=True,
            aware_at=NOW - ago)
    return incident


def triage(incident: Incident, actor: Any, kind: str = Kind.BREACH) -> Incident:
    incident.refresh_from_db()
    with time_machine.travel(NOW - timedelta(minutes=30), tick=False):
        return incident_triage(incident=incident, actor=actor, version=incident.version,
                               kind=kind, breach_confidentiality=kind == Kind.BREACH)


def decide_ico(incident: Incident, actor: Any) -> None:
    incident = triage(incident, actor)
    with time_machine.travel(NOW - timedelta(minutes=20), tick=False):
        incident = incident_assess_risk(
            incident=incident, actor=actor, version=incident.version, likelihood=2,
            likelihood_rationale="Shared widely.", severity=2, severity_rationale="Upsetting.")
        decision_record(incident=incident, actor=actor, kind="ico", tell=True,
                        reason="A risk to the child.", told_at=NOW - timedelta(minutes=20),
                        ico_reference="IC-1234-5678")


def mine(personas: Personas, user: Any, now: datetime = NOW) -> list[Any]:
    return [d for d in duties_for_school(personas.school, now) if d.module == MODULE
            and user.pk in d.owner_user_ids]


def incident_duties(personas: Personas, now: datetime = NOW) -> list[Any]:
    return [d for d in duties_for_school(personas.school, now) if d.module == MODULE]


def test_the_ico_decision_is_a_duty_of_the_dpo_due_at_the_deadline(personas: Personas) -> None:
    incident = triage(report(personas, ago=timedelta(hours=30)), personas.dpo)
    [duty] = [d for d in incident_duties(personas) if "ico-decision" in d.key]
    assert duty.title == f"Decide whether to tell the ICO about {incident.reference}"
    assert duty.due_at == ico_deadline(incident.aware_at) == NOW + timedelta(hours=42)
    assert duty.status == DUE
    assert duty.owner_user_ids == (personas.dpo.pk,)
    assert duty.url == reverse("incidents:incident-detail", args=[incident.public_id])
    assert SECRET not in duty.title + duty.subject


def test_past_the_deadline_the_ico_decision_is_overdue(personas: Personas) -> None:
    incident = triage(report(personas, ago=timedelta(hours=72, minutes=1)), personas.dpo)
    [duty] = [d for d in incident_duties(personas) if "ico-decision" in d.key]
    assert duty.status == OVERDUE
    assert duty.due_at == ico_deadline(incident.aware_at)


def test_without_a_dpo_the_siro_owns_the_decisions(personas: Personas) -> None:
    Membership.objects.filter(user=personas.dpo, school=personas.school).update(
        is_active=False)
    report(personas, ago=timedelta(hours=2))
    duties = incident_duties(personas)
    assert {d.key.split(":")[0] for d in duties} == {"incidents.ico-decision",
                                                    "incidents.triage"}
    assert all(d.owner_user_ids == (personas.siro.pk,) for d in duties)


def test_the_clock_stopping_ends_the_ico_duty(personas: Personas) -> None:
    decided = report(personas, ago=timedelta(hours=10))
    decide_ico(decided, personas.dpo)
    triage(report(personas, ago=timedelta(hours=10)), personas.siro, Kind.NEAR_MISS)
    triage(report(personas, ago=timedelta(hours=10)), personas.siro, Kind.SECURITY)
    closed = triage(report(personas, ago=timedelta(hours=10)), personas.siro, Kind.NEAR_MISS)
    with time_machine.travel(NOW - timedelta(minutes=5), tick=False):
        incident_close(incident=closed, actor=personas.siro, version=closed.version)
    assert incident_duties(personas) == []
    assert provider.counts([personas.school.pk], now=NOW,
                           horizon=NOW + HORIZON)[personas.school.pk] == DutyCounts()


def test_a_waiting_report_must_be_triaged_within_a_day(personas: Personas) -> None:
    fresh = report(personas, ago=timedelta(hours=3))
    stale = report(personas, ago=timedelta(hours=25))
    # Aware long before it was reported: triage is due at the ICO deadline, already past.
    late = report(personas, ago=timedelta(hours=80), received_ago=timedelta(hours=1))
    triage_duties = {d.subject: d for d in incident_duties(personas) if "triage" in d.key}
    assert triage_duties[fresh.reference].title == f"Triage {fresh.reference}"
    assert triage_duties[fresh.reference].due_at == NOW + timedelta(hours=21)
    assert triage_duties[fresh.reference].status == DUE
    assert triage_duties[stale.reference].status == OVERDUE
    assert triage_duties[late.reference].due_at == ico_deadline(late.aware_at)
    assert triage_duties[late.reference].status == OVERDUE
    assert all(d.owner_user_ids == (personas.dpo.pk,) for d in triage_duties.values())
    triage(fresh, personas.dpo)
    assert fresh.reference not in {d.subject for d in incident_duties(personas)
                                   if "triage" in d.key}


def test_actions_are_duties_of_their_owners_without_their_content(personas: Personas) -> None:
    incident = triage(report(personas, ago=timedelta(hours=5)), personas.dpo)
    with time_machine.travel(NOW - timedelta(days=3), tick=False):
        late = action_add(incident=incident, actor=personas.dpo, kind="containment",
                          description="Recall the e-mail from the parent", owner=personas.siro,
                          due_on=date(2026, 6, 9))
        soon = action_add(incident=incident, actor=personas.dpo, kind="remedial",
                          description="Train the office on SIMS exports", owner=personas.dpo,
                          due_on=date(2026, 6, 20))
        action_add(incident=incident, actor=personas.dpo, kind="remedial",
                   description="Review the policy", owner=personas.dpo,
                   due_on=date(2026, 9, 1))  # beyond the 14-day horizon
    [it_duty] = [d for d in mine(personas, personas.siro) if d.key.startswith("incidents.action")]
    assert it_duty.title == f"Action on {incident.reference} is due"
    assert it_duty.status == OVERDUE
    assert it_duty.due_at == date(2026, 6, 9)
    assert "Recall" not in it_duty.title + it_duty.subject
    [dpo_duty] = [d for d in mine(personas, personas.dpo) if d.key.startswith("incidents.action")]
    assert dpo_duty.status == DUE and dpo_duty.key == f"incidents.action:{soon.public_id}"
    with time_machine.travel(NOW - timedelta(minutes=1), tick=False):
        action_mark_done(action=late, actor=personas.dpo, version=late.version)
    assert [d for d in mine(personas, personas.siro) if d.key.startswith("incidents.action")] == []


def _check_counts_agree(personas: Personas, now: datetime) -> None:
    schools = [personas.school, personas.other_school]
    counts = provider.counts([s.pk for s in schools], now=now, horizon=now + HORIZON)
    for school in schools:
        duties = provider.for_school(school.pk, now=now, horizon=now + HORIZON)
        expected = DutyCounts(due=sum(d.status == DUE for d in duties),
                              overdue=sum(d.status == OVERDUE for d in duties))
        assert counts.get(school.pk, DutyCounts()) == expected, (school.slug, now)


def test_counts_agree_with_the_lists_at_every_moment(personas: Personas) -> None:
    for hours in (1, 23, 26, 50, 71, 73, 200):
        report(personas, ago=timedelta(hours=hours))
        report(personas, ago=timedelta(hours=hours), school=personas.other_school,
               actor=personas.outsider)
    triage(report(personas, ago=timedelta(hours=30)), personas.dpo)
    decide_ico(report(personas, ago=timedelta(hours=40)), personas.dpo)
    incident = triage(report(personas, ago=timedelta(hours=60)), personas.dpo)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        for due_on in (date(2026, 6, 1), date(2026, 6, 10), date(2026, 6, 23),
                       date(2026, 6, 24), date(2026, 7, 30)):
            action_add(incident=incident, actor=personas.dpo, kind="remedial",
                       description="Do it", owner=personas.dpo, due_on=due_on)
    for later in (timedelta(0), timedelta(hours=13), timedelta(days=2), timedelta(days=20)):
        _check_counts_agree(personas, NOW + later)


def test_counts_are_one_query_for_any_number_of_schools(personas: Personas) -> None:
    schools = [personas.school, personas.other_school]
    for i in range(8):
        school = SchoolFactory_for(i)
        schools.append(school)
        dpo = UserFactory()
        MembershipFactory(user=dpo, school=school, roles=[Role.DPO])
        report(personas, ago=timedelta(hours=i * 10), school=school, actor=dpo)
    ids = [s.pk for s in schools]
    with CaptureQueriesContext(connection) as few:
        provider.counts(ids[:2], now=NOW, horizon=NOW + HORIZON)
    with CaptureQueriesContext(connection) as many:
        counts = provider.counts(ids, now=NOW, horizon=NOW + HORIZON)
    assert len(few) == len(many) == 1
    assert sum(c.total for c in counts.values()) == 16  # eight ICO and eight triage duties


def SchoolFactory_for(i: int) -> Any:
    from tests.factories import SchoolFactory

    return SchoolFactory(slug=f"school-{i}", name=f"School {i}")


def test_lists_take_one_query_whatever_the_number(personas: Personas) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            provider.for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON)
        return len(captured)

    incident = triage(report(personas, ago=timedelta(hours=5)), personas.dpo)
    report(personas, ago=timedelta(hours=1))
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        action_add(incident=incident, actor=personas.dpo, kind="remedial",
                   description="Do it", owner=personas.dpo, due_on=date(2026, 6, 12))
    few = queries()
    for hours in range(20):
        report(personas, ago=timedelta(hours=hours))
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        for _ in range(10):
            action_add(incident=incident, actor=personas.dpo, kind="remedial",
                       description="Do it", owner=personas.siro, due_on=date(2026, 6, 12))
    assert queries() == few == 1  # the three kinds in one UNION ALL


def test_only_who_may_see_reports_sees_others_incident_duties() -> None:
    registry.register(provider)
    assert registry.view_permission_for(MODULE) == "incidents.view"


def _dashboard(login: Any, user: Any) -> str:
    with time_machine.travel(NOW, tick=False):
        return login(user).get(reverse("duties:dashboard")).content.decode()


def test_the_overdue_ico_decision_shows_as_overdue_on_the_dashboard(
        personas: Personas, client: Any, login: Any) -> None:
    incident = triage(report(personas, ago=timedelta(hours=80)), personas.dpo)
    title = f"Decide whether to tell the ICO about {incident.reference}"
    page = _dashboard(login, personas.dpo)
    # A running legal clock: in the red banner at the top, with the time past the deadline.
    banner = page[page.index('id="legal-clocks"'):page.index("</section>")]
    assert title in banner and "overdue by 8 hours" in banner
    client.logout()
    assert title in _dashboard(login, personas.siro)  # the SIRO follows it up
    client.logout()
    assert title in _dashboard(login, personas.auditor)
    for other in ("staff", "governor", "it_lead", "trust_admin"):
        client.logout()
        page = _dashboard(login, personas.users[other])
        assert incident.reference not in page, other
        assert SECRET not in page


def test_an_action_owner_sees_their_action_on_the_dashboard(
        personas: Personas, client: Any, login: Any) -> None:
    incident = triage(report(personas, ago=timedelta(hours=5)), personas.dpo)
    with time_machine.travel(NOW - timedelta(days=1), tick=False):
        action_add(incident=incident, actor=personas.dpo, kind="containment",
                   description="Change the shared password", owner=personas.siro,
                   due_on=date(2026, 6, 9))
    page = _dashboard(login, personas.siro)
    assert f"Action on {incident.reference} is due" in page
    assert "Change the shared password" not in page


def _overdue_on_schools_overview(login: Any, user: Any, school: Any) -> tuple[int, str]:
    with time_machine.travel(NOW, tick=False):
        page = login(user).get(reverse("overview:schools")).content.decode()
    found = re.search(rf'>([\d,]+)<span class="visually-hidden"> overdue at {school.name}<', page)
    assert found is not None
    return int(found[1].replace(",", "")), page


def test_the_trust_administrator_sees_no_count_of_incident_duties(
        personas: Personas, login: Any) -> None:
    admin_before, _ = _overdue_on_schools_overview(login, personas.trust_admin, personas.school)
    dpo_before, _ = _overdue_on_schools_overview(login, personas.dpo, personas.school)
    incident = triage(report(personas, ago=timedelta(hours=80)), personas.dpo)
    page = _dashboard(login, personas.trust_admin)
    # The page says that incidents are not shown, and shows neither a row nor a count.
    assert f"the duties of {IncidentDuties.label}" in page
    assert f'<th scope="row">{IncidentDuties.label}</th>' not in page
    assert incident.reference not in page
    # The schools overview counts the overdue ICO decision for the DPO, not for the trust
    # administrator, and says that their counts leave incidents out.
    admin, overview = _overdue_on_schools_overview(login, personas.trust_admin, personas.school)
    dpo, _ = _overdue_on_schools_overview(login, personas.dpo, personas.school)
    assert (admin, dpo) == (admin_before, dpo_before + 1)
    assert f"The duty counts leave out {IncidentDuties.label.lower()}" in overview
    assert incident.reference not in overview
