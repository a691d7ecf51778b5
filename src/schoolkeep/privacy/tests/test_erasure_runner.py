"""The erasure run: what is due, what waits and why, batches, the destruction log, the
audit trail, tombstones and the ledger; the tick runs it once a day."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db.models import ProtectedError
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties.scheduler import daily_slot
from schoolkeep.leavers.models import Checklist
from schoolkeep.people import services as people_services
from schoolkeep.people.models import CertificateCopy, Check, Person
from schoolkeep.people.services import copies_dir
from schoolkeep.privacy.destruction.models import Destruction
from schoolkeep.privacy.erasure import registry, ticks
from schoolkeep.privacy.erasure.ledger import ledger_path, read_ledger
from schoolkeep.privacy.erasure.models import ErasureHold, HoldReason, Tombstone
from schoolkeep.privacy.erasure.runner import PROTECTED, run_erasure
from schoolkeep.privacy.erasure.services import hold_add, hold_release
from schoolkeep.privacy.schedule.keys import OWN_LEAVERS
from schoolkeep.privacy.tests.erasure_support import (  # noqa: F401
    add_dbs,
    make_leaver,
    only_people,
    years_ago,
)

pytestmark = pytest.mark.usefixtures("only_people")


def leavers_of(report, school) -> list[int]:
    return [item.pk for each in report.schools if each.school_id == school.pk
            for item in each.due if item.model_label == "people.person"]


def waiting_of(report, school) -> dict[int, str]:
    return {w.item.pk: w.reason for each in report.schools if each.school_id == school.pk
            for w in each.waiting if w.item.model_label == "people.person"}


def test_a_dry_run_lists_a_leaver_past_the_period_and_changes_nothing(
        personas: Personas) -> None:
    old = make_leaver(personas.school, left=years_ago(6, days=1))
    make_leaver(personas.school, name="Recent Leaver", left=years_ago(5, months=11))
    people_services.person_create(school=personas.school, actor=None,
                                  full_name="Still Here", kind="teaching")
    events = AuditEvent.objects.count()
    report = run_erasure(personas.school, dry_run=True)
    assert leavers_of(report, personas.school) == [old.pk]
    item = report.schools[0].due[0]
    assert item.description.startswith("A leaver who left on ")
    assert "Quince" not in item.description
    assert Person.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.count() == events
    assert not Destruction.objects.exists() and not Tombstone.objects.exists()
    assert report.erased_count == 0


def test_the_run_erases_the_leaver_their_checks_and_copies(
        personas: Personas, django_capture_on_commit_callbacks) -> None:
    leaver = make_leaver(personas.school)
    with django_capture_on_commit_callbacks(execute=True):
        check, copy = add_dbs(leaver)
    kept = make_leaver(personas.school, name="Recent Leaver", left=years_ago(1))
    path = copies_dir() / copy.stored_name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        report = run_erasure(personas.school)
    assert report.erased_count == 1
    assert not Person.objects.filter(pk=leaver.pk).exists()
    assert not Check.objects.filter(pk=check.pk).exists()
    assert not CertificateCopy.objects.filter(pk=copy.pk).exists()
    assert not path.exists()
    assert Person.objects.filter(pk=kept.pk).exists()
    tomb = Tombstone.objects.get()
    assert (tomb.subject_type, tomb.subject_id, tomb.record_type_key, tomb.school_id) == (
        "people.person", str(leaver.public_id), OWN_LEAVERS, personas.school.pk)
    event = AuditEvent.objects.get(action="erasure.erased")
    assert (event.target_type, event.target_id) == ("people.person", str(leaver.public_id))
    assert "Quince" not in event.target_label + json.dumps(event.changes)
    assert set(event.changes) == {"record_type", "period_ended_on"}
    destruction = Destruction.objects.get()
    assert (destruction.method, destruction.source, destruction.quantity) == (
        "schoolkeep_erasure", "schoolkeep", 1)
    assert destruction.record_type.key == OWN_LEAVERS
    lines = list(read_ledger())
    assert [(line.model_label, line.pk, line.subject_id) for line in lines] == [
        ("people.person", leaver.pk, str(leaver.public_id))]
    assert "Quince" not in ledger_path().read_text()


def test_batches_erase_everyone_and_log_an_entry_with_each_batch(
        personas: Personas, django_capture_on_commit_callbacks) -> None:
    people = [make_leaver(personas.school, name=f"Leaver {n}", left=years_ago(7, days=n))
              for n in range(5)]
    with django_capture_on_commit_callbacks(execute=True):
        report = run_erasure(personas.school, batch_size=2)
    assert sorted(leavers_of(report, personas.school)) == sorted(p.pk for p in people)
    assert not Person.objects.filter(pk__in=[p.pk for p in people]).exists()
    assert sorted(Destruction.objects.values_list("quantity", flat=True)) == [1, 2, 2]
    assert AuditEvent.objects.filter(action="erasure.erased").count() == 5
    assert len(list(read_ledger())) == 5


def test_the_dpos_hold_and_an_open_checklist_make_a_leaver_wait(personas: Personas) -> None:
    held = make_leaver(personas.school, name="Held Person")
    hold = hold_add(school=personas.school, actor=personas.dpo, person=held,
                    reason=HoldReason.ALLEGATION, note="Case 14")
    open_list = make_leaver(personas.school, name="Open Checklist")
    Checklist.objects.create(school=personas.school, person=open_list,
                             kind=Checklist.Kind.LEAVER, effective_on=open_list.leaving_date,
                             created_by_label="test")
    report = run_erasure(personas.school)
    waits = waiting_of(report, personas.school)
    assert waits == {held.pk: "Held by the DPO: an allegation about a member of staff.",
                     open_list.pk: "Their leaver checklist is not finished yet."}
    assert Person.objects.filter(pk__in=[held.pk, open_list.pk]).count() == 2
    hold_release(hold=hold, actor=personas.dpo)
    report = run_erasure(personas.school)
    assert leavers_of(report, personas.school) == [held.pk]
    assert not ErasureHold.objects.exists()  # went with the person


def test_a_hold_until_a_past_day_no_longer_holds(personas: Personas) -> None:
    held = make_leaver(personas.school)
    ErasureHold.objects.create(school=personas.school, person=held,
                               reason=HoldReason.LITIGATION, until=years_ago(0, days=1))
    assert leavers_of(run_erasure(personas.school, dry_run=True), personas.school) == [held.pk]


class _Refusing:
    """A provider whose erasure of one person is refused by the database."""

    name = "test.refusing"
    covers: frozenset[str] = frozenset()

    def __init__(self, refused: int) -> None:
        self.refused = refused

    def due(self, school, *, today, limit):
        return []

    def holds(self, school, items):
        return {}

    def erase(self, school, items, *, now):
        return 0

    def erase_person_data(self, school, person_ids, *, now):
        if self.refused in person_ids:
            raise ProtectedError("protected", set())
        return 0


def test_a_person_the_database_protects_waits_and_the_others_are_erased(
        personas: Personas) -> None:
    people = [make_leaver(personas.school, name=f"Leaver {n}") for n in range(4)]
    registry.register_provider(_Refusing(people[2].pk))  # undone by only_people
    report = run_erasure(personas.school)
    assert sorted(leavers_of(report, personas.school)) == sorted(
        p.pk for p in people if p is not people[2])
    assert waiting_of(report, personas.school) == {people[2].pk: PROTECTED}
    assert Person.objects.filter(pk=people[2].pk).exists()
    assert sum(Destruction.objects.values_list("quantity", flat=True)) == 3


def test_another_schools_leavers_are_left_alone(personas: Personas) -> None:
    theirs = make_leaver(personas.other_school)
    ours = make_leaver(personas.school)
    report = run_erasure(personas.school)
    assert leavers_of(report, personas.school) == [ours.pk]
    assert Person.objects.filter(pk=theirs.pk).exists()


def test_the_tick_runs_the_erasure_once_a_day(personas: Personas) -> None:
    make_leaver(personas.school)
    second = make_leaver(personas.school, name="Second")
    today_slot = daily_slot(timezone.now(), ticks.RUN_AT)  # never in the future
    yesterday = today_slot - timedelta(days=1)
    assert ticks.daily(yesterday) == 2
    assert not Person.objects.filter(pk=second.pk).exists()
    make_leaver(personas.school, name="Third")
    assert ticks.daily(yesterday + timedelta(minutes=10)) == 0  # the day is taken
    assert ticks.daily(today_slot) == 1


class _Relisting:
    """A provider that keeps the rows it erases (as the breach log keeps an incident's row)
    and, wrongly, lists them again: the run must still erase each once and end."""

    name = "test.relisting"
    covers: frozenset[str] = frozenset()

    def __init__(self, people: list[Person]) -> None:
        self.items = [registry.DueItem(provider=self.name, record_type_key=OWN_LEAVERS,
                                       model_label="people.person", pk=p.pk,
                                       ends_on=p.leaving_date, description="A kept row")
                      for p in people]
        self.erased: list[int] = []

    def due(self, school, *, today, limit):
        return self.items[:limit]

    def holds(self, school, items):
        return {}

    def erase(self, school, items, *, now):
        self.erased += [i.pk for i in items]
        return len(items)

    def erase_person_data(self, school, person_ids, *, now):
        return 0


def test_a_provider_listing_erased_rows_again_is_erased_once_each(
        personas: Personas, monkeypatch: pytest.MonkeyPatch) -> None:
    kept = [people_services.person_create(school=personas.school, actor=None,
                                          full_name=f"Kept {n}", kind="teaching",
                                          leaving_date=years_ago(1))
            for n in range(5)]
    relisting = _Relisting(kept)
    monkeypatch.setattr(registry, "_providers", {relisting.name: relisting})
    report = run_erasure(personas.school, batch_size=2)
    assert sorted(relisting.erased) == sorted(p.pk for p in kept)
    assert report.erased_count == 5
