"""Idle timeout (per school, the strictest wins), the session poll, the 12-hour lifetime."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory

from schoolkeep.tenancy.roles import Role

ACCOUNT = reverse("accounts:account")
STATUS = reverse("accounts:session-status")


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        yield traveller


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_idle_timeout_signs_out_after_fifteen_minutes(client, login, personas, clock):
    login(personas.staff)
    assert client.get(ACCOUNT).status_code == 200
    clock.shift(timedelta(minutes=14))
    assert client.get(ACCOUNT).status_code == 200
    clock.shift(timedelta(minutes=14))  # 28 minutes in, but only 14 idle
    assert client.get(ACCOUNT).status_code == 200
    clock.shift(timedelta(minutes=15, seconds=1))
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=%2Faccount%2F" in response["Location"]
    assert not signed_in(client)


def test_polling_does_not_count_as_activity(client, login, personas, clock):
    login(personas.staff)
    client.get(ACCOUNT)
    clock.shift(timedelta(minutes=10))
    assert client.get(STATUS).json() == {"signed_in": True, "remaining_seconds": 300}
    clock.shift(timedelta(minutes=4))
    assert client.get(STATUS).json() == {"signed_in": True, "remaining_seconds": 60}
    clock.shift(timedelta(minutes=1, seconds=1))
    assert client.get(STATUS).json() == {"signed_in": False, "remaining_seconds": 0}
    assert not signed_in(client)
    assert client.get(ACCOUNT).status_code == 302


def test_session_status_when_signed_out(client, db):
    response = client.get(STATUS)
    assert response.status_code == 200
    assert response.json() == {"signed_in": False, "remaining_seconds": 0}


def test_school_sets_its_own_idle_timeout(client, login, personas, clock):
    personas.school.idle_timeout_minutes = 30
    personas.school.save(update_fields=["idle_timeout_minutes"])
    login(personas.staff)
    client.get(ACCOUNT)
    clock.shift(timedelta(minutes=29))
    assert client.get(ACCOUNT).status_code == 200
    clock.shift(timedelta(minutes=30, seconds=1))
    assert client.get(ACCOUNT).status_code == 302


def test_strictest_school_wins(client, login, personas, clock):
    personas.school.idle_timeout_minutes = 30
    personas.school.save(update_fields=["idle_timeout_minutes"])
    personas.other_school.idle_timeout_minutes = 5
    personas.other_school.save(update_fields=["idle_timeout_minutes"])
    MembershipFactory(user=personas.staff, school=personas.other_school, roles=[Role.STAFF])
    login(personas.staff)
    client.get(ACCOUNT)
    assert client.get(STATUS).json()["remaining_seconds"] == 300
    clock.shift(timedelta(minutes=5, seconds=1))
    assert client.get(ACCOUNT).status_code == 302


def test_absolute_lifetime_is_twelve_hours(client, login, personas, clock):
    personas.school.idle_timeout_minutes = 240
    personas.school.save(update_fields=["idle_timeout_minutes"])
    login(personas.staff)
    for _ in range(3):  # busy all day: 3 h 59 min between clicks
        clock.shift(timedelta(hours=3, minutes=59))
        assert client.get(ACCOUNT).status_code == 200
    clock.shift(timedelta(minutes=2))  # 11 h 59 min since sign-in
    assert client.get(ACCOUNT).status_code == 200
    assert client.get(STATUS).json()["remaining_seconds"] == 60
    clock.shift(timedelta(minutes=1, seconds=1))
    response = client.get(ACCOUNT)
    assert response.status_code == 302
    assert not signed_in(client)
