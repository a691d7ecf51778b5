"""The register's pages: what the list shows (owner, version, approval, cycle, next review
with its term and "estimated", status), constant queries for 3 and 40 policies, the forms
that add and change policies, versions typed or uploaded (checked by content, kept outside the
web root, downloaded through an audited, permission-checked view), another school's: 404."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from schoolkeep.agreements.policies.imports import policy_import
from schoolkeep.agreements.policies.models import Policy, PolicyVersion
from schoolkeep.agreements.policies.services import (
    DOCX,
    ODT,
    files_dir,
    policy_create,
    version_add,
    version_approve,
    version_send_for_review,
)
from schoolkeep.agreements.tests.policy_texts import policy_text
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.services_terms import terms_set_for_year

LIST = reverse("policies:policy-list")


def detail(policy: Policy) -> str:
    return reverse("policies:policy-detail", args=[policy.public_id])


def approved(personas, title: str, *, next_review: date | str = "", owner=None) -> Policy:
    policy = policy_create(school=personas.school, actor=None, title=title, owner=owner)
    version = version_add(policy=policy, actor=None, text=f"{title} text")
    version_send_for_review(version=version, actor=None, notify=False)
    version_approve(version=version, actor=personas.governor, full_name="Gov Person")
    if next_review:
        from schoolkeep.agreements.policies.services import policy_update

        policy.refresh_from_db()
        policy_update(policy=policy, actor=None, version=policy.version, next_review=next_review)
    policy.refresh_from_db()
    return policy


def docx_bytes() -> bytes:
    from docx import Document

    document = Document()
    document.add_paragraph("Mobile Phones Policy")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", ODT, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


# --- the register page ----------------------------------------------------------------------

def test_the_register_shows_each_status_and_the_review_as_given(personas, login):
    today = timezone.localdate()
    approved(personas, "Charging Policy", next_review=today + timedelta(days=200),
             owner=personas.dpo)
    approved(personas, "Data Protection Policy", next_review=today + timedelta(days=30))
    approved(personas, "Behaviour Policy", next_review=today - timedelta(days=1))
    policy_import(school=personas.school, actor=None, text=policy_text())  # Spring 2022
    waiting = policy_create(school=personas.school, actor=None, title="Retention Policy")
    version_send_for_review(version=version_add(policy=waiting, actor=None, text="R"),
                            actor=None, notify=False)
    policy_create(school=personas.school, actor=None, title="Trips Policy")
    html = login(personas.staff).get(LIST).content.decode()
    assert "Policies (6)" in html
    for status in ("Up to date", "Due for review", "Overdue", "Waiting for approval",
                   "Draft"):
        assert f">{status}</strong>" in html, status
    assert "Data protection officer Person" in html  # an owner
    assert "Nobody (the SIRO)" in html
    assert "Version 1" in html and "None approved" in html
    assert "14 October 2021, by Ruth Ellery" in html
    assert "Spring 2022 (ends 8 April 2022, estimated)" in html
    assert "12 months" in html
    assert 'href="/policies/new/"' not in html  # staff do not manage


def test_a_confirmed_calendar_is_shown_at_once_and_not_estimated(personas, login):
    policy_import(school=personas.school, actor=None, text=policy_text())
    terms_set_for_year(school=personas.school, academic_year=2021, actor=None, holidays=[],
                       terms={"autumn": (date(2021, 9, 2), date(2021, 12, 17)),
                              "spring": (date(2022, 1, 4), date(2022, 4, 1)),
                              "summer": (date(2022, 4, 19), date(2022, 7, 20))})
    client = login(personas.siro)
    html = client.get(LIST).content.decode()
    assert "Spring 2022 (ends 1 April 2022)" in html and "estimated" not in html
    page = client.get(detail(Policy.objects.get())).content.decode()
    assert "Spring 2022, which ends on 1 April 2022" in page and "Estimated" not in page


def _populate(personas, start: int, count: int) -> None:
    for n in range(start, start + count):
        policy = policy_create(school=personas.school, actor=None, title=f"Policy {n:02d}",
                               owner=personas.dpo if n % 2 else None,
                               next_review="Spring 2027" if n % 3 else "31 March 2027")
        version = version_add(policy=policy, actor=None, text=f"Text {n}")
        if n % 4 == 0:
            version_send_for_review(version=version, actor=None, notify=False)


def test_the_register_reads_the_same_number_of_queries_for_3_and_40(
        personas, login, django_assert_num_queries):
    client = login(personas.auditor)
    _populate(personas, 0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        response = client.get(LIST)
    assert "Policies (40)" in response.content.decode()


def test_the_policy_page_reads_the_same_number_of_queries_for_few_and_many_versions(
        personas, login, django_assert_num_queries):
    policy = policy_create(school=personas.school, actor=None, title="Busy Policy")
    version_add(policy=policy, actor=None, text="v1")
    client = login(personas.staff)
    client.get(detail(policy))
    with CaptureQueriesContext(connection) as few:
        client.get(detail(policy))
    for n in range(15):
        version_add(policy=policy, actor=None, text=f"v{n + 2}")
    with django_assert_num_queries(len(few)):
        html = client.get(detail(policy)).content.decode()
    assert "Version 16" in html


# --- adding and changing policies -----------------------------------------------------------

def test_the_siro_adds_a_policy_with_an_owner_and_a_term(personas, login):
    client = login(personas.siro)
    response = client.post(reverse("policies:policy-create"), {
        "title": "  Mobile   Phones Policy ", "kind": "other",
        "owner": str(personas.dpo.public_id), "review_cycle_months": "24",
        "next_review": "summer 2027"})
    policy = Policy.objects.get()
    assert response.status_code == 302 and response["Location"] == detail(policy)
    assert policy.title == "Mobile Phones Policy" and policy.owner == personas.dpo
    assert policy.review_cycle_months == 24
    assert policy.next_review_term == "Summer 2027" and policy.next_review_on is not None
    assert AuditEvent.objects.filter(action="agreements.policy.created").count() == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("next_review", "when we can", "is neither a date nor a term"),
    ("review_cycle_months", "0", "Enter at least 1 month."),
    ("title", "", "Enter the policy&#x27;s title."),
])
def test_bad_input_is_shown_on_its_field(personas, login, field, value, message):
    data = {"title": "Charging Policy", "kind": "other", "owner": "",
            "review_cycle_months": "12", "next_review": ""}
    data[field] = value
    response = login(personas.dpo).post(reverse("policies:policy-create"), data)
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html and message in html
    assert not Policy.objects.exists()


def test_a_title_is_unique_and_an_owner_must_be_a_member(personas, login):
    policy_create(school=personas.school, actor=None, title="Charging Policy")
    response = login(personas.siro).post(reverse("policies:policy-create"), {
        "title": "charging policy", "kind": "other", "review_cycle_months": "12"})
    assert "already has a policy called Charging Policy" in response.content.decode()
    with pytest.raises(DomainError, match="members"):
        policy_create(school=personas.school, actor=None, title="Trips Policy",
                      owner=personas.outsider)


def test_editing_keeps_its_values_and_refuses_a_stale_version(personas, login):
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy",
                           next_review="Spring 2027")
    client = login(personas.siro)
    url = reverse("policies:policy-edit", args=[policy.public_id])
    form = client.get(url).content.decode()
    assert 'value="Spring 2027"' in form and 'value="Charging Policy"' in form
    response = client.post(url, {"version": "1", "title": "Charging and Remissions Policy",
                                 "kind": "other", "review_cycle_months": "12",
                                 "next_review": "31 March 2027"})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert (policy.next_review_on, policy.next_review_term) == (date(2027, 3, 31), "")
    stale = client.post(url, {"version": "1", "title": "Old", "kind": "other",
                              "review_cycle_months": "12"})
    assert "Someone else changed this policy" in stale.content.decode()


def test_another_schools_policy_is_not_found(personas, login):
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    version = version_add(policy=policy, actor=None, text="T")
    client = login(personas.outsider)
    assert client.get(detail(policy)).status_code == 404
    assert client.get(reverse("policies:policy-edit", args=[policy.public_id])).status_code == 404
    assert client.get(reverse("policies:version-detail",
                              args=[version.public_id])).status_code == 404


# --- versions -------------------------------------------------------------------------------

def upload(client, policy, name: str, data: bytes):
    return client.post(reverse("policies:version-create", args=[policy.public_id]),
                       {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(("name", "data", "content_type"), [
    ("policy.pdf", b"%PDF-1.7\n1 0 obj\n%%EOF\n", "application/pdf"),
    ("policy.docx", None, DOCX),
    ("policy.odt", None, ODT),
    ("policy.txt", "Mobile Phones Policy\n\nCafé rules.\n".encode(), "text/plain"),
])
def test_a_version_is_uploaded_checked_by_content_and_kept_privately(
        personas, login, name, data, content_type):
    data = data or (docx_bytes() if content_type == DOCX else odt_bytes())
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    client = login(personas.dpo)
    response = upload(client, policy, name, data)
    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    assert version.source == PolicyVersion.Source.UPLOADED
    assert version.file_content_type == content_type
    assert version.file_original_name == name
    stored = files_dir() / version.file_name
    assert stored.read_bytes() == data
    assert stored.stat().st_mode & 0o777 == 0o600
    assert Path(settings.UPLOADS_DIR) in stored.parents
    assert name not in version.file_name  # a random name
    if content_type == "text/plain":
        assert "Café rules." in version.text
    download = client.get(reverse("policies:version-download", args=[version.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    assert download["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="agreements.policy_version.downloaded",
                                     actor=personas.dpo).count() == 1


@pytest.mark.parametrize(("name", "data"), [
    ("policy.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),  # a picture named as a PDF
    ("policy.docx", b"PK\x03\x04not really a zip"),
    ("policy.txt", b"MZ\x90\x00\x03\x00\x00\x00"),  # a program
])
def test_anything_else_is_refused_and_nothing_is_kept(personas, login, name, data):
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    response = upload(login(personas.siro), policy, name, data)
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not PolicyVersion.objects.exists()
    assert not files_dir().exists() or not any(files_dir().iterdir())


def test_a_zip_that_is_not_a_document_is_refused(personas):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    with pytest.raises(DomainError, match="must be a PDF"):
        version_add(policy=policy, actor=None,
                    uploaded_file=SimpleUploadedFile("policy.docx", buffer.getvalue()))


def test_a_typed_version_is_shown_as_text_and_numbered(personas, login):
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    client = login(personas.siro)
    url = reverse("policies:version-create", args=[policy.public_id])
    assert "Type the policy" in client.post(url, {"text": ""}).content.decode()
    client.post(url, {"text": "First text <script>x</script>"})
    client.post(url, {"text": "Second text"})
    first, second = PolicyVersion.objects.order_by("number")
    assert (first.number, second.number) == (1, 2)
    assert first.source == PolicyVersion.Source.TYPED and first.status == "draft"
    page = client.get(reverse("policies:version-detail", args=[first.public_id]))
    html = page.content.decode()
    assert "First text &lt;script&gt;" in html and "<script>x" not in html
    assert "Send to the governors for approval" in html


def test_a_member_of_another_school_cannot_download_the_file(personas, login):
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    version = version_add(policy=policy, actor=None, uploaded_file=SimpleUploadedFile(
        "p.pdf", b"%PDF-1.4\n%%EOF\n"))
    url = reverse("policies:version-download", args=[version.public_id])
    assert login(personas.outsider).get(url).status_code == 404
    assert not AuditEvent.objects.filter(action="agreements.policy_version.downloaded").exists()
