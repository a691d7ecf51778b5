"""Reminders in bulk: who gets what, nobody twice within 7 days, batches with a pause, e-mails
that name only the school and the policy, the page and its constant query count."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.matrix_parts.links import make_parent, make_person, published_aup
from tests.personas import Personas

from schoolkeep.agreements.aups.models import Audience, Aup, Reminder, SigningLink, SigningMethod
from schoolkeep.agreements.signing.links.services import (
    LinkState,
    Route,
    link_issue,
    link_sign,
    link_status,
    reminders_plan,
    reminders_send,
)
from schoolkeep.agreements.signing.services import signature_create
from schoolkeep.jobs.models import Job
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import person_link_account

TOKEN_URL = re.compile(r"http://testserver/sign/([A-Za-z0-9_-]+)")


@pytest.fixture(autouse=True)
def _fast_batches(settings: Any) -> None:
    settings.AGREEMENTS_REMINDER_BATCH = 2
    settings.AGREEMENTS_REMINDER_PAUSE_SECONDS = 0


@pytest.fixture
def staff_aup(personas: Personas) -> Aup:
    """The staff AUP with one of each: a member with an account, an agency worker with an
    e-mail address, a volunteer without one, and a contractor who has signed."""
    aup = published_aup(personas, Audience.STAFF)
    member = make_person(personas, "Mo Member", kind=PersonKind.SUPPORT)
    person_link_account(person=member, actor=personas.siro, user=personas.staff)
    make_person(personas, "Alex Agency", email="alex@agency.example")
    make_person(personas, "Vic Volunteer", kind=PersonKind.VOLUNTEER)
    signed = make_person(personas, "Cal Contractor", kind=PersonKind.CONTRACTOR,
                         email="cal@example.com")
    signature_create(aup=aup, method=SigningMethod.IN_APP, typed_name="Cal Contractor",
                     person=signed, user=None, actor=personas.siro)
    return aup


@pytest.fixture
def parents_aup(personas: Personas) -> Aup:
    aup = published_aup(personas)
    make_parent(personas, "Pat Parent", "pat@example.com", classes="Year 3")
    make_parent(personas, "Robin Reader", "robin@example.com")
    make_parent(personas, "Nell Noemail")
    return aup


def send(aup: Aup, actor: Any, capture: Any) -> Job:
    with capture(execute=True):
        job = reminders_send(aup=aup, actor=actor)
    job.refresh_from_db()
    return job


def test_the_plan_says_who_gets_what(personas, staff_aup):
    plan = reminders_plan(aup=staff_aup, today=timezone.localdate())
    assert plan.counts == {Route.SIGN_IN: 1, Route.LINK: 1, Route.LETTER: 1}
    assert plan.by_email == 2 and plan.letters == 1 and plan.recently_reminded == 0
    routes = {row.full_name: row.route for row in plan.rows}
    assert routes == {"Mo Member": "sign_in", "Alex Agency": "link", "Vic Volunteer": "letter"}


def test_sending_emails_everyone_once_and_records_it(personas, parents_aup,
                                                     django_capture_on_commit_callbacks):
    job = send(parents_aup, personas.business_manager, django_capture_on_commit_callbacks)
    assert job.status == Job.Status.DONE and job.done == job.total == 2
    assert job.result["next_url"] == reverse("agreements:reminders",
                                             args=[parents_aup.public_id])
    assert sorted(m.to[0] for m in mail.outbox) == ["pat@example.com", "robin@example.com"]
    reminders = Reminder.objects.filter(aup=parents_aup)
    assert reminders.count() == 2 and {r.channel for r in reminders} == {"email"}
    for message in mail.outbox:
        token = TOKEN_URL.search(message.body)[1]  # type: ignore[index]
        status = link_status(token)
        assert status.state == LinkState.READY
        assert status.link is not None and status.link.parent.email == message.to[0]
        assert reminders.get(parent=status.link.parent).link == status.link


def test_emails_name_only_the_school_and_the_policy(personas, parents_aup,
                                                    django_capture_on_commit_callbacks):
    send(parents_aup, personas.business_manager, django_capture_on_commit_callbacks)
    names = ["Pat", "Parent", "Robin", "Reader", "Nell", "Noemail", "Year 3",
             "Business manager"]
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Oakfield Primary" in message.subject and parents_aup.title in message.subject
        assert not [name for name in names if name in text], text
        assert "until the end of" in message.body and len(message.to) == 1


def test_members_with_accounts_are_asked_to_sign_in(personas, staff_aup,
                                                    django_capture_on_commit_callbacks):
    send(staff_aup, personas.siro, django_capture_on_commit_callbacks)
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {personas.staff.email, "alex@agency.example"}
    sign_in = by_address[personas.staff.email].body
    assert "http://testserver" + reverse("agreements:aup-sign",
                                         args=[staff_aup.public_id]) in sign_in
    assert not TOKEN_URL.search(sign_in)  # no personal link for a member
    assert TOKEN_URL.search(by_address["alex@agency.example"].body)
    assert Reminder.objects.get(person__full_name="Mo Member").link is None
    assert not SigningLink.objects.filter(person__full_name="Vic Volunteer").exists()


def test_nobody_is_reminded_twice_within_seven_days(personas, parents_aup,
                                                    django_capture_on_commit_callbacks):
    send(parents_aup, personas.business_manager, django_capture_on_commit_callbacks)
    plan = reminders_plan(aup=parents_aup, today=timezone.localdate())
    assert plan.by_email == 0 and plan.recently_reminded == 2 and plan.letters == 1
    with pytest.raises(DomainError, match="Nobody needs a reminder"):
        reminders_send(aup=parents_aup, actor=personas.business_manager)
    with time_machine.travel(timedelta(days=6, hours=23)):
        assert reminders_plan(aup=parents_aup, today=timezone.localdate()).by_email == 0
    with time_machine.travel(timedelta(days=7, minutes=1)):
        mail.outbox.clear()
        send(parents_aup, personas.business_manager, django_capture_on_commit_callbacks)
        assert len(mail.outbox) == 2
    assert Reminder.objects.count() == 4


def test_those_who_signed_meanwhile_are_not_reminded(personas, parents_aup,
                                                     django_capture_on_commit_callbacks):
    pat = parents_aup.school.parents.get(full_name="Pat Parent")
    _, token = link_issue(aup=parents_aup, actor=personas.siro, channel="letter", parent=pat)
    link_sign(token=token, typed_name="Pat Parent", agreed=True, ip_address=None)
    send(parents_aup, personas.business_manager, django_capture_on_commit_callbacks)
    assert [m.to[0] for m in mail.outbox] == ["robin@example.com"]


def test_reminders_go_in_batches_with_a_pause(personas, settings, parents_aup,
                                              django_capture_on_commit_callbacks):
    for n in range(3):
        make_parent(personas, f"Extra Parent {n}", f"extra{n}@example.com")
    settings.AGREEMENTS_REMINDER_PAUSE_SECONDS = 1.5
    with mock.patch("schoolkeep.agreements.signing.links.services.time.sleep") as sleep:
        job = send(parents_aup, personas.business_manager, django_capture_on_commit_callbacks)
    assert job.done == 5 and len(mail.outbox) == 5
    assert sleep.call_args_list == [mock.call(1.5), mock.call(1.5)]  # 3 batches of 2


def test_only_managers_send_reminders(personas, parents_aup):
    with pytest.raises(NotAllowed):
        reminders_send(aup=parents_aup, actor=personas.staff)
    assert not Job.objects.exists()


# ----------------------------------------------------------------------------- the page


def page_url(aup: Aup) -> str:
    return reverse("agreements:reminders", args=[aup.public_id])


def test_the_page_shows_the_plan(login, personas, parents_aup):
    page = login(personas.business_manager).get(page_url(parents_aup)).content.decode()
    assert "Send 2 reminders by e-mail" in page
    assert "Pat Parent" in page and "Nell Noemail" in page
    assert "No e-mail address: print a letter" in page
    nell = parents_aup.school.parents.get(full_name="Nell Noemail")
    assert reverse("agreements:link-create", args=[parents_aup.public_id, nell.public_id]) in page


def test_posting_starts_the_job(login, personas, parents_aup,
                                django_capture_on_commit_callbacks):
    client = login(personas.siro)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(parents_aup))
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:job-detail", args=[job.public_id])
    assert len(mail.outbox) == 2
    again = client.post(page_url(parents_aup), follow=True)
    assert "Nobody needs a reminder by e-mail now" in again.content.decode()
    assert Job.objects.count() == 1


def test_an_unpublished_or_kiosk_aup_has_no_reminders(login, personas):
    from schoolkeep.agreements.aups.services import aups_set_up

    aups = {a.audience: a for a in aups_set_up(school=personas.school, actor=personas.siro)}
    client = login(personas.siro)
    page = client.get(page_url(aups[Audience.GOVERNORS]))
    assert page.status_code == 200 and "Not published yet" in page.content.decode()
    assert client.post(page_url(aups[Audience.GOVERNORS])).status_code == 302
    assert not Job.objects.exists()
    assert client.get(page_url(aups[Audience.VISITORS])).status_code == 404


def test_another_schools_aup_is_a_404(login, personas, parents_aup):
    assert login(personas.outsider).get(page_url(parents_aup)).status_code == 404


def test_the_page_makes_the_same_queries_for_3_and_40_people(login, personas,
                                                             django_assert_num_queries):
    aup = published_aup(personas)
    client = login(personas.business_manager)
    for n in range(3):
        make_parent(personas, f"Parent {n:02d}", f"p{n}@example.com" if n % 2 else "")
    client.get(page_url(aup))  # warm up the session and caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(page_url(aup)).status_code == 200
    for n in range(3, 40):
        make_parent(personas, f"Parent {n:02d}", f"p{n}@example.com" if n % 2 else "")
    with django_assert_num_queries(len(few)):
        page = client.get(page_url(aup)).content.decode()
    assert "Parent 39" in page


def test_a_former_member_gets_a_link_not_a_sign_in_email(personas, staff_aup):
    from schoolkeep.tenancy.models import Membership

    Membership.objects.filter(user=personas.staff, school=personas.school).update(is_active=False)
    plan = reminders_plan(aup=staff_aup, today=timezone.localdate())
    routes = {row.full_name: row.route for row in plan.rows}
    assert routes["Mo Member"] == "letter"  # no account to sign in with, no e-mail on record
    link_issue(aup=staff_aup, actor=personas.siro, channel="letter",
               person=staff_aup.school.people.get(full_name="Mo Member"))
