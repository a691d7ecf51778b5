"""django-axes owns lockout: 10 failures for one account from one address, 15 minutes."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from schoolkeep.accounts.selectors import locked_accounts_for_school, locked_counts_per_school
from schoolkeep.accounts.tests.helpers import post_password
from schoolkeep.audit.models import AuditEvent

WRONG = "definitely-wrong-password"


def fail(client, email, times, **extra):
    response = None
    for _ in range(times):
        response = post_password(client, email, WRONG, **extra)
    return response


def test_nine_failures_do_not_lock(client, personas):
    response = fail(client, personas.staff.email, 9)
    assert response.status_code == 200  # the login form again, with its error
    response = post_password(client, personas.staff.email)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(personas.staff.pk)


def test_tenth_failure_locks_and_shows_our_page(client, personas):
    response = fail(client, personas.staff.email, 10)
    assert response.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in response.templates]
    assert b"15 minutes" in response.content
    # The right password does not help while locked.
    response = post_password(client, personas.staff.email)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_and_address(client, personas):
    fail(client, personas.staff.email, 10)
    # Another account from the same address is not locked...
    response = post_password(client, personas.governor.email)
    assert response.status_code == 302
    client.logout()
    # ...nor the same account from another address.
    response = post_password(client, personas.staff.email, REMOTE_ADDR="192.0.2.7")
    assert response.status_code == 302


def test_case_of_the_address_does_not_dodge_the_limit(client, personas):
    fail(client, personas.staff.email.upper(), 5)
    response = fail(client, personas.staff.email, 5)
    assert response.status_code == 429


def test_lockout_ends_after_fifteen_minutes(client, personas):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        fail(client, personas.staff.email, 10)
        traveller.shift(timedelta(minutes=14))
        assert post_password(client, personas.staff.email).status_code == 429
        traveller.shift(timedelta(minutes=16))  # 16 minutes after the last attempt
        response = post_password(client, personas.staff.email)
        assert response.status_code == 302


def test_lockout_is_audited_once_in_the_members_school(client, personas):
    fail(client, personas.staff.email, 12)
    events = AuditEvent.objects.filter(action="accounts.lockout.locked")
    assert events.count() == 1
    assert events.get().school_id == personas.school.pk
    assert events.get().target_id == str(personas.staff.public_id)


def test_siro_sees_locked_member_and_unlocks(client, personas, login):
    fail(client, personas.staff.email, 10)
    fail(client, personas.outsider.email, 10)  # another school's member
    login(personas.siro)
    response = client.get(reverse("accounts:lockout-list"))
    assert response.status_code == 200
    assert personas.staff.email in response.content.decode()
    assert personas.outsider.email not in response.content.decode()

    (locked,) = locked_accounts_for_school(personas.school)
    response = client.post(reverse("accounts:lockout-unlock", args=[locked.attempt_id]))
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=personas.staff.email).exists()
    event = AuditEvent.objects.get(action="accounts.lockout.cleared")
    assert event.actor_id == personas.siro.pk
    assert event.school_id == personas.school.pk

    client.logout()
    assert post_password(client, personas.staff.email).status_code == 302


def test_siro_cannot_unlock_another_schools_member(client, personas, login):
    fail(client, personas.outsider.email, 10)
    attempt = AccessAttempt.objects.get(username=personas.outsider.email)
    login(personas.siro)
    response = client.post(reverse("accounts:lockout-unlock", args=[attempt.pk]))
    assert response.status_code == 404
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


def test_only_the_siro_manages_lockouts(client, personas, login):
    login(personas.dpo)
    assert client.get(reverse("accounts:lockout-list")).status_code == 403


def test_unlock_needs_post(client, personas, login):
    fail(client, personas.staff.email, 10)
    (locked,) = locked_accounts_for_school(personas.school)
    login(personas.siro)
    response = client.get(reverse("accounts:lockout-unlock", args=[locked.attempt_id]))
    assert response.status_code == 405
    assert AccessAttempt.objects.exists()


def test_locked_counts_per_school(client, personas):
    fail(client, personas.staff.email, 10)
    fail(client, personas.dpo.email, 3)
    counts = locked_counts_per_school([personas.school.pk, personas.other_school.pk])
    assert counts == {personas.school.pk: 1, personas.other_school.pk: 0}


def test_lockout_list_query_count_does_not_grow(client, personas, login,
                                                django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from tests.factories import MembershipFactory

    def lock(count):
        for n in range(count):
            member = MembershipFactory(school=personas.school, roles=["staff"]).user
            AccessAttempt.objects.create(
                username=member.email, ip_address=f"198.51.100.{n + 1}", user_agent="x",
                get_data="", post_data="", http_accept="", path_info="/accounts/login/",
                failures_since_start=10,
            )

    login(personas.siro)
    lock(3)
    client.get(reverse("accounts:lockout-list"))  # warm up
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse("accounts:lockout-list"))
    assert response.content.decode().count("Unlock<span") == 3
    lock(37)
    with django_assert_num_queries(len(few)):
        response = client.get(reverse("accounts:lockout-list"))
    assert response.content.decode().count("Unlock<span") == 40
