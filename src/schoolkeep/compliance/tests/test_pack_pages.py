"""The governor pack's pages: the packs list (this term's due date, the build form for
managers only, the same queries for 3 and 40 packs), building from the page (the pack's page
then shows it ready), a pack's page (progress while built; the files for those who see breach
figures, a note for those who do not; a failed job shown as failed), the PDF inline and the
Word document as a download (both audited), recording the receipt (an error summary for a
future date), another school's pack a 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.models import GovernorPack
from schoolkeep.compliance.pack import services
from schoolkeep.compliance.tests.pack_records import (
    NOW,
    TODAY,
    docx_text,
    pdf_text,
    started_on,
)
from schoolkeep.jobs.models import Job
from schoolkeep.jobs.services import job_fail

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
LIST = reverse("compliance:pack-list")


@pytest.fixture(autouse=True)
def _pinned():
    with time_machine.travel(NOW, tick=False):
        yield


def _packs(school, start: int, count: int) -> None:
    GovernorPack.objects.bulk_create([
        GovernorPack(school=school, term_label=f"Term {n}", term_starts_on=TODAY
                     - timedelta(days=400 + n), term_ends_on=TODAY - timedelta(days=300 + n),
                     status=GovernorPack.Status.READY, requested_by_label="Someone",
                     built_at=NOW - timedelta(days=300 + n), received_on=TODAY
                     - timedelta(days=290 + n), received_meeting=f"Meeting {n}")
        for n in range(start, start + count)])


def test_list_queries_do_not_grow(personas: Personas, login: Login, steady_session,
                                  django_assert_num_queries) -> None:
    client = login(personas.siro)
    _packs(personas.school, 0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    _packs(personas.school, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Packs (40)" in html and "Meeting 39" in html


def test_list_says_when_the_next_is_due_and_offers_the_build_to_managers(
        personas: Personas, login: Login) -> None:
    started_on(personas.school, TODAY - timedelta(days=400))
    html = login(personas.business_manager).get(LIST).content.decode()
    assert "has never recorded receiving one" in html or "is due to receive" in html
    assert reverse("compliance:pack-build") in html
    assert 'value="Autumn 2026"' in html and 'value="Summer 2026"' in html
    html = login(personas.governor).get(LIST).content.decode()
    assert reverse("compliance:pack-build") not in html
    assert "No governor pack has been built yet." in html


def test_build_from_the_page(personas: Personas, login: Login,
                             django_capture_on_commit_callbacks) -> None:
    started_on(personas.school, TODAY - timedelta(days=400))
    client = login(personas.siro)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("compliance:pack-build"), {"term": "Summer 2026"})
    pack = GovernorPack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:pack-detail", args=[pack.public_id])
    html = client.get(response["Location"]).content.decode()
    assert "Governor pack, Summer 2026" in html and "Ready" in html
    assert reverse("compliance:pack-pdf", args=[pack.public_id]) in html
    assert 'http-equiv="refresh"' not in html
    refused = client.post(reverse("compliance:pack-build"), {"term": "Spring 2027"})
    assert refused.status_code == 302 and GovernorPack.objects.count() == 1


def test_a_pack_being_built_and_one_whose_job_failed(personas: Personas, login: Login) -> None:
    pack = services.pack_request(school=personas.school, actor=personas.siro)  # not run
    client = login(personas.siro)
    url = reverse("compliance:pack-detail", args=[pack.public_id])
    html = client.get(url).content.decode()
    assert "Waiting to be built" in html and 'http-equiv="refresh"' in html
    assert reverse("compliance:pack-pdf", args=[pack.public_id]) not in html
    job = Job.objects.get(pk=pack.job_id)
    job_fail(job, message="broken")
    html = client.get(url).content.decode()
    assert "The pack could not be built" in html and 'http-equiv="refresh"' not in html
    assert client.get(reverse("compliance:pack-pdf", args=[pack.public_id])).status_code == 404


def test_files_inline_pdf_and_word_download_audited(personas: Personas, login: Login) -> None:
    pack = services.pack_build_now(school=personas.school, actor=personas.siro)
    client = login(personas.governor)
    response = client.get(reverse("compliance:pack-pdf", args=[pack.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert "governor-pack-oakfield-autumn-2026.pdf" in response["Content-Disposition"]
    assert "Governor pack: Autumn 2026" in pdf_text(b"".join(response.streaming_content))
    response = client.get(reverse("compliance:pack-docx", args=[pack.public_id]))
    assert response["Content-Disposition"].startswith("attachment")
    assert "Governor pack: Autumn 2026" in docx_text(b"".join(response.streaming_content))
    events = AuditEvent.objects.filter(action="compliance.pack.downloaded")
    assert sorted(event.changes["format"]["after"] for event in events) == ["docx", "pdf"]


def test_those_who_do_not_see_breach_figures_are_told(personas: Personas, login: Login) -> None:
    pack = services.pack_build_now(school=personas.school, actor=personas.siro)
    client = login(personas.it_lead)
    html = client.get(reverse("compliance:pack-detail", args=[pack.public_id])).content.decode()
    assert "which your role does not see" in html
    assert reverse("compliance:pack-pdf", args=[pack.public_id]) not in html
    assert client.get(reverse("compliance:pack-pdf", args=[pack.public_id])).status_code == 403


def test_record_the_receipt(personas: Personas, login: Login) -> None:
    pack = services.pack_build_now(school=personas.school, actor=personas.siro)
    client = login(personas.governor)
    url = reverse("compliance:pack-received", args=[pack.public_id])
    tomorrow = TODAY + timedelta(days=1)
    response = client.post(url, {"version": pack.version, "received_on": tomorrow.isoformat(),
                                 "meeting": "Full governing body"})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    response = client.post(url, {"version": pack.version, "received_on": TODAY.isoformat(),
                                 "meeting": "Full governing body", "minute": "FGB 26/14"})
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "FGB 26/14" in html and "Full governing body" in html
    assert "Change the record of the meeting" in html


def test_a_pack_not_built_cannot_be_recorded(personas: Personas, login: Login) -> None:
    pack = services.pack_request(school=personas.school, actor=personas.siro)
    response = login(personas.governor).get(
        reverse("compliance:pack-received", args=[pack.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("compliance:pack-detail", args=[pack.public_id])


def test_another_schools_pack_is_a_404(personas: Personas, login: Login) -> None:
    pack = services.pack_build_now(school=personas.school, actor=personas.siro)
    client = login(personas.outsider)
    for name in ("compliance:pack-detail", "compliance:pack-pdf", "compliance:pack-docx",
                 "compliance:pack-received"):
        assert client.get(reverse(name, args=[pack.public_id])).status_code == 404
