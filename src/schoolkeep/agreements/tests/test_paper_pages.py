"""Paper signatures: the signer chosen from a searchable, paginated list (or typed, for
visitors); the scan checked by content, stored with a random name and removed if the
signature cannot be written; the date not in the future; the scan served only to those who
may read the records, with a safe file name, audited; another school's records are 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.matrix_parts.kiosk import published_aup
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups.models import Audience, Aup, AupVersion, Signature, SigningMethod
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.agreements.signing.paper.services import SCAN_FOLDER, paper_signature_record
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import person_create

Login = Callable[[User], Client]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
YESTERDAY = timezone.localdate() - timedelta(days=1)


def scan(content: bytes = PDF, name: str = "form.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def scans() -> list[Path]:
    folder = Path(settings.UPLOADS_DIR) / SCAN_FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def url(aup: Aup) -> str:
    return reverse("agreements:paper-create", args=[aup.public_id])


def staff_member(personas: Personas, name: str) -> Any:
    return person_create(school=personas.school, actor=None, full_name=name,
                         kind=PersonKind.SUPPORT)


def test_record_a_staff_members_form(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.STAFF)
    ada = staff_member(personas, "Ada Lovelace")
    client = login(personas.business_manager)
    response = client.get(url(aup))
    assert_csp_clean(response)
    assert_our_layout(response)
    assert "Ada Lovelace" in response.content.decode()
    response = client.post(url(aup), {
        "signer": str(ada.public_id), "typed_name": "A. Lovelace", "aup_version": 1,
        "signed_on": YESTERDAY.isoformat(), "scan": scan(PNG, "scan.png")})
    assert response.status_code == 302, response.content.decode()
    signature = Signature.objects.get()
    assert (signature.person, signature.method, signature.typed_name) == (
        ada, SigningMethod.PAPER, "A. Lovelace")
    assert timezone.localdate(signature.signed_at) == YESTERDAY
    assert signature.recorded_by_label == str(personas.business_manager)
    assert signature.scan_content_type == "image/png" and signature.scan_original_name == "scan.png"
    [stored] = scans()
    assert stored.name == signature.scan_name and stored.name.endswith(".png")
    assert len(stored.stem) == 32 and stored.read_bytes() == PNG
    assert oct(stored.stat().st_mode & 0o777) == "0o600"
    event = AuditEvent.objects.get(action="agreements.signature.created")
    assert event.actor_id == personas.business_manager.pk


def test_record_a_parents_form_of_an_earlier_version(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.PARENTS)
    AupVersion.objects.create(school=personas.school, aup=aup, number=2, text="New text",
                              content_hash="b" * 64, published_at=timezone.now())
    Aup.objects.filter(pk=aup.pk).update(current_number=2, sign_from=2)
    parent = parent_create(school=personas.school, actor=None, full_name="Pat Parent",
                           classes="Year 2")
    client = login(personas.siro)
    html = client.get(url(aup)).content.decode()
    assert "Pat Parent, Year 2" in html and "Version 2, published" in html
    response = client.post(url(aup), {
        "signer": str(parent.public_id), "typed_name": "Pat Parent", "aup_version": 1,
        "signed_on": YESTERDAY.isoformat(), "scan": scan()})
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert signature.parent == parent and signature.aup_version.number == 1


def test_record_a_visitors_form_with_typed_details(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.VISITORS)
    client = login(personas.siro)
    html = client.get(url(aup)).content.decode()
    assert "Find who signed" not in html and "Whom they were visiting" in html
    response = client.post(url(aup), {
        "typed_name": "Val Visitor", "organisation": "Acme", "visiting": "Office",
        "aup_version": 1, "signed_on": timezone.localdate().isoformat(), "scan": scan()})
    assert response.status_code == 302
    signature = Signature.objects.get()
    assert (signature.typed_name, signature.organisation, signature.visiting) == (
        "Val Visitor", "Acme", "Office")
    assert signature.signed_at <= timezone.now()


def test_the_signer_picker_searches_and_paginates(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.STAFF)
    for n in range(45):
        staff_member(personas, f"Member {n:02d}")
    zed = staff_member(personas, "Zed Last")
    client = login(personas.siro)
    first = client.get(url(aup)).content.decode()
    assert "Member 00" in first and "Member 19" in first and "Member 20" not in first
    assert "Page 1 of 3" in first
    found = client.get(url(aup), {"q": "zed"}).content.decode()
    assert "Zed Last" in found and "Member 00" not in found and "1 match" in found
    # A signer not on the page shown is still accepted: they are looked up in the whole list.
    response = client.post(url(aup), {
        "signer": str(zed.public_id), "typed_name": "Zed Last", "aup_version": 1,
        "signed_on": YESTERDAY.isoformat(), "scan": scan()})
    assert response.status_code == 302


def test_bad_input_is_refused_and_keeps_nothing(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.STAFF)
    ada = staff_member(personas, "Ada Lovelace")
    outsider = person_create(school=personas.other_school, actor=None, full_name="Far Away",
                             kind=PersonKind.SUPPORT)
    client = login(personas.siro)
    good = {"signer": str(ada.public_id), "typed_name": "Ada", "aup_version": 1,
            "signed_on": YESTERDAY.isoformat()}
    cases = [
        ({**good, "scan": scan(b"GIF89a....", "form.pdf")}, "The file must be a PDF, PNG or JPEG"),
        ({**good, "scan": scan(b"<html>", "form.jpg")}, "The file must be a PDF, PNG or JPEG"),
        ({**good, "signed_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
          "scan": scan()}, "The date signed must be today or in the past"),
        ({**good, "signed_on": "", "signed_on_0": "31", "signed_on_1": "2",
          "signed_on_2": str(YESTERDAY.year), "scan": scan()},
         "The date signed must be a real date"),
        ({**good, "signed_on": "", "signed_on_0": "3", "signed_on_2": str(YESTERDAY.year),
          "scan": scan()}, "The date signed must include a month"),
        ({**good, "signer": str(outsider.public_id), "scan": scan()}, "Choose who signed"),
        ({**good, "aup_version": 7, "scan": scan()}, "Select a valid choice"),
        ({k: v for k, v in good.items() if k != "signer"} | {"scan": scan()},
         "Choose who signed the form."),
        (good, "Upload the scan of the signed form."),
    ]
    for data, message in cases:
        html = client.post(url(aup), data).content.decode()
        assert "error-summary" in html and message in html, message
    assert not Signature.objects.exists() and not scans()


def test_a_big_scan_is_refused(personas: Personas) -> None:
    aup = published_aup(personas.school, Audience.VISITORS)
    big = scan(PDF + b"0" * (10 * 1024 * 1024))
    with pytest.raises(DomainError) as error:
        paper_signature_record(aup=aup, actor=personas.siro, scan_file=big,
                               typed_name="V", visiting="Office",
                               signed_on=YESTERDAY)
    assert error.value.field == "scan" and not scans()


def test_the_scan_is_removed_when_the_signature_cannot_be_written(personas: Personas) -> None:
    aup = published_aup(personas.school, Audience.VISITORS)
    with mock.patch("schoolkeep.agreements.signing.paper.services.signature_create",
                    side_effect=RuntimeError("database down")), pytest.raises(RuntimeError):
        paper_signature_record(aup=aup, actor=personas.siro, scan_file=scan(),
                               typed_name="Val", visiting="Office",
                               signed_on=YESTERDAY)
    assert not scans() and not Signature.objects.exists()
    # And when the signing service refuses (visitors need whom they visit).
    with pytest.raises(DomainError):
        paper_signature_record(aup=aup, actor=personas.siro, scan_file=scan(),
                               typed_name="Val", signed_on=YESTERDAY)
    assert not scans() and not Signature.objects.exists()


def test_only_managers_record(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.VISITORS)
    with pytest.raises(NotAllowed):
        paper_signature_record(aup=aup, actor=personas.auditor, scan_file=scan(),
                               typed_name="Val", visiting="Office",
                               signed_on=YESTERDAY)
    assert login(personas.auditor).get(url(aup)).status_code == 403
    assert not scans()


def test_scan_download_is_permission_checked_safe_and_audited(personas: Personas,
                                                               login: Login) -> None:
    aup = published_aup(personas.school, Audience.VISITORS)
    signature = paper_signature_record(
        aup=aup, actor=personas.siro, scan_file=scan(name='evil"\r\nX-Bad: 1.pdf'),
        typed_name='Val "Visitor"', visiting="Office", signed_on=YESTERDAY)
    download = reverse("agreements:scan-download", args=[signature.public_id])
    response = login(personas.auditor).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition == (f'attachment; filename="paper-signature-{YESTERDAY:%Y-%m-%d}-'
                           f'{str(signature.public_id)[:8]}.pdf"')
    assert "X-Bad" not in str(response.headers)
    event = AuditEvent.objects.get(action="agreements.scan.downloaded")
    assert event.actor_id == personas.auditor.pk
    assert login(personas.staff).get(download).status_code == 403
    assert login(personas.outsider).get(download).status_code == 404


def test_a_signature_without_a_scan_has_no_download(personas: Personas, login: Login) -> None:
    from schoolkeep.agreements.signing.services import signature_create

    aup = published_aup(personas.school, Audience.STAFF)
    signature = signature_create(aup=aup, method=SigningMethod.IN_APP, typed_name="Siro",
                                 user=personas.siro, actor=personas.siro)
    assert login(personas.siro).get(reverse("agreements:scan-download",
                                            args=[signature.public_id])).status_code == 404


def test_another_schools_aup_is_not_found(personas: Personas, login: Login) -> None:
    theirs = published_aup(personas.other_school, Audience.VISITORS)
    client = login(personas.siro)
    assert client.get(url(theirs)).status_code == 404
    assert client.post(url(theirs), {"typed_name": "X", "visiting": "Y", "aup_version": 1,
                                     "signed_on": YESTERDAY.isoformat(),
                                     "scan": scan()}).status_code == 404
    assert not scans()


def test_an_unpublished_aup_sends_you_back(personas: Personas, login: Login) -> None:
    aup = Aup.objects.create(school=personas.school, audience=Audience.VISITORS, title="V")
    response = login(personas.siro).get(url(aup))
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:aup-detail", args=[aup.public_id])


def test_picker_query_count_does_not_grow(personas: Personas, login: Login,
                                          django_assert_num_queries) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    aup = published_aup(personas.school, Audience.STAFF)
    for n in range(3):
        staff_member(personas, f"Few {n}")
    client = login(personas.siro)
    client.get(url(aup))
    with CaptureQueriesContext(connection) as few:
        client.get(url(aup))
    for n in range(37):
        staff_member(personas, f"Many {n}")
    with django_assert_num_queries(len(few)):
        assert client.get(url(aup)).status_code == 200
