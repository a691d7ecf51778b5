"""Each name on the record's page links to that person's page (the link is built from one
reversed pattern, not reversed per row)."""

from __future__ import annotations

from django.urls import reverse

from schoolkeep.people.models import PersonKind
from schoolkeep.people.services import person_create


def test_each_name_links_to_its_person(personas, login) -> None:
    people = [person_create(school=personas.school, actor=None, full_name=name,
                            kind=PersonKind.SUPPORT)
              for name in ("Ada Link", "Bo Link")]
    html = login(personas.siro).get(reverse("people:record")).content.decode()
    for someone in people:
        url = reverse("people:person-detail", args=[someone.public_id])
        assert f'<a href="{url}">{someone.full_name}</a>' in html
