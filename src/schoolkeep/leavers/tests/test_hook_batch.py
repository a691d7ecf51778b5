"""The people hook handles one write's changes together (an import chunk at most): the
same checklists and audit events as one change at a time, with a number of queries that does
not grow with the chunk."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts.services import account_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.verify import audit_verify
from schoolkeep.leavers import services
from schoolkeep.leavers.models import Checklist
from schoolkeep.leavers.tests.records import make_person
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.people.hooks import PersonChange
from schoolkeep.people.models import Person
from schoolkeep.systems.services import system_create


def _changes(people: list[Person], **values: object) -> list[PersonChange]:
    """What an import reports for people whose leaving date, start date or post it set."""
    fields = {"created": False, "old_leaving_date": None, "new_leaving_date": None,
              "old_start_date": None, "new_start_date": None, "old_job_title": "",
              "new_job_title": "", **values}
    return [PersonChange(person_id=p.pk, school_id=p.school_id, **fields)  # type: ignore[arg-type]
            for p in people]


def _chunk(personas: Personas, size: int, tag: str) -> list[Person]:
    people = [make_person(personas.school, f"Leaver {tag} {n}", job_title="Teacher")
              for n in range(size)]
    leaving = timezone.localdate() + timedelta(days=10)
    Person.objects.filter(pk__in=[p.pk for p in people]).update(leaving_date=leaving)
    return people


def test_the_queries_of_a_chunk_do_not_grow_with_its_people(personas: Personas) -> None:
    today = timezone.localdate()
    leaving = today + timedelta(days=10)
    counts = []
    for size in (1, 3, 40):  # the first makes the school's audit chain: not counted
        people = _chunk(personas, size, str(size))
        changes = (_changes(people, new_leaving_date=leaving)
                   + _changes(people, old_job_title="Teacher", new_job_title="Librarian"))
        with CaptureQueriesContext(connection) as queries:
            services.on_people_changed(school=personas.school, changes=changes,
                                       actor=personas.hr_admin)
        counts.append(len(queries))
    assert counts[1] == counts[2]
    assert Checklist.objects.filter(kind=Checklist.Kind.LEAVER).count() == 44
    assert Checklist.objects.filter(kind=Checklist.Kind.MOVER).count() == 44
    assert AuditEvent.objects.filter(action="leavers.checklist.opened").count() == 88
    assert audit_verify().ok

    # Moving and clearing the dates of a whole chunk: the same fixed number again.
    people = list(Person.objects.filter(full_name__startswith="Leaver 40 "))
    later = leaving + timedelta(days=5)
    moved = []
    for batch in (people[:3], people):
        with CaptureQueriesContext(connection) as queries:
            services.on_people_changed(
                school=personas.school, actor=None,
                changes=_changes(batch, old_leaving_date=leaving, new_leaving_date=later))
        moved.append(len(queries))
        leaving, later = later, later + timedelta(days=5)
    assert moved[0] == moved[1]
    assert set(Checklist.objects.filter(person__in=people, kind="leaver")
               .values_list("effective_on", flat=True)) == {leaving}
    services.on_people_changed(school=personas.school, actor=None,
                               changes=_changes(people, old_leaving_date=leaving))
    assert not Checklist.objects.filter(person__in=people, kind="leaver",
                                        closed_at__isnull=True).exists()
    assert AuditEvent.objects.filter(action="leavers.checklist.closed").count() == 40
    assert audit_verify().ok


def test_a_chunk_raises_forced_changes_only_for_leavers_of_shared_accounts(
        personas: Personas) -> None:
    school = personas.school
    leaving = timezone.localdate() + timedelta(days=7)
    user, responsible, plain = (make_person(school, name)
                                for name in ("Sam Shared", "Rita Responsible", "Pat Plain"))
    system = system_create(school=school, actor=None, name="SIMS")
    office = account_create(school=school, actor=None, system=system, username="office",
                            display_name="Office", is_shared=True, shared_reason="Front desk",
                            responsible_person=responsible, shared_with=[user])
    Person.objects.filter(pk__in=[user.pk, responsible.pk, plain.pk]).update(
        leaving_date=leaving)

    touched = services.on_people_changed(
        school=school, actor=None,
        changes=_changes([user, responsible, plain], new_leaving_date=leaving))

    assert touched is None
    assert Checklist.objects.filter(kind="leaver").count() == 3
    assert sorted(ForcedChange.objects.filter(account=office)
                  .values_list("leaver__full_name", flat=True)) == ["Rita Responsible",
                                                                    "Sam Shared"]
    assert set(ForcedChange.objects.values_list("due_on", flat=True)) == {leaving}


def test_a_person_heard_twice_in_a_chunk_ends_as_the_last_change_says(
        personas: Personas) -> None:
    person = make_person(personas.school, "Twice Told")
    leaving = timezone.localdate() + timedelta(days=3)
    [opened] = _changes([person], new_leaving_date=leaving)
    [cleared] = _changes([person], old_leaving_date=leaving)

    assert services.checklists_for_changes(school=personas.school, actor=None,
                                           changes=[opened, cleared])
    assert not Checklist.objects.filter(person=person).exists()
    assert not AuditEvent.objects.filter(action__startswith="leavers.").exists()

    # One that makes no checklist (a person added with no dates) costs no query at all.
    [added] = _changes([person], created=True)
    with CaptureQueriesContext(connection) as queries:
        assert services.checklists_for_changes(school=personas.school, actor=None,
                                               changes=[added]) == []
    assert len(queries) == 0
