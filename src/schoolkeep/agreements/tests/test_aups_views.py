"""The pages of acceptable use policies: the overview, an audience's page with who has
signed, drafting and publishing, signing in the application, signatures and their PDF, and
the section on a person's page."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups import audience as who
from schoolkeep.agreements.aups.models import (
    LISTED_AUDIENCES,
    Audience,
    Aup,
    AupVersion,
    Kiosk,
    Signature,
    SigningMethod,
)
from schoolkeep.agreements.aups.selectors import signature_pdf_html
from schoolkeep.agreements.aups.services import (
    aup_sign_in_app,
    aups_set_up,
    draft_save,
    version_publish,
)
from schoolkeep.agreements.signing.services import signature_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.tenancy.models import School

Login = Callable[[User], Client]
LIST = reverse("agreements:aup-list")


def published(school: School, actor: Any, audience: str = Audience.STAFF,
              text: str = "") -> Aup:
    aup = next(a for a in aups_set_up(school=school, actor=actor) if a.audience == audience)
    if text:
        draft_save(aup=aup, actor=actor, text=text)
    version_publish(draft=AupVersion.objects.get(aup=aup, published_at__isnull=True),
                    actor=actor, requires_everyone_to_sign=True)
    aup.refresh_from_db()
    return aup


def detail(aup: Aup, query: str = "") -> str:
    return reverse("agreements:aup-detail", args=[aup.public_id]) + query


def people(personas: Personas, start: int, count: int, *, sign: Aup | None = None) -> None:
    """``count`` staff people; with ``sign``, every other one signs it on paper's behalf."""
    for n in range(start, start + count):
        person = person_create(school=personas.school, actor=personas.siro,
                               full_name=f"Person {n:03d}", kind="support")
        if sign is not None and n % 2 == 0:
            signature_create(aup=sign, method=SigningMethod.IN_APP, person=person,
                             typed_name=person.full_name)


def linked(personas: Personas, user: User, kind: str = "teaching") -> Person:
    person = person_create(school=personas.school, actor=personas.siro,
                           full_name=user.full_name, kind=kind)
    return person_link_account(person=person, actor=personas.siro, user=user)


# ---------------------------------------------------------------------------- the overview


def test_manager_sets_up_then_adds_pupils(personas: Personas, login: Login) -> None:
    client = login(personas.business_manager)
    html = client.get(LIST).content.decode()
    assert "Set up the acceptable use policies" in html
    response = client.post(reverse("agreements:aups-set-up"))
    assert response.status_code == 302
    assert Aup.objects.filter(school=personas.school).count() == 4
    html = client.get(LIST).content.decode()
    assert "Set up the acceptable use policies" not in html
    assert "Acceptable use policy for visitors" in html and "Not published yet" in html
    assert "Add a pupils' AUP" in html
    response = client.post(reverse("agreements:aup-create"), {"audience": "pupils"})
    aup = Aup.objects.get(audience=Audience.PUPILS)
    assert response["Location"] == detail(aup)
    assert "Add a pupils" not in client.get(LIST).content.decode()


def test_member_sees_their_own_aup_and_signatures(personas: Personas, login: Login) -> None:
    aup = published(personas.school, personas.siro)
    client = login(personas.staff)
    response = client.get(LIST)
    html = response.content.decode()
    assert_csp_clean(response)
    assert "Your acceptable use policy" in html and "Not signed" in html
    assert reverse("agreements:aup-sign", args=[aup.public_id]) in html
    assert "The school&#x27;s acceptable use policies" not in html  # no records for staff
    signature = aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person",
                                agreed=True)
    html = client.get(LIST).content.decode()
    assert "You have signed this policy and are up to date" in html
    assert reverse("agreements:signature-detail", args=[signature.public_id]) in html


def test_auditor_and_trust_admin_have_no_aup_of_their_own(personas: Personas,
                                                          login: Login) -> None:
    published(personas.school, personas.siro)
    for persona in ("auditor", "trust_admin"):
        html = login(personas.users[persona]).get(LIST).content.decode()
        assert "No acceptable use policy applies to your roles" in html
        assert "Acceptable use policy for staff" in html  # the overview


def test_overview_counts_and_query_count_do_not_grow(personas: Personas, login: Login,
                                                     django_assert_num_queries: Any) -> None:
    aup = published(personas.school, personas.siro)
    published(personas.school, personas.siro, Audience.VISITORS)
    people(personas, 0, 3, sign=aup)
    client = login(personas.auditor)
    client.get(LIST)
    with CaptureQueriesContext(connection) as few:
        response = client.get(LIST)
    rows = {row.aup.audience: row for row in response.context["overview"]}
    assert (rows["staff"].signed, rows["staff"].unsigned) == (2, 1)
    people(personas, 3, 37, sign=aup)
    with django_assert_num_queries(len(few)):
        response = client.get(LIST)
    rows = {row.aup.audience: row for row in response.context["overview"]}
    assert (rows["staff"].signed, rows["staff"].unsigned) == (20, 20)
    assert rows["visitors"].signed is None and rows["visitors"].signatures == 0
    # Each listed line is a recount of its signers, one by one.
    for row in response.context["overview"]:
        if row.aup.is_published and row.aup.audience in LISTED_AUDIENCES:
            flags = [s.has_signed for s in who.signers(aup=row.aup, today=timezone.localdate())]
            assert (row.signed, row.unsigned) == (sum(flags), len(flags) - sum(flags))


# ---------------------------------------------------------------------------- one audience


def test_detail_lists_who_has_signed_with_filters(personas: Personas, login: Login) -> None:
    aup = published(personas.school, personas.siro)
    people(personas, 0, 4, sign=aup)
    client = login(personas.siro)
    response = client.get(detail(aup))
    assert_csp_clean(response)
    html = response.content.decode()
    assert "<strong>2</strong> signed, <strong>2</strong> not signed" in html
    assert "In Schoolkeep" in html  # the latest signature's method

    def names(query: str) -> list[str]:
        return [p.full_name for p in client.get(detail(aup, query)).context["rows"]]

    assert names("?show=unsigned") == ["Person 001", "Person 003"]
    assert names("?show=signed") == ["Person 000", "Person 002"]
    assert names("?q=person+003") == ["Person 003"]
    # A major new version: nobody is up to date, but each still shows their last signature.
    draft = draft_save(aup=aup, actor=personas.siro, text="New rules")
    version_publish(draft=draft, actor=personas.siro, requires_everyone_to_sign=True)
    assert names("?show=signed") == []
    rows = client.get(detail(aup, "?q=person+000")).context["rows"]
    assert rows[0].last_number == 1 and rows[0].last_signature_id is not None


def test_detail_is_paginated_by_fifty(personas: Personas, login: Login) -> None:
    aup = published(personas.school, personas.siro)
    people(personas, 0, 55)
    client = login(personas.siro)
    assert len(client.get(detail(aup)).context["rows"]) == 50
    assert [p.full_name for p in client.get(detail(aup, "?page=2")).context["rows"]] == [
        f"Person {n:03d}" for n in range(50, 55)]


def test_detail_query_count_does_not_grow(personas: Personas, login: Login,
                                          django_assert_num_queries: Any,
                                          steady_session: None) -> None:
    aup = published(personas.school, personas.siro)
    people(personas, 0, 3, sign=aup)
    client = login(personas.business_manager)
    client.get(detail(aup))
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(detail(aup)).context["rows"]) == 3
    people(personas, 3, 37, sign=aup)
    with django_assert_num_queries(len(few)):
        assert len(client.get(detail(aup)).context["rows"]) == 40


def test_visitors_page_shows_the_signature_log(personas: Personas, login: Login,
                                               django_assert_num_queries: Any) -> None:
    aup = published(personas.school, personas.siro, Audience.VISITORS)
    kiosk = Kiosk.objects.create(school=personas.school, aup=aup, opened_by=personas.staff,
                                 opened_by_label="Staff Person", opened_at=timezone.now())

    def visitors(start: int, count: int) -> None:
        for n in range(start, start + count):
            signature_create(aup=aup, method=SigningMethod.KIOSK, kiosk=kiosk,
                             typed_name=f"Visitor {n}", organisation="Acme <Ltd>",
                             visiting="Reception", recorded_by_label="Staff Person")

    visitors(0, 3)
    client = login(personas.auditor)
    client.get(detail(aup))
    with CaptureQueriesContext(connection) as few:
        html = client.get(detail(aup)).content.decode()
    assert "Visitor 2" in html and "Acme &lt;Ltd&gt;" in html and "Reception kiosk" in html
    visitors(3, 37)
    with django_assert_num_queries(len(few)):
        assert len(client.get(detail(aup)).context["rows"]) == 40


def test_another_schools_records_are_not_found(personas: Personas, login: Login) -> None:
    theirs = published(personas.other_school, personas.outsider)
    signature = aup_sign_in_app(aup=theirs, user=personas.outsider, typed_name="Out Sider",
                                agreed=True)
    version = AupVersion.objects.get(aup=theirs)
    client = login(personas.siro)
    for url in [detail(theirs), reverse("agreements:aup-settings", args=[theirs.public_id]),
                reverse("agreements:draft-edit", args=[theirs.public_id]),
                reverse("agreements:aup-sign", args=[theirs.public_id]),
                reverse("agreements:version-detail", args=[version.public_id]),
                reverse("agreements:version-publish", args=[version.public_id]),
                reverse("agreements:signature-detail", args=[signature.public_id]),
                reverse("agreements:signature-pdf", args=[signature.public_id])]:
        assert client.get(url).status_code == 404, url


# ---------------------------------------------------------------------------- drafts


def test_draft_preview_renders_without_saving(personas: Personas, login: Login) -> None:
    aup = next(a for a in aups_set_up(school=personas.school, actor=personas.siro)
               if a.audience == Audience.STAFF)
    client = login(personas.siro)
    url = reverse("agreements:draft-edit", args=[aup.public_id])
    text = "# Our rules\n\n- **Lock** your screen\n\n<script>alert(1)</script>"
    response = client.post(url, {"text": text, "version": "1", "preview": "1"})
    html = response.content.decode()
    assert response.status_code == 200 and "Preview" in html
    assert "<h2>Our rules</h2>" in html and "<li><strong>Lock</strong> your screen</li>" in html
    assert "<script>alert(1)</script>" not in html
    assert AupVersion.objects.get(aup=aup).text != text
    response = client.post(url, {"text": text, "version": "1", "summary_of_changes": "Ours"})
    assert response.status_code == 302
    draft = AupVersion.objects.get(aup=aup)
    assert draft.text == text and draft.summary_of_changes == "Ours"
    # The form of a stale draft says so and saves nothing.
    response = client.post(url, {"text": "Stale", "version": "1"})
    assert "Someone else changed this" in response.content.decode()


def test_empty_draft_shows_the_error_summary(personas: Personas, login: Login) -> None:
    aup = next(a for a in aups_set_up(school=personas.school, actor=personas.siro)
               if a.audience == Audience.STAFF)
    response = login(personas.siro).post(
        reverse("agreements:draft-edit", args=[aup.public_id]), {"text": "  ", "version": "1"})
    html = response.content.decode()
    assert "There is a problem" in html and "Enter the text of the acceptable use policy" in html


def test_publishing_through_the_page(personas: Personas, login: Login) -> None:
    aup = published(personas.school, personas.siro)
    draft = draft_save(aup=aup, actor=personas.siro, text="Minor fix")
    client = login(personas.business_manager)
    url = reverse("agreements:version-publish", args=[draft.public_id])
    html = client.get(url).content.decode()
    assert "Everyone must sign again" in html and "(a minor change)" in html
    response = client.post(url, {"version": str(draft.version)})
    assert "Choose who must sign this version" in response.content.decode()
    response = client.post(url, {"version": str(draft.version), "who_signs": "new_signers"})
    assert response.status_code == 302
    aup.refresh_from_db()
    assert (aup.current_number, aup.sign_from) == (2, 1)
    # Published: the page sends you to the version, which shows its text and hash.
    response = client.get(url)
    assert response["Location"] == reverse("agreements:version-detail", args=[draft.public_id])
    html = client.get(response["Location"]).content.decode()
    assert "Minor fix" in html and draft.content_hash in html
    assert "Only people who had not signed before" in html


# ---------------------------------------------------------------------------- signing


def test_signing_in_the_app(personas: Personas, login: Login) -> None:
    aup = published(personas.school, personas.siro, text="# Rules\n\nBe **careful**.")
    client = login(personas.staff)
    url = reverse("agreements:aup-sign", args=[aup.public_id])
    response = client.get(url)
    html = response.content.decode()
    assert_csp_clean(response)
    assert "<h2>Rules</h2>" in html and "Be <strong>careful</strong>." in html
    assert "I have read this acceptable use policy and I agree to follow it" in html
    response = client.post(url, {"typed_name": "Staff Person"})
    html = response.content.decode()
    assert "There is a problem" in html and "Tick the box" in html
    # Every problem at once, as at the kiosk and on a signing link's page.
    html = client.post(url, {}).content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    assert "Enter your full name." in summary and "Tick the box" in summary
    assert not Signature.objects.exists()
    response = client.post(url, {"typed_name": "Staff Person", "agreed": "on"},
                           REMOTE_ADDR="198.51.100.4")
    signature = Signature.objects.get()
    assert response["Location"] == reverse("agreements:signature-detail",
                                           args=[signature.public_id])
    assert signature.ip_address == "198.51.100.4" and signature.user == personas.staff
    html = client.get(response["Location"]).content.decode()
    assert "Thank you. You have signed" in html
    assert signature.content_hash in html and "Be <strong>careful</strong>." in html


def test_wrong_audience_and_auditor_cannot_sign(personas: Personas, login: Login) -> None:
    aup = published(personas.school, personas.siro)
    url = reverse("agreements:aup-sign", args=[aup.public_id])
    response = login(personas.governor).post(url, {"typed_name": "Gov", "agreed": "on"})
    assert response.status_code == 302 and response["Location"] == LIST
    assert login(personas.auditor).get(url).status_code == 403
    assert login(personas.auditor).post(url, {"typed_name": "Aud", "agreed": "on"}
                                        ).status_code == 403
    assert not Signature.objects.exists()


# ---------------------------------------------------------------------------- signatures


def test_signature_pdf_holds_the_text_and_hash(personas: Personas, login: Login) -> None:
    aup = published(personas.school, personas.siro, text="# Rules\n\nKeep <passwords> safe.")
    signed_at = datetime(2025, 7, 1, 8, 30, tzinfo=ZoneInfo("UTC"))  # 09:30 in London
    signature = signature_create(aup=aup, method=SigningMethod.IN_APP, user=personas.staff,
                                 typed_name="Staff Person", signed_at=signed_at,
                                 ip_address="192.0.2.1")
    html = signature_pdf_html(Signature.objects.select_related(
        "aup__school", "aup_version", "person", "parent", "user").get(pk=signature.pk))
    assert "<h2>Rules</h2>" in html and "Keep &lt;passwords&gt; safe." in html
    assert signature.content_hash in html and "Staff Person" in html
    assert "1 July 2025, 09:30:00 (Europe/London)" in html
    assert "192.0.2.1" in html and "In Schoolkeep" in html and "Oakfield Primary" in html
    client = login(personas.staff)  # the signer themself
    response = client.get(reverse("agreements:signature-pdf", args=[signature.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    event = AuditEvent.objects.get(action="agreements.signature.pdf_downloaded")
    assert event.actor_id == personas.staff.pk and event.target_id == str(signature.public_id)


def test_only_records_readers_and_the_signer_see_a_signature(personas: Personas,
                                                             login: Login) -> None:
    aup = published(personas.school, personas.siro)
    signature = aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person",
                                agreed=True)
    url = reverse("agreements:signature-detail", args=[signature.public_id])
    for persona, status in [("staff", 200), ("auditor", 200), ("siro", 200), ("dpo", 403),
                            ("it_lead", 403), ("governor", 403)]:
        assert login(personas.users[persona]).get(url).status_code == status, persona


# ---------------------------------------------------------------------------- person page


@pytest.mark.parametrize(("viewer", "shown"), [
    ("auditor", True), ("business_manager", True), ("hr_admin", False), ("dsl", False),
    ("staff", True),  # the person themself
])
def test_person_page_section(personas: Personas, login: Login, viewer: str,
                             shown: bool) -> None:
    aup = published(personas.school, personas.siro)
    person = linked(personas, personas.staff)
    aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person", agreed=True)
    html = login(personas.users[viewer]).get(
        reverse("people:person-detail", args=[person.public_id])).content.decode()
    assert ("Acceptable use policies" in html) is shown
    assert ("Acceptable use policy for staff" in html) is shown


def test_detail_links_to_the_other_ways_of_signing(personas: Personas, login: Login) -> None:
    staff = published(personas.school, personas.siro)
    visitors = published(personas.school, personas.siro, Audience.VISITORS)
    client = login(personas.business_manager)
    html = client.get(detail(staff)).content.decode()
    for name in ("agreements:reminders", "agreements:letters", "agreements:paper-create"):
        assert reverse(name, args=[staff.public_id]) in html, name
    html = client.get(detail(visitors)).content.decode()
    assert reverse("kiosk:start", args=[visitors.public_id]) in html
    assert reverse("agreements:reminders", args=[visitors.public_id]) not in html
    # The auditor reads the records but opens no kiosk and records no paper.
    html = login(personas.auditor).get(detail(visitors)).content.decode()
    assert reverse("kiosk:start", args=[visitors.public_id]) not in html
    assert reverse("agreements:paper-create", args=[visitors.public_id]) not in html


def test_signature_of_the_longest_starting_text_fits_one_page(personas: Personas) -> None:
    from django.template.loader import render_to_string
    from weasyprint import CSS, HTML

    aup = published(personas.school, personas.siro)  # staff: the longest starting text
    signature = aup_sign_in_app(aup=aup, user=personas.staff, typed_name="Staff Person",
                                agreed=True)
    document = HTML(string=signature_pdf_html(signature)).render(
        stylesheets=[CSS(string=render_to_string("agreements/pdf/signature.css"))])
    assert len(document.pages) == 1
