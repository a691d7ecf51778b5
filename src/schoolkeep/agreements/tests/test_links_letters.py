"""Printed letters (one PDF, one page per signer, a fresh link each with its QR code) and one
link for one signer, shown once."""

from __future__ import annotations

import re
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from tests.matrix_parts.links import make_parent, make_person, published_aup
from tests.personas import Personas

from schoolkeep.agreements.aups.models import Audience, Aup, Reminder, SigningLink
from schoolkeep.agreements.signing.links.services import (
    LinkState,
    letters_create,
    link_issue,
    link_status,
)
from schoolkeep.jobs.models import Job
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import person_link_account

SECTION = re.compile(r'<section class="letter">(.*?)</section>', re.S)
TOKEN_URL = re.compile(r"http://testserver/sign/([A-Za-z0-9_-]+)")
NAMES = ["Pat Parent", "Robin Reader", "Nell Noemail", "Norm Nomail"]


@pytest.fixture
def aup(personas: Personas) -> Aup:
    aup = published_aup(personas)
    make_parent(personas, "Pat Parent", "pat@example.com")
    make_parent(personas, "Robin Reader", "robin@example.com")
    make_parent(personas, "Nell Noemail", classes="Year 3")
    make_parent(personas, "Norm Nomail")
    return aup


class PdfRecorder:
    """Keeps the HTML each PDF was made from (what the tests read), then makes the PDF."""

    def __init__(self) -> None:
        self.html: list[str] = []
        self.css: list[str] = []

    def __call__(self, html: str, css: str) -> bytes:
        self.html.append(html)
        self.css.append(css)
        return pdf_from_html(html, css)


def laid_out_pages(html: str, css: str) -> int:
    from weasyprint import CSS, HTML

    return len(HTML(string=html).render(stylesheets=[CSS(string=css)]).pages)


def make_letters(aup: Aup, actor: Any, capture: Any, *, everyone: bool = False,
                 recorder: PdfRecorder | None = None) -> tuple[Job, str]:
    recorder = recorder or PdfRecorder()
    with mock.patch("schoolkeep.agreements.signing.links.services.pdf_from_html", recorder), \
            capture(execute=True):
        job = letters_create(aup=aup, actor=actor, everyone=everyone)
    job.refresh_from_db()
    return job, recorder.html[0]


def test_one_page_per_signer_without_an_email_address(personas, aup,
                                                      django_capture_on_commit_callbacks):
    recorder = PdfRecorder()
    job, html = make_letters(aup, personas.business_manager, django_capture_on_commit_callbacks,
                             recorder=recorder)
    pages = SECTION.findall(html)
    assert len(pages) == 2 and job.status == Job.Status.DONE
    assert laid_out_pages(html, recorder.css[0]) == 2  # each letter fits its one page
    for page in pages:
        named = [name for name in NAMES if name in page]
        assert len(named) == 1, named  # the addressee only, nobody else
        assert page.count('src="data:image/svg+xml') == 1  # the QR code
        token = TOKEN_URL.search(page)[1]  # type: ignore[index]
        status = link_status(token)
        assert status.state == LinkState.READY and status.signer_name == named[0]
        assert status.link is not None and status.link.channel == "letter"
        assert f"until the end of {status.link.expires_at:%-d %B %Y}" in page
        assert "Oakfield Primary" in page and aup.title in page
    assert "Year 3" not in html
    assert Reminder.objects.filter(channel="letter").count() == 2


def test_the_qr_code_holds_the_link(personas, aup, django_capture_on_commit_callbacks):
    from urllib.parse import unquote

    _, html = make_letters(aup, personas.siro, django_capture_on_commit_callbacks)
    page = SECTION.findall(html)[0]
    url = TOKEN_URL.search(page)[0]  # type: ignore[index]
    data_uri = re.search(r'src="(data:image/svg\+xml[^"]+)"', page)[1]  # type: ignore[index]
    import segno

    expected = segno.make(url, error="m").svg_data_uri(scale=4, border=4)
    assert unquote(data_uri.replace("&amp;", "&")) == unquote(expected)


def test_everyone_who_has_not_signed_gets_a_letter_when_asked(
        personas, aup, django_capture_on_commit_callbacks):
    _, earlier = link_issue(aup=aup, actor=personas.siro, channel="email",
                            parent=aup.school.parents.get(full_name="Pat Parent"))
    _, html = make_letters(aup, personas.siro, django_capture_on_commit_callbacks,
                           everyone=True)
    assert len(SECTION.findall(html)) == 4
    assert link_status(earlier).state == LinkState.REVOKED  # the letter's link replaces it


def test_members_with_accounts_get_no_letter(personas, django_capture_on_commit_callbacks):
    aup = published_aup(personas, Audience.STAFF)
    member = make_person(personas, "Mo Member", kind=PersonKind.SUPPORT)
    person_link_account(person=member, actor=personas.siro, user=personas.staff)
    make_person(personas, "Vic Volunteer", kind=PersonKind.VOLUNTEER)
    _, html = make_letters(aup, personas.siro, django_capture_on_commit_callbacks,
                           everyone=True)
    assert "Vic Volunteer" in html and "Mo Member" not in html


def test_the_pdf_is_downloaded_by_its_maker(login, personas, aup,
                                            django_capture_on_commit_callbacks):
    job, _ = make_letters(aup, personas.business_manager, django_capture_on_commit_callbacks)
    response = login(personas.business_manager).get(
        reverse("jobs:job-download", args=[job.public_id]))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF")
    assert job.filename.startswith("signing-letters-parents-")


def test_nobody_to_write_to_is_said_plainly(personas, django_capture_on_commit_callbacks):
    aup = published_aup(personas)
    make_parent(personas, "Pat Parent", "pat@example.com")
    with pytest.raises(DomainError, match="Nobody needs a letter"):
        letters_create(aup=aup, actor=personas.siro)
    assert not Job.objects.exists()


def test_the_letters_page_starts_the_job(login, personas, aup,
                                         django_capture_on_commit_callbacks):
    client = login(personas.siro)
    url = reverse("agreements:letters", args=[aup.public_id])
    page = client.get(url).content.decode()
    assert "Print signing letters" in page and '<span class="big-number">2</span>' in page
    with mock.patch("schoolkeep.agreements.signing.links.services.pdf_from_html",
                    return_value=b"%PDF-1.4"), \
            django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"who": "everyone"})
    job = Job.objects.get()
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    assert SigningLink.objects.filter(channel="letter").count() == 4
    assert client.post(url, {}).status_code == 200  # no choice: the form says so


# ---------------------------------------------------------------------- one link, once


def link_page(aup: Aup, signer: Any) -> str:
    return reverse("agreements:link-create", args=[aup.public_id, signer.public_id])


def test_a_link_is_shown_once(login, personas, aup):
    nell = aup.school.parents.get(full_name="Nell Noemail")
    client = login(personas.business_manager)
    form = client.get(link_page(aup, nell)).content.decode()
    assert "Make a signing link for Nell Noemail" in form and "E-mail it" not in form
    response = client.post(link_page(aup, nell), {"how": "show"})
    page = response.content.decode()
    token = TOKEN_URL.search(page)[1]  # type: ignore[index]
    assert response.status_code == 200 and "only time the link is shown" in page
    assert 'src="data:image/svg+xml' in page
    assert link_status(token).state == LinkState.READY
    assert "no-store" in response["Cache-Control"]
    assert token not in client.get(link_page(aup, nell)).content.decode()


def test_a_link_can_be_emailed_instead(login, personas, aup,
                                       django_capture_on_commit_callbacks):
    pat = aup.school.parents.get(full_name="Pat Parent")
    client = login(personas.siro)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(link_page(aup, pat), {"how": "email"})
    assert response.status_code == 302
    assert response["Location"] == reverse("agreements:reminders", args=[aup.public_id])
    [message] = mail.outbox
    assert message.to == ["pat@example.com"]
    token = TOKEN_URL.search(message.body)[1]  # type: ignore[index]
    assert token not in client.get(response["Location"]).content.decode()
    assert Reminder.objects.get(parent=pat).link == link_status(token).link


def test_a_refused_link_shows_why_on_the_form(login, personas):
    aup = published_aup(personas, Audience.STAFF)
    member = make_person(personas, "Mo Member", kind=PersonKind.SUPPORT)
    person_link_account(person=member, actor=personas.siro, user=personas.staff)
    response = login(personas.siro).post(link_page(aup, member), {"how": "show"})
    assert response.status_code == 200
    assert "has a Schoolkeep account" in response.content.decode()
    assert not SigningLink.objects.exists()


def test_a_signer_of_another_school_or_kind_is_a_404(login, personas, aup):
    from schoolkeep.agreements.parents.services import parent_create

    stranger = parent_create(school=personas.other_school, actor=personas.outsider,
                             full_name="Other Parent")
    person = make_person(personas, "Alex Agency")
    client = login(personas.siro)
    assert client.get(link_page(aup, stranger)).status_code == 404
    assert client.get(link_page(aup, person)).status_code == 404  # not a parent
