"""The import of people writes in bulk (lib.bulk) what the services would write: every
column of a person and a check, encrypted values readable, the stored missing-check facts
recomputed for the people written, one audit event per record."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.verify import audit_verify
from schoolkeep.people import missing_checks, services
from schoolkeep.people.imports import people_import
from schoolkeep.people.models import Check, Person

HEADINGS = ["Full name", "Date of birth", "Kind", "Teaching work", "Staff number",
            "Identity date", "DBS date", "DBS certificate number", "DBS issue date",
            "Agency confirmation date"]


def write(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "people.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([HEADINGS, *rows])
    return path


def test_people_and_checks_are_stored_whole_and_their_missing_checks_are_recomputed(
        personas: Personas, tmp_path: Path) -> None:
    first = write(tmp_path, [
        ["Ada Lovelace", "10/12/1985", "teaching", "yes", "S1", "01/09/2020", "", "", "", ""],
        ["Bea Khan", "02/03/1990", "agency", "no", "S2", "01/09/2020", "", "", "", ""],
        ["Cy Evans", "", "support", "no", "S3", "01/09/2020", "03/09/2020",
         "0012-3456-7890", "01/09/2020", ""],
    ])
    result = people_import(first, school=personas.school, actor=personas.hr_admin)
    assert result.ok and result.written

    ada = Person.objects.get(staff_number="S1")
    assert ada.date_of_birth == date(1985, 12, 10) and ada.does_teaching_work
    assert Person.objects.get(staff_number="S3").date_of_birth is None
    dbs = Check.objects.get(person__staff_number="S3", check_type="enhanced_dbs")
    assert dbs.dbs_certificate_number == "001234567890" and dbs.status == "done"
    assert dbs.created_at is not None and dbs.version == 1
    # The stored facts are those a full recomputation gives, and they say something.
    assert missing_checks.differences([personas.school.pk]) == []
    assert Person.objects.filter(school=personas.school, checks_missing=True).exists()
    assert Person.objects.get(staff_number="S2").agency_confirmation_missing

    # The agency's confirmation recorded by a second file: the facts follow.
    second = write(tmp_path, [
        ["Bea Khan", "02/03/1990", "agency", "no", "S2", "01/09/2020", "", "", "",
         "04/09/2020"],
    ])
    assert people_import(second, school=personas.school, actor=personas.hr_admin).written
    assert not Person.objects.get(staff_number="S2").agency_confirmation_missing
    assert missing_checks.differences([personas.school.pk]) == []

    created = AuditEvent.objects.filter(school=personas.school)
    assert created.filter(action="people.person.created").count() == 3
    assert created.filter(action="people.check.created").count() == Check.objects.count() == 5
    assert audit_verify().ok


def test_the_queries_of_an_import_do_not_grow_with_its_rows(personas: Personas,
                                                          tmp_path: Path) -> None:
    counts = []
    for size in (1, 3, 40):  # the first makes the school's audit chain: not counted
        path = write(tmp_path, [[f"Person {size} {n}", "01/01/1980", "support", "no",
                                 f"S{size}-{n}", "01/09/2020", "03/09/2020", "", "", ""]
                                for n in range(size)])
        with CaptureQueriesContext(connection) as queries:
            assert people_import(path, school=personas.school,
                                 actor=personas.hr_admin).written
        counts.append(len(queries))
    assert counts[1] == counts[2]
    assert Check.objects.filter(school=personas.school).count() == 2 * 44


def test_a_large_import_refreshes_its_school_whole_and_no_other(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(missing_checks, "CHUNK", 2)  # three people: more than one UPDATE takes
    other = services.person_create(school=personas.other_school, actor=None,
                                   full_name="Dee Other", kind="teaching")
    other.refresh_from_db()
    Person.objects.filter(pk=other.pk).update(checks_missing=not other.checks_missing)
    path = write(tmp_path, [
        [f"Person {n}", "01/01/1980", "teaching", "yes", f"S{n}", "01/09/2020", "", "", "", ""]
        for n in range(3)])

    assert people_import(path, school=personas.school, actor=personas.hr_admin).written

    assert missing_checks.differences([personas.school.pk]) == []
    assert Person.objects.filter(school=personas.school, checks_missing=True).count() == 3
    # The other school's drifted fact was left alone (repair's work, not the import's).
    assert [d.person_id for d in missing_checks.differences([personas.other_school.pk])] \
        == [other.pk]


def test_the_recorded_values_read_for_comparing_are_the_orms(personas: Personas,
                                                              tmp_path: Path) -> None:
    from schoolkeep.people.imports.stored import _CHECK_READ, _PERSON_READ, stored_people

    path = write(tmp_path, [
        ["Ada Lovelace", "10/12/1985", "teaching", "yes", "S1", "01/09/2020", "03/09/2020",
         "0012-3456-7890", "01/09/2020", ""],
        ["Bea Khan", "", "agency", "no", "S2", "", "", "", "", "04/09/2020"],
    ])
    assert people_import(path, school=personas.school, actor=personas.hr_admin).written
    ids = list(Person.objects.values_list("pk", flat=True))

    stored = stored_people(ids)

    def as_read(values: dict[str, Any]) -> dict[str, Any]:
        # The public id is read as its text (what an audit event's target id holds).
        return {**values, "public_id": str(values["public_id"])}

    for values in map(as_read, Person.objects.filter(pk__in=ids).values(*_PERSON_READ)):
        person = stored[values["pk"]]
        assert [(k, v, type(v)) for k, v in person.items()] == [
            (k, v, type(v)) for k, v in values.items()]
        expected = {c["check_type"]: as_read(c) for c in Check.objects.filter(
            person_id=values["pk"]).values(*_CHECK_READ)}
        assert {t: [(k, v, type(v)) for k, v in c.items()] for t, c in person.checks.items()} \
            == {t: [(k, v, type(v)) for k, v in c.items()] for t, c in expected.items()}
        assert person.sites == sorted(Person.objects.get(pk=values["pk"]).sites.values_list(
            "pk", flat=True))


def test_a_field_that_converts_what_it_reads_is_never_read_as_plain_values() -> None:
    """An encrypted field reports itself as text: read as it is, a re-import would compare
    ciphertext with the file's text. Such a field must be read by its hash."""
    from schoolkeep.people.imports.stored import _converter

    for field in (Person._meta.get_field("date_of_birth"),
                  Check._meta.get_field("dbs_certificate_number")):
        with pytest.raises(TypeError, match="compare it by its hash"):
            _converter(field)
