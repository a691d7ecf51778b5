"""The reception kiosk: opening it ends the member's session and starts a kiosk-only one;
the kiosk reaches nothing but its own pages; each visitor signs and the form clears itself
for the next; closing it (with the kiosk PIN, or 12 hours passing) ends the kiosk session; only
the visitors' and pupils' AUPs open one. The PIN itself: test_kiosk_pin.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.matrix_parts.kiosk import TEST_PIN, published_aup, set_kiosk_pin
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups.models import (
    Audience,
    Aup,
    AupVersion,
    Kiosk,
    Signature,
    SigningMethod,
)
from schoolkeep.agreements.aups.services import aups_set_up, version_publish
from schoolkeep.agreements.signing.kiosk.middleware import KIOSK_SESSION_KEY
from schoolkeep.agreements.signing.kiosk.services import kiosk_open, kiosk_sign
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed

Login = Callable[[User], Client]
PAGE = reverse("kiosk:page")
VISITOR = {"typed_name": "Vera Visitor", "organisation": "Acme IT",
           "visiting": "Mr Patel", "agreed": "on"}


def start(personas: Personas, client: Client, audience: str = Audience.VISITORS) -> Aup:
    aup = published_aup(personas.school, audience)
    set_kiosk_pin(personas.school)
    response = client.post(reverse("kiosk:start", args=[aup.public_id]))
    assert response.status_code == 302 and response["Location"] == PAGE
    return aup


def test_opening_ends_the_members_session_and_starts_a_kiosk_one(personas: Personas,
                                                                 login: Login) -> None:
    client = login(personas.staff)
    old_key = client.session.session_key
    aup = published_aup(personas.school, Audience.VISITORS)
    set_kiosk_pin(personas.school)
    page = client.get(reverse("kiosk:start", args=[aup.public_id])).content.decode()
    assert "signs you out" in page
    start(personas, client)
    session = client.session
    assert session.session_key != old_key
    assert "_auth_user_id" not in session
    kiosk = Kiosk.objects.get()
    assert session[KIOSK_SESSION_KEY] == str(kiosk.public_id)
    assert kiosk.opened_by == personas.staff and kiosk.aup == aup
    assert session.get_expiry_age() == 12 * 60 * 60
    event = AuditEvent.objects.get(action="agreements.kiosk.opened")
    assert event.actor_id == personas.staff.pk
    # The member is signed out: their old session no longer opens anything.
    stale = Client()
    stale.cookies["sessionid"] = old_key
    assert stale.get(reverse("duties:dashboard")).status_code == 302


@pytest.mark.parametrize("url", [
    "/", "/duties/", "/people/", "/agreements/", "/agreements/parents/", "/accounts/login/",
    "/account/", "/api/v1/me", "/api/v1/openapi.json", "/audit/", "/admin/", "/kiosk/open/x/",
    "/no-such-page/", "/jobs/",
])
def test_a_kiosk_cannot_leave_its_page(personas: Personas, login: Login, url: str) -> None:
    client = login(personas.staff)
    start(personas, client)
    for method in (client.get, client.post):
        response = method(url)
        assert response.status_code == 302, (url, response.status_code)
        assert response["Location"] == PAGE
    assert client.get("/static/schoolkeep/app.css").status_code == 200


def test_kiosk_start_url_of_another_aup_is_not_reachable_from_a_kiosk(personas: Personas,
                                                                      login: Login) -> None:
    client = login(personas.staff)
    start(personas, client)
    pupils = published_aup(personas.school, Audience.PUPILS)
    response = client.post(reverse("kiosk:start", args=[pupils.public_id]))
    assert response["Location"] == PAGE and Kiosk.objects.count() == 1


def test_visitor_signs_and_the_form_clears_for_the_next(personas: Personas,
                                                        login: Login) -> None:
    client = login(personas.staff)
    aup = start(personas, client)
    response = client.get(PAGE)
    assert_csp_clean(response)
    assert_our_layout(response)
    html = response.content.decode()
    assert "<h1>Using our Wi-Fi</h1>" not in html and "Keep your password to yourself." in html
    assert "<li>Be kind online</li>" in html  # the Markdown is rendered
    assert 'autocomplete="off"' in html
    response = client.post(PAGE, VISITOR)
    assert response.status_code == 302 and response["Location"] == PAGE
    signature = Signature.objects.get()
    assert (signature.method, signature.typed_name, signature.organisation,
            signature.visiting) == (SigningMethod.KIOSK, "Vera Visitor", "Acme IT", "Mr Patel")
    assert signature.kiosk == Kiosk.objects.get() and signature.aup == aup
    assert signature.ip_address == "127.0.0.1"
    event = AuditEvent.objects.get(action="agreements.signature.created")
    # The kiosk by a short reference: never the member who opened it.
    assert event.actor_id is None
    assert event.actor_label == f"kiosk {str(signature.kiosk.public_id)[:8]}"
    assert str(personas.staff) not in event.actor_label
    blank = client.get(PAGE).content.decode()
    assert "Thank you, your signature is recorded." in blank
    assert "http-equiv" not in blank  # no timed refresh
    for value in ("Vera Visitor", "Acme IT", "Mr Patel"):
        assert value not in blank
    assert "checked" not in blank.split('name="agreed"')[1].split(">")[0]


def test_a_visitor_must_agree_and_give_name_and_host(personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    start(personas, client)
    html = client.post(PAGE, {"typed_name": "", "visiting": ""}).content.decode()
    assert "error-summary" in html
    for message in ("Enter your full name.", "Enter whom you are visiting.",
                    "Tick the box to say that you have read the policy and agree to it."):
        assert message in html
    assert not Signature.objects.exists()


def test_pupils_kiosk_asks_for_the_class(personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    start(personas, client, Audience.PUPILS)
    html = client.get(PAGE).content.decode()
    assert "Your class" in html and "Whom you are visiting" not in html
    client.post(PAGE, {"typed_name": "Pip Pupil", "pupil_class": "6C", "agreed": "on"})
    assert Signature.objects.get().pupil_class == "6C"


@pytest.mark.parametrize("audience", [Audience.STAFF, Audience.GOVERNORS, Audience.PARENTS])
def test_other_audiences_cannot_open_a_kiosk(personas: Personas, login: Login,
                                             audience: str) -> None:
    aup = published_aup(personas.school, audience)
    client = login(personas.siro)
    url = reverse("kiosk:start", args=[aup.public_id])
    assert "only for the visitors" in client.get(url).content.decode()
    html = client.post(url).content.decode()
    assert "only for the visitors" in html
    assert not Kiosk.objects.exists()
    assert "_auth_user_id" in client.session  # still signed in


def test_an_unpublished_aup_cannot_open_a_kiosk(personas: Personas) -> None:
    set_kiosk_pin(personas.school)
    aup = Aup.objects.create(school=personas.school, audience=Audience.VISITORS, title="V")
    with pytest.raises(DomainError):
        kiosk_open(aup=aup, actor=personas.siro)


def test_governors_and_auditors_may_not_open_one(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.VISITORS)
    for persona in ("governor", "auditor"):
        with pytest.raises(NotAllowed):
            kiosk_open(aup=aup, actor=personas.users[persona])
        assert login(personas.users[persona]).post(
            reverse("kiosk:start", args=[aup.public_id])).status_code == 403
    assert not Kiosk.objects.exists()


def test_another_schools_aup_is_not_found(personas: Personas, login: Login) -> None:
    theirs = published_aup(personas.other_school, Audience.VISITORS)
    assert login(personas.siro).post(
        reverse("kiosk:start", args=[theirs.public_id])).status_code == 404


def test_closing_the_kiosk_flushes_its_session(personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    start(personas, client)
    response = client.post(reverse("kiosk:end"), {"pin": TEST_PIN})
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert KIOSK_SESSION_KEY not in client.session
    kiosk = Kiosk.objects.get()
    assert kiosk.closed_at is not None
    event = AuditEvent.objects.get(action="agreements.kiosk.closed")
    assert event.actor_label == f"kiosk {str(kiosk.public_id)[:8]}"
    # The tablet is now an ordinary signed-out browser.
    assert client.get(PAGE).status_code == 302
    assert client.get(reverse("account_login")).status_code == 200


def test_a_kiosk_closed_elsewhere_is_flushed(personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    start(personas, client)
    Kiosk.objects.update(closed_at=timezone.now())
    response = client.get(PAGE)
    assert response["Location"] == reverse("account_login")
    assert KIOSK_SESSION_KEY not in client.session
    with pytest.raises(DomainError):
        kiosk_sign(kiosk=Kiosk.objects.get(), typed_name="Late Visitor", agreed=True,
                   visiting="Office")


def test_a_kiosk_expires_after_12_hours(personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    start(personas, client)
    # The session itself ends after 12 hours; a kiosk opened 12 hours ago is closed too.
    assert client.session.get_expiry_age() == 12 * 60 * 60
    Kiosk.objects.update(opened_at=timezone.now() - timedelta(hours=12, minutes=1))
    response = client.get(PAGE)
    assert response["Location"] == reverse("account_login")
    kiosk = Kiosk.objects.get()
    assert kiosk.closed_at is not None
    assert AuditEvent.objects.filter(action="agreements.kiosk.closed").count() == 1


def test_kiosk_pages_without_a_kiosk_send_you_away(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    assert client.get(PAGE).status_code == 302
    assert client.post(reverse("kiosk:end")).status_code == 302
    assert not Signature.objects.exists()


def _token(html: str) -> str:
    return html.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_the_whole_journey_with_csrf_checks(personas: Personas) -> None:
    """As a real browser: every POST carries the token of the page it came from."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.staff,
                       backend="allauth.account.auth_backends.AuthenticationBackend")
    aup = published_aup(personas.school, Audience.VISITORS)
    set_kiosk_pin(personas.school)
    start_url = reverse("kiosk:start", args=[aup.public_id])
    token = _token(client.get(start_url).content.decode())
    assert client.post(start_url, {"csrfmiddlewaretoken": token})["Location"] == PAGE
    for name in ("Una First", "Vic Second"):
        token = _token(client.get(PAGE).content.decode())
        response = client.post(PAGE, {**VISITOR, "typed_name": name,
                                      "csrfmiddlewaretoken": token})
        assert response["Location"] == PAGE
    assert sorted(Signature.objects.values_list("typed_name", flat=True)) == [
        "Una First", "Vic Second"]
    assert "Staff: close the kiosk" in client.get(PAGE).content.decode()
    token = _token(client.get(reverse("kiosk:end")).content.decode())
    assert client.post(reverse("kiosk:end"), {"csrfmiddlewaretoken": token,
                                              "pin": TEST_PIN}).status_code == 302
    assert Kiosk.objects.get().closed_at is not None


def test_the_policy_title_shows_once(personas: Personas, login: Login) -> None:
    """The starting text begins with the policy's title as a heading: the kiosk shows it once,
    as the page's heading (issue 14: "its heading is repeated")."""
    aups = {aup.audience: aup for aup in aups_set_up(school=personas.school, actor=None)}
    draft = AupVersion.objects.get(aup=aups[Audience.VISITORS], published_at__isnull=True)
    version_publish(draft=draft, actor=None, requires_everyone_to_sign=True)
    client = login(personas.staff)
    start(personas, client)
    html = client.get(PAGE).content.decode()
    assert html.count("Acceptable use policy for visitors") == 2  # the <title> and the <h1>
    assert "<h1>Acceptable use policy for visitors</h1>" in html
