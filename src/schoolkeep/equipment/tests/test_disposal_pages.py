"""The disposal pages: recording a batch through the form, the batch's page saying what the
certificate names and misses, uploads through the page (a bad file refused in words), a
match by hand by POST, downloads through a permission-checked view (another school's: 404),
the evidence pack made by a job, the export, and list pages whose query count does not grow
with their rows."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.equipment.disposals import pack, services
from schoolkeep.equipment.models import Disposal, DisposalItem, Item
from schoolkeep.equipment.tests.test_disposal_helpers import (
    certificate_pdf,
    make_disposal,
    make_item,
    scan_pdf,
    upload,
)
from schoolkeep.jobs.models import Job

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("equipment:disposal-list")
CREATE = reverse("equipment:disposal-create")


@pytest.fixture(autouse=True)
def uploads_dir(settings, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def url(name: str, disposal: Disposal, *args: str) -> str:
    return reverse(f"equipment:{name}", args=[disposal.public_id, *args])


def test_recording_a_batch_through_the_form(personas: Personas, login: Login) -> None:
    make_item(personas.school, "5CD1234ABC", tag="HP-0001")
    make_item(personas.school, "5CD5678DEF")
    client = login(personas.siro)
    page = client.get(CREATE).content.decode()
    assert "5CD1234ABC" in page  # items awaiting disposal are offered as a hint
    response = client.post(CREATE, {
        "company_name": "Shred Co Ltd", "collected_on_0": "1", "collected_on_1": "3",
        "collected_on_2": "2026", "items": "HP-0001\n5cd5678def\n",
        "waste_carrier_registration": "CBDU1", "reference": "J-9"})
    disposal = Disposal.objects.get()
    assert response.status_code == 302 and response["Location"] == url("disposal-detail",
                                                                        disposal)
    assert disposal.items.count() == 2
    assert set(Item.objects.values_list("status", flat=True)) == {Item.Status.DISPOSED}


def test_the_form_names_the_problem(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    response = client.post(CREATE, {"collected_on_0": "1", "collected_on_1": "3",
                                    "collected_on_2": "2026", "items": "NOSUCH1234"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Choose the disposal company, or enter its name." in html
    response = client.post(CREATE, {"company_name": "X", "collected_on_0": "1",
                                    "collected_on_1": "3", "collected_on_2": "2026",
                                    "items": "NOSUCH1234"})
    assert "No item has this serial number or asset tag: NOSUCH1234." in (
        response.content.decode())
    assert not Disposal.objects.exists()


def test_the_batch_page_says_what_the_certificate_names_and_misses(
        personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.school, ["5CD1234ABC", "5CD5678DEF"])
    client = login(personas.it_lead)
    html = client.get(url("disposal-detail", disposal)).content.decode()
    assert "No certificate is uploaded yet" in html
    response = client.post(url("disposal-certificate", disposal), {
        "kind": "certificate", "file": upload(certificate_pdf(["5CD1234ABC", "QQ11223344"]))})
    assert response.status_code == 302
    html = client.get(url("disposal-detail", disposal)).content.decode()
    assert "The certificate names 1 of the batch's 2 items" in html
    assert "QQ11223344" in html and "Not found" in html
    assert "Read from the certificate" in html


def test_a_bad_upload_is_refused_in_words(personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.school, ["5CD1234ABC"])
    client = login(personas.it_lead)
    response = client.post(url("disposal-certificate", disposal), {
        "kind": "note", "file": upload(b"GIF89a not a pdf", "note.pdf")})
    html = response.content.decode()
    assert response.status_code == 200 and "The file must be a PDF." in html
    assert 'href="#id_file"' in html and 'id="id_file"' in html
    disposal.refresh_from_db()
    assert disposal.note_stored_name == ""


def test_a_scan_is_matched_by_hand_by_post(personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.school, ["5CD1234ABC"])
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(scan_pdf()))
    client = login(personas.it_lead)
    html = client.get(url("disposal-detail", disposal)).content.decode()
    assert "has no text to read" in html and "It is on the certificate" in html
    item = Item.objects.get()
    assert client.get(url("disposal-match", disposal)).status_code == 405
    response = client.post(url("disposal-match", disposal), {"item": str(item.public_id),
                                                             "matched": "yes"})
    assert response.status_code == 302
    assert DisposalItem.objects.get().matched_by == DisposalItem.MatchedBy.HAND
    # A read-only role may not match.
    assert login(personas.auditor).post(url("disposal-match", disposal), {
        "item": str(item.public_id), "matched": "no"}).status_code == 403


def test_the_paperwork_downloads_only_for_readers_of_the_school(
        personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.school, ["5CD1234ABC"])
    data = certificate_pdf(["5CD1234ABC"])
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(data, "cert<script>.pdf"))
    response = login(personas.auditor).get(url("disposal-file", disposal, "certificate"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == data
    assert "script" not in response["Content-Disposition"]
    assert login(personas.auditor).get(url("disposal-file", disposal, "note")).status_code == 404
    assert login(personas.auditor).get(url("disposal-file", disposal, "x")).status_code == 404
    assert login(personas.staff).get(url("disposal-file", disposal, "certificate")
                                     ).status_code == 403
    assert login(personas.outsider).get(url("disposal-file", disposal, "certificate")
                                        ).status_code == 404


def test_the_evidence_pack_is_made_by_a_job(personas: Personas, login: Login,
                                            django_capture_on_commit_callbacks: Any) -> None:
    from pypdf import PdfReader

    disposal = make_disposal(personas.school, ["5CD1234ABC", "5CD5678DEF"])
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(certificate_pdf(["5CD1234ABC"])))
    client = login(personas.auditor)
    page = client.get(url("disposal-pack", disposal))
    assert page.status_code == 200 and not Job.objects.exists()  # GET starts nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("disposal-pack", disposal))
    job = Job.objects.get(kind=pack.JOB_KIND)
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.message
    download = client.get(reverse("jobs:job-download", args=[job.public_id]))
    content = b"".join(download.streaming_content)
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Evidence of secure disposal" in text and "Shred Co Ltd" in text
    assert "Certificate of destruction" in text  # the certificate's page is appended
    assert len(reader.pages) >= 2


def test_the_export_lists_every_disposed_item(personas: Personas, login: Login) -> None:
    make_disposal(personas.school, ["5CD1234ABC", "=HYPERLINK(1)"])
    client = login(personas.auditor)
    response = client.get(reverse("equipment:disposal-export") + "?format=xlsx")
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active
            .iter_rows(values_only=True)]
    assert rows[0][0] == "Collected on" and len(rows) == 3
    assert "'=HYPERLINK(1)" in [row[8] for row in rows]
    csv = client.get(reverse("equipment:disposal-export") + "?format=csv")
    assert csv.status_code == 200 and b"5CD1234ABC" in csv.content
    assert client.get(reverse("equipment:disposal-export") + "?format=pdf").status_code == 404


def test_another_schools_batch_is_a_404(personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.other_school, ["5CD1234ABC"])
    client = login(personas.siro)
    for name in ("disposal-detail", "disposal-edit", "disposal-certificate", "disposal-pack"):
        assert client.get(url(name, disposal)).status_code == 404


def test_editing_adds_items_and_refuses_a_stale_form(personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.school, ["5CD1234ABC"])
    make_item(personas.school, "5CD5678DEF")
    client = login(personas.it_lead)
    form = {"version": "1", "company": str(disposal.company.public_id), "collected_on_0": "1",
            "collected_on_1": "3", "collected_on_2": "2026", "items": "5CD5678DEF"}
    assert client.post(url("disposal-edit", disposal), form).status_code == 302
    assert disposal.items.count() == 2
    response = client.post(url("disposal-edit", disposal), {**form, "items": ""})
    assert "Someone else changed this disposal" in response.content.decode()


def _batches(personas: Personas, count: int) -> None:
    for number in range(count):
        disposal = make_disposal(personas.school, [f"SER{number:07d}A", f"SER{number:07d}B"])
        if number % 2:
            services.document_upload(disposal=disposal, actor=None, kind="certificate",
                                     uploaded_file=upload(b"%PDF-1.4 broken"))


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_has_a_steady_query_count(personas: Personas, login: Login, count: int,
                                           django_assert_num_queries: Any) -> None:
    _batches(personas, count)
    client = login(personas.auditor)
    client.get(LIST)  # warm the session
    with django_assert_num_queries(QUERIES_LIST):
        response = client.get(LIST)
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 40])
def test_the_batch_page_has_a_steady_query_count(personas: Personas, login: Login, count: int,
                                                 django_assert_num_queries: Any) -> None:
    disposal = make_disposal(personas.school, [f"SER{n:07d}X" for n in range(count)])
    client = login(personas.it_lead)
    client.get(url("disposal-detail", disposal))
    with django_assert_num_queries(QUERIES_DETAIL):
        response = client.get(url("disposal-detail", disposal))
    assert response.status_code == 200


QUERIES_LIST = 5
QUERIES_DETAIL = 5


def test_a_scan_matched_by_hand_says_every_item_is_matched_and_by_whom(
        personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.school, ["5CD1234ABC"])
    services.document_upload(disposal=disposal, actor=None, kind="certificate",
                             uploaded_file=upload(scan_pdf()))
    client = login(personas.it_lead)
    client.post(url("disposal-match", disposal), {"item": str(Item.objects.get().public_id),
                                                  "matched": "yes"})
    html = client.get(url("disposal-detail", disposal)).content.decode()
    assert "Every item is matched" in html and "has no text to read" not in html
    assert f"by {personas.it_lead.full_name or personas.it_lead.email}" in html
    assert "&lt;User" not in html and "<User" not in html


def test_earlier_paperwork_is_listed_and_downloads(personas: Personas, login: Login) -> None:
    disposal = make_disposal(personas.school, ["5CD1234ABC"])
    client = login(personas.it_lead)
    for name in ("first-note.pdf", "second-note.pdf"):
        assert client.post(url("disposal-certificate", disposal), {
            "kind": "note", "file": upload(certificate_pdf([name]), name)}).status_code == 302
    html = client.get(url("disposal-detail", disposal)).content.decode()
    assert "Earlier versions" in html and "first-note.pdf" in html
    response = client.get(url("disposal-file", disposal, "note") + "?earlier=0")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    for bad in ("1", "x", "-1", "0" * 20):
        assert client.get(url("disposal-file", disposal, "note")
                          + f"?earlier={bad}").status_code == 404
    assert client.get(url("disposal-file", disposal, "certificate")
                      + "?earlier=0").status_code == 404


def test_the_form_bounds_the_items_and_the_notes(personas: Personas, login: Login) -> None:
    import time

    make_item(personas.school, "5CD1234ABC")
    client = login(personas.it_lead)
    started = time.monotonic()
    response = client.post(CREATE, {
        "company_name": "Shred Co", "collected_on_0": "1", "collected_on_1": "3",
        "collected_on_2": "2026",
        "items": "\n".join(f"SN{n:08d}" for n in range(60_000)), "notes": "x" * 5_001})
    assert time.monotonic() - started < 5
    html = response.content.decode()
    assert response.status_code == 200 and not Disposal.objects.exists()
    assert "at most 50,000 characters" in html or "at most 50000 characters" in html
    assert "at most 5,000 characters" in html or "at most 5000 characters" in html
