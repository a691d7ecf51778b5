"""Schoolkeep's own sets: made once per school, linked to the Schoolkeep scope, the copy
folder's flags from the operator's settings, retired when the folder is no longer set up,
and their last good day taken from the install's nightly runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity.checks.install import ensure_install_sets
from schoolkeep.continuity.checks.latest import last_success_by_set
from schoolkeep.continuity.models import BackupSet, Scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_copy(settings, monkeypatch):
    settings.BACKUP_COPY_DIR = ""
    monkeypatch.delenv("SCHOOLKEEP_BACKUP_COPY_DIR", raising=False)
    return settings


def test_archive_only_without_a_copy_folder(personas: Personas, no_copy) -> None:
    ensure_install_sets()
    sets = BackupSet.objects.filter(school=personas.school).exclude(install_copy="")
    assert [s.install_copy for s in sets] == ["archive"]
    archive = sets[0]
    assert not archive.off_site and not archive.offline and archive.encrypted
    scope = Scope.objects.get(school=personas.school, kind=Scope.Kind.SCHOOLKEEP)
    assert list(archive.scopes.all()) == [scope]
    assert BackupSet.objects.filter(school=personas.other_school, install_copy="archive").exists()


def test_idempotent_and_audited_once(personas: Personas, no_copy) -> None:
    ensure_install_sets([personas.school.pk])
    events = AuditEvent.objects.filter(action__startswith="continuity.install").count()
    assert events == 2  # the scope and the archive
    ensure_install_sets([personas.school.pk])
    ensure_install_sets([personas.school.pk])
    assert BackupSet.objects.filter(school=personas.school).count() == 1
    assert Scope.objects.filter(school=personas.school).count() == 1
    assert AuditEvent.objects.filter(action__startswith="continuity.install").count() == events
    assert not BackupSet.objects.filter(school=personas.other_school).exists()


def test_copy_folder_flags_follow_the_settings(personas: Personas, no_copy, tmp_path) -> None:
    no_copy.BACKUP_COPY_DIR = str(tmp_path)
    no_copy.BACKUP_COPY_OFF_SITE = True
    no_copy.BACKUP_COPY_OFFLINE = False
    no_copy.BACKUP_COPY_IMMUTABLE = True
    ensure_install_sets([personas.school.pk])
    copy = BackupSet.objects.get(school=personas.school, install_copy="copy")
    assert copy.off_site and not copy.offline and copy.immutable
    assert copy.device_key != BackupSet.objects.get(
        school=personas.school, install_copy="archive").device_key
    no_copy.BACKUP_COPY_OFFLINE = True
    ensure_install_sets([personas.school.pk])
    copy.refresh_from_db()
    assert copy.offline and copy.version == 2
    no_copy.BACKUP_COPY_DIR = ""
    ensure_install_sets([personas.school.pk])
    copy.refresh_from_db()
    assert copy.retired_at is not None
    no_copy.BACKUP_COPY_DIR = str(tmp_path)
    ensure_install_sets([personas.school.pk])
    copy.refresh_from_db()
    assert copy.retired_at is None


def test_a_school_scope_named_schoolkeep_is_reused(personas: Personas, no_copy) -> None:
    own = Scope.objects.create(school=personas.school, kind=Scope.Kind.OTHER,
                               name="SchoolKeep", name_key="schoolkeep")
    ensure_install_sets([personas.school.pk])
    own.refresh_from_db()
    assert own.kind == Scope.Kind.SCHOOLKEEP
    assert Scope.objects.filter(school=personas.school).count() == 1


def test_install_sets_take_their_day_from_the_nightly_runs(personas: Personas,
                                                           no_copy) -> None:
    ensure_install_sets([personas.school.pk])
    archive = BackupSet.objects.get(school=personas.school, install_copy="archive")
    assert archive.pk not in last_success_by_set([personas.school.pk])
    now = timezone.now()
    BackupRun.objects.create(started_at=now - timedelta(days=3, minutes=5),
                             finished_at=now - timedelta(days=3), ok=True)
    BackupRun.objects.create(started_at=now - timedelta(days=1, minutes=5),
                             finished_at=now - timedelta(days=1), ok=False)
    assert last_success_by_set([personas.school.pk])[archive.pk] == timezone.localdate(
        now - timedelta(days=3))


def test_a_school_scope_named_schoolkeep_is_taken_over_with_an_audit_event(
        personas: Personas, settings) -> None:
    settings.BACKUP_COPY_DIR = ""
    own = Scope.objects.create(school=personas.school, kind=Scope.Kind.OTHER,
                               name="SchoolKeep", name_key="schoolkeep")
    other = Scope.objects.create(school=personas.other_school, kind=Scope.Kind.OTHER,
                                 name="Schoolkeep", name_key="schoolkeep")
    ensure_install_sets([personas.school.pk, personas.other_school.pk])
    for scope in (own, other):
        scope.refresh_from_db()
        assert scope.kind == Scope.Kind.SCHOOLKEEP
        event = AuditEvent.objects.get(school_id=scope.school_id,
                                       action="continuity.install_scope.taken_over")
        assert event.target_label == scope.name
