"""People pages: who sees what, writes refused to readers, other schools' records hidden,
forms that work without JavaScript, constant query counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.assertions import assert_not_shown
from tests.factories import SiteFactory
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.models import AuditEvent
from schoolkeep.people import services
from schoolkeep.people.models import CertificateCopy, Check, CheckOverride, Person
from schoolkeep.people.sections import (
    PersonSection,
    register_person_section,
    unregister_person_section,
)

Login = Callable[[User], Client]
DBS_NUMBER = "001234567890"
DOB = date(1987, 11, 23)
DOB_SHOWN = "23 November 1987"
PDF_BYTES = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def uploads_dir(settings: Any, tmp_path: Path) -> Path:
    settings.UPLOADS_DIR = tmp_path / "uploads"
    return settings.UPLOADS_DIR


def record(personas: Personas, *, user: User | None = None, name: str = "Ada Lovelace",
           **fields: Any) -> Person:
    hr = personas.hr_admin
    person = services.person_create(
        school=personas.school, actor=hr, full_name=name, kind="teaching",
        job_title="Class teacher", date_of_birth=DOB, staff_number=f"S-{name[:3]}",
        email=f"{name.split()[0].lower()}@oakfield.example", **fields)
    services.check_save(person=person, actor=hr, check_type="enhanced_dbs", status="done",
                        done_on=date(2025, 9, 1), dbs_certificate_number=DBS_NUMBER,
                        dbs_issued_on=date(2025, 8, 28), checked_by="Hana Rao")
    services.check_save(person=person, actor=hr, check_type="right_to_work", status="done",
                        done_on=date(2025, 9, 1), right_to_work_expires_on=date(2027, 3, 3))
    if user is not None:
        services.person_link_account(person=person, actor=hr, user=user)
    return person


def detail_url(person: Person) -> str:
    return reverse("people:person-detail", args=[person.public_id])


# ---------------------------------------------------------------------------- visibility


@pytest.mark.parametrize("persona", ["staff", "governor", "iao", "it_lead", "data_admin",
                                     "dpo", "business_manager", "trust_admin"])
def test_no_dbs_number_or_date_of_birth_without_scr_sensitive(personas: Personas, login: Login,
                                                               persona: str) -> None:
    person = record(personas)
    client = login(getattr(personas, persona))
    for url in (reverse("people:person-list"), detail_url(person),
                reverse("people:person-list") + "?q=Ada"):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Ada Lovelace" in html
        assert_not_shown(html, DBS_NUMBER, "0012", DOB_SHOWN, "1987")


@pytest.mark.parametrize("persona", ["staff", "governor", "iao", "it_lead", "data_admin", "dpo"])
def test_names_level_sees_names_and_posts_only(personas: Personas, login: Login,
                                               persona: str) -> None:
    person = record(personas)
    client = login(getattr(personas, persona))
    html = client.get(reverse("people:person-list")).content.decode()
    assert "Class teacher" in html
    assert "S-Ada" not in html and "ada@oakfield.example" not in html
    html = client.get(detail_url(person)).content.decode()
    assert "Class teacher" in html
    assert "ada@oakfield.example" not in html and "S-Ada" not in html
    assert "Checks of the Single Central Record" not in html
    assert "Hana Rao" not in html


def test_business_manager_sees_details_but_not_checks(personas: Personas, login: Login) -> None:
    person = record(personas)
    html = login(personas.business_manager).get(detail_url(person)).content.decode()
    assert "ada@oakfield.example" in html and "S-Ada" in html
    assert "Checks of the Single Central Record" not in html
    assert "History" in html


def test_trust_admin_sees_checks_without_sensitive_fields(personas: Personas,
                                                          login: Login) -> None:
    person = record(personas)
    html = login(personas.trust_admin).get(detail_url(person)).content.decode()
    assert "Checks of the Single Central Record" in html
    assert "Right to work in the UK: expires 3 March 2027" in html
    assert DBS_NUMBER not in html and DOB_SHOWN not in html


@pytest.mark.parametrize("persona", ["siro", "hr_admin", "dsl", "auditor"])
def test_scr_roles_see_sensitive_fields(personas: Personas, login: Login, persona: str) -> None:
    person = record(personas)
    html = login(getattr(personas, persona)).get(detail_url(person)).content.decode()
    assert DBS_NUMBER in html
    assert DOB_SHOWN in html
    assert "Right to work in the UK: expires 3 March 2027" in html
    assert "Hana Rao" in html


def test_member_sees_their_own_record(personas: Personas, login: Login) -> None:
    own = record(personas, user=personas.staff, name="Sam Staff")
    other = record(personas, name="Olu Other")
    client = login(personas.staff)
    html = client.get(detail_url(own)).content.decode()
    assert "This is your own record" in html
    assert DBS_NUMBER in html and DOB_SHOWN in html
    assert "Download" not in html and "copies/" not in html
    assert reverse("people:person-detail", args=[own.public_id]) in client.get(
        reverse("people:person-list")).content.decode()
    html = client.get(detail_url(other)).content.decode()
    assert DBS_NUMBER not in html and DOB_SHOWN not in html
    assert client.get(reverse("people:person-edit", args=[own.public_id])).status_code == 403


def test_other_schools_person_is_404(personas: Personas, login: Login) -> None:
    person = record(personas)
    check = Check.objects.get(person=person, check_type="enhanced_dbs")
    copy = services.copy_upload(check=check, actor=personas.hr_admin,
                                uploaded_file=SimpleUploadedFile("dbs.pdf", PDF_BYTES))
    client = login(personas.outsider)
    urls = [detail_url(person), reverse("people:person-edit", args=[person.public_id]),
            reverse("people:person-leaver", args=[person.public_id]),
            reverse("people:person-link-account", args=[person.public_id]),
            reverse("people:check-edit", args=[person.public_id, "identity"]),
            reverse("people:override-edit", args=[person.public_id, "identity"]),
            reverse("people:copy-upload", args=[person.public_id]),
            reverse("people:copy-download", args=[copy.public_id]),
            reverse("people:copy-delete", args=[copy.public_id])]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("people:person-leaver", args=[person.public_id]),
                       {"leaving_date": "2026-01-01", "version": "1"}).status_code == 404
    assert Person.objects.get(pk=person.pk).leaving_date is None


@pytest.mark.parametrize("persona", ["auditor", "trust_admin", "dsl", "business_manager",
                                     "staff"])
def test_readers_get_403_on_writes(personas: Personas, login: Login, persona: str) -> None:
    person = record(personas)
    client = login(getattr(personas, persona))
    pid = person.public_id
    posts = [
        (reverse("people:person-create"), {"full_name": "New", "kind": "support"}),
        (reverse("people:person-edit", args=[pid]), {"full_name": "Changed", "kind": "support",
                                                     "version": "1"}),
        (reverse("people:person-leaver", args=[pid]), {"leaving_date": "2026-01-01",
                                                       "version": "1"}),
        (reverse("people:person-link-account", args=[pid]), {"user": "", "version": "1"}),
        (reverse("people:check-edit", args=[pid, "identity"]),
         {"status": "pending", "version": "0"}),
        (reverse("people:override-edit", args=[pid, "identity"]),
         {"required": "no", "reason": "x", "version": "0"}),
        (reverse("people:copy-upload", args=[pid]),
         {"file": SimpleUploadedFile("dbs.pdf", PDF_BYTES)}),
    ]
    for url, data in posts:
        assert client.get(url).status_code == 403, url
        assert client.post(url, data).status_code == 403, url
    assert Person.objects.count() == 1
    assert not Check.objects.filter(check_type="identity").exists()
    assert not CheckOverride.objects.exists() and not CertificateCopy.objects.exists()


def test_history_and_sections_appear_on_the_page(personas: Personas, login: Login) -> None:
    person = record(personas)

    def equipment(*, request: Any, person: Person, level: Any) -> PersonSection:
        return PersonSection(title="Equipment on loan", template_name="forms/error_summary.html",
                             context={})

    register_person_section(equipment)
    try:
        html = login(personas.siro).get(detail_url(person)).content.decode()
    finally:
        unregister_person_section(equipment)
    assert "Equipment on loan" in html
    assert "History" in html
    assert "Person added, by" in html


# ---------------------------------------------------------------------------- list


def test_person_list_filters(personas: Personas, login: Login) -> None:
    site = SiteFactory(school=personas.school, name="Annexe")
    hr = personas.hr_admin
    services.person_create(school=personas.school, actor=hr, full_name="Gina Gov",
                           kind="governor", sites=[site])
    services.person_create(school=personas.school, actor=hr, full_name="Tom Teacher",
                           kind="teaching", job_title="Maths")
    left = services.person_create(school=personas.school, actor=hr, full_name="Lee Leaver",
                                  kind="support", start_date=date(2020, 1, 6))
    services.person_mark_leaver(person=left, actor=hr, leaving_date=date(2024, 7, 19))
    client = login(hr)
    url = reverse("people:person-list")

    def names(query: str) -> set[str]:
        response = client.get(url + query)
        assert response.status_code == 200
        return {p.full_name for p in response.context["page"].object_list}

    assert names("") == {"Gina Gov", "Tom Teacher"}
    assert names("?kind=governor") == {"Gina Gov"}
    assert names(f"?site={site.pk}") == {"Gina Gov"}
    assert names("?q=maths") == {"Tom Teacher"}
    assert names("?q=tom") == {"Tom Teacher"}
    assert names("?status=leavers") == {"Lee Leaver"}
    # Members who see names only cannot open the archive of leavers.
    response = login(personas.staff).get(url + "?status=leavers")
    assert {p.full_name for p in response.context["page"].object_list} == {"Gina Gov",
                                                                           "Tom Teacher"}


def many_people(personas: Personas, start: int, stop: int) -> None:
    site = SiteFactory(school=personas.school)
    for n in range(start, stop):
        person = Person.objects.create(school=personas.school, full_name=f"Person {n:03}",
                                       name_key=f"person {n:03}", kind="support",
                                       staff_number=f"N{n}")
        person.sites.add(site)


@pytest.mark.parametrize("persona", ["hr_admin", "staff"])
def test_person_list_query_count_is_constant(personas: Personas, login: Login,
                                             django_assert_num_queries: Any,
                                             persona: str) -> None:
    client = login(getattr(personas, persona))
    url = reverse("people:person-list")
    many_people(personas, 0, 3)
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    many_people(personas, 3, 40)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 40


# ---------------------------------------------------------------------------- forms


def test_create_edit_and_stale_version(personas: Personas, login: Login) -> None:
    client = login(personas.hr_admin)
    response = client.post(reverse("people:person-create"), {"full_name": "", "kind": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in html
    assert "Enter the person&#x27;s full name." in html
    response = client.post(reverse("people:person-create"), {
        "full_name": "Nia Newcomer", "kind": "support", "date_of_birth": "1990-02-03",
        "start_date": "2026-09-01", "staff_number": "S77"})
    person = Person.objects.get(full_name="Nia Newcomer")
    assert response.status_code == 302 and response["Location"] == detail_url(person)
    edit = reverse("people:person-edit", args=[person.public_id])
    html = client.get(edit).content.decode()
    assert 'name="version" value="1"' in html
    data = {"full_name": "Nia Newcomer", "kind": "support", "job_title": "Office",
            "version": "1", "date_of_birth": "1990-02-03"}
    assert client.post(edit, data).status_code == 302
    assert Person.objects.get(pk=person.pk).version == 2
    response = client.post(edit, {**data, "job_title": "Reception"})  # version 1 again
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this record" in html and "Reload the page" in html
    assert Person.objects.get(pk=person.pk).job_title == "Office"
    response = client.post(edit, {**data, "version": "2", "leaving_date": "2020-01-01",
                                  "start_date": "2021-01-01"})
    assert "The leaving date must be on or after the start date." in response.content.decode()


def test_check_form_shows_only_the_fields_of_its_type(personas: Personas,
                                                      login: Login) -> None:
    person = services.person_create(school=personas.school, actor=personas.hr_admin,
                                    full_name="Pat", kind="support")
    client = login(personas.hr_admin)
    html = client.get(reverse("people:check-edit", args=[person.public_id, "identity"])
                      ).content.decode()
    assert 'name="done_on_0"' in html and 'name="evidence"' in html
    assert 'name="dbs_certificate_number"' not in html
    assert 'name="right_to_work_expires_on"' not in html
    url = reverse("people:check-edit", args=[person.public_id, "enhanced_dbs"])
    assert 'name="dbs_certificate_number"' in client.get(url).content.decode()
    response = client.post(url, {"version": "0", "status": "done"})
    assert "Enter the date the check was done." in response.content.decode()
    assert not Check.objects.exists()
    response = client.post(url, {"version": "0", "status": "done", "done_on": "2025-09-01",
                                 "dbs_certificate_number": "0012 3456 7890",
                                 "dbs_with_barred_list": "yes"})
    assert response.status_code == 302
    check = Check.objects.get(person=person)
    assert check.dbs_certificate_number == DBS_NUMBER and check.dbs_with_barred_list is True
    assert client.get(reverse("people:check-edit", args=[person.public_id, "nonsense"])
                      ).status_code == 404


def test_override_set_and_clear(personas: Personas, login: Login) -> None:
    person = services.person_create(school=personas.school, actor=personas.hr_admin,
                                    full_name="Pat", kind="contractor")
    client = login(personas.hr_admin)
    url = reverse("people:override-edit", args=[person.public_id, "enhanced_dbs"])
    response = client.post(url, {"action": "set", "required": "yes", "reason": "",
                                 "version": "0"})
    assert "Enter the reason for the exception." in response.content.decode()
    assert client.post(url, {"action": "set", "required": "yes", "version": "0",
                             "reason": "Unsupervised work"}).status_code == 302
    html = client.get(detail_url(person)).content.decode()
    assert "Unsupervised work" in html
    assert client.post(url, {"action": "clear", "version": "1"}).status_code == 302
    assert not CheckOverride.objects.exists()


def test_leaver_confirm_and_post(personas: Personas, login: Login) -> None:
    person = record(personas)
    client = login(personas.hr_admin)
    url = reverse("people:person-leaver", args=[person.public_id])
    assert "Record the leaving date" in client.get(url).content.decode()
    assert Person.objects.get(pk=person.pk).leaving_date is None  # GET changes nothing
    assert client.post(url, {"leaving_date": "2026-07-21",
                             "version": str(person.version)}).status_code == 302
    assert Person.objects.get(pk=person.pk).leaving_date == date(2026, 7, 21)


def test_link_account_page(personas: Personas, login: Login) -> None:
    person = record(personas)
    client = login(personas.hr_admin)
    url = reverse("people:person-link-account", args=[person.public_id])
    assert personas.staff.email in client.get(url).content.decode()
    assert client.post(url, {"user": str(personas.staff.public_id),
                             "version": str(person.version)}).status_code == 302
    assert Person.objects.get(pk=person.pk).user == personas.staff
    response = client.post(url, {"user": str(personas.outsider.public_id),
                                 "version": str(person.version + 1)})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()


def test_copy_upload_download_and_delete(personas: Personas, login: Login) -> None:
    person = record(personas)
    client = login(personas.hr_admin)
    upload = reverse("people:copy-upload", args=[person.public_id])
    response = client.post(upload, {"file": SimpleUploadedFile("dbs.pdf", b"just text")})
    assert "The file must be a PDF, PNG or JPEG." in response.content.decode()
    assert client.post(upload, {"file": SimpleUploadedFile("dbs.pdf", PDF_BYTES)}
                       ).status_code == 302
    copy = CertificateCopy.objects.get()
    download = reverse("people:copy-download", args=[copy.public_id])
    response = client.get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="people.certificate_copy.downloaded").count() == 1
    # The DSL may see copies; staff may not, even of a record they can read names of.
    assert login(personas.dsl).get(download).status_code == 200
    assert login(personas.staff).get(download).status_code == 403
    assert login(personas.trust_admin).get(download).status_code == 403
    client = login(personas.hr_admin)
    delete = reverse("people:copy-delete", args=[copy.public_id])
    assert client.post(delete, {"reason": ""}).status_code == 200
    assert client.post(delete, {"reason": "Uploaded to the wrong person"}).status_code == 302
    assert client.get(download).status_code == 404
    assert client.get(delete).status_code == 404


def test_upload_before_the_check_is_recorded_asks_for_it(personas: Personas,
                                                         login: Login) -> None:
    person = services.person_create(school=personas.school, actor=personas.hr_admin,
                                    full_name="Pat", kind="support")
    response = login(personas.hr_admin).get(reverse("people:copy-upload",
                                                    args=[person.public_id]))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:check-edit",
                                           args=[person.public_id, "enhanced_dbs"])
