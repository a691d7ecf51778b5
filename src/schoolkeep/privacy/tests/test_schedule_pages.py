"""The schedule's pages: the period in force and where it comes from, a form's error naming
its field with nothing written, another school's own type a 404, the review recorded."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import RecordType, RecordTypeReview
from schoolkeep.privacy.schedule.selectors import effective_record_type, origin_of
from schoolkeep.privacy.schedule.services import record_type_add

pytestmark = pytest.mark.django_db

FORM = {"name": "CCTV footage", "description": "", "event": "creation", "years": "",
        "months": "", "days": "14", "action": "destroy", "source": "Our CCTV policy",
        "version": "1"}


def test_the_schedule_shows_each_period_and_its_origin(personas, login) -> None:
    html = login(personas.iao).get(reverse("retention:schedule")).content.decode()
    assert "Attendance registers" in html and "6 years after the record is made" in html
    assert "Schoolkeep&#x27;s starting schedule" in html or "Schoolkeep's starting" in html
    assert "Schoolkeep: leavers" in html
    assert "Add a record type" not in html  # the IAO reads only


def test_adjusting_a_type_from_its_page(personas, login) -> None:
    client = login(personas.dpo)
    shipped = effective_record_type(personas.school, keys.CCTV)
    url = reverse("retention:type-adjust", args=[shipped.public_id])
    answer = client.post(url, FORM)
    assert answer.status_code == 302
    own = effective_record_type(personas.school, keys.CCTV)
    assert (origin_of(own), own.days) == ("school", 14)
    html = client.get(answer["Location"]).content.decode()
    assert "14 days after the record is made" in html and "Our CCTV policy" in html


def test_a_form_error_names_the_field_and_writes_nothing(personas, login) -> None:
    client = login(personas.siro)
    shipped = effective_record_type(personas.school, keys.CCTV)
    before = RecordType.objects.count()
    answer = client.post(reverse("retention:type-adjust", args=[shipped.public_id]),
                         {**FORM, "days": "", "name": "CCTV"})
    assert answer.status_code == 200
    assert "Enter how long the records are kept" in answer.content.decode()
    answer = client.post(reverse("retention:type-add"), {**FORM, "name": ""})
    assert answer.status_code == 200 and "This field is required" in answer.content.decode()
    assert RecordType.objects.count() == before


def test_another_schools_own_type_is_a_404(personas, login) -> None:
    theirs = record_type_add(school=personas.other_school, actor=None, name="Their files",
                             event="creation", years=1, action="destroy")
    client = login(personas.dpo)
    assert client.get(reverse("retention:type-detail",
                              args=[theirs.public_id])).status_code == 404
    assert client.post(reverse("retention:type-adjust", args=[theirs.public_id]),
                       FORM).status_code == 404


def test_recording_the_yearly_review(personas, login) -> None:
    client = login(personas.business_manager)
    cctv = effective_record_type(personas.school, keys.CCTV)
    today = timezone.localdate()
    answer = client.post(reverse("retention:type-review", args=[cctv.public_id]), {
        "reviewed_on_0": str(today.day), "reviewed_on_1": str(today.month),
        "reviewed_on_2": str(today.year), "note": "Recorder overwrites after 30 days"})
    assert answer.status_code == 302
    review = RecordTypeReview.objects.get()
    assert (review.key, review.reviewed_on) == (keys.CCTV, today)
