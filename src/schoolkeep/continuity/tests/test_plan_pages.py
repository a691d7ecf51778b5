"""The recovery plan's pages: the plan page (its sections, a query count the same with 3 and
40 tests, contacts and systems), writing and uploading the plan (a refused file named on the
form, nothing kept), the document's download, the usual contacts, moving and removing a
contact (a GET page with one button), the restore order, recording a test, the card (its
first steps, contacts and restore order in order, its one-page print CSS, open to every
member), another school's contact a 404 and read-only roles a 403."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.continuity.models import PlanContact, PlanTest, RecoveryPlan, Scope
from schoolkeep.continuity.plan import services
from schoolkeep.lib.text import fold

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
PLAN = reverse("continuity:plan")
CARD = reverse("continuity:card")
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def _uploads(settings, tmp_path) -> None:
    settings.UPLOADS_DIR = str(tmp_path / "uploads")


def contact(school, name: str = "Police", position: int = 1) -> PlanContact:
    return PlanContact.objects.create(school=school, position=position, kind="police",
                                      name=name, phone="101")


def _populate(personas: Personas, start: int, count: int) -> None:
    school = personas.school
    for n in range(start, start + count):
        contact(school, f"Contact {n}", n + 1)
        Scope.objects.create(school=school, kind="other", name=f"System {n}",
                             name_key=fold(f"System {n}"), restore_order=n + 1)
        PlanTest.objects.create(school=school, kind="tabletop", participants=f"Team {n}",
                                tested_on=timezone.localdate() - timedelta(days=n),
                                recorded_by_label="Test")


def test_plan_page_query_count_does_not_grow(personas: Personas, login: Login,
                                             steady_session,
                                             django_assert_num_queries) -> None:
    RecoveryPlan.objects.create(school=personas.school, text="Call IT first.")
    client = login(personas.business_manager)
    _populate(personas, 0, 3)
    client.get(PLAN)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(PLAN).status_code == 200
    with CaptureQueriesContext(connection) as few_card:
        assert client.get(CARD).status_code == 200
    _populate(personas, 3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(PLAN).content.decode()
    assert "Tests of the plan (40)" in html and "Contact 39" in html and "System 39" in html
    with django_assert_num_queries(len(few_card)):
        html = client.get(CARD).content.decode()
    assert "Contact 9" in html and "And 30 more in the plan" in html


def test_plan_page_for_a_school_without_a_plan(personas: Personas, login: Login) -> None:
    html = login(personas.siro).get(PLAN).content.decode()
    assert "There is no recovery plan yet" in html
    assert "never been tested" in html
    assert reverse("continuity:plan-edit") in html
    assert "Add the usual contacts" in html


def test_auditor_reads_without_the_actions_and_may_not_change(personas: Personas,
                                                              login: Login) -> None:
    contact(personas.school)
    client = login(personas.auditor)
    html = client.get(PLAN).content.decode()
    assert "Police" in html and reverse("continuity:plan-edit") not in html
    assert client.post(reverse("continuity:plan-edit"), {"text": "x"}).status_code == 403
    assert client.post(reverse("continuity:contact-create"),
                       {"defaults": "yes"}).status_code == 403
    assert not PlanContact.objects.filter(kind="it_support").exists()


def test_write_the_plan_and_a_stale_save_is_refused(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    response = client.post(reverse("continuity:plan-edit"),
                           {"version": "1", "text": "Call IT first."})
    assert response.status_code == 302
    response = client.post(reverse("continuity:plan-edit"), {"version": "1", "text": "Other"})
    assert response.status_code == 200 and "Someone else changed" in response.content.decode()
    assert RecoveryPlan.objects.get(school=personas.school).text == "Call IT first."


def test_upload_refuses_a_page_and_keeps_a_pdf(personas: Personas, login: Login) -> None:
    client = login(personas.it_lead)
    url = reverse("continuity:plan-upload")
    bad = SimpleUploadedFile("plan.pdf", b"<html><body>hi</body></html>")
    response = client.post(url, {"file": bad})
    html = response.content.decode()
    assert response.status_code == 200 and "must be a PDF or a Word document" in html
    assert not RecoveryPlan.objects.filter(document_stored_name__gt="").exists()
    response = client.post(url, {"file": SimpleUploadedFile("our plan.pdf", PDF_BYTES)})
    assert response.status_code == 302
    download = client.get(reverse("continuity:plan-document"))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF_BYTES
    assert "recovery-plan.pdf" in download["Content-Disposition"]
    assert client.get(reverse("continuity:plan-document") + "?earlier=3").status_code == 404
    assert client.get(reverse("continuity:plan-document") + "?earlier=x").status_code == 404


def test_document_is_404_when_there_is_none(personas: Personas, login: Login) -> None:
    assert login(personas.dpo).get(reverse("continuity:plan-document")).status_code == 404


def test_usual_contacts_then_move_and_remove(personas: Personas, login: Login) -> None:
    client = login(personas.business_manager)
    assert client.post(reverse("continuity:contact-create"),
                       {"defaults": "yes"}).status_code == 302
    contacts = list(PlanContact.objects.filter(school=personas.school))
    assert len(contacts) == 6 and contacts[0].kind == "it_support"
    police = contacts[-1]
    move = reverse("continuity:contact-move", args=[police.public_id])
    assert client.post(move, {"direction": "up"}).status_code == 302
    assert PlanContact.objects.get(pk=police.pk).position == 5
    assert client.get(move).status_code == 405
    remove = reverse("continuity:contact-remove", args=[police.public_id])
    page = client.get(remove)
    assert page.status_code == 200 and PlanContact.objects.filter(pk=police.pk).exists()
    assert "Take it off the plan" in page.content.decode()
    assert client.post(remove).status_code == 302
    assert not PlanContact.objects.filter(pk=police.pk).exists()
    assert list(PlanContact.objects.values_list("position", flat=True)) == [1, 2, 3, 4, 5]


def test_add_and_change_a_contact_with_errors_on_the_form(personas: Personas,
                                                          login: Login) -> None:
    client = login(personas.siro)
    response = client.post(reverse("continuity:contact-create"),
                           {"kind": "other", "name": "Nobody"})
    assert response.status_code == 200
    assert "Enter a telephone number" in response.content.decode()
    assert client.post(reverse("continuity:contact-create"),
                       {"kind": "other", "name": "Caretaker", "phone": "01632 960 222"}
                       ).status_code == 302
    added = PlanContact.objects.get(name="Caretaker")
    edit = reverse("continuity:contact-edit", args=[added.public_id])
    assert client.post(edit, {"version": "1", "kind": "other", "name": "Site manager",
                              "phone": "01632 960 222"}).status_code == 302
    assert PlanContact.objects.get(pk=added.pk).name == "Site manager"


def test_another_schools_contact_is_404(personas: Personas, login: Login) -> None:
    theirs = contact(personas.other_school)
    client = login(personas.siro)
    for name in ("contact-edit", "contact-remove"):
        assert client.get(reverse(f"continuity:{name}", args=[theirs.public_id])
                          ).status_code == 404
    assert client.post(reverse("continuity:contact-move", args=[theirs.public_id]),
                       {"direction": "up"}).status_code == 404


def test_restore_order_saved_and_bad_place_shown(personas: Personas, login: Login) -> None:
    mis = Scope.objects.create(school=personas.school, kind="other", name="MIS",
                               name_key="mis")
    client = login(personas.it_lead)
    url = reverse("continuity:restore-order")
    assert client.post(url, {f"order-{mis.public_id}": "1"}).status_code == 302
    assert Scope.objects.get(pk=mis.pk).restore_order == 1
    response = client.post(url, {f"order-{mis.public_id}": "0"})
    assert response.status_code == 200 and "MIS" in response.content.decode()
    assert Scope.objects.get(pk=mis.pk).restore_order == 1


def test_record_a_test(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    url = reverse("continuity:plan-test-create")
    today = timezone.localdate()
    response = client.post(url, {"tested_on_0": today.day, "tested_on_1": today.month,
                                 "tested_on_2": today.year, "kind": "tabletop",
                                 "participants": "Head, SIRO, IT lead"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert PlanTest.objects.get(school=personas.school).participants == "Head, SIRO, IT lead"
    response = client.post(url, {"kind": "tabletop", "participants": ""})
    assert response.status_code == 200 and PlanTest.objects.count() == 1


def test_the_card_shows_steps_contacts_and_order_to_every_member(personas: Personas,
                                                                 login: Login) -> None:
    school = personas.school
    services.plan_text_save(school=school, actor=None, text="The plan", version=1)
    services.contacts_add_defaults(school=school, actor=None)
    Scope.objects.create(school=school, kind="other", name="Curriculum network",
                         name_key="curriculum network", restore_order=2)
    Scope.objects.create(school=school, kind="other", name="Admin network",
                         name_key="admin network", restore_order=1)
    Scope.objects.create(school=school, kind="other", name="Old wiki", name_key="old wiki")
    response = login(personas.staff).get(CARD)
    assert response.status_code == 200
    html = response.content.decode()
    for words in ("If we are attacked", "Disconnect", "Do not pay", "Do not switch them off",
                  "0300 123 2040", "Where the plan is", "ask the SIRO"):
        assert words in html
    assert html.index("IT support") < html.index("Action Fraud") < html.index("Police")
    assert html.index("Admin network") < html.index("Curriculum network")
    assert "Old wiki" not in html
    # One A4 page when printed: the page size and the print rules are on the card.
    assert "@page { size: A4 portrait" in html and "@media print" in html
    assert f'href="{reverse("continuity:plan")}"' not in html  # plain staff cannot open the plan


def test_the_card_without_a_plan_says_whom_to_tell(personas: Personas, login: Login) -> None:
    html = login(personas.governor).get(CARD).content.decode()
    assert "has not written its recovery plan yet" in html
    assert "No contacts are recorded yet" in html


def test_the_full_card_prints_on_one_a4_page(personas: Personas, login: Login) -> None:
    """The card at its fullest (ten contacts with their notes, ten systems, the plan's
    document) laid out by WeasyPrint for print with the site's stylesheet: one A4 page."""
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    school = personas.school
    RecoveryPlan.objects.create(school=school, text="The plan",
                                document_stored_name="x.pdf",
                                document_original_name="Recovery and continuity plan.pdf")
    for n in range(12):
        PlanContact.objects.create(
            school=school, position=n + 1, kind="other", name=f"Contact number {n}",
            phone="01632 960 000", when_to_call="Straight away, day or night, when the "
                                                "systems are locked or data is taken.")
        Scope.objects.create(school=school, kind="other", name=f"Cloud system {n}",
                             name_key=f"cloud system {n}", restore_order=n + 1)
    html = login(personas.staff).get(CARD).content.decode()
    assert "And 2 more in the plan" in html
    stylesheet = finders.find("schoolkeep/app.css")
    assert stylesheet
    with open(stylesheet, encoding="utf-8") as handle:
        css = CSS(string=handle.read())
    document = HTML(string=html, url_fetcher=lambda url, **kwargs: {"string": b""}).render(
        stylesheets=[css])
    assert len(document.pages) == 1
    assert round(document.pages[0].width) == round(210 / 25.4 * 96)  # A4, in CSS pixels


def test_the_card_as_a_pdf_of_one_page(personas: Personas, login: Login) -> None:
    from pypdf import PdfReader

    school = personas.school
    services.contacts_add_defaults(school=school, actor=None)
    Scope.objects.create(school=school, kind="other", name="Admin network",
                         name_key="admin network", restore_order=1)
    client = login(personas.governor)
    assert "?format=pdf" in client.get(CARD).content.decode()
    response = client.get(CARD + "?format=pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "if-we-are-attacked.pdf" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "If we are attacked" in text and "0300 123 2040" in text
    assert "Admin network" in text
    assert client.get(CARD + "?format=doc").status_code == 404


def _longest_card(school) -> None:
    """The longest values the forms accept: ten contacts with 196-character names, 50-character
    numbers and 300-character notes, ten systems with 200-character names, a 200-character
    document name."""
    RecoveryPlan.objects.create(school=school, text="The plan", document_stored_name="x.pdf",
                                document_original_name="D" * 196 + ".pdf")
    for n in range(10):
        PlanContact.objects.create(school=school, position=n + 1, kind="other",
                                   name=f"{n} " + "Name " * 38 + "Long",
                                   phone="0" * 50, when_to_call="x " * 150)
        Scope.objects.create(school=school, kind="other", name=f"{n} " + "System " * 28,
                             name_key=f"system {n}", restore_order=n + 1)


def test_the_longest_card_prints_on_one_a4_page(personas: Personas, login: Login) -> None:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    _longest_card(personas.school)
    html = login(personas.business_manager).get(CARD).content.decode()
    stylesheet = finders.find("schoolkeep/app.css")
    assert stylesheet
    with open(stylesheet, encoding="utf-8") as handle:
        css = CSS(string=handle.read())
    document = HTML(string=html, url_fetcher=lambda url, **kwargs: {"string": b""}).render(
        stylesheets=[css])
    assert len(document.pages) == 1


def test_the_longest_card_as_a_pdf_is_one_page(personas: Personas, login: Login) -> None:
    from pypdf import PdfReader

    _longest_card(personas.school)
    response = login(personas.staff).get(CARD + "?format=pdf")
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


def test_a_plan_never_tested_shows_overdue(personas: Personas, login: Login) -> None:
    school = personas.school
    Scope.objects.create(school=school, kind="other", name="Admin", name_key="admin")
    Scope.objects.filter(school=school).update(
        created_at=timezone.now() - timedelta(days=800))
    RecoveryPlan.objects.create(school=school, text="Call IT first.")
    html = login(personas.auditor).get(PLAN).content.decode()
    assert "never been tested" in html and "Overdue" in html


def test_restore_order_refuses_the_same_place_twice(personas: Personas, login: Login) -> None:
    school = personas.school
    first = Scope.objects.create(school=school, kind="other", name="Admin", name_key="admin")
    second = Scope.objects.create(school=school, kind="other", name="Wiki", name_key="wiki")
    response = login(personas.it_lead).post(reverse("continuity:restore-order"), {
        f"order-{first.public_id}": "1", f"order-{second.public_id}": "1"})
    assert response.status_code == 200
    assert "Place 1 is given to more than one system (Admin and Wiki)" in (
        response.content.decode())
    assert list(Scope.objects.filter(school=school).values_list("restore_order", flat=True)) \
        == [None, None]


def test_restore_order_service_refuses_a_clash_with_a_system_not_named(
        personas: Personas) -> None:
    school = personas.school
    Scope.objects.create(school=school, kind="other", name="Admin", name_key="admin",
                         restore_order=1)
    wiki = Scope.objects.create(school=school, kind="other", name="Wiki", name_key="wiki")
    with pytest.raises(services.DomainError):
        services.restore_order_save(school=school, actor=personas.it_lead,
                                    orders={str(wiki.public_id): 1})
    assert Scope.objects.get(pk=wiki.pk).restore_order is None


def test_read_only_page_says_the_order_is_not_set(personas: Personas, login: Login) -> None:
    Scope.objects.create(school=personas.school, kind="other", name="Admin", name_key="admin")
    html = login(personas.auditor).get(PLAN).content.decode()
    assert "The order to restore the systems is not set yet." in html
    assert "<ol></ol>" not in html


def test_earlier_documents_show_the_local_day_in_their_link(personas: Personas,
                                                            login: Login) -> None:
    """Replaced at 23:30 UTC on 30 June: 1 July in London (summer time)."""
    RecoveryPlan.objects.create(school=personas.school, text="The plan", earlier_documents=[
        {"stored_name": "a1.pdf", "original_name": "p0.pdf", "size": 10,
         "uploaded_at": None, "replaced_at": "2026-06-30T23:30:00+00:00"}])
    html = login(personas.auditor).get(PLAN).content.decode()
    assert f'href="{reverse("continuity:plan-document")}?earlier=0">Download p0.pdf ' \
           '(replaced 1 July 2026)</a>' in html
    assert "Download the earlier document" not in html


def test_moving_a_contact_removed_meanwhile_or_already_first(personas: Personas,
                                                             login: Login,
                                                             monkeypatch) -> None:
    from schoolkeep.continuity.plan import views

    first = contact(personas.school, "Police", 1)
    client = login(personas.siro)
    url = reverse("continuity:contact-move", args=[first.public_id])
    response = client.post(url, {"direction": "up"}, follow=True)
    html = response.content.decode()
    assert "Police is already first: nothing moved." in html and "is moved up" not in html
    real_get = views.get_for_school_or_404

    def fetched_then_removed(*args, **kwargs):
        found = real_get(*args, **kwargs)
        PlanContact.objects.filter(pk=found.pk).delete()  # another manager removes it
        return found

    monkeypatch.setattr(views, "get_for_school_or_404", fetched_then_removed)
    response = client.post(url, {"direction": "down"}, follow=True)
    assert response.status_code == 200
    assert "no longer in the plan" in response.content.decode()


def test_usual_contacts_a_second_time_and_at_the_limit_say_why(personas: Personas,
                                                               login: Login) -> None:
    client = login(personas.siro)
    url = reverse("continuity:contact-create")
    client.post(url, {"defaults": "yes"})
    html = client.post(url, {"defaults": "yes"}, follow=True).content.decode()
    assert "The usual contacts are already on the plan." in html and "0 usual" not in html
    PlanContact.objects.filter(school=personas.school).delete()
    for n in range(services.MAX_CONTACTS):
        contact(personas.school, f"Contact {n}", n + 1)
    html = client.post(url, {"defaults": "yes"}, follow=True).content.decode()
    assert "already lists 30 contacts" in html
    response = client.post(url, {"kind": "police", "name": "Police", "phone": "101"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "at most 30 contacts" in " ".join(form.non_field_errors())
    assert not form.errors.get("name")


def test_the_card_says_whom_to_ask_for_the_plan_or_links_to_it(personas: Personas,
                                                                login: Login) -> None:
    RecoveryPlan.objects.create(school=personas.school, text="The plan")
    siro = personas.siro.full_name or personas.siro.email
    html = login(personas.staff).get(CARD).content.decode()
    assert "For the full plan, ask the SIRO" in html and siro in html
    assert "The full plan is in Schoolkeep" not in html
    assert f'href="{PLAN}"' not in html
    html = login(personas.auditor).get(CARD).content.decode()
    assert f'<a href="{PLAN}">Backup and recovery, then Recovery plan</a>' in html
    assert "ask the SIRO" not in html
