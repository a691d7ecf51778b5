"""The kiosk PIN (issue 14): a kiosk opens only once the school has set one, and closes only
with it, so a visitor cannot leave reception on the staff sign-in page. The PIN is kept hashed
and shown, logged or audited nowhere; five wrong tries lock closing (counted atomically, so
tries at the same moment cannot check more), until the lock's time passes or a member sets
the PIN again."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import check_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.assertions import assert_not_shown
from tests.matrix_parts.kiosk import TEST_PIN, published_aup, set_kiosk_pin
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout

from schoolkeep.accounts.models import User
from schoolkeep.agreements.aups.models import Audience, Aup, Kiosk, KioskPin
from schoolkeep.agreements.signing.kiosk.services import (
    CLOSE_TRY_LIMIT,
    kiosk_open,
    kiosk_pin_set,
)
from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.throttles.models import ThrottleCounter
from schoolkeep.throttles.tests.racing import racing_database

Login = Callable[[User], Client]
PAGE, END, PIN_PAGE = reverse("kiosk:page"), reverse("kiosk:end"), reverse("kiosk:pin")
NEW_PIN = "90210573"
WRONG = "1234"


def _open_kiosk(personas: Personas, client: Client) -> Aup:
    aup = published_aup(personas.school, Audience.VISITORS)
    set_kiosk_pin(personas.school)
    assert client.post(reverse("kiosk:start", args=[aup.public_id]))["Location"] == PAGE
    return aup


def _is_open() -> bool:
    return Kiosk.objects.get().closed_at is None


def test_without_a_pin_the_kiosk_cannot_be_opened(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.VISITORS)
    client = login(personas.staff)
    url = reverse("kiosk:start", args=[aup.public_id])
    html = client.get(url).content.decode()
    assert "Before the kiosk can be opened, set a kiosk PIN." in html
    assert f'href="{PIN_PAGE}?aup={aup.public_id}"' in html
    assert "Sign me out and open the kiosk" not in html and "error-summary" not in html
    html = client.post(url).content.decode()
    assert "error-summary" in html and "Set a kiosk PIN before opening the kiosk" in html
    assert not Kiosk.objects.exists() and "_auth_user_id" in client.session
    with pytest.raises(DomainError):
        kiosk_open(aup=aup, actor=personas.staff)


def test_a_member_sets_the_pin_then_opens_the_kiosk(personas: Personas, login: Login) -> None:
    aup = published_aup(personas.school, Audience.VISITORS)
    client = login(personas.staff)
    url = f"{PIN_PAGE}?aup={aup.public_id}"
    page = client.get(url)
    assert_csp_clean(page)
    assert_our_layout(page)
    response = client.post(url, {"pin": TEST_PIN, "pin_again": TEST_PIN})
    assert response["Location"] == reverse("kiosk:start", args=[aup.public_id])
    saved = KioskPin.objects.get(school=personas.school)
    assert saved.pin_hash != TEST_PIN and check_password(TEST_PIN, saved.pin_hash)
    assert saved.set_by_label == str(personas.staff)
    html = client.get(response["Location"]).content.decode()
    assert "Sign me out and open the kiosk" in html and "Set a new kiosk PIN" in html
    assert_not_shown(html, TEST_PIN)
    event = AuditEvent.objects.get(action="agreements.kiosk_pin.set")
    assert event.actor_id == personas.staff.pk and event.school_id == personas.school.pk
    # Changing it is audited as a change; the other school keeps having none.
    client.post(PIN_PAGE, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    assert check_password(NEW_PIN, KioskPin.objects.get(school=personas.school).pin_hash)
    assert AuditEvent.objects.filter(action="agreements.kiosk_pin.changed").count() == 1
    assert not KioskPin.objects.filter(school=personas.other_school).exists()
    hashes = list(KioskPin.objects.values_list("pin_hash", flat=True))
    for changes in AuditEvent.objects.values_list("changes", flat=True):
        for secret in (TEST_PIN, NEW_PIN, *hashes):
            assert secret not in str(changes)


def test_a_bad_pin_shows_every_problem_and_saves_nothing(personas: Personas,
                                                         login: Login) -> None:
    client = login(personas.staff)
    for pin, again, message in [
        ("", "", "Enter the new kiosk PIN."),
        ("123", "123", "The PIN must be 4 to 8 digits"),
        ("12ab", "12ab", "The PIN must be 4 to 8 digits"),
        ("123456789", "123456789", "The PIN must be 4 to 8 digits"),
        ("4071", "4072", "The two PINs are not the same"),
    ]:
        response = client.post(PIN_PAGE, {"pin": pin, "pin_again": again})
        html = response.content.decode()
        assert response.status_code == 200 and "error-summary" in html and message in html
        if pin:
            assert_not_shown(html, pin)  # never written back into the page
    assert "Enter the PIN again." in client.post(PIN_PAGE, {"pin": "4071"}).content.decode()
    assert not KioskPin.objects.exists() and not AuditEvent.objects.filter(
        action__startswith="agreements.kiosk_pin").exists()


def test_only_who_may_open_the_kiosk_may_set_the_pin(personas: Personas, login: Login) -> None:
    for persona in ("governor", "auditor"):
        with pytest.raises(NotAllowed):
            kiosk_pin_set(school=personas.school, actor=personas.users[persona], pin=TEST_PIN)
        assert login(personas.users[persona]).post(
            PIN_PAGE, {"pin": TEST_PIN, "pin_again": TEST_PIN}).status_code == 403
    assert not KioskPin.objects.exists()


def test_the_kiosk_page_asks_for_the_pin_to_close(personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    _open_kiosk(personas, client)
    html = client.get(PAGE).content.decode()
    assert f'href="{END}"' in html and "Staff: close the kiosk" in html
    assert html.count("<h1") == 1 and 'class="kiosk-form"' in html
    page = client.get(END)
    assert_csp_clean(page)
    assert_our_layout(page)
    html = page.content.decode()
    assert 'type="password"' in html and 'inputmode="numeric"' in html
    assert html.count("<button") == 1  # one button; nobody is signed in at a kiosk
    assert _is_open()


def test_a_wrong_pin_keeps_the_kiosk_open(personas: Personas, login: Login,
                                          caplog: pytest.LogCaptureFixture) -> None:
    client = login(personas.staff)
    _open_kiosk(personas, client)
    with caplog.at_level(logging.DEBUG):
        response = client.post(END, {"pin": WRONG})
    html = response.content.decode()
    assert response.status_code == 200 and "The PIN is wrong" in html
    assert "error-summary" in html
    assert_not_shown(html, WRONG, TEST_PIN)
    assert WRONG not in caplog.text and TEST_PIN not in caplog.text
    assert _is_open() and client.get(PAGE).status_code == 200
    assert "Enter the kiosk PIN." in client.post(END, {"pin": ""}).content.decode()


def test_the_right_pin_closes_and_signs_nobody_in(personas: Personas, login: Login,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    client = login(personas.staff)
    _open_kiosk(personas, client)
    with caplog.at_level(logging.DEBUG):
        response = client.post(END, {"pin": TEST_PIN})
    assert response.status_code == 302 and response["Location"] == reverse("account_login")
    assert TEST_PIN not in caplog.text
    assert not _is_open()
    session = client.session
    assert "_auth_user_id" not in session and "schoolkeep_kiosk" not in session
    landing = client.get(response["Location"])
    assert landing.status_code == 200
    assert_not_shown(landing.content.decode(), TEST_PIN)
    assert not landing.wsgi_request.user.is_authenticated
    assert client.get(reverse("duties:dashboard")).status_code == 302  # nobody signed in
    event = AuditEvent.objects.get(action="agreements.kiosk.closed")
    assert event.changes["reason"] == "Closed with the kiosk PIN"
    assert TEST_PIN not in str(event.changes)


def test_five_wrong_tries_lock_closing_until_the_pin_is_set_again(personas: Personas,
                                                                   login: Login) -> None:
    client = login(personas.staff)
    _open_kiosk(personas, client)
    for attempt in range(1, CLOSE_TRY_LIMIT + 1):
        html = client.post(END, {"pin": WRONG}).content.decode()
        assert "The PIN is wrong" in html
        assert ("Closing is locked" in html) == (attempt == CLOSE_TRY_LIMIT)
    # Now even the right PIN is not checked: the kiosk keeps running for visitors.
    response = client.post(END, {"pin": TEST_PIN})
    assert response.status_code == 429 and "Closing is locked" in response.content.decode()
    assert "Closing is locked" in client.get(END).content.decode()
    assert _is_open() and client.get(PAGE).status_code == 200
    # A member signed in on another device sets the PIN again: that unlocks it at once.
    elsewhere = Client()
    elsewhere.force_login(personas.business_manager,
                          backend="allauth.account.auth_backends.AuthenticationBackend")
    elsewhere.post(PIN_PAGE, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    assert client.post(END, {"pin": TEST_PIN}).status_code == 200  # the old one is wrong
    assert client.post(END, {"pin": NEW_PIN}).status_code == 302
    assert not _is_open()


def test_the_lock_ends_by_itself_after_its_time(personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    _open_kiosk(personas, client)
    for _ in range(CLOSE_TRY_LIMIT):
        client.post(END, {"pin": WRONG})
    assert client.post(END, {"pin": TEST_PIN}).status_code == 429
    ThrottleCounter.objects.update(window_ends=timezone.now() - timedelta(seconds=1))
    assert client.post(END, {"pin": TEST_PIN}).status_code == 302
    assert not _is_open()


def test_a_right_pin_clears_earlier_wrong_tries(personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    _open_kiosk(personas, client)
    for _ in range(CLOSE_TRY_LIMIT - 1):
        client.post(END, {"pin": WRONG})
    assert client.post(END, {"pin": TEST_PIN}).status_code == 302
    assert not ThrottleCounter.objects.exists()


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.usefixtures("steady_session")
def test_the_pin_and_close_pages_take_the_same_queries_however_many_kiosks(
        personas: Personas, login: Login) -> None:
    tablet = login(personas.staff)
    aup = _open_kiosk(personas, tablet)
    member = Client()
    member.force_login(personas.business_manager,
                       backend="allauth.account.auth_backends.AuthenticationBackend")
    close_page, pin_page = _queries(tablet, END), _queries(member, PIN_PAGE)
    for _ in range(20):  # other kiosks, and signatures at this one
        kiosk_open(aup=aup, actor=personas.business_manager)
        tablet.post(PAGE, {"typed_name": "Vera Visitor", "visiting": "Office", "agreed": "on"})
    assert (_queries(tablet, END), _queries(member, PIN_PAGE)) == (close_page, pin_page)
    # Setting the PIN unlocks each kiosk still open: one delete each, 21 open, then none.
    with CaptureQueriesContext(connection) as with_open:
        member.post(PIN_PAGE, {"pin": NEW_PIN, "pin_again": NEW_PIN})
    Kiosk.objects.update(closed_at=timezone.now())
    with CaptureQueriesContext(connection) as none_open:
        member.post(PIN_PAGE, {"pin": TEST_PIN, "pin_again": TEST_PIN})
    assert len(with_open) - len(none_open) == 21


@pytest.mark.django_db(transaction=True)
def test_wrong_pins_at_once_check_at_most_the_limit(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.staff,
                       backend="allauth.account.auth_backends.AuthenticationBackend")
    _open_kiosk(personas, client)
    session_key = client.session.session_key
    assert session_key

    def try_wrong(index: int) -> int:
        tablet = Client()
        tablet.cookies["sessionid"] = session_key
        return tablet.post(END, {"pin": f"{index:04d}"}).status_code  # all wrong

    extra = 15
    with racing_database() as race:
        statuses = race.run(CLOSE_TRY_LIMIT + extra, try_wrong)
        assert Counter(statuses) == {200: CLOSE_TRY_LIMIT, 429: extra}
        assert race.read(_is_open)
        # The lock is audited once, however many tries read the full count.
        assert race.read(lambda: AuditEvent.objects.filter(
            action="agreements.kiosk.close_locked").count()) == 1
        # The right PIN is refused too while the lock lasts.
        tablet = Client()
        tablet.cookies["sessionid"] = session_key
        assert race.read(lambda: tablet.post(END, {"pin": TEST_PIN}).status_code) == 429


def test_wrong_pins_say_the_tries_left_and_the_lock_is_audited_once(
        personas: Personas, login: Login) -> None:
    client = login(personas.staff)
    _open_kiosk(personas, client)
    for left in range(CLOSE_TRY_LIMIT - 1, 0, -1):
        html = client.post(END, {"pin": WRONG}).content.decode()
        tries = "1 more try" if left == 1 else f"{left} more tries"
        assert f"Check it and try again: {tries} before closing is locked for 30 minutes" \
            in html
        assert not AuditEvent.objects.filter(action="agreements.kiosk.close_locked").exists()
    html = client.post(END, {"pin": WRONG}).content.decode()
    assert "The PIN is wrong." in html and "more tr" not in html and "Closing is locked" in html
    assert client.post(END, {"pin": TEST_PIN}).status_code == 429  # refused, not counted again
    event = AuditEvent.objects.get(action="agreements.kiosk.close_locked")
    assert event.changes["wrong_pins"] == CLOSE_TRY_LIMIT and "locked_until" in event.changes
    assert event.actor_label.startswith("kiosk ") and ":" not in event.actor_label
    assert WRONG not in str(event.changes) and TEST_PIN not in str(event.changes)
