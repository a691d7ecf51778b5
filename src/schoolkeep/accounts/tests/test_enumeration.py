"""Nothing a stranger can send tells them which accounts exist, and no such request fails.

Password reset: a member's address, an unknown one and a deactivated member's get the same
answer (status, redirect, the page it leads to), and only the member gets an e-mail, which
the worker sends after the request. Sign-in: a deactivated account with its right password
gets exactly the wrong-password answer, and counts towards the lockout.

Every check runs in development and in production-like settings (no debug, HTTPS). The tests
compare responses, never timings.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from tests.factories import PASSWORD, MembershipFactory, UserFactory

from schoolkeep.accounts.models import User
from schoolkeep.accounts.reset_email import password_reset_email_send, password_reset_url
from schoolkeep.accounts.tests.helpers import post_password
from schoolkeep.audit.models import AuditEvent
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.roles import Role
from schoolkeep.tenancy.services import membership_deactivate

WRONG = "not-the-right-password-1"
UNKNOWN = "nobody-here@oakfield.example"

PRODUCTION_LIKE = {
    "DEBUG": False,
    "DEVELOPMENT": False,
    "PRODUCTION": True,
    "BASE_URL": "https://testserver",
    "SECURE_SSL_REDIRECT": True,
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN": False,
}


@pytest.fixture(params=["development", "production"])
def mode(request: pytest.FixtureRequest) -> Iterator[dict[str, Any]]:
    """Request options for each mode; production-like settings are on while the test runs."""
    if request.param == "development":
        yield {}
        return
    with override_settings(**PRODUCTION_LIKE):
        yield {"secure": True}


@pytest.fixture
def leaver(personas: Any) -> User:
    """A former member: the SIRO removed them from their only school, so the account is off."""
    user = UserFactory(email="leaver@oakfield.example", full_name="Former Member")
    membership = MembershipFactory(user=user, school=personas.school, roles=[Role.STAFF])
    membership_deactivate(membership=Membership.objects.get(pk=membership.pk),
                          actor=personas.siro)
    user.refresh_from_db()
    assert not user.is_active
    return user


@pytest.fixture
def switched_off(personas: Any) -> User:
    """A deactivated account that still has its password: switched off before deactivation
    cleared passwords, or by an operator in the shell. Its right password must not help."""
    user = UserFactory(email="switched-off@oakfield.example", full_name="Switched Off")
    MembershipFactory(user=user, school=personas.school, roles=[Role.STAFF])
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.is_active
    return user


def _stranger() -> Client:
    client = Client()
    client.raise_request_exception = False  # a server error is an answer to compare, too
    return client


_PER_RESPONSE = [
    (re.compile(r'nonce="[^"]*"'), 'nonce="N"'),
    (re.compile(r"'nonce-[^']*'"), "'nonce-N'"),
    (re.compile(r'(name="csrfmiddlewaretoken" value=)"[^"]*"'), r'\1"T"'),
]


def _same_for_everyone(text: str) -> str:
    """The response without what changes on every request anyway (CSP nonce, CSRF token)."""
    for pattern, replacement in _PER_RESPONSE:
        text = pattern.sub(replacement, text)
    return text


# Headers that differ between any two requests: the time, and the request's own id.
_VARYING_HEADERS = {"date", "expires", "x-request-id"}


def _answer(response: Any) -> dict[str, Any]:
    headers = {name: _same_for_everyone(value) for name, value in response.headers.items()
               if name.lower() not in _VARYING_HEADERS}
    cookies = {name: {key: value for key, value in morsel.items() if key != "expires"}
               for name, morsel in response.cookies.items()}  # which cookies, not their values
    return {"status": response.status_code, "headers": headers, "cookies": cookies,
            "body": _same_for_everyone(response.content.decode())}


# --- Password reset --------------------------------------------------------------------------


def _ask_for_reset(email: str, mode: dict[str, Any], capture: Any) -> tuple[dict, dict]:
    """POST the reset form as a stranger, then open the page it sends them to."""
    client = _stranger()
    with capture(execute=True):
        posted = client.post(reverse("account_reset_password"), {"email": email}, **mode)
    assert posted.status_code == 302, (email, posted.status_code)
    done = client.get(posted["Location"], **mode)
    return _answer(posted), _answer(done)


def test_reset_answers_every_address_alike(personas, leaver, switched_off, mode,
                                           django_capture_on_commit_callbacks):
    member = personas.staff.email
    addresses = (member, UNKNOWN, leaver.email, leaver.email.upper(), switched_off.email)
    answers = {email: _ask_for_reset(email, mode, django_capture_on_commit_callbacks)
               for email in addresses}
    posted, done = answers[member]
    assert posted["headers"]["Location"] == reverse("account_reset_password_done")
    assert done["status"] == 200
    assert "Check your e-mail" in done["body"]
    for email, answer in answers.items():
        assert answer == (posted, done), f"{email} is answered differently"
    # Only the member has an e-mail, and it carries a link to choose a new password.
    assert [message.to for message in mail.outbox] == [[member]]
    base = "https://testserver" if mode else "http://testserver"
    assert f"{base}/accounts/password/reset/key/" in mail.outbox[0].body


def test_reset_mail_waits_for_the_commit_and_is_not_sent_by_the_request(
        personas, django_capture_on_commit_callbacks):
    client = _stranger()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("account_reset_password"), {"email": personas.staff.email})
    assert response.status_code == 302
    assert mail.outbox == []  # the request itself sent nothing
    assert len(callbacks) == 1
    callbacks[0]()  # the commit enqueues the task (run at once by the tests' backend)
    assert [message.to for message in mail.outbox] == [[personas.staff.email]]


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_the_worker_sends_the_reset_and_the_tasks_table_holds_no_link(
        personas, django_capture_on_commit_callbacks):
    client = _stranger()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": personas.staff.email})
    task = DBTaskResult.objects.get()
    assert task.args_kwargs == {"args": [str(personas.staff.public_id)], "kwargs": {}}
    assert mail.outbox == []  # queued, not sent

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    # The worker closes old connections between tasks; the test's one connection holds the
    # test's transaction (on PostgreSQL closing it would end the test's data).
    keep_connection = mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections")
    try:
        with keep_connection:
            call_command("db_worker", "--batch", "--no-startup-delay", "--max-tasks", "1")
    finally:  # db_worker installs its own handlers: give the tests' process its own back
        for sig, handler in handlers.items():
            signal.signal(sig, handler)

    [message] = mail.outbox
    link = re.search(r"https?://testserver(/accounts/password/reset/key/\S+)", message.body)
    assert link, message.body
    key = link.group(1).rstrip("/").rsplit("/", 1)[-1]
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"
    stored = str(DBTaskResult.objects.values().get())
    assert key not in stored and "reset/key" not in stored
    # The link the worker made is one allauth accepts.
    form_page = client.get(link.group(1), follow=True)
    assert b"Choose a new password" in form_page.content


def test_no_reset_mail_for_an_account_deactivated_before_the_worker_runs(personas, leaver):
    assert password_reset_email_send(user_id=str(leaver.public_id)) is False
    assert mail.outbox == []
    assert password_reset_email_send(user_id=str(personas.staff.public_id)) is True
    assert [message.to for message in mail.outbox] == [[personas.staff.email]]


def test_a_reset_link_sent_before_deactivation_no_longer_works(personas, client):
    user = UserFactory(email="moving-on@oakfield.example")
    membership = MembershipFactory(user=user, school=personas.school, roles=[Role.STAFF])
    link = password_reset_url(user).removeprefix("http://testserver")
    assert b"Choose a new password" in client.get(link, follow=True).content  # works now
    membership_deactivate(membership=membership, actor=personas.siro)
    page = client.get(link, follow=True)
    assert b"This link does not work" in page.content
    assert b"Choose a new password" not in page.content


# --- Sign-in --------------------------------------------------------------------------------


def test_deactivated_account_with_its_password_gets_the_wrong_password_answer(switched_off, mode):
    right = post_password(_stranger(), switched_off.email, PASSWORD, **mode)
    wrong = post_password(_stranger(), switched_off.email, WRONG, **mode)
    assert wrong.status_code == 200
    assert "password you specified are not correct" in wrong.content.decode()
    assert _answer(right) == _answer(wrong)


def test_deactivated_account_does_not_sign_in(client, switched_off):
    client.raise_request_exception = False
    post_password(client, switched_off.email, PASSWORD)
    assert "_auth_user_id" not in client.session


def test_right_password_of_a_deactivated_account_counts_towards_the_lockout(switched_off):
    client = _stranger()
    for _ in range(5):
        assert post_password(client, switched_off.email, WRONG).status_code == 200
    for _ in range(4):
        assert post_password(client, switched_off.email, PASSWORD).status_code == 200
    assert AccessAttempt.objects.get().failures_since_start == 9
    response = post_password(client, switched_off.email, PASSWORD)  # the tenth failure
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    failed = AuditEvent.objects.filter(action="accounts.login.failed",
                                       target_id=str(switched_off.public_id))
    assert failed.count() == 10
    assert AuditEvent.objects.filter(action="accounts.lockout.locked").exists()


def test_too_many_reset_requests_get_the_same_answer_for_every_address(personas, leaver,
                                                                       mode):
    answers = {}
    for email in (personas.staff.email, UNKNOWN, leaver.email):
        client = _stranger()
        for _ in range(5):  # allauth's limit: five requests a minute for one address
            assert client.post(reverse("account_reset_password"), {"email": email},
                               **mode).status_code == 302
        answers[email] = _answer(client.post(reverse("account_reset_password"),
                                             {"email": email}, **mode))
    limited = answers[personas.staff.email]
    assert limited["status"] == 429
    assert "Too many attempts" in limited["body"]
    assert all(answer == limited for answer in answers.values())
