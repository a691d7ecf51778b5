"""Certificate copies are deleted by the scheduler's tick once the school's period ends: the
file goes, the row stays marked deleted, the deletion is audited, other copies stay."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties import scheduler
from schoolkeep.duties.types import HORIZON
from schoolkeep.people import services
from schoolkeep.people.duties import delete_due_copies, provider
from schoolkeep.people.models import CertificateCopy, Check, CheckType

PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def uploads_dir(settings: Any, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def dbs_check(school: Any, name: str) -> Check:
    person = services.person_create(school=school, actor=None, full_name=name,
                                    kind="support")
    return services.check_save(person=person, actor=None, check_type=CheckType.ENHANCED_DBS,
                               status="done", done_on=timezone.localdate(),
                               dbs_certificate_number="001234567890")


def upload(check: Check) -> CertificateCopy:
    return services.copy_upload(check=check, actor=None,
                                uploaded_file=SimpleUploadedFile("dbs.pdf", PDF_BYTES))


def backdate(copy: CertificateCopy, **delta: float) -> None:
    CertificateCopy.objects.filter(pk=copy.pk).update(
        delete_after=timezone.now() - timedelta(**delta))


def copy_duties(school: Any) -> list[str]:
    now = timezone.now()
    return [d.key for d in provider.for_school(school.pk, now=now, horizon=now + HORIZON)
            if d.key.startswith("people.certificate-copy-due:")]


def test_the_tick_is_registered():
    assert scheduler.registered_ticks()["people.certificate-copies"] is delete_due_copies


def test_the_scheduler_tick_deletes_due_copies_and_keeps_the_rest(
        personas, django_capture_on_commit_callbacks):
    due = upload(dbs_check(personas.school, "Grace Adeyemi"))
    elsewhere = upload(dbs_check(personas.other_school, "Jonathan Reid"))
    kept = upload(dbs_check(personas.school, "Ellie Morgan"))
    backdate(due, days=1)
    backdate(elsewhere, minutes=1)
    assert copy_duties(personas.school) == [f"people.certificate-copy-due:{due.public_id}"]
    paths = {c.pk: services.copy_path(c) for c in (due, elsewhere, kept)}
    assert all(path.exists() for path in paths.values())

    # The scheduler claims the ten-minute slot and enqueues the tick when that commits; the
    # immediate task backend of the tests runs it, and the files go when its deletions commit.
    with django_capture_on_commit_callbacks(execute=True):
        assert "tick" in scheduler.run_due_jobs(timezone.now())

    for copy in (due, elsewhere):
        copy.refresh_from_db()
        assert copy.deleted_at is not None
        assert not paths[copy.pk].exists()
        (event,) = AuditEvent.objects.filter(
            action="people.certificate_copy.deleted_automatically",
            target_id=str(copy.public_id))
        assert event.school_id == copy.school_id
        assert event.actor_id is None
    kept.refresh_from_db()
    assert kept.deleted_at is None and paths[kept.pk].exists()
    # The check keeps its details; the duty is gone.
    check = Check.objects.get(pk=due.check_record_id)
    assert check.dbs_certificate_number == "001234567890"
    assert copy_duties(personas.school) == []


def test_a_second_tick_deletes_nothing_more(personas):
    copy = upload(dbs_check(personas.school, "Grace Adeyemi"))
    backdate(copy, hours=1)
    assert delete_due_copies(timezone.now()) == 1
    assert delete_due_copies(timezone.now()) == 0
    assert AuditEvent.objects.filter(
        action="people.certificate_copy.deleted_automatically").count() == 1
