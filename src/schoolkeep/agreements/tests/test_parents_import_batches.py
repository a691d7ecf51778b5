"""The parents import reads, matches and writes a batch of rows at a time, so that what it
holds does not grow with the file: batches of any size give the same parents, result and
audit events; a problem in a later batch still means nothing is written, with every problem
named (those found by matching with the record too)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from tests.personas import Personas

from schoolkeep.agreements.aups.models import Parent
from schoolkeep.agreements.parents import imports
from schoolkeep.agreements.parents.imports import parents_import
from schoolkeep.agreements.parents.services import parent_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.verify import audit_verify

ROWS = [f"Parent {n},{f'p{n}@example.com' if n % 3 else ''},Year {n % 6}" for n in range(12)]


def write(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "parents.csv"
    path.write_text("Name,Email,Year groups or classes\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return path


def run(personas: Personas, path: Path) -> Any:
    return parents_import(path, school=personas.school, actor=personas.siro)


def imported(personas: Personas, path: Path, batch: int,
             monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    """What importing ``path`` in batches of ``batch`` rows writes and reports; undone."""
    monkeypatch.setattr(imports, "BATCH", batch)
    with transaction.atomic():
        result = run(personas, path)
        assert result.ok and result.written, result.problems
        parents = sorted(Parent.objects.filter(school=personas.school).values_list(
            "full_name", "name_key", "email", "email_key", "classes", "version"))
        events = sorted(AuditEvent.objects.filter(school=personas.school).values_list(
            "action", "target_label", "changes"), key=repr)
        state = (parents, result.summary(), result.preview, events, audit_verify().ok)
        transaction.set_rollback(True)
    return state


def test_batches_of_any_size_write_and_report_the_same(personas: Personas, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    parent_create(school=personas.school, actor=None, full_name="Parent 0", classes="Old")
    parent_create(school=personas.school, actor=None, full_name="Someone",
                  email="p1@example.com")
    path = write(tmp_path, ROWS)

    whole = imported(personas, path, 500, monkeypatch)

    assert len(whole[0]) == 12 and whole[4] is True  # "Someone" is Parent 1 now
    assert "10 parents added, 2 parents updated" in whole[1]
    for batch in (1, 2, 5):
        assert imported(personas, path, batch, monkeypatch) == whole


def test_a_problem_in_a_later_batch_writes_nothing_and_every_problem_is_named(
        personas: Personas, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(imports, "BATCH", 2)
    for _ in range(2):
        parent_create(school=personas.school, actor=None, full_name="Hal Twin")
    before = (Parent.objects.count(), AuditEvent.objects.count())
    rows = [*ROWS, "Another,p2@example.com,", "Hal Twin,,", "Parent 0,,Year 9"]

    result = run(personas, write(tmp_path, rows))

    assert not result.ok and not result.written
    assert [(p.row, p.column) for p in result.problems] == [
        (14, "Email"), (15, "Email"), (16, "Name")]
    assert (result.added, result.updated, result.preview) == (0, 0, [])
    assert (Parent.objects.count(), AuditEvent.objects.count()) == before
