"""Forgetting a person imported from a file: every audit event the import wrote about them
(the person added, their checks added, a later import's changes) names them only under their
subject's key, so once it is forgotten their name is in no audit row."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from tests.factories import SiteFactory
from tests.personas import Personas

from schoolkeep.audit import sealing
from schoolkeep.audit.models import AuditEvent
from schoolkeep.people.imports import people_import
from schoolkeep.people.models import Person

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


def audit_text() -> str:
    """Every audit row's label and changes as stored (no key used)."""
    return "\n".join(f"{label} {changes}" for label, changes in
                     AuditEvent.objects.values_list("target_label", "changes"))


def test_a_forgotten_imported_person_is_named_in_no_audit_row(personas: Personas,
                                                              tmp_path: Path) -> None:
    SiteFactory(school=personas.school, name="Main site")
    SiteFactory(school=personas.school, name="Annexe")
    assert people_import(FILES / "staff.csv", school=personas.school,
                         actor=personas.hr_admin).written
    # A second file changes Amelia (an update and a check changed, about a person known).
    with open(FILES / "staff.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    amelia_row = next(row for row in rows if row["Staff number"] == "T001")
    amelia_row.update({"Full name": "Amelia Hart-Jones", "DBS status": "pending",
                       "DBS date": "", "DBS certificate number": "", "DBS issue date": ""})
    changed = tmp_path / "changed.csv"
    with open(changed, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(amelia_row))
        writer.writeheader()
        writer.writerow(amelia_row)
    result = people_import(changed, school=personas.school, actor=personas.hr_admin)
    assert result.ok and result.updated == 1, result.problems

    amelia = Person.objects.get(staff_number="T001")
    about = AuditEvent.objects.filter(target_id__in=[
        str(amelia.public_id), *[str(c.public_id) for c in amelia.checks.all()]])
    assert about.filter(action="people.person.updated").exists()
    assert about.filter(action="people.check.created").exists()

    sealing.forget([("people.person", str(amelia.pk))])

    text = audit_text()
    assert "Amelia" not in text and "Hart" not in text
    # Someone else's events still read while their key exists.
    labels = [event.target_label for event in sealing.open_in_place(
        AuditEvent.objects.filter(action="people.person.created"))]
    assert "Ben Okafor" in labels
