"""The nightly runs' messages on the backup checks page: in plain words, never the
server's paths (every member with continuity.view reads them, the auditor included)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.accounts.models import User
from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity.checks.install import ensure_install_sets

Login = Callable[[User], Client]
pytestmark = pytest.mark.django_db


def test_a_nightly_runs_message_shows_no_server_path(personas: Personas, login: Login,
                                                     settings, tmp_path) -> None:
    settings.BACKUP_COPY_DIR = ""
    ensure_install_sets([personas.school.pk])
    now = timezone.now()
    BackupRun.objects.create(
        started_at=now - timedelta(days=1), finished_at=now - timedelta(days=1), ok=False,
        message="The archive could not be copied to /srv/operator/secret-copy: "
                "[Errno 13] Permission denied")
    html = login(personas.auditor).get(reverse("continuity:check-list")).content.decode()
    assert "/srv/operator" not in html and "secret-copy" not in html
    assert "could not be copied to" in html
