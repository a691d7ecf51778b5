"""The retention schedule's due page links to the destruction form, which fills in all four
fields the link sends (asset, record type, earliest and latest record)."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
from django.urls import reverse

from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.tests.test_schedule_due import leaver, linked

pytestmark = pytest.mark.django_db


def test_the_due_page_links_to_a_filled_in_form(personas, login) -> None:
    school = personas.school
    files = linked(school, keys.STAFF_PERSONNEL, name="HR cabinet")
    leaver(school, date(2015, 8, 31))
    leaver(school, date(2016, 3, 31), n=1)
    client = login(personas.dpo)
    page = client.get(reverse("retention:due")).content.decode()
    base = reverse("destructions:destruction-record")
    [link] = re.findall(rf'href="({re.escape(base)}\?[^"]+)"', page)
    link = html_lib.unescape(link)
    assert f"asset={files.public_id}" in link and "records_from=2015-08-31" in link
    form = client.get(link)
    assert form.status_code == 200
    fields = form.context["form"]
    assert fields["asset"].value() == str(files.public_id)
    assert fields["record_type"].value() == link.split("record_type=")[1].split("&")[0]
    assert fields["records_from"].value() == date(2015, 8, 31)
    records_to = date.fromisoformat(link.split("records_to=")[1].split("&")[0])
    assert fields["records_to"].value() == records_to
    rendered = form.content.decode()
    assert 'value="2015"' in rendered and f'value="{records_to.year}"' in rendered
