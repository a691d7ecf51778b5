"""``schoolkeep retention [--dry-run] [--school SLUG]``: lists without names, erases
without --dry-run, refuses an unknown school."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.personas import Personas

from schoolkeep.people.models import Person
from schoolkeep.privacy.erasure.models import ErasureHold, HoldReason
from schoolkeep.privacy.tests.erasure_support import (  # noqa: F401
    make_leaver,
    only_people,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_people")]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_the_dry_run_lists_what_would_be_erased_and_what_waits(personas: Personas) -> None:
    due = make_leaver(personas.school)
    held = make_leaver(personas.school, name="Held Person")
    ErasureHold.objects.create(school=personas.school, person=held,
                               reason=HoldReason.LITIGATION)
    text = run("--dry-run", "--school", personas.school.slug)
    assert "Would erase: A leaver who left on" in text
    assert "Waits: A leaver who left on" in text and "litigation or a claim" in text
    assert "Would erase 1 record; 1 waits (dry run: nothing was changed)." in text
    assert "Quince" not in text and "Held Person" not in text
    assert Person.objects.filter(pk__in=[due.pk, held.pk]).count() == 2


def test_without_dry_run_it_erases(personas: Personas,
                                   django_capture_on_commit_callbacks: Any) -> None:
    due = make_leaver(personas.school)
    with django_capture_on_commit_callbacks(execute=True):
        text = run("--school", personas.school.slug)
    assert "Erased 1 record; 0 wait." in text
    assert not Person.objects.filter(pk=due.pk).exists()


def test_an_unknown_school_is_refused() -> None:
    with pytest.raises(CommandError, match="No school has the short name 'nowhere'"):
        run("--dry-run", "--school", "nowhere")
