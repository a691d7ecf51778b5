"""The systems list reads only its administrators' names and links each row to its own
system, with the same tags as a system's page."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.systems import selectors
from schoolkeep.systems.tests.records import make_person, make_system

Login = Callable[[User], Client]


def test_the_list_reads_only_the_administrators_names(personas: Personas) -> None:
    ada = make_person(personas.school, "Ada Admin")
    make_system(personas, name="CPOMS", administrators=[ada])
    listed = selectors.system_list(school=personas.school).get()
    [admin] = listed.administrators.all()
    assert admin.full_name == "Ada Admin" and admin.public_id == ada.public_id
    assert {"date_of_birth", "date_of_birth_hash", "email"} <= admin.get_deferred_fields()


def test_each_row_links_to_its_own_system(personas: Personas, login: Login) -> None:
    made = [make_system(personas, name=name, mfa_enabled=name == "CPOMS")
            for name in ("Arbor", "CPOMS", "Website")]
    html = login(personas.siro).get(reverse("systems:system-list")).content.decode()
    links = re.findall(r'<th scope="row"><a href="([^"]+)">([^<]+)</a>', html)
    assert links == [(reverse("systems:system-detail", args=[s.public_id]), s.name)
                     for s in made]
    assert html.count('<strong class="tag tag-green">Two-factor on</strong>') == 1
