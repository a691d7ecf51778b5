"""A request about the SIRO or the DPO is kept from them from the moment it is logged
(``request_log(hide_from_roles=...)``, the member's form and the public page): they are
never e-mailed it, and it is refused when no one would be left who may handle it."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.factories import MembershipFactory, UserFactory
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.intake.forms import HIDE_LABEL
from schoolkeep.inforequests.intake.public import request_page_set_up
from schoolkeep.inforequests.models import Request
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import Membership, MembershipRole
from schoolkeep.tenancy.roles import Role

NOW = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
LOG = reverse("requests:request-log")
MEMBER_FORM = {"kind": "subject_access", "channel": "email",
               "received_at_0": "30", "received_at_1": "10", "received_at_2": "2026",
               "received_at_3": "16", "received_at_4": "45",
               "requester_type": "subject", "requester_name": "Kim Teacher",
               "requester_contact": "kim@example.com", "subject_type": "staff",
               "subject_name": "", "description": "Notes of my grievance about the head."}
PUBLIC_FORM = {"kind": "complaint", "requester_type": "parent",
               "requester_name": "Pat Parent", "requester_contact": "pat@example.com",
               "subject_type": "pupils", "subject_name": "Sam Pupil",
               "description": "The headteacher shared my son's report with another parent."}


@pytest.fixture(autouse=True)
def _pinned_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def field_error(page: str, name: str) -> str:
    """The text of a field's error on a page ("" when it has none)."""
    found = re.search(rf'id="id_{name}_error">(.*?)</div>', page, re.S)
    return found.group(1) if found else ""


def hidden(request: Request) -> set[Any]:
    return set(Request.objects.get(pk=request.pk).hidden_from.all())


def test_a_request_about_the_siro_is_kept_from_the_siro(personas: Personas) -> None:
    request = make_request(personas, hide_from_roles={"siro"})
    assert hidden(request) == {personas.siro}
    about_dpo = make_request(personas, hide_from_roles=["dpo"])
    assert hidden(about_dpo) == {personas.dpo}
    assert hidden(make_request(personas)) == set()


def test_every_active_holder_of_the_role_but_the_actor(personas: Personas) -> None:
    second: Any = UserFactory(email="deputy.siro@oakfield.example")
    MembershipFactory(user=second, school=personas.school, roles=[Role.SIRO])
    gone: Any = UserFactory(email="old.siro@oakfield.example")
    MembershipFactory(user=gone, school=personas.school, roles=[Role.SIRO])
    Membership.objects.filter(user=gone).update(is_active=False)
    assert hidden(make_request(personas, hide_from_roles={"siro"})) == {personas.siro, second}
    # A SIRO logging a request about the SIROs keeps it from the other one only.
    assert hidden(make_request(personas, personas.siro, hide_from_roles={"siro"})) == {second}


def test_the_dpo_may_keep_it_from_both_as_they_still_handle_it(personas: Personas) -> None:
    request = make_request(personas, personas.dpo, hide_from_roles={"siro", "dpo"})
    assert hidden(request) == {personas.siro}


def _refused(personas: Personas, user: Any = None, **fields: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        make_request(personas, user, **fields)
    assert caught.value.field == "hide_from_roles", caught.value.message
    assert not Request.objects.exists()
    assert not AuditEvent.objects.filter(action="requests.request.logged").exists()
    return caught.value


def test_keeping_it_from_both_when_no_one_would_handle_it_is_refused(
        personas: Personas) -> None:
    error = _refused(personas, hide_from_roles={"siro", "dpo"})
    assert "no one at the school may handle it" in error.message
    assert "Keep it from one of them only" in error.message
    # A school with no DPO: keeping it from its SIRO leaves no one either.
    MembershipRole.objects.filter(membership__school=personas.school,
                                  role=Role.DPO).delete()
    error = _refused(personas, hide_from_roles={"siro"})
    assert "has no data protection officer" in error.message


def test_only_the_siro_or_the_dpo_can_be_named(personas: Personas) -> None:
    _refused(personas, hide_from_roles={"siro", "governor"})


def test_the_audit_says_only_that_it_was_recorded(personas: Personas) -> None:
    make_request(personas, hide_from_roles={"siro"})
    changes = AuditEvent.objects.get(action="requests.request.logged").changes
    assert changes["hidden_from"] == "recorded"
    assert personas.siro.email not in str(changes)


def test_the_member_it_is_kept_from_is_never_emailed(
        personas: Personas, django_capture_on_commit_callbacks, mailoutbox) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        make_request(personas, hide_from_roles={"siro"})
        make_request(personas, hide_from_roles={"dpo"})
    about_siro, about_dpo = mailoutbox
    assert about_siro.to == [personas.dpo.email]
    assert about_dpo.to == [personas.siro.email]


def test_the_members_form_asks_and_keeps_it_from_them(personas: Personas, login) -> None:
    client = login(personas.staff)
    page = client.get(LOG).content.decode()
    assert HIDE_LABEL.replace("'", "&#x27;") in page
    assert 'type="checkbox" name="hide_from_roles" value="siro"' in page
    assert 'type="checkbox" name="hide_from_roles" value="dpo"' in page
    response = client.post(LOG, {**MEMBER_FORM, "hide_from_roles": ["siro"]})
    assert response.status_code == 302
    assert hidden(Request.objects.get()) == {personas.siro}


def test_the_members_form_names_the_field_when_no_one_would_be_left(personas: Personas,
                                                                    login) -> None:
    response = login(personas.staff).post(LOG, {**MEMBER_FORM,
                                                "hide_from_roles": ["siro", "dpo"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "no one at the school may handle it" in field_error(page, "hide_from_roles")
    assert not Request.objects.exists()


def test_the_public_page_asks_and_keeps_it_from_them(
        personas: Personas, client, django_capture_on_commit_callbacks, mailoutbox) -> None:
    token = request_page_set_up(school=personas.school, actor=personas.dpo).token
    url = reverse("ask:request", args=[token])
    page = client.get(url).content.decode()
    assert 'name="hide_from_roles" value="siro"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**PUBLIC_FORM, "hide_from_roles": ["siro"]})
    assert response.status_code == 200 and "Thank you" in response.content.decode()
    assert hidden(Request.objects.get()) == {personas.siro}
    [mail] = mailoutbox
    assert mail.to == [personas.dpo.email]
