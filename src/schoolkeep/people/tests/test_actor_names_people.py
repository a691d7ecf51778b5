"""A person's checks name who set an exception in words: one set from the command line
(stored as "cli:root") reads "Schoolkeep command line (root)" on the person's page and on
the exception's form."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.audit.context import audit_context
from schoolkeep.people.models import CheckType
from schoolkeep.people.services import override_set, person_create

Login = Callable[[User], Client]


def test_an_exception_set_from_the_command_line_is_named_in_words(
        personas: Personas, login: Login) -> None:
    person = person_create(school=personas.school, actor=personas.siro,
                           full_name="Ann Lee", kind="teaching")
    with audit_context(actor_label="cli:root"):
        override_set(person=person, actor=None, check_type=CheckType.QUALIFICATIONS,
                     required=False, reason="Agreed by the governors")
    client = login(personas.siro)
    for url in (reverse("people:person-detail", args=[person.public_id]),
                reverse("people:override-edit",
                        args=[person.public_id, CheckType.QUALIFICATIONS])):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "set by Schoolkeep command line (root)" in html, url
        assert "cli:root" not in html, url
