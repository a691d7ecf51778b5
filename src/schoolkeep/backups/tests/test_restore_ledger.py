"""After a restore, the erasure ledger is re-applied: a leaver erased after the backup was
taken is in the restored database again, and ``restore`` erases them again."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.backups.management.commands import restore as restore_command
from schoolkeep.backups.restore import RestoreResult
from schoolkeep.people.models import Check, Person
from schoolkeep.privacy.erasure.ledger import read_ledger
from schoolkeep.privacy.erasure.models import Tombstone
from schoolkeep.privacy.erasure.runner import run_erasure
from schoolkeep.privacy.tests.erasure_support import (  # noqa: F401
    make_leaver,
    only_people,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_people")]


def _as_in_the_backup(rows: list[Any]) -> Any:
    """What the restore puts back: the rows as they were when the backup was taken."""

    def restore_archive(path: Any) -> RestoreResult:
        for row in rows:
            type(row).objects.bulk_create([row])
        Tombstone.objects.all().delete()  # the backup was taken before the erasure
        return RestoreResult(manifest={"created_at": "2026-12-01T02:00:00+00:00",
                                       "schoolkeep_version": "test", "tables": []},
                             files=0, migrations_applied=0, secrets_note="Keys: as before.")
    return restore_archive


def test_restore_erases_again_what_the_ledger_lists(
        personas: Personas, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    leaver = make_leaver(personas.school)
    check = Check.objects.create(school=personas.school, person=leaver, check_type="identity")
    backup = [Person.objects.get(pk=leaver.pk), Check.objects.get(pk=check.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        run_erasure(personas.school)
    assert not Person.objects.filter(pk=leaver.pk).exists()
    monkeypatch.setattr(restore_command, "restore_archive", _as_in_the_backup(backup))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("restore", "archive.skb", stdout=out)
    assert not Person.objects.filter(pk=leaver.pk).exists()
    assert not Check.objects.filter(pk=check.pk).exists()
    assert "1 erased records listed; 1 were in the backup and are erased again" in out.getvalue()
    assert Tombstone.objects.filter(subject_id=str(leaver.public_id)).exists()
    assert AuditEvent.objects.filter(action="erasure.reapplied").count() == 1
    assert len(list(read_ledger())) == 1  # re-applying adds no line


def test_restore_with_an_empty_ledger_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(restore_command, "restore_archive", _as_in_the_backup([]))
    out = io.StringIO()
    call_command("restore", "archive.skb", stdout=out)
    assert "lists nothing to erase again" in out.getvalue()


def test_a_missing_ledger_file_is_refused_before_restoring(tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", "archive.skb", "--ledger", str(tmp_path / "none.jsonl"))
