"""Forgetting a person whose training was imported: the import's events about their records
("<name> completed <course> on <date>") are sealed under the person's key, so once it is
forgotten their name is in no audit row."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from tests.personas import Personas

from schoolkeep.audit import sealing
from schoolkeep.audit.models import AuditEvent
from schoolkeep.people import derive
from schoolkeep.people.models import Person
from schoolkeep.training.defaults import ensure_default_courses
from schoolkeep.training.imports import training_import

pytestmark = pytest.mark.django_db


def test_a_forgotten_person_s_imported_training_names_them_in_no_audit_row(
        personas: Personas, tmp_path: Path) -> None:
    school = personas.school
    ensure_default_courses(school)
    ada = Person.objects.create(school=school, full_name="Ada Byron", kind="teaching",
                                name_key=derive.name_key("Ada Byron"), staff_number="T001")
    text = io.StringIO()
    csv.writer(text).writerows([["Staff number", "Course", "Completed on"],
                                ["T001", "safeguarding", "2025-09-04"]])
    path = tmp_path / "training.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    result = training_import(path, school=school, actor=personas.business_manager)
    assert result.ok and result.added == 1, [str(p) for p in result.problems]
    added = AuditEvent.objects.get(action="training.import.record_added")
    assert sealing.open_in_place([added])[0].target_label.startswith("Ada Byron completed")

    sealing.forget([("people.person", str(ada.pk))])

    stored = " ".join(f"{label} {changes}" for label, changes in
                      AuditEvent.objects.values_list("target_label", "changes"))
    assert "Ada" not in stored and "Byron" not in stored
