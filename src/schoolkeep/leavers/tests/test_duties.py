"""The leavers' duties: read live from the registers (a step done in a register is done
here), owned by the IT lead (accounts) or the business manager (the rest), linked to the
checklist, titled without a name, and counted in one query that agrees with the list."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from tests.personas import Personas

from schoolkeep.access.accounts.services import account_create
from schoolkeep.access.models import SystemAccount
from schoolkeep.assets.services import label_update, labels_resolve
from schoolkeep.duties.registry import provider_for
from schoolkeep.duties.types import HORIZON, DutyCounts, Owners
from schoolkeep.leavers import duties, selectors, services
from schoolkeep.leavers.models import Checklist, StepRecord
from schoolkeep.leavers.tests.records import make_asset, make_leaver, make_person
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_update
from schoolkeep.systems.services import system_create
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.roles import Role

Kind = StepRecord.Kind


def _now() -> datetime:
    return timezone.now()


def _duties(personas: Personas) -> list:
    now = _now()
    return duties.LeaverDuties().for_school(personas.school.pk, now=now, horizon=now + HORIZON)


def _counts(personas: Personas) -> DutyCounts:
    now = _now()
    return duties.LeaverDuties().counts([personas.school.pk, personas.other_school.pk],
                                        now=now, horizon=now + HORIZON).get(
        personas.school.pk, DutyCounts())


def _by_kind(found: list) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for duty in found:
        grouped.setdefault(duty.key.split(":", 1)[0], []).append(duty)
    return grouped


def test_the_provider_is_registered() -> None:
    assert isinstance(provider_for("leavers"), duties.LeaverDuties)


def test_a_leaver_raises_one_duty_per_register_fact(personas: Personas) -> None:
    leaver = make_leaver(personas)
    found = _by_kind(_duties(personas))
    assert sorted(found) == sorted([duties.ACCOUNT, duties.ASSET, duties.ADMINISTRATOR,
                                    duties.CYCLE_HOLDER])
    url = reverse("leavers:checklist-detail", args=[leaver.checklist.public_id])
    for kind, [duty] in found.items():
        assert duty.url == url and duty.permission == "leavers.view"
        assert duty.owner_role == (Role.IT_LEAD if kind == duties.ACCOUNT
                                   else Role.BUSINESS_MANAGER)
        assert duty.overdue and duty.due_at == leaver.person.leaving_date
        assert "Peter" not in duty.title and "Peter Gray" in duty.subject
    assert _counts(personas) == DutyCounts(overdue=4)


def test_a_step_done_in_a_register_or_marked_not_needed_ends_its_duty(
        personas: Personas) -> None:
    leaver = make_leaver(personas)
    SystemAccount.objects.filter(pk=leaver.account.pk).update(enabled=False,
                                                              disabled_on=timezone.localdate())
    services.step_record(checklist=leaver.checklist, kind=Kind.REPLACE_CYCLE_HOLDER,
                         subject_id=str(leaver.cycle.public_id),
                         actor=personas.business_manager, not_needed=True,
                         note="The cycle is being archived")
    assert sorted(_by_kind(_duties(personas))) == sorted([duties.ASSET, duties.ADMINISTRATOR])
    assert _counts(personas) == DutyCounts(overdue=2)


def test_a_leaver_later_than_the_horizon_raises_nothing_yet(personas: Personas) -> None:
    make_leaver(personas, leaves_on=timezone.localdate() + timedelta(days=30))
    assert _duties(personas) == [] and _counts(personas) == DutyCounts()


def test_a_leaver_within_the_horizon_is_due(personas: Personas) -> None:
    make_leaver(personas, leaves_on=timezone.localdate() + timedelta(days=3))
    assert {duty.status for duty in _duties(personas)} == {"due"}
    assert _counts(personas) == DutyCounts(due=4)


def test_without_a_checklist_the_duty_links_to_the_register(personas: Personas) -> None:
    leaver = make_leaver(personas)
    Checklist.objects.filter(pk=leaver.checklist.pk).delete()
    [account_duty] = _by_kind(_duties(personas))[duties.ACCOUNT]
    assert account_duty.url == reverse("access:account-detail",
                                       args=[leaver.account.public_id])
    assert account_duty.permission == "access.view"


def test_starters_and_movers(personas: Personas) -> None:
    today = timezone.localdate()
    starter = make_person(personas.school, "Daniel Price", start_date=today - timedelta(days=10))
    mover = make_person(personas.school, "Mo Mover", job_title="Teacher")
    # A mover's duty asks for a review of their accounts: Mo has one.
    account_create(school=personas.school, actor=None,
                   system=system_create(school=personas.school, actor=None, name="Email"),
                   username="mo", person=mover)
    person_update(person=mover, actor=None, version=mover.version, job_title="Head of year")
    found = _by_kind(_duties(personas))
    [moving] = found[duties.MOVER]
    assert moving.owner_role == Role.IT_LEAD and not moving.overdue
    assert "Teacher → Head of year" in moving.subject and "Mo" not in moving.title
    # Daniel has no account, but nothing calls for one yet: no duty.
    assert duties.STARTER not in found
    # His access label lets him enter an asset held in SIMS: an account is to be made.
    leaver = make_leaver(personas)
    Person.objects.filter(pk=starter.pk).update(user=personas.staff)
    membership = Membership.objects.get(school=personas.school, user=personas.staff)
    [label] = labels_resolve(school=personas.school, labels=["Teaching assistants"], actor=None)
    label_update(label=label, actor=None, label_text="Teaching assistants",
                 members=[membership])
    make_asset(personas.school, "Reading records", leaver.colleague,
               leaver.system).access_labels.add(label)
    [starting] = _by_kind(_duties(personas))[duties.STARTER]
    assert starting.owner_role == Role.IT_LEAD and starting.overdue
    assert "Daniel" not in starting.title and "Daniel Price" in starting.subject
    checklist = Checklist.objects.get(person=starter, kind=Checklist.Kind.STARTER)
    [step] = [s for s in selectors.outstanding_for(checklist) if s.kind == Kind.CREATE_ACCOUNT]
    assert step.subject_id == str(leaver.system.public_id)
    record = services.step_record(checklist=checklist, kind=Kind.CREATE_ACCOUNT,
                                  subject_id=step.subject_id, actor=personas.it_lead,
                                  not_needed=True, note="Reads SIMS reports on paper")
    assert duties.STARTER not in _by_kind(_duties(personas))
    record.delete()
    assert duties.STARTER in _by_kind(_duties(personas))
    account_create(school=personas.school, actor=None, system=leaver.system,
                   username="dprice", person=starter)
    assert duties.STARTER not in _by_kind(_duties(personas))
    assert _counts(personas) == DutyCounts(overdue=4, due=1)


def test_counts_are_one_query_for_many_schools(personas: Personas) -> None:
    make_leaver(personas)
    now = _now()
    ids = [personas.school.pk, personas.other_school.pk, *range(10_000, 10_050)]
    with CaptureQueriesContext(connection) as captured:
        duties.LeaverDuties().counts(ids, now=now, horizon=now + HORIZON)
    assert len(captured) == 1


@pytest.mark.parametrize("count", [3, 40])
def test_the_list_is_one_query_per_kind(personas: Personas, count: int,
                                        django_assert_num_queries) -> None:
    leaver = make_leaver(personas)
    today = timezone.localdate()
    for index in range(count - 1):
        person = make_person(personas.school, f"Leaver {index}")
        account_create(school=personas.school, actor=None, system=leaver.system,
                       username=f"l{index}", person=person)
        person_update(person=person, actor=None, version=person.version, leaving_date=today)
    now = _now()
    with django_assert_num_queries(6):
        found = duties.LeaverDuties().for_school(personas.school.pk, now=now,
                                                 horizon=now + HORIZON)
    assert len(_by_kind(found)[duties.ACCOUNT]) == count


def test_each_kind_counts_and_slices_its_sorted_list(personas: Personas) -> None:
    """The per-kind answers equal the full list: sorted, sliced in SQL, split by owner."""
    today = timezone.localdate()
    make_leaver(personas)
    make_leaver(personas, name="Lucy Later", system_name="FMS",
                leaves_on=today + timedelta(days=4))
    make_leaver(personas, name="Olly Older", system_name="USO",
                leaves_on=today - timedelta(days=9))
    provider = duties.LeaverDuties()
    now = _now()
    horizon = now + HORIZON
    whole = provider.for_school(personas.school.pk, now=now, horizon=horizon)
    it_lead = Owners(user_id=1, members=frozenset({1}), roles=frozenset({Role.IT_LEAD}),
                     is_siro=False)
    counts = provider.kind_counts(personas.school.pk, now=now, horizon=horizon, owners=it_lead)
    for kind in (duties.ACCOUNT, duties.ASSET, duties.ADMINISTRATOR, duties.CYCLE_HOLDER):
        listed = sorted((d for d in whole if d.key.startswith(f"{kind}:")),
                        key=lambda d: d.sort_key())
        assert len(listed) == 3
        mine = duties.OWNERS[kind] == Role.IT_LEAD
        assert provider.for_kind(personas.school.pk, kind, now=now, horizon=horizon,
                                 owners=it_lead, mine=mine, limit=2, offset=1) == listed[1:3]
        assert provider.for_kind(personas.school.pk, kind, now=now, horizon=horizon,
                                 owners=it_lead, mine=not mine) == []
        split = counts[kind]
        assert (split.mine if mine else split.others) == DutyCounts(overdue=2, due=1)
