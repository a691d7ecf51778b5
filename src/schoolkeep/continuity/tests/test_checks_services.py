"""Recording backup checks: the school's own sets only (not retired, not Schoolkeep's own),
no day in the future, a failed check says what was done, the report checked by its content
and size, nothing written when refused, and every check audited. Also the restore tests'
rules, and opening a report (audited, the file kept outside the web root)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.continuity.checks import services
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.models import BackupCheck, BackupSet, RestoreTest, Scope
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.text import fold

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def make_set(school, name="NAS in the office", **fields) -> BackupSet:
    location = fields.pop("location", name + " place")
    return BackupSet.objects.create(school=school, name=name, medium="disk",
                                    location=location, device_key=fold(location), **fields)


def make_scope(school, name="Admin network") -> Scope:
    return Scope.objects.create(school=school, kind="admin_network", name=name,
                                name_key=fold(name))


def record(school, backup_set, **kwargs) -> BackupCheck:
    values = {"checked_on": timezone.localdate(), "outcome": "succeeded", **kwargs}
    return services.check_record(school=school, actor=None, backup_set=backup_set, **values)


def test_a_check_is_recorded_and_audited(personas: Personas) -> None:
    nas = make_set(personas.school)
    check = services.check_record(school=personas.school, actor=personas.it_lead,
                                  backup_set=nas, checked_on=timezone.localdate(),
                                  outcome="succeeded")
    assert check.recorded_by_label == str(personas.it_lead)
    event = AuditEvent.objects.get(action="continuity.check.recorded")
    assert event.school_id == personas.school.pk and event.changes["set"] == nas.name


def test_a_failed_check_says_what_was_done(personas: Personas) -> None:
    nas = make_set(personas.school)
    with pytest.raises(DomainError) as refused:
        record(personas.school, nas, outcome="failed", action_taken="  ")
    assert refused.value.field == "action_taken"
    assert not BackupCheck.objects.exists()
    check = record(personas.school, nas, outcome="failed", action_taken="Ran it again.")
    assert check.action_taken == "Ran it again."


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"checked_on": None}, "checked_on"),
    ({"checked_on": "2026-02-30"}, "checked_on"),
    ({"outcome": "maybe"}, "outcome"),
])
def test_bad_input_names_the_field(personas: Personas, kwargs, field) -> None:
    with pytest.raises(DomainError) as refused:
        record(personas.school, make_set(personas.school), **kwargs)
    assert refused.value.field == field
    assert not BackupCheck.objects.exists()


def test_no_day_in_the_future(personas: Personas) -> None:
    with pytest.raises(DomainError, match="future") as refused:
        record(personas.school, make_set(personas.school),
               checked_on=timezone.localdate() + timedelta(days=2))
    assert refused.value.field == "checked_on"


def test_only_the_schools_own_sets_in_use(personas: Personas, settings) -> None:
    settings.BACKUP_COPY_DIR = ""
    other = make_set(personas.other_school)
    with pytest.raises(DomainError) as refused:
        record(personas.school, other)
    assert refused.value.field == "backup_set"
    retired = make_set(personas.school, "Old tapes", retired_at=timezone.now())
    with pytest.raises(DomainError, match="retired"):
        record(personas.school, retired)
    ensure_install_sets([personas.school.pk])
    archive = BackupSet.objects.get(school=personas.school, install_copy="archive")
    with pytest.raises(DomainError, match="every night") as refused:
        record(personas.school, archive)
    assert refused.value.field == "backup_set"
    assert not BackupCheck.objects.exists()


def test_a_read_only_member_may_not_record(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.check_record(school=personas.school, actor=personas.auditor,
                              backup_set=make_set(personas.school),
                              checked_on=timezone.localdate(), outcome="succeeded")
    assert not BackupCheck.objects.exists()


@pytest.mark.parametrize(("name", "content", "suffix"), [
    ("report.pdf", PDF, ".pdf"),
    ("screen.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, ".png"),
    ("screen.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, ".jpg"),
    ("backup.log", "Job finished: 1,204 files, 0 errors — ok\r\n".encode(), ".txt"),
])
def test_reports_kept_by_their_content(personas: Personas, name, content, suffix) -> None:
    check = record(personas.school, make_set(personas.school),
                   evidence=SimpleUploadedFile(name, content))
    assert check.evidence_stored_name.endswith(suffix)
    assert check.evidence_original_name == name and check.evidence_size == len(content)
    with services.evidence_open(check=check, actor=personas.siro) as handle:
        assert handle.read() == content
    assert AuditEvent.objects.filter(action="continuity.check.evidence_opened").count() == 1


@pytest.mark.parametrize(("name", "content", "message"), [
    ("page.html", b"<html><script>alert(1)</script></html>", "must be a PDF"),
    ("report.txt", b"<script>alert(1)</script>", "must be a PDF"),
    ("notes.svg", b"plain words", "must be a PDF"),
    ("tool.exe", b"MZ\x90\x00\x03\x00\x00\x00", "must be a PDF"),
    ("empty.txt", b"", "empty"),
])
def test_reports_refused(personas: Personas, name, content, message, settings) -> None:
    with pytest.raises(DomainError, match=message) as refused:
        record(personas.school, make_set(personas.school),
               evidence=SimpleUploadedFile(name, content))
    assert refused.value.field == "evidence"
    assert not BackupCheck.objects.exists()


def test_a_report_is_bounded(personas: Personas, monkeypatch) -> None:
    monkeypatch.setattr(services, "EVIDENCE_MAX_BYTES", 100)
    with pytest.raises(DomainError, match="smaller than") as refused:
        record(personas.school, make_set(personas.school),
               evidence=SimpleUploadedFile("big.txt", b"a" * 101))
    assert refused.value.field == "evidence"


def test_a_refused_write_keeps_no_file(personas: Personas, settings) -> None:
    folder = services.uploads.uploads_dir(services.EVIDENCE_FOLDER)
    with pytest.raises(NotAllowed):
        services.check_record(school=personas.school, actor=personas.auditor,
                              backup_set=make_set(personas.school),
                              checked_on=timezone.localdate(), outcome="succeeded",
                              evidence=SimpleUploadedFile("r.pdf", PDF))
    assert not folder.exists() or not any(folder.iterdir())


def test_a_restore_test_is_recorded(personas: Personas) -> None:
    nas, scope = make_set(personas.school), make_scope(personas.school)
    test = services.restore_record(
        school=personas.school, actor=personas.it_lead, backup_set=nas, scope=scope,
        tested_on=timezone.localdate(), what_was_restored="The finance folder",
        minutes_taken="25", outcome="worked")
    assert test.minutes_taken == 25 and test.scope == scope
    assert AuditEvent.objects.filter(action="continuity.restore_test.recorded").count() == 1


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"what_was_restored": " "}, "what_was_restored"),
    ({"minutes_taken": "ten"}, "minutes_taken"),
    ({"minutes_taken": -1}, "minutes_taken"),
    ({"outcome": "failed"}, "notes"),
    ({"outcome": "partly"}, "notes"),
    ({"outcome": "nearly"}, "outcome"),
    ({"tested_on": "yesterday"}, "tested_on"),
])
def test_a_restore_test_names_the_field_at_fault(personas: Personas, kwargs, field) -> None:
    values = {"tested_on": timezone.localdate(), "what_was_restored": "Files",
              "outcome": "worked", **kwargs}
    with pytest.raises(DomainError) as refused:
        services.restore_record(school=personas.school, actor=None,
                                backup_set=make_set(personas.school), **values)
    assert refused.value.field == field
    assert not RestoreTest.objects.exists()


def test_a_restore_test_scope_of_another_school_is_refused(personas: Personas) -> None:
    with pytest.raises(DomainError) as refused:
        services.restore_record(school=personas.school, actor=None,
                                backup_set=make_set(personas.school),
                                scope=make_scope(personas.other_school),
                                tested_on=timezone.localdate(), what_was_restored="Files",
                                outcome="worked")
    assert refused.value.field == "scope"
