"""The personal one-use link of a holder without a Schoolkeep account: GET records nothing,
POST records once, used and expired links say so, guessing is throttled, and the page needs
no sign-in and leaks no token."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.sealing import forget, open_event
from schoolkeep.passwords.models import ChangeLink, PasswordChange
from schoolkeep.passwords.reminders import views
from schoolkeep.passwords.reminders.links import link_issue, link_status
from schoolkeep.passwords.tests import cycle_records as rec

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


@pytest.fixture
def holder(personas):
    school = personas.school
    system = rec.system(school)
    grace = rec.person(school, "Grace Adeyemi")
    rec.cycle(school, system, holders=[grace], cadence="yearly",
              starts_on=TODAY() - timedelta(days=400))
    return system, grace


def _url(token: str) -> str:
    return reverse("passwords:link", args=[token])


def test_only_the_tokens_hash_is_kept_and_it_lasts_30_days(personas, holder):
    system, grace = holder
    link, token = link_issue(school=personas.school, system=system, person=grace)
    assert len(token) >= 43  # 32 random bytes
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(ChangeLink.objects.values()))
    assert link.expires_at - link.created_at == pytest.approx(timedelta(days=30),
                                                              abs=timedelta(seconds=5))
    assert token not in str(list(AuditEvent.objects.values("changes", "target_label")))


def test_get_shows_one_button_and_records_nothing(personas, holder):
    system, grace = holder
    _link, token = link_issue(school=personas.school, system=system, person=grace)
    for _ in range(3):  # a mail scanner, then the person
        response = Client().get(_url(token))
        assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<button") == 1
    assert "I changed my SIMS password today" in body and "Grace Adeyemi" in body
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-store" in response["Cache-Control"]
    assert not PasswordChange.objects.exists()
    assert ChangeLink.objects.get().used_at is None


def test_post_records_once_as_the_person_and_uses_up_the_link(personas, holder):
    system, grace = holder
    _link, token = link_issue(school=personas.school, system=system, person=grace)
    response = Client().post(_url(token))
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    change = PasswordChange.objects.get()
    assert (change.person, change.system, change.changed_on, change.via,
            change.recorded_by_label) == (grace, system, TODAY(), "personal_link",
                                          "Grace Adeyemi")
    assert ChangeLink.objects.get().used_at is not None
    event = AuditEvent.objects.get(action="passwords.change.recorded")
    # The row keeps the kind; the person's name is sealed under their own key.
    assert event.actor_id is None and event.actor_label == "personal link"
    assert open_event(event).actor_label == "personal link: Grace Adeyemi"
    forget([("people.person", str(grace.pk))])
    stored = list(AuditEvent.objects.values_list("actor_label", "target_label", "changes"))
    assert "Grace" not in str(stored) and "Adeyemi" not in str(stored)
    again = Client().post(_url(token))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    assert PasswordChange.objects.count() == 1


def test_an_expired_link_says_so_and_records_nothing(personas, holder):
    system, grace = holder
    link, token = link_issue(school=personas.school, system=system, person=grace)
    ChangeLink.objects.filter(pk=link.pk).update(expires_at=timezone.now()
                                                 - timedelta(minutes=1))
    for method in ("get", "post"):
        response = getattr(Client(), method)(_url(token))
        assert response.status_code == 410
        assert "This link has expired" in response.content.decode()
    assert not PasswordChange.objects.exists()


def test_a_newer_link_ends_the_older_one(personas, holder):
    system, grace = holder
    _old, old_token = link_issue(school=personas.school, system=system, person=grace)
    _new, new_token = link_issue(school=personas.school, system=system, person=grace)
    assert link_status(old_token).state == "expired"
    assert link_status(new_token).state == "ready"


def test_a_leavers_link_no_longer_works(personas, holder):
    system, grace = holder
    _link, token = link_issue(school=personas.school, system=system, person=grace)
    grace.leaving_date = TODAY()
    grace.save()
    response = Client().post(_url(token))
    assert response.status_code == 410
    assert not PasswordChange.objects.exists()


def test_an_unknown_token_is_404_and_guessing_is_throttled(personas, holder, monkeypatch):
    system, grace = holder
    _link, token = link_issue(school=personas.school, system=system, person=grace)
    limit = views.WRONG_TOKEN_LIMIT
    client = Client()
    for number in range(limit):
        assert client.get(_url(f"wrong-token-number-{number:04d}")).status_code == 404
    assert client.get(_url("wrong-token-number-xxxx")).status_code == 429
    assert client.get(reverse("passwords:link-not-found", args=["a/b"])).status_code == 429
    # The real link still works from the same address.
    assert client.get(_url(token)).status_code == 200


def test_the_link_passes_the_two_factor_gate_of_a_signed_in_manager(personas, holder,
                                                                   login):
    """A manager without two-factor yet, opening the link in their browser, is not sent to
    enrolment (nor is the token put in a sign-in page's ?next=)."""
    from allauth.mfa.models import Authenticator

    system, grace = holder
    Authenticator.objects.filter(user=personas.siro).delete()
    _link, token = link_issue(school=personas.school, system=system, person=grace)
    response = login(personas.siro).get(_url(token))
    assert response.status_code == 200
