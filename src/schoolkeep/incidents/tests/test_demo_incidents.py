"""The demo's incidents: `schoolkeep demo` leaves at Larkspur a closed breach reported to the
ICO within its 72 hours, an open breach whose clock is running (aware about 30 hours ago,
triaged, assessed as a risk, no ICO decision), a closed near miss and a report waiting for
triage; the duties, the overview and the audit trail show them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import DUE
from schoolkeep.incidents.clock import clock_runs, effective_risk, time_left
from schoolkeep.incidents.demo_incidents import (
    BREACH_AWARE_HOURS,
    BREACH_TITLE,
    NEAR_MISS_TITLE,
    SETTLED_TITLE,
    WAITING_TITLE,
)
from schoolkeep.incidents.duties_incidents import MODULE
from schoolkeep.incidents.measures import SETTLED_IN_TIME, provider
from schoolkeep.incidents.models import Action, Decision, Incident, Kind, RiskResult, Status
from schoolkeep.tenancy.models import MembershipRole, School
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def larkspur(shared_demo: Any) -> School:
    """Larkspur of the demo built once (tests/fixtures_demo.py); each test's writes roll back."""
    return School.objects.get(slug="larkspur")


def by_title(school: School) -> dict[str, Incident]:
    return {incident.title: incident for incident in Incident.objects.filter(school=school)}


def test_the_demo_has_an_open_breach_whose_clock_runs(larkspur: School) -> None:
    breach = by_title(larkspur)[BREACH_TITLE]
    now = timezone.now()
    assert breach.status == Status.OPEN and breach.kind == Kind.BREACH
    # Measured from when the demo recorded it (the demo may have been built minutes before).
    aware_ago = breach.created_at - breach.aware_at
    assert timedelta(hours=BREACH_AWARE_HOURS) <= aware_ago < timedelta(
        hours=BREACH_AWARE_HOURS, minutes=5)
    assert breach.received_at > breach.aware_at
    assert effective_risk(breach) == RiskResult.RISK
    assert not Decision.objects.filter(incident=breach, kind=Decision.Kind.ICO).exists()
    assert clock_runs(kind=breach.kind, ico_settled=False)
    left = time_left(breach.aware_at, now)
    assert not left.overdue and left.words().startswith(("41 hours", "42 hours"))
    assert Action.objects.filter(incident=breach, state=Action.State.OPEN).count() == 1


def test_the_demo_has_a_closed_near_miss_and_a_report_waiting(larkspur: School) -> None:
    incidents = by_title(larkspur)
    near_miss = incidents[NEAR_MISS_TITLE]
    assert near_miss.status == Status.CLOSED and near_miss.kind == Kind.NEAR_MISS
    assert near_miss.lessons_learned
    assert not Action.objects.filter(incident=near_miss, state=Action.State.OPEN).exists()
    waiting = incidents[WAITING_TITLE]
    assert waiting.status == Status.REPORTED and waiting.kind == ""
    assert sorted(i.reference for i in incidents.values()) == [
        f"BR-{timezone.localdate().year}-000{n}" for n in (1, 2, 3, 4)]


def test_the_demo_has_a_breach_reported_within_72_hours(larkspur: School) -> None:
    settled = by_title(larkspur)[SETTLED_TITLE]
    assert settled.status == Status.CLOSED and settled.kind == Kind.BREACH
    ico = Decision.objects.get(incident=settled, kind=Decision.Kind.ICO)
    assert ico.tell and ico.told_at is not None
    assert ico.told_at - settled.aware_at < timedelta(hours=72)
    # The overview's breaches chart has a figure: the settled one, in time; the running
    # clocks (the open breach and the report waiting for triage) are pending, not counted.
    figures = provider.figures([larkspur.pk], now=timezone.now())
    assert figures[larkspur.pk][SETTLED_IN_TIME] == (1, 1, 2)


def test_the_demo_breach_raises_the_ico_decision_for_the_dpo(larkspur: School,
                                                            login: Any) -> None:
    incidents = by_title(larkspur)
    breach, waiting = incidents[BREACH_TITLE], incidents[WAITING_TITLE]
    duties = {(d.key.split(":")[0], d.subject): d
              for d in duties_for_school(larkspur, timezone.now()) if d.module == MODULE}
    # The report waiting for triage may involve personal data: its clock runs too.
    assert set(duties) == {("incidents.ico-decision", breach.reference),
                           ("incidents.ico-decision", waiting.reference),
                           ("incidents.triage", waiting.reference),
                           ("incidents.action", breach.reference)}
    ico = duties[("incidents.ico-decision", breach.reference)]
    assert ico.status == DUE and ico.legal_clock
    assert ico.owner_label == "Data protection officer"
    # The demo DPO's dashboard opens on the running clock, in the red banner at the top.
    dpo = MembershipRole.objects.get(membership__school=larkspur, role=Role.DPO).membership.user
    page = login(dpo).get(reverse("duties:dashboard")).content.decode()
    banner = page[page.index('id="legal-clocks"'):]
    banner = banner[:banner.index("</section>")]
    assert f"Decide whether to tell the ICO about {breach.reference}" in banner
    assert "hours" in banner and "left" in banner


def test_the_demo_key_contacts_have_telephone_numbers(larkspur: School) -> None:
    assert larkspur.dpo_phone and larkspur.siro_phone and larkspur.contact_hours


def test_every_step_of_the_demo_is_audited_as_the_command_line(larkspur: School) -> None:
    events = AuditEvent.objects.filter(school=larkspur, action__startswith="incidents.")
    actions = set(events.values_list("action", flat=True))
    assert {"incidents.incident.reported", "incidents.incident.closed"} <= actions
    assert len(actions) >= 6
    assert all(label.startswith("cli:") for label in events.values_list("actor_label",
                                                                        flat=True))


def test_the_reports_name_who_made_them(larkspur: School) -> None:
    incidents = by_title(larkspur)
    assert incidents[BREACH_TITLE].reporter_name == "Ellie Morgan"
    assert incidents[WAITING_TITLE].reporter_name == "Martin Hughes"


def test_other_schools_have_no_incidents(larkspur: School) -> None:
    assert not Incident.objects.exclude(school=larkspur).exists()
