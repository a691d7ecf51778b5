"""The launch form's confirm-by date: Day, Month and Year boxes (``closes_on_0/1/2``), as
every form here, never the browser's date picker; a date that is not real is refused on the
field with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.housekeeping.models import Campaign
from schoolkeep.housekeeping.tests.records import make_person

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
CREATE = reverse("housekeeping:campaign-create")


def test_the_confirm_by_date_is_typed_in_day_month_year_boxes(personas: Personas,
                                                              login: Login) -> None:
    make_person(personas.school, "Ann Teacher")
    client = login(personas.siro)
    html = client.get(CREATE).content.decode()
    assert 'type="date"' not in html
    assert 'name="closes_on_0"' in html and 'name="closes_on_2"' in html
    bad = client.post(CREATE, {"title": "Housekeeping", "checklist": "Tidy up",
                               "closes_on_0": "31", "closes_on_1": "2",
                               "closes_on_2": "2030"})
    assert bad.status_code == 200 and "must be a real date" in bad.content.decode()
    assert not Campaign.objects.exists()
    day = timezone.localdate() + timedelta(days=20)
    answer = client.post(CREATE, {"title": "Housekeeping", "checklist": "Tidy up",
                                  "closes_on_0": str(day.day), "closes_on_1": str(day.month),
                                  "closes_on_2": str(day.year)})
    assert answer.status_code == 302
    assert Campaign.objects.get().closes_on == day
