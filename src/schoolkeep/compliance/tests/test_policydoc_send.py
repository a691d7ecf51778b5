"""The version sent for approval carries its own header (reviewed the day it is sent, its
governor to be approved, its next review from the register's cycle), never the previous
approval's; and a document job that fails records nothing as made."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from pypdf import PdfReader
from tests.personas import Personas

from schoolkeep.agreements.policies import services as policy_services
from schoolkeep.agreements.policies.models import Policy
from schoolkeep.assets.exports import long_date
from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.policydoc import files, services
from schoolkeep.compliance.tests.policydoc_records import approved_policy

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Any) -> None:
    settings.UPLOADS_DIR = str(tmp_path / "uploads")


def _version_text(version: Any) -> str:
    with policy_services.file_path(version).open("rb") as handle:
        content = handle.read()
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join((page.extract_text() or "") for page in pages).split())


def test_the_sent_version_has_its_own_header_not_the_last_approval(
        personas: Personas) -> None:
    policy = approved_policy(personas, approved_on=timezone.localdate())
    Policy.objects.filter(pk=policy.pk).update(approved_on=date(2025, 3, 3),
                                               next_review_on=date(2026, 3, 3),
                                               review_cycle_months=24)
    today = timezone.localdate()
    version = services.policydoc_send(school=personas.school, actor=personas.siro)
    policy_services.version_approve(version=version, actor=personas.governor,
                                    full_name="Another Governor")
    words = _version_text(version)
    assert f"Policy Review Date {long_date(today)} (sent to the governors" in words
    assert f"Next Review Date {long_date(today + relativedelta(months=24))}" in words
    assert "Governor Name: to be approved" in words
    assert "Julie Lamb" not in words and "3 March 2025" not in words


def test_a_first_send_has_a_next_review_a_year_on(personas: Personas) -> None:
    today = timezone.localdate()
    version = services.policydoc_send(school=personas.school, actor=personas.siro)
    words = _version_text(version)
    assert "Not yet approved" not in words and "No governor yet" not in words
    assert f"Next Review Date {long_date(today + relativedelta(months=12))}" in words


def test_the_downloaded_files_keep_the_registers_last_approval(personas: Personas) -> None:
    today = timezone.localdate()
    approved_policy(personas, approved_on=today)
    content = files.made_bytes(personas.school, "pdf", today)
    words = " ".join(" ".join((page.extract_text() or "")
                              for page in PdfReader(io.BytesIO(content)).pages).split())
    assert f"Policy Review Date {long_date(today)} Next Review Date" in words
    assert "Julie Lamb" in words and "to be approved" not in words


def test_a_make_job_that_fails_records_nothing_as_made(
        personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    job = services.policydoc_make_start(school=personas.school, actor=personas.siro, fmt="pdf")

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the PDF could not be written")

    monkeypatch.setattr(files, "write_file", broken)
    with pytest.raises(RuntimeError):
        services.policydoc_make_run(str(job.public_id), "pdf")
    assert not AuditEvent.objects.filter(action=services.ACTION_MADE).exists()


def test_a_make_job_records_the_document_made_when_it_is(personas: Personas) -> None:
    job = services.policydoc_make_start(school=personas.school, actor=personas.siro, fmt="docx")
    assert not AuditEvent.objects.filter(action=services.ACTION_MADE).exists()
    services.policydoc_make_run(str(job.public_id), "docx")
    event = AuditEvent.objects.get(action=services.ACTION_MADE)
    assert event.actor_id == personas.siro.pk and event.changes["format"] == "docx"
