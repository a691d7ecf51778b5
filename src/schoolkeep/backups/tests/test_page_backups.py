"""The Backups page: the summary, the runs with their outcome and reason, pagination, no
folder paths, a constant query count, and the links to it from the duty and the dashboard."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from html import unescape
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas
from tests.test_ui_pages import assert_csp_clean, assert_our_layout, parse

from schoolkeep.accounts.models import User
from schoolkeep.backups import services_nightly, ticks_backups
from schoolkeep.backups.models import BackupRun
from schoolkeep.backups.selectors import next_backup_due
from schoolkeep.duties import selectors as duty_selectors
from schoolkeep.duties.types import LONDON

Login = Callable[[User], Client]

PAGE = reverse("backups:backup-list")
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # a Saturday morning, GMT


@pytest.fixture
def no_copy_dir(settings, monkeypatch):
    settings.BACKUP_COPY_DIR = ""
    monkeypatch.delenv("SCHOOLKEEP_BACKUP_COPY_DIR", raising=False)


def make_run(started_at: datetime, *, ok: bool = True, name: str = "", size: int | None = None,
             message: str = "") -> BackupRun:
    return BackupRun.objects.create(
        started_at=started_at, finished_at=started_at + timedelta(minutes=2), ok=ok,
        file_name=name, size=size, message=message)


def page_text(client: Client, **query: object) -> str:
    with time_machine.travel(NOW, tick=False):
        response = client.get(PAGE, query)
    assert response.status_code == 200
    return squash(response.content.decode())


def squash(html: str) -> str:
    """The page's text with its HTML entities undone and runs of spaces and newlines made
    one space (not no-break spaces: filesizeformat uses them)."""
    return re.sub(r"[ \t\n]+", " ", unescape(html))


def test_the_page_shows_good_and_failed_runs_with_the_reason(personas: Personas,
                                                             login: Login, no_copy_dir) -> None:
    make_run(datetime(2026, 11, 26, 2, 5, tzinfo=UTC), name="schoolkeep-a.skbackup",
             size=3 * 1024 * 1024)
    make_run(datetime(2026, 11, 27, 2, 5, tzinfo=UTC), ok=False, message="Disk full")
    client = login(personas.it_lead)
    with time_machine.travel(NOW, tick=False):
        response = client.get(PAGE)
    assert_our_layout(response)
    assert_csp_clean(response)
    table = parse(response).find("table")
    assert table is not None
    html = squash(response.content.decode())
    assert "<caption>Backup runs, newest first (UK time), page 1 of 1</caption>" in html
    assert '<th scope="col">Started</th>' in html
    # Newest first: the failure, with its reason and no archive, then the good run.
    failed = html.index("27 November 2026 02:05")
    good = html.index("26 November 2026 02:05")
    assert failed < good
    assert "Failed" in html[failed:good] and "Disk full" in html[failed:good]
    assert "None written" in html[failed:good]
    assert "Good" in html[good:] and "schoolkeep-a.skbackup" in html[good:]
    assert "3.0\xa0MB" in html[good:]
    assert "Backup runs (2)" in html


def test_the_summary_gives_the_last_good_backup_in_uk_time(personas: Personas, login: Login,
                                                          no_copy_dir) -> None:
    # 01:30 UTC in July is 02:30 in the UK (summer time).
    run = make_run(datetime(2026, 7, 1, 1, 28, tzinfo=UTC), name="x.skbackup", size=2048)
    run.finished_at = datetime(2026, 7, 1, 1, 30, tzinfo=UTC)
    run.save()
    make_run(datetime(2026, 11, 27, 2, 5, tzinfo=UTC), ok=False, message="Disk full")
    text = page_text(login(personas.siro))
    assert "Last good backup: 1 July 2026 02:30 UK time (2.0\xa0KB)" in text
    assert ("The next nightly backup is due after 02:00 UK time on Sunday 29 November 2026."
            in text)
    assert ("Schoolkeep keeps 14 daily and 8 weekly backups (the newest of each of the last "
            "14 days and of each of the last 8 weeks)") in text
    assert "To restore a backup, ask whoever runs the Schoolkeep server" in text
    assert "docs/" not in text  # a school user is never sent to a file of the code


def test_the_summary_without_any_backup(personas: Personas, login: Login, no_copy_dir) -> None:
    text = page_text(login(personas.auditor))
    assert "No good backup yet" in text
    assert "No backup has run yet." in text
    assert "Backup runs (0)" in text


def test_the_summary_says_whether_a_second_copy_is_configured(
        personas: Personas, login: Login, settings, monkeypatch, tmp_path: Path) -> None:
    client = login(personas.dpo)
    monkeypatch.delenv("SCHOOLKEEP_BACKUP_COPY_DIR", raising=False)
    settings.BACKUP_COPY_DIR = ""
    text = page_text(client)
    # A warning of its own, in plain words, saying what to do; not in a success panel.
    html = client.get(reverse("backups:backup-list")).content.decode()
    warning = html[html.index('id="no-copy"'):html.index('id="summary-title"')]
    assert "The backups are kept on the Schoolkeep server only" in warning
    assert "Ask whoever runs the Schoolkeep server" in warning
    assert "notification-banner-warning" in html and 'class="panel' not in html
    assert "docs/" not in html
    assert "Each backup is also copied to a second folder" not in text
    settings.BACKUP_COPY_DIR = str(tmp_path / "offsite")
    text = page_text(client)
    assert "Each backup is also copied to a second folder." in text
    assert "kept on the Schoolkeep server only" not in text
    # The environment variable alone counts too.
    settings.BACKUP_COPY_DIR = ""
    monkeypatch.setenv("SCHOOLKEEP_BACKUP_COPY_DIR", str(tmp_path / "mounted"))
    assert "Each backup is also copied to a second folder." in page_text(client)


def test_the_page_shows_no_paths_and_no_passphrase(personas: Personas, login: Login, settings,
                                                   monkeypatch, tmp_path: Path) -> None:
    copy = tmp_path / "offsite-store"
    settings.BACKUP_COPY_DIR = str(copy)
    monkeypatch.setenv("SCHOOLKEEP_BACKUP_PASSPHRASE", "correct horse battery staple")
    backups = services_nightly.backups_dir()
    make_run(datetime(2026, 11, 26, 2, 5, tzinfo=UTC), name="schoolkeep-a.skbackup", size=10)
    make_run(datetime(2026, 11, 27, 2, 5, tzinfo=UTC), ok=False, name="schoolkeep-b.skbackup",
             size=10, message=f"The backup was written but could not be copied to {copy}: "
                              f"[Errno 28] No space left on device: '{copy}/schoolkeep-b'")
    make_run(datetime(2026, 11, 28, 2, 5, tzinfo=UTC), ok=False,
             message=f"[Errno 13] Permission denied: '{backups}/.partial'")
    text = page_text(login(personas.it_lead))
    assert "could not be copied to the second copy folder" in text
    assert "No space left on device: 'the second copy folder/schoolkeep-b'" in text
    assert "Permission denied: 'the backups folder/.partial'" in text
    for secret in (str(copy), str(backups), str(django_settings.DATA_DIR), str(tmp_path),
                   "correct horse battery staple"):
        assert secret not in text


def test_the_runs_are_paginated_50_a_page(personas: Personas, login: Login,
                                          no_copy_dir) -> None:
    start = datetime(2026, 9, 1, 1, 5, tzinfo=UTC)
    for n in range(52):
        make_run(start + timedelta(days=n), name=f"run-{n:02d}.skbackup", size=1)
    client = login(personas.business_manager)
    first = page_text(client)
    assert "Backup runs (52)" in first and "Page 1 of 2" in first
    assert "run-51.skbackup" in first and "run-02.skbackup" in first
    assert "run-01.skbackup" not in first
    second = page_text(client, page=2)
    assert "run-01.skbackup" in second and "run-00.skbackup" in second
    assert "run-02.skbackup" not in second


def _runs(start: int, count: int) -> None:
    for n in range(start, start + count):
        make_run(datetime(2026, 9, 1, 1, 5, tzinfo=UTC) + timedelta(days=n), ok=bool(n % 3),
                 name=f"run-{n:02d}.skbackup", size=n, message="" if n % 3 else "Disk full")


def test_query_count_does_not_grow_with_runs(personas: Personas, login: Login,
                                             django_assert_num_queries, no_copy_dir) -> None:
    client = login(personas.it_lead)
    _runs(0, 3)
    client.get(PAGE)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(PAGE).status_code == 200
    _runs(3, 37)
    with django_assert_num_queries(len(few)):
        response = client.get(PAGE)
    assert "Backup runs (40)" in response.content.decode()


@pytest.mark.parametrize("persona", ["iao", "dsl", "hr_admin", "staff", "governor"])
def test_roles_without_systems_view_get_403(personas: Personas, login: Login,
                                            persona: str) -> None:
    assert login(getattr(personas, persona)).get(PAGE).status_code == 403


def test_the_failed_backup_duty_links_to_the_page(personas: Personas, login: Login,
                                                  no_copy_dir) -> None:
    now = timezone.now()
    make_run(now - timedelta(minutes=5), ok=False, message="Disk full")
    [duty] = [d for d in duty_selectors.duties_for_school(personas.school, now)
              if d.module == "backups"]
    assert duty.url == PAGE
    [missing] = [d for d in duty_selectors.duties_for_school(personas.other_school,
                                                              now + timedelta(hours=1))
                 if d.module == "backups"]
    assert missing.url == PAGE


def test_the_dashboard_and_systems_list_link_to_the_page(personas: Personas,
                                                         login: Login) -> None:
    client = login(personas.it_lead)
    assert f'href="{PAGE}"' in client.get(reverse("duties:dashboard")).content.decode()
    assert f'href="{PAGE}"' in client.get(reverse("systems:system-list")).content.decode()
    staff = login(personas.staff)
    assert f'href="{PAGE}"' not in staff.get(reverse("duties:dashboard")).content.decode()


@pytest.mark.parametrize(("now", "due"), [
    # After tonight's slot: tomorrow's 02:00.
    (datetime(2026, 11, 28, 2, 5, tzinfo=UTC), datetime(2026, 11, 29, 2, 0, tzinfo=LONDON)),
    # In the small hours, before 02:00: today's.
    (datetime(2026, 11, 28, 1, 30, tzinfo=UTC), datetime(2026, 11, 28, 2, 0, tzinfo=LONDON)),
    # Across the clocks going forward (29 March 2026) and back (25 October 2026).
    (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, 0, tzinfo=LONDON)),
    (datetime(2026, 10, 24, 12, 0, tzinfo=UTC), datetime(2026, 10, 25, 2, 0, tzinfo=LONDON)),
])
def test_the_next_backup_is_the_next_2am_uk_time(now: datetime, due: datetime) -> None:
    result = next_backup_due(now)
    assert result == due
    assert result > now
    assert result.astimezone(LONDON).hour == 2


def test_the_summary_follows_the_schedule_and_retention_constants(
        personas: Personas, login: Login, monkeypatch, no_copy_dir) -> None:
    monkeypatch.setattr(services_nightly, "KEEP_DAYS", 7)
    monkeypatch.setattr(services_nightly, "KEEP_WEEKS", 4)
    monkeypatch.setattr(ticks_backups, "BACKUP_TIME", time(3, 30))
    text = page_text(login(personas.it_lead))
    assert "Schoolkeep keeps 7 daily and 4 weekly backups" in text
    assert "due after 03:30 UK time on Sunday 29 November 2026." in text


def test_a_good_run_shows_what_it_left_out(personas: Personas, login: Login,
                                           no_copy_dir) -> None:
    note = ("1 item(s) in the uploads folder are not plain files and were not backed up: "
            "scans/link.pdf")
    make_run(datetime(2026, 11, 27, 2, 5, tzinfo=UTC), name="schoolkeep-b.skbackup",
             size=1024, message=note)
    with time_machine.travel(NOW, tick=False):
        response = login(personas.it_lead).get(PAGE)
    html = squash(response.content.decode())
    assert '<th scope="col">Notes</th>' in html
    assert "Good" in html and note in html
