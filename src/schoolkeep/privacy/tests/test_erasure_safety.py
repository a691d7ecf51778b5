"""The erasure's safety: the ledger re-applied only to the very records it lists and only
once, holds asked again inside the erasure and on the run's date, the DPO's hold on any
record, a destruction log entry with each batch, and a failing provider or school that does
not stop the night's run."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent, AuditSubjectKey
from schoolkeep.leavers.models import Checklist
from schoolkeep.people.erasure import PeopleProvider
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.privacy.destruction.models import Destruction
from schoolkeep.privacy.erasure import registry
from schoolkeep.privacy.erasure.ledger import read_ledger
from schoolkeep.privacy.erasure.models import ErasureHold, HoldReason, Tombstone
from schoolkeep.privacy.erasure.reapply import reapply_ledger
from schoolkeep.privacy.erasure.runner import erase_items, run_erasure
from schoolkeep.privacy.erasure.services import hold_record, hold_release
from schoolkeep.privacy.schedule.keys import OWN_LEAVERS
from schoolkeep.privacy.tests.erasure_support import (  # noqa: F401
    make_leaver,
    only_people,
    years_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_people")]


class _Keeping:
    """A provider that keeps the rows it erases (as the breach log keeps an incident's):
    its staff records left years ago are due; erasing one blanks its job title."""

    name = "test.keeping"
    covers: frozenset[str] = frozenset()

    def __init__(self, people: list[Person]) -> None:
        self.ids = [p.pk for p in people]

    def due(self, school, *, today, limit):
        rows = Person.objects.filter(pk__in=self.ids).exclude(job_title="").order_by("pk")
        return [registry.DueItem(provider=self.name, record_type_key=OWN_LEAVERS,
                                 model_label="people.person", pk=p.pk, ends_on=p.leaving_date,
                                 description="A kept row") for p in rows[:limit]]

    def holds(self, school, items):
        return {}

    def erase(self, school, items, *, now):
        return Person.objects.filter(pk__in=[i.pk for i in items]).update(job_title="")

    def erase_person_data(self, school, person_ids, *, now):
        return 0


def _kept(school: Any, n: int = 1) -> list[Person]:
    return [Person.objects.create(school=school, full_name=f"Kept {i}", name_key=f"kept {i}",
                                  kind=PersonKind.SUPPORT, job_title="Cook",
                                  leaving_date=years_ago(9)) for i in range(n)]


def test_reapplying_skips_a_new_person_who_has_an_erased_persons_pk(
        personas: Personas, django_capture_on_commit_callbacks: Any) -> None:
    leaver = make_leaver(personas.school)
    pk = leaver.pk
    with django_capture_on_commit_callbacks(execute=True):
        run_erasure(personas.school)
    Tombstone.objects.all().delete()  # a restore of a backup older than the erasure
    newcomer = Person.objects.create(pk=pk, school=personas.school, full_name="New Teacher",
                                     name_key="new teacher", kind=PersonKind.TEACHING)
    with django_capture_on_commit_callbacks(execute=True):
        result = reapply_ledger()
    assert result.erased_again == 0
    assert Person.objects.filter(pk=newcomer.pk, full_name="New Teacher").exists()


def test_reapplying_twice_erases_a_kept_record_once(
        personas: Personas, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    kept = _kept(personas.school)
    keeping = _Keeping(kept)
    monkeypatch.setattr(registry, "_providers", {keeping.name: keeping})
    with django_capture_on_commit_callbacks(execute=True):
        assert run_erasure(personas.school).erased_count == 1
    lines = len(list(read_ledger()))
    with django_capture_on_commit_callbacks(execute=True):
        first, second = reapply_ledger(), reapply_ledger()
    assert (first.erased_again, second.erased_again) == (0, 0)
    assert len(list(read_ledger())) == lines == 1
    assert not AuditEvent.objects.filter(action="erasure.reapplied").exists()


def test_two_providers_listing_one_record_erase_it_once(
        personas: Personas, monkeypatch: pytest.MonkeyPatch,
        django_capture_on_commit_callbacks: Any) -> None:
    kept = _kept(personas.school)
    first, second = _Keeping(kept), _Keeping(kept)
    second.name = "test.keeping-too"
    # The second lists the record even after the first blanked it.
    monkeypatch.setattr(second, "due", lambda school, *, today, limit: [
        registry.DueItem(provider=second.name, record_type_key=OWN_LEAVERS,
                         model_label="people.person", pk=kept[0].pk,
                         ends_on=kept[0].leaving_date, description="A kept row")])
    monkeypatch.setattr(registry, "_providers", {first.name: first, second.name: second})
    with django_capture_on_commit_callbacks(execute=True):
        run_erasure(personas.school)
    assert len(list(read_ledger())) == 1
    assert AuditEvent.objects.filter(action="erasure.erased").count() == 1


def test_a_trust_administrator_keeps_their_name_when_their_leaver_record_goes(
        personas: Personas) -> None:
    from schoolkeep.audit.services import audit_record

    admin = personas.trust_admin  # a member of the trust, of no school
    Person.objects.create(school=personas.school, full_name="Trust Admin",
                          name_key="trust admin", kind=PersonKind.SUPPORT,
                          leaving_date=years_ago(9), user=admin)
    audit_record(action="people.settings.updated", school=personas.school, actor=admin,
                 target_label="Settings", changes={})
    run_erasure(personas.school)
    assert not AuditSubjectKey.objects.filter(
        subject_type="accounts.user", subject_id=str(admin.pk),
        erased_at__isnull=False).exists()


def test_holds_are_asked_again_inside_the_erasure(personas: Personas) -> None:
    leaver = make_leaver(personas.school)
    item = PeopleProvider().due(personas.school, today=timezone.localdate(), limit=5)[0]
    # The checklist is opened after the run listed the leaver and asked their holds.
    Checklist.objects.create(school=personas.school, person=leaver,
                             kind=Checklist.Kind.LEAVER, effective_on=leaver.leaving_date,
                             created_by_label="test")
    erased, held = erase_items(PeopleProvider(), personas.school, [item],
                               now=timezone.now(), today=timezone.localdate())
    assert erased == [] and held == {item: "Their leaver checklist is not finished yet."}
    assert Person.objects.filter(pk=leaver.pk).exists()
    assert not Tombstone.objects.exists() and not Destruction.objects.exists()


def test_a_hold_until_a_day_ends_on_the_runs_date(personas: Personas) -> None:
    leaver = make_leaver(personas.school)
    ErasureHold.objects.create(school=personas.school, person=leaver,
                               reason=HoldReason.LITIGATION,
                               until=timezone.localdate() + timedelta(days=1))
    report = run_erasure(personas.school, dry_run=True,
                         today=timezone.localdate() + timedelta(days=2))
    assert [i.pk for s in report.schools for i in s.due] == [leaver.pk]


def test_the_dpo_holds_a_record_that_is_not_a_person(
        personas: Personas, monkeypatch: pytest.MonkeyPatch, login: Any) -> None:
    kept = _kept(personas.school, 2)
    keeping = _Keeping(kept)
    monkeypatch.setattr(registry, "_providers", {keeping.name: keeping})
    monkeypatch.setattr(keeping, "covers", frozenset({"people.person"}))
    response = login(personas.dpo).post(reverse("erasure:hold-record"), {
        "subject_type": "people.person", "subject_id": str(kept[0].pk),
        "reason": HoldReason.LITIGATION})
    assert response.status_code == 302
    hold = ErasureHold.objects.get()
    assert (hold.subject_type, hold.subject_id, hold.reason) == (
        "people.person", str(kept[0].pk), HoldReason.LITIGATION)
    assert AuditEvent.objects.filter(action="erasure.hold-added").count() == 1
    report = run_erasure(personas.school)  # the provider itself knows no hold
    assert [i.pk for s in report.schools for i in s.due] == [kept[1].pk]
    assert [(w.item.pk, w.reason) for s in report.schools for w in s.waiting] == [
        (kept[0].pk, "Held by the DPO: litigation or a claim.")]
    assert Person.objects.get(pk=kept[0].pk).job_title == "Cook"
    hold_release(hold=hold, actor=personas.dpo)
    assert run_erasure(personas.school).erased_count == 1


def test_holding_another_schools_record_is_refused(personas: Personas) -> None:
    from schoolkeep.lib.errors import DomainError

    theirs = _kept(personas.other_school)[0]
    with pytest.raises(DomainError) as refused:
        hold_record(school=personas.school, actor=personas.dpo, subject_type="people.person",
                    subject_id=str(theirs.pk), reason=HoldReason.OTHER)
    assert refused.value.field == "record"
    with pytest.raises(DomainError):
        hold_record(school=personas.school, actor=personas.dpo,
                    subject_type="tenancy.school", subject_id="1", reason=HoldReason.OTHER)
    assert not ErasureHold.objects.exists()


class _Failing:
    """A provider that fails: in its listing, or while erasing a given person."""

    covers: frozenset[str] = frozenset()

    def __init__(self, name: str, *, in_due: bool = False, on_person: int = 0) -> None:
        self.name, self.in_due, self.on_person = name, in_due, on_person

    def due(self, school, *, today, limit):
        if self.in_due:
            raise RuntimeError("the provider's listing failed")
        return []

    def holds(self, school, items):
        return {}

    def erase(self, school, items, *, now):
        return 0

    def erase_person_data(self, school, person_ids, *, now):
        if self.on_person in person_ids:
            raise RuntimeError("the provider's erasure failed")
        return 0


def test_a_failing_provider_does_not_stop_the_run_and_each_batch_is_logged(
        personas: Personas, caplog: pytest.LogCaptureFixture) -> None:
    people = [make_leaver(personas.school, name=f"Leaver {n}", left=years_ago(9, days=n))
              for n in range(3)]
    people.sort(key=lambda p: (p.leaving_date, p.pk))
    theirs = make_leaver(personas.other_school)
    # Listed first, fails; then the people provider fails on its second batch.
    registry._providers = {"broken": _Failing("broken", in_due=True),
                           **registry._providers,
                           "breaking": _Failing("breaking", on_person=people[2].pk)}
    report = run_erasure(batch_size=2)
    assert report.erased_count == 3  # two here, one in the other school
    assert not Person.objects.filter(pk__in=[people[0].pk, people[1].pk, theirs.pk]).exists()
    assert Person.objects.filter(pk=people[2].pk).exists()
    assert sorted(Destruction.objects.values_list("school_id", "quantity")) == sorted(
        [(personas.school.pk, 2), (personas.other_school.pk, 1)])
    failures = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(failures) == 3 and all(r.exc_info for r in failures)  # broken twice
    assert all("Leaver" not in r.getMessage() for r in failures)
