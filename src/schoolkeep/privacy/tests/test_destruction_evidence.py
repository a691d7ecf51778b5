"""The compliance work reads the destruction log: the page of the control about confidential
paper (and the one about disposed drives) shows the last destruction recorded and how many
this school year, with a link to the log; another control's page does not."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.compliance.models import Control
from schoolkeep.privacy.destruction.selectors import log_summary
from schoolkeep.privacy.destruction.services import destruction_record

pytestmark = pytest.mark.django_db


def shred(school, description: str, day: date) -> None:
    destruction_record(school=school, actor=None, description=description,
                       method="shredding", destroyed_on=day, destroyed_by_label="Office")


def test_the_school_year_count_and_the_last_entry(personas) -> None:
    school = personas.school
    shred(school, "Last year's files", date(2026, 8, 31))
    shred(school, "Autumn files", date(2026, 9, 1))
    shred(school, "December files", date(2026, 12, 1))
    shred(personas.other_school, "Not ours", date(2026, 12, 5))
    summary = log_summary(school, today=date(2026, 12, 7))
    assert (summary.last.description, summary.this_year, summary.year_starts_on) == (
        "December files", 2, date(2026, 9, 1))
    assert log_summary(school, today=date(2026, 3, 1)).year_starts_on == date(2025, 9, 1)


def test_the_shredding_controls_page_shows_the_log(personas, login) -> None:
    control = Control.objects.get(code="shredding", school__isnull=True,
                                  archived_at__isnull=True)
    client = login(personas.dpo)
    url = reverse("compliance:control-detail", args=[control.public_id])
    assert "No destruction is recorded yet." in client.get(url).content.decode()
    shred(personas.school, "Leavers' files shredded", timezone.localdate())
    html = client.get(url).content.decode()
    assert "Last destruction recorded: Leavers&#x27; files shredded" in html
    assert "1 recorded this school year" in html
    assert reverse("destructions:destruction-list") in html
    other = Control.objects.get(code="screens-locked", school__isnull=True,
                                archived_at__isnull=True)
    assert "The destruction log" not in client.get(
        reverse("compliance:control-detail", args=[other.public_id])).content.decode()
