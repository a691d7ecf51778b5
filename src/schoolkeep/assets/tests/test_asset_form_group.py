"""The asset form's group: every asset is under a group (a heading of Appendix 1), so the
choice is required and says so (no "(optional)"); "A new group" is one of its answers,
named in the box below it, which the first asset of a register starts on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.assets import services
from schoolkeep.assets.models import Asset, AssetGroup

URL = reverse("assets:asset-create")
Login = Callable[[User], Client]


def post(client: Client, **values: Any) -> Any:
    return client.post(URL, {"name": "Attendance", "classification": "unclassified",
                             "version": "", **values})


def test_the_group_is_labelled_as_required_and_a_new_group_is_one_of_its_answers(
        personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    first = client.get(URL).content.decode()
    assert '<label for="id_group">Group</label>' in first
    assert '<option value="new" selected>A new group (name it below)</option>' in first
    assert '<label for="id_new_group">Name of the new group (optional)</label>' in first

    services.group_get_or_create(school=personas.school, name="Pupil data", actor=None)
    later = client.get(URL).content.decode()
    assert '<option value="new">A new group (name it below)</option>' in later
    assert '<option value="" selected>Choose a group</option>' in later


def test_a_group_must_be_chosen_or_named(personas: Personas, login: Login) -> None:
    client = login(personas.siro)
    pupils = services.group_get_or_create(school=personas.school, name="Pupil data",
                                          actor=None)

    none = post(client).content.decode()
    new_unnamed = post(client, group="new").content.decode()
    both = post(client, group=str(pupils.public_id), new_group="Staff").content.decode()

    assert "Group: Choose a group, or “A new group” and name it below." in none
    assert "Name of the new group: Enter the name of the new group." in new_unnamed
    assert "You chose a group above: choose “A new group” there to add this one" in both
    assert not Asset.objects.exists() and AssetGroup.objects.count() == 1

    assert post(client, group="new", new_group="Staff").status_code == 302
    assert post(client, name="Exams", group=str(pupils.public_id)).status_code == 302
    assert sorted(Asset.objects.values_list("group__name", "name")) == [
        ("Pupil data", "Exams"), ("Staff", "Attendance")]
