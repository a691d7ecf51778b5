"""Security review of the incidents app: each test proves a problem found in review (and
now fixed)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.matrix_parts.incidents_report import make_report
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.incidents.exports.log import CSV, XLSX, LogFilters, breach_log_file
from schoolkeep.incidents.handling.services import incident_reopen
from schoolkeep.incidents.handling.triage import incident_set_aware_at
from schoolkeep.incidents.models import Incident, Kind, Status

pytestmark = pytest.mark.django_db

SECRET = "Pupil Jane Doe's medical notes were seen by a visitor"


def _events(incident: Incident, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(target_id=str(incident.public_id), action=action))


def test_the_reason_for_moving_awareness_is_not_written_into_the_audit_trail(
        personas: Personas) -> None:
    incident = make_report(personas)
    earlier = incident.aware_at - timedelta(hours=3)
    incident_set_aware_at(incident=incident, actor=personas.dpo, version=incident.version,
                          aware_at=earlier, reason=SECRET)
    [event] = _events(incident, "incidents.incident.aware_at_changed")
    assert SECRET not in str(event.changes)
    assert event.changes["reason"] == "recorded"
    incident.refresh_from_db()
    assert incident.aware_at_reason == SECRET  # kept, encrypted at rest, on the record


def test_the_reason_for_reopening_is_not_written_into_the_audit_trail(
        personas: Personas) -> None:
    incident = make_report(personas)
    Incident.objects.filter(pk=incident.pk).update(kind=Kind.SECURITY, status=Status.CLOSED,
                                                   closed_at=timezone.now())
    incident.refresh_from_db()
    incident_reopen(incident=incident, actor=personas.dpo, version=incident.version,
                    reason=SECRET)
    [event] = _events(incident, "incidents.incident.reopened")
    assert SECRET not in str(event.changes)
    assert event.changes["reason"] == "recorded"
    incident.refresh_from_db()
    assert incident.reopen_reason == SECRET


# A member of the public types a control character into the public form (which Django's
# CharField lets through, but for NUL): openpyxl refused to write the XLSX breach log, for
# every incident of the school, until someone edited the database.
CONTROL = "Laptop\x01 stolen\x0b from car\x1f"


@pytest.mark.parametrize("fmt", [XLSX, CSV])
def test_a_control_character_in_a_title_does_not_break_the_breach_log(
        personas: Personas, fmt: str) -> None:
    make_report(personas, title=CONTROL)
    made = breach_log_file(personas.school, fmt, LogFilters())
    assert made.content


def test_an_action_owner_who_no_longer_handles_reports_stops_seeing_the_duty(
        personas: Personas, login) -> None:
    """An action's owner must be a DPO or SIRO when it is set; if they later become plain
    staff, the duty ("Action on BR-... is due", on their dashboard and in their calendar
    feed) told them a report still exists. It falls back to the DPO instead."""
    from schoolkeep.incidents.handling.actions import action_add
    from schoolkeep.tenancy.models import MembershipRole
    from schoolkeep.tenancy.roles import Role

    incident = make_report(personas, title=SECRET)
    Incident.objects.filter(pk=incident.pk).update(kind=Kind.BREACH, status=Status.OPEN)
    incident.refresh_from_db()
    action_add(incident=incident, actor=personas.dpo, kind="containment",
               description="Recall the e-mail", owner=personas.siro,
               due_on=timezone.localdate())
    MembershipRole.objects.filter(membership__user=personas.siro,
                                  membership__school=personas.school).update(role=Role.STAFF)
    page = login(personas.siro).get(reverse("duties:dashboard"), follow=True)
    assert page.status_code == 200
    assert incident.reference not in page.content.decode()
    page = login(personas.dpo).get(reverse("duties:dashboard"), follow=True)
    assert incident.reference in page.content.decode()
