"""Days long ago are refused, naming the field, on the pages and the API (nothing written);
a restore test already stored with such a day does not break the restore tests page or the
duties of other schools."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.continuity.checks import duties
from schoolkeep.continuity.models import BackupCheck, RestoreTest
from schoolkeep.continuity.tests.test_checks_services import make_set
from schoolkeep.duties.types import HORIZON
from schoolkeep.equipment.tests.test_loans_api import Api

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db
FLOOR_WORDS = "1 January 2000"


@pytest.mark.parametrize("day", ["0001-01-01", "1000-01-01", "1999-12-31"])
def test_the_api_refuses_days_before_2000(client, personas: Personas, day: str) -> None:
    nas = make_set(personas.school)
    api = Api(client, personas.it_lead)
    response = api.send("POST", reverse("api:backup-check-list"), {
        "school": "oakfield", "backup_set": str(nas.public_id), "checked_on": day,
        "outcome": "succeeded"}, school=None)
    assert response.status_code == 422
    assert "checked_on" in str(response.json()) and FLOOR_WORDS in str(response.json())
    response = api.send("POST", reverse("api:restore-test-list"), {
        "school": "oakfield", "backup_set": str(nas.public_id), "tested_on": day,
        "what_was_restored": "Files", "outcome": "worked"}, school=None)
    assert response.status_code == 422
    assert "tested_on" in str(response.json()) and FLOOR_WORDS in str(response.json())
    assert not BackupCheck.objects.exists() and not RestoreTest.objects.exists()


@pytest.mark.parametrize("year", ["1000", "1"])
def test_the_pages_refuse_days_before_2000(personas: Personas, login: Login,
                                           year: str) -> None:
    nas = make_set(personas.school)
    client = login(personas.it_lead)
    response = client.post(reverse("continuity:check-create"), {
        "backup_set": str(nas.public_id), "checked_on_0": "1", "checked_on_1": "1",
        "checked_on_2": year, "outcome": "succeeded"})
    assert response.status_code == 200 and "checked_on" in response.content.decode()
    response = client.post(reverse("continuity:restore-create"), {
        "backup_set": str(nas.public_id), "tested_on_0": "1", "tested_on_1": "1",
        "tested_on_2": year, "what_was_restored": "Files", "outcome": "worked"})
    assert response.status_code == 200 and "tested_on" in response.content.decode()
    assert not BackupCheck.objects.exists() and not RestoreTest.objects.exists()


def test_an_old_stored_test_breaks_nothing(personas: Personas, login: Login) -> None:
    nas = make_set(personas.school)
    RestoreTest.objects.create(school=personas.school, backup_set=nas, tested_on=date(1, 1, 2),
                               what_was_restored="Files", outcome="worked",
                               recorded_by_label="old import")
    make_set(personas.other_school)
    assert login(personas.it_lead).get(reverse("continuity:restore-list")).status_code == 200
    now = datetime.combine(timezone.localdate(), datetime.min.time(), tzinfo=UTC)
    counts = duties.restore_provider.counts([personas.school.pk, personas.other_school.pk],
                                            now=now, horizon=now + HORIZON)
    assert personas.other_school.pk in counts and personas.school.pk in counts
