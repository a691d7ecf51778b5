"""Exporting the audit trail is itself audited, as every other export is (issue 12,
finding 9): who exported, which filters, how many rows; the file does not hold its own
event, so that the count and the file agree."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.actions import action_label
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import audit_record

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
EXPORT = reverse("audit:event-export")


def _rows(response: object) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    return list(csv.reader(io.StringIO(body[1:])))[1:]


def test_exporting_the_trail_records_who_exported_what(personas: Personas,
                                                       login: Login) -> None:
    for _ in range(3):
        audit_record(action="tenancy.school.settings_changed", school=personas.school,
                     actor=personas.siro, target=personas.school)
    response = login(personas.dpo).get(EXPORT, {"area": "school"})
    assert response.status_code == 200
    rows = _rows(response)

    event = AuditEvent.objects.filter(school=personas.school,
                                      action="audit.trail.exported").get()
    assert event.actor_id == personas.dpo.pk
    assert event.changes["format"]["after"] == "csv"
    assert event.changes["rows"]["after"] == len(rows)
    assert event.changes["filters"]["after"] == (
        "area: Members, invitations, term dates and school settings")
    assert event.target_label == f"Audit trail of {personas.school.name}"
    assert str(event.public_id) not in {row[11] for row in rows}
    assert action_label("audit.trail.exported") == "Audit trail exported"


def test_an_unfiltered_export_says_everything(personas: Personas, login: Login) -> None:
    login(personas.siro).get(EXPORT)
    event = AuditEvent.objects.get(school=personas.school, action="audit.trail.exported")
    assert event.changes["filters"]["after"] == "everything"


def test_a_refused_filter_exports_nothing_and_records_nothing(personas: Personas,
                                                              login: Login) -> None:
    response = login(personas.siro).get(EXPORT, {"date_from": "2026-02-01",
                                                 "date_to": "2026-01-01"})
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="audit.trail.exported").exists()


def test_an_export_filtered_by_person_names_them(personas: Personas, login: Login) -> None:
    audit_record(action="tenancy.school.settings_changed", school=personas.school,
                 actor=personas.siro, target=personas.school)
    login(personas.dpo).get(EXPORT, {"person": str(personas.siro.public_id)})
    event = AuditEvent.objects.get(school=personas.school, action="audit.trail.exported")
    assert event.changes["filters"]["after"].startswith("person: ")
    assert event.changes["rows"]["after"] == 1
