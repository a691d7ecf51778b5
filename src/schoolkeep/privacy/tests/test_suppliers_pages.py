"""The suppliers' pages: the list (its filters and constant queries at 3 and 40 rows), adding
one from the registers, a supplier's page, the forms with their errors on the field, the
agreement's upload and download, and another school's supplier as a 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.privacy.suppliers.models import Processor
from schoolkeep.privacy.suppliers.selectors import suggestions
from schoolkeep.privacy.tests.suppliers_support import (
    PDF,
    in_order,
    organisation,
    supplier,
    system,
)

Login = Callable[[User], Client]
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("steady_session")]
LIST = reverse("processors:processor-list")


def detail(processor: Processor, name: str = "processor-detail") -> str:
    return reverse(f"processors:{name}", args=[processor.public_id])


def _date(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def _list_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_at_3_and_40_rows(personas: Personas, login: Login) -> None:
    school, today = personas.school, timezone.localdate()
    mis = system(school, "MIS")
    for n in range(3):
        in_order(school, f"Supplier {n:02}", today=today, systems=[mis])
    client = login(personas.dpo)
    few = _list_queries(client)
    for n in range(3, 40):
        supplier(school, f"Supplier {n:02}", systems=[mis])
    assert _list_queries(client) == few
    html = client.get(LIST).content.decode()
    assert "Suppliers (40)" in html and "No agreement on file" in html


def test_the_list_filters_by_role_and_attention(personas: Personas, login: Login) -> None:
    school, today = personas.school, timezone.localdate()
    in_order(school, "Fine Ltd", today=today)
    supplier(school, "Missing Ltd")
    supplier(school, "The Council", role="controller")
    client = login(personas.auditor)
    html = client.get(LIST, {"attention": "on", "role": "processor"}).content.decode()
    assert "Missing Ltd" in html and "Fine Ltd" not in html and "The Council" not in html
    assert "Add a supplier" not in html  # the auditor reads only
    html = client.get(LIST, {"role": "controller"}).content.decode()
    assert "The Council" in html and "Missing Ltd" not in html


def test_add_from_the_registers(personas: Personas, login: Login) -> None:
    school = personas.school
    mis = system(school, "SIMS", supplier="Capita")
    organisation(school, "Backup Co")
    client = login(personas.dpo)
    html = client.get(reverse("processors:processor-add")).content.decode()
    assert "Capita (Supplies SIMS)" in html and "Backup Co" in html
    key = next(found.key for found in suggestions(school=school) if found.name == "Capita")
    response = client.post(reverse("processors:processor-add"),
                           {"suggestion": key, "role": "processor"})
    processor = Processor.objects.get(name="Capita")
    assert response.status_code == 302 and response["Location"] == detail(processor)
    assert list(processor.systems.all()) == [mis]
    html = client.get(reverse("processors:processor-add")).content.decode()
    assert "Capita (" not in html  # recorded: no longer offered


def test_add_says_what_is_missing(personas: Personas, login: Login) -> None:
    client = login(personas.dpo)
    html = client.post(reverse("processors:processor-add"),
                       {"role": "processor"}).content.decode()
    assert "Choose an organisation from the registers or enter a name." in html
    supplier(personas.school, "Acme Ltd")
    html = client.post(reverse("processors:processor-add"),
                       {"name": "acme ltd", "role": "processor"}).content.decode()
    assert "Acme Ltd is already recorded." in html
    assert Processor.objects.count() == 1


def test_the_page_shows_the_record(personas: Personas, login: Login) -> None:
    school, today = personas.school, timezone.localdate()
    mis = system(school, "MIS")
    processor = in_order(school, "Acme Ltd", today=today, systems=[mis],
                         article28_terms=["instructions"], sub_processors="Cloud Co\nMail Co",
                         cyber_essentials="ce_plus",
                         cyber_essentials_expires_on=today + timedelta(days=30))
    html = login(personas.iao).get(detail(processor)).content.decode()
    for shown in ("Acme Ltd", "In order", "Cyber Essentials Plus", "Cloud Co", "Mail Co",
                  "Article 28(3)(a)", "Not confirmed", "MIS", "The UK"):
        assert shown in html, shown
    assert detail(processor, "processor-edit") not in html  # the IAO reads only
    html = login(personas.dpo).get(detail(processor)).content.decode()
    assert detail(processor, "processor-edit") in html


def test_another_schools_supplier_is_a_404(personas: Personas, login: Login) -> None:
    theirs = supplier(personas.other_school, "Their Ltd")
    client = login(personas.dpo)
    for name in ("processor-detail", "processor-edit", "processor-agreement",
                 "processor-agreement-download", "processor-review", "processor-archive"):
        assert client.get(detail(theirs, name)).status_code == 404, name


def test_edit_names_the_field_at_fault(personas: Personas, login: Login) -> None:
    processor = supplier(personas.school, "Acme Ltd")
    client = login(personas.dpo)
    url = detail(processor, "processor-edit")
    html = client.post(url, {"version": "1", "name": "Acme Ltd", "role": "processor",
                             "data_location": "elsewhere"}).content.decode()
    assert "needs a safeguard" in html
    processor.refresh_from_db()
    assert processor.version == 1 and processor.data_location == ""
    response = client.post(url, {"version": "1", "name": "Acme Ltd", "role": "processor",
                                 "data_location": "elsewhere", "transfer_mechanism": "idta",
                                 **_date("transfer_risk_assessed_on", date(2025, 1, 6)),
                                 "article28_terms": ["security", "audits"]})
    assert response.status_code == 302
    processor.refresh_from_db()
    assert processor.transfer_mechanism == "idta"
    assert processor.article28_terms == {"security": True, "audits": True}
    stale = client.post(url, {"version": "1", "name": "Other", "role": "processor"})
    assert "Reload the page" in stale.content.decode()


def test_upload_and_download_the_agreement(personas: Personas, login: Login) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    processor = supplier(personas.school, "Acme Ltd")
    client = login(personas.business_manager)
    url = detail(processor, "processor-agreement")
    bad = client.post(url, {"version": "1", **_date("signed_on", timezone.localdate()),
                            "agreement_file": SimpleUploadedFile("x.pdf", b"GIF89a...")})
    assert "The agreement must be a PDF or a Word document (.docx)." in bad.content.decode()
    response = client.post(url, {"version": "1", **_date("signed_on", timezone.localdate()),
                                 "agreement_file": SimpleUploadedFile("signed.pdf", PDF)})
    assert response.status_code == 302
    download = login(personas.auditor).get(detail(processor, "processor-agreement-download"))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF  # type: ignore[attr-defined]
    assert download["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="processors.agreement.downloaded",
                                     actor=personas.auditor).exists()


def test_review_and_archive(personas: Personas, login: Login) -> None:
    processor = supplier(personas.school, "Acme Ltd")
    client = login(personas.dpo)
    future = timezone.localdate() + timedelta(days=2)
    html = client.post(detail(processor, "processor-review"),
                       {"version": "1", **_date("reviewed_on", future)}).content.decode()
    assert "must be today or in the past" in html
    assert client.post(detail(processor, "processor-review"), {
        "version": "1", **_date("reviewed_on", timezone.localdate())}).status_code == 302
    assert client.post(detail(processor, "processor-archive")).status_code == 302
    processor.refresh_from_db()
    assert processor.archived_at is not None
    assert client.get(detail(processor, "processor-edit")).status_code == 404
    assert "Archived on" in client.get(detail(processor)).content.decode()
