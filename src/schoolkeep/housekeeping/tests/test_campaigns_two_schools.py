"""Staff of two schools of a trust: the confirm link of an e-mail works whichever school
they are looking at. For the other school's campaign the page offers one button that
switches them to that school as it confirms; someone else's confirmation stays a 404."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from tests.factories import MembershipFactory
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.housekeeping.models import Confirmation
from schoolkeep.housekeeping.tests.records import launch, make_person
from schoolkeep.tenancy.middleware import SESSION_KEY
from schoolkeep.tenancy.roles import Role

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def test_the_link_of_another_of_my_schools_switches_and_confirms(personas: Personas,
                                                                 login: Login) -> None:
    MembershipFactory(user=personas.staff, school=personas.other_school, roles=[Role.STAFF])
    make_person(personas.school, "Ann Here", user=personas.staff)
    make_person(personas.other_school, "Ann There", user=personas.staff)
    make_person(personas.other_school, "Bob There", user=personas.outsider)
    launch(personas.school)
    launch(personas.other_school)
    client = login(personas.staff)
    client.post(reverse("tenancy:school-switch"), {"school": personas.school.slug})
    here = Confirmation.objects.get(person__full_name="Ann Here")
    there = Confirmation.objects.get(person__full_name="Ann There")
    page = client.get(reverse("housekeeping:confirm", args=[here.public_id]))
    assert page.status_code == 200 and "Switch to" not in page.content.decode()
    url = reverse("housekeeping:confirm", args=[there.public_id])
    page = client.get(url)
    assert page.status_code == 200
    assert f"Switch to {personas.other_school.name} and confirm" in page.content.decode()
    there.refresh_from_db()
    assert there.confirmed_at is None  # opening it records nothing
    answer = client.post(url)
    assert answer.status_code == 302
    there.refresh_from_db()
    assert there.confirmed_at is not None
    assert client.session[SESSION_KEY] == personas.other_school.pk
    bob = Confirmation.objects.get(person__full_name="Bob There")
    assert client.get(reverse("housekeeping:confirm", args=[bob.public_id])).status_code == 404
