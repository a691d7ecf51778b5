"""Schoolkeep's own sets are not offered for restore tests (the page and the API refuse
them, naming backup_set), and a test of one stored earlier does not meet the termly duty."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.checks.status import restore_dues
from schoolkeep.continuity.models import BackupSet, RestoreTest
from schoolkeep.continuity.tests.test_checks_services import make_set
from schoolkeep.continuity.tests.test_restores_pages import make_test
from schoolkeep.equipment.tests.test_loans_api import Api

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def test_schoolkeeps_own_sets_are_not_for_restore_tests(personas: Personas, login: Login,
                                                        client, settings) -> None:
    settings.BACKUP_COPY_DIR = ""
    ensure_install_sets([personas.school.pk])
    archive = BackupSet.objects.get(school=personas.school, install_copy="archive")
    nas = make_set(personas.school)
    form = login(personas.it_lead).get(reverse("continuity:restore-create")).content.decode()
    assert "nightly archive" not in form and nas.name in form
    assert "the people who run Schoolkeep test restoring" in form
    response = Api(client, personas.it_lead).send("POST", reverse("api:restore-test-list"), {
        "school": "oakfield", "backup_set": str(archive.public_id),
        "tested_on": timezone.localdate(), "what_was_restored": "Files",
        "outcome": "worked"}, school=None)
    assert response.status_code == 422 and "backup_set" in str(response.json())
    assert not RestoreTest.objects.exists()
    # One stored before this rule does not count as the term's test.
    make_test(archive)
    assert restore_dues([personas.school.pk], today=timezone.localdate())[
        personas.school.pk].last_tested is None
