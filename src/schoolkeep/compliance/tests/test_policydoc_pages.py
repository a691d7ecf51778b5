"""The policy document's page (what it holds, the policy itself, the school's own words
marked, a query count the same with 3 and 40 assets and systems), making it as a file (a
background job whose page offers it, audited) and sending it to the policy register (a
background job adding a new version waiting for a governor's approval with the register's
own services, its page linking to it; the governors e-mailed; refused while a version
waits, and the job failed with that reason if one was sent meanwhile; refused to a member
who may not change the register)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.agreements.policies import services as policy_services
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.policydoc import services
from schoolkeep.compliance.tests.policydoc_records import (
    EXPECTED_APPENDIX,
    OWN_SHREDDING,
    add_assets,
    add_systems,
    approved_policy,
    edit_shredding,
)
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_file_path
from schoolkeep.lib.downloads import DOCX, PDF
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.systems.services import system_create

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
PAGE = reverse("compliance:policydoc")
MAKE = reverse("compliance:policydoc-make")
SEND = reverse("compliance:policydoc-send")


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path) -> None:
    settings.UPLOADS_DIR = str(tmp_path / "uploads")


def test_the_page_shows_what_the_document_holds(personas: Personas, login: Login) -> None:
    add_assets(personas)
    add_systems(personas)
    edit_shredding(personas)
    html = login(personas.siro).get(PAGE).content.decode()
    assert personas.siro.full_name in html and personas.dpo.full_name in html
    assert "5 from the systems register" in html
    assert "3 information assets from the register" in html
    assert "1 changed, 0 added, 0 taken out" in html
    assert OWN_SHREDDING in html and "The school's own words</strong>" in html
    assert "Make the Word document" in html and "Make the PDF" in html
    assert "Send to the policy register for approval" in html
    assert "The policy register has no Online Security Policy yet" in html


def test_who_may_send_is_told_on_the_page(personas: Personas, login: Login) -> None:
    html = login(personas.business_manager).get(PAGE).content.decode()
    assert "Send to the policy register for approval" not in html
    assert "Only the SIRO and the data protection officer" in html
    html = login(personas.governor).get(PAGE).content.decode()
    assert "Make the PDF" in html and "Send it for approval" not in html


def test_the_page_query_count_does_not_grow(personas: Personas, login: Login, steady_session,
                                            django_assert_num_queries) -> None:
    add_assets(personas, 3)
    for n in range(3):
        system_create(school=personas.school, actor=None, name=f"System {n}",
                      mfa_enabled=True)
    approved_policy(personas, approved_on=None)  # type: ignore[arg-type]
    client = login(personas.siro)
    client.get(PAGE)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    add_assets(personas, 37, start=3)
    for n in range(3, 40):
        system_create(school=personas.school, actor=None, name=f"System {n}",
                      mfa_enabled=True)
    edit_shredding(personas)
    with django_assert_num_queries(len(few)):
        html = client.get(PAGE).content.decode()
    assert "40 information assets" in html and "System 39" in html


@pytest.mark.parametrize(("fmt", "content_type"), [("docx", DOCX), ("pdf", PDF)])
def test_making_the_document_runs_a_job_whose_page_offers_it(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any,
        fmt: str, content_type: str) -> None:
    add_assets(personas)
    client = login(personas.governor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(MAKE, {"format": fmt})
    job = Job.objects.get(kind=services.JOB_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.content_type == content_type
    assert job.filename.startswith("online-security-policy-oakfield-")
    assert job.filename.endswith(f".{fmt}")
    download = client.get(reverse("jobs:job-download", args=[job.public_id]))
    content = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    if fmt == "docx":
        table = Document(io.BytesIO(content)).tables[-1]
        assert [[cell.text for cell in row.cells] for row in table.rows] == EXPECTED_APPENDIX
    else:
        assert content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action=services.ACTION_MADE)
    assert event.actor_id == personas.governor.pk and event.changes["format"] == fmt
    assert job_file_path(job) is not None


def test_an_unknown_format_makes_nothing(personas: Personas, login: Login) -> None:
    response = login(personas.siro).post(MAKE, {"format": "odt"}, follow=True)
    assert "Choose a Word document or a PDF." in response.content.decode()
    assert not Job.objects.exists()
    with pytest.raises(DomainError) as caught:
        services.policydoc_make_start(school=personas.school, actor=None, fmt="exe")
    assert caught.value.field == "format"


def test_another_schools_member_may_not_make_it(personas: Personas) -> None:
    with pytest.raises(NotAllowed):
        services.policydoc_make_start(school=personas.school, actor=personas.outsider,
                                      fmt="pdf")


def test_sending_adds_a_version_waiting_for_a_governors_approval(
        personas: Personas, login: Login, django_capture_on_commit_callbacks: Any) -> None:
    add_assets(personas)
    client = login(personas.siro)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SEND)
    job = Job.objects.get(kind=services.SEND_KIND)
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    policy = Policy.objects.get(school=personas.school)
    assert policy.kind == Policy.Kind.ONLINE_SECURITY
    assert policy.title == "Online Security Policy"
    version = PolicyVersion.objects.get(policy=policy)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and not job.stored_name
    assert job.result["next_url"] == reverse("policies:version-detail",
                                             args=[version.public_id])
    page = client.get(reverse("jobs:job-detail", args=[job.public_id])).content.decode()
    assert "Version 1 of the Online Security Policy is in the policy register" in page
    assert "Open it in the policy register" in page
    assert version.status == PolicyVersion.Status.IN_REVIEW
    assert version.source == PolicyVersion.Source.UPLOADED
    assert version.file_content_type == PDF
    assert version.file_original_name.startswith("online-security-policy-oakfield-")
    assert version.sent_for_review_by_label == str(personas.siro)
    assert policy_services.file_path(version).read_bytes().startswith(b"%PDF")
    assert [message.to for message in mail.outbox] == [[personas.governor.email]]
    event = AuditEvent.objects.get(action=services.ACTION_SENT)
    assert event.actor_id == personas.siro.pk and event.changes["number"] == 1
    # A governor approves it in the register's own flow.
    policy_services.version_approve(version=version, actor=personas.governor,
                                    full_name="Julie Lamb")
    policy.refresh_from_db()
    assert policy.current_version_id == version.pk and policy.approved_by_name == "Julie Lamb"


def test_a_version_sent_meanwhile_fails_the_job_with_its_reason(personas: Personas) -> None:
    job = services.policydoc_send_start(school=personas.school, actor=personas.siro)
    services.policydoc_send(school=personas.school, actor=personas.dpo)
    services.policydoc_send_run(str(job.public_id))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "already waiting for a governor" in job.message
    assert PolicyVersion.objects.count() == 1


def test_sending_again_adds_a_version_to_the_existing_entry(personas: Personas) -> None:
    policy = approved_policy(personas, approved_on=None)  # type: ignore[arg-type]
    version = services.policydoc_send(school=personas.school, actor=personas.dpo)
    assert version.policy_id == policy.pk and version.number == 2
    assert Policy.objects.filter(school=personas.school).count() == 1


def test_sending_while_a_version_waits_is_refused(personas: Personas, login: Login) -> None:
    services.policydoc_send(school=personas.school, actor=personas.siro)
    response = login(personas.siro).post(SEND, follow=True)
    assert "already waiting for a governor" in response.content.decode()
    assert PolicyVersion.objects.count() == 1


def test_a_manager_who_may_not_change_the_register_is_refused(personas: Personas,
                                                               login: Login) -> None:
    response = login(personas.business_manager).post(SEND)
    assert response.status_code == 403
    assert not Policy.objects.exists() and not PolicyVersion.objects.exists()
    assert not AuditEvent.objects.filter(action=services.ACTION_SENT).exists()
