"""The duties of DPIAs: required and not done (a DPIA that says so, and an unscreened asset
with special category or children's data), due for review, and the ICO's prior consultation
when a high residual risk remains; owners and their fallbacks; titles that name nothing;
counts that agree with the lists; one query for the counts of 3 and 40 schools."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.assets.models import Asset, AssetGroup
from schoolkeep.duties import registry
from schoolkeep.duties.selectors import owners_for
from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person
from schoolkeep.privacy.dpias import services
from schoolkeep.privacy.dpias.duties import ICO, REQUIRED, REVIEW, provider
from schoolkeep.privacy.dpias.models import Dpia, DpiaRisk, DpiaState
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.roles import Role

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)
UNTIL = NOW + timedelta(days=14)
_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def asset(school: School, *, owner: Person | None = None, added: int = -30,
          **fields: Any) -> Asset:
    group, _ = AssetGroup.objects.get_or_create(school=school, name_key="pupil data",
                                                defaults={"name": "Pupil data"})
    name = fields.pop("name", f"Secret asset {next(_numbers)}")
    made = Asset.objects.create(school=school, group=group, name=name, name_key=fold(name),
                                owner_person=owner, **fields)
    Asset.objects.filter(pk=made.pk).update(created_at=NOW + timedelta(days=added))
    return made


def dpia(school: School, *, of: Asset | None = None, **fields: Any) -> Dpia:
    values: dict[str, Any] = {"project_name": "" if of else "New app"}
    values.update(fields)
    made = Dpia.objects.create(school=school, asset=of, **values)
    Dpia.objects.filter(pk=made.pk).update(created_at=NOW - timedelta(days=60))
    return made


def required(school: School, *, of: Asset | None = None, screened: int = -5,
             **fields: Any) -> Dpia:
    fields.setdefault("state", DpiaState.IN_PROGRESS)
    return dpia(school, of=of, screening_required=True, screened_on=days(screened), **fields)


def signed_off(school: School, *, of: Asset | None = None, review: int | None = 200,
               **fields: Any) -> Dpia:
    return required(school, of=of, signed_off_on=days(-100), dpo_advice_on=days(-110),
                    review_on=None if review is None else days(review),
                    state=DpiaState.SIGNED_OFF, **fields)


def risk(of: Dpia, residual: tuple[int, int] | None) -> DpiaRisk:
    l_, s_ = residual if residual else (None, None)
    return DpiaRisk.objects.create(dpia=of, description="Seen by the wrong people",
                                   likelihood=3, severity=3, residual_likelihood=l_,
                                   residual_severity=s_)


def owner(school: School, user: Any = None, **fields: Any) -> Person:
    name = f"Owner {next(_numbers)}"
    return Person.objects.create(school=school, full_name=name, name_key=fold(name),
                                 kind="support", user=user, **fields)


def listed(school: School, kind: str | None = None) -> list[Any]:
    found = provider.for_school(school.pk, now=NOW, horizon=UNTIL)
    return [duty for duty in found if kind is None or duty.key.startswith(kind + ":")]


# --- required and not done --------------------------------------------------------------------


def test_a_required_dpia_not_signed_off_is_the_asset_owners_duty(personas: Personas) -> None:
    held = asset(personas.school, owner=owner(personas.school, personas.iao))
    made = required(personas.school, of=held, screened=-5)
    [duty] = listed(personas.school, REQUIRED)
    assert duty.key == f"{REQUIRED}:{made.public_id}"
    assert duty.owner_user_id == personas.iao.pk and duty.owner_role is None
    assert duty.due_at == days(-5) and duty.status == OVERDUE
    assert duty.subject == f"DPIA: {held.name}"
    assert held.name not in duty.title


def test_without_an_owner_at_the_school_it_falls_to_the_dpo(personas: Personas) -> None:
    left = owner(personas.school, personas.iao, leaving_date=days(-1))
    required(personas.school, of=asset(personas.school, owner=left))
    required(personas.school)  # a project: no owner in Schoolkeep
    duties = listed(personas.school, REQUIRED)
    assert len(duties) == 2
    assert {(d.owner_user_id, d.owner_role) for d in duties} == {(None, Role.DPO)}


def test_signed_off_not_required_or_archived_raise_nothing(personas: Personas) -> None:
    signed_off(personas.school, of=asset(personas.school, children_data=True))
    dpia(personas.school, of=asset(personas.school, special_category_data=True),
         screening_required=False, screened_on=days(-3), state=DpiaState.NOT_REQUIRED)
    required(personas.school, archived_at=NOW)
    required(personas.school, ico_consulted_on=days(-7))  # waiting for the ICO's answer
    gone = asset(personas.school, archived_at=NOW)
    required(personas.school, of=gone)
    assert listed(personas.school, REQUIRED) == []


def test_an_unscreened_asset_with_childrens_or_special_data_asks_for_screening(
        personas: Personas) -> None:
    children = asset(personas.school, children_data=True, added=-10, name="Reading records")
    special = asset(personas.school, special_category_data=True, added=0)
    half = asset(personas.school, special_category_data=True, added=-20)
    dpia(personas.school, of=half)  # started, screening not finished
    asset(personas.school, added=-10)  # neither: no duty
    duties = {duty.key: duty for duty in listed(personas.school, REQUIRED)}
    assert set(duties) == {f"{REQUIRED}:asset:{a.public_id}" for a in (children, special,
                                                                        half)}
    first = duties[f"{REQUIRED}:asset:{children.public_id}"]
    assert first.due_at == days(-10) and first.status == OVERDUE
    assert first.title == "Screen an information asset for a DPIA"
    assert first.subject == "Reading records"
    assert first.url.endswith(f"?asset={children.public_id}") or first.url == ""
    assert duties[f"{REQUIRED}:asset:{special.public_id}"].status == DUE


def test_an_asset_whose_dpia_is_started_links_to_that_dpias_screening(
        personas: Personas) -> None:
    started = asset(personas.school, children_data=True, name="Pupil photos")
    made = services.dpia_start(school=personas.school, actor=None, asset=started)
    fresh = asset(personas.school, children_data=True, name="Reading records")
    duties = {duty.subject: duty for duty in listed(personas.school, REQUIRED)}
    assert duties["Pupil photos"].url == reverse("dpias:dpia-screening",
                                                 args=[made.public_id])
    assert duties["Reading records"].url == (f"{reverse('dpias:dpia-start')}"
                                             f"?asset={fresh.public_id}")


def test_a_dpia_of_an_archived_system_raises_nothing(personas: Personas) -> None:
    old = System.objects.create(school=personas.school, name="Old MIS", name_key="old mis")
    kept = System.objects.create(school=personas.school, name="New MIS", name_key="new mis")
    required(personas.school, system=old, project_name="")
    made = required(personas.school, system=kept, project_name="")
    System.objects.filter(pk=old.pk).update(archived_at=NOW)
    assert [d.key for d in listed(personas.school)] == [f"{REQUIRED}:{made.public_id}"]
    assert provider.counts([personas.school.pk], now=NOW, horizon=UNTIL)[
        personas.school.pk].total == 1


def test_due_days_are_london_days(personas: Personas) -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in London (summer time).
    late_evening = datetime(2026, 7, 1, 23, 30, tzinfo=UTC)
    added = asset(personas.school, children_data=True, name="Summer photos")
    Asset.objects.filter(pk=added.pk).update(created_at=late_evening)
    legacy = dpia(personas.school, screening_required=True,  # no screening: the day recorded
                  state=DpiaState.IN_PROGRESS, legacy=True)
    Dpia.objects.filter(pk=legacy.pk).update(created_at=late_evening)
    duties = {duty.key: duty for duty in listed(personas.school, REQUIRED)}
    assert duties[f"{REQUIRED}:asset:{added.public_id}"].due_at == date(2026, 7, 2)
    assert duties[f"{REQUIRED}:{legacy.public_id}"].due_at == date(2026, 7, 2)


# --- review and the ICO -------------------------------------------------------------------------


def test_a_signed_off_dpia_is_due_for_review_on_its_date(personas: Personas) -> None:
    late = signed_off(personas.school, review=-2)
    soon = signed_off(personas.school, review=10)
    signed_off(personas.school, review=40)  # beyond the horizon
    signed_off(personas.school, review=None)
    duties = {duty.key: duty for duty in listed(personas.school, REVIEW)}
    assert set(duties) == {f"{REVIEW}:{late.public_id}", f"{REVIEW}:{soon.public_id}"}
    assert duties[f"{REVIEW}:{late.public_id}"].status == OVERDUE
    assert duties[f"{REVIEW}:{soon.public_id}"].due_at == days(10)
    assert {d.owner_role for d in duties.values()} == {Role.DPO}


def test_a_high_residual_risk_without_the_icos_consultation_is_the_siros(
        personas: Personas) -> None:
    high = required(personas.school, dpo_advice_on=days(-3))
    risk(high, (2, 3))  # 6: high
    consulted = required(personas.school, ico_consulted_on=days(-1))
    risk(consulted, (3, 3))
    medium = required(personas.school)
    risk(medium, (2, 2))  # 4: a risk, not high
    unscored = required(personas.school)
    risk(unscored, None)
    [duty] = listed(personas.school, ICO)
    assert duty.key == f"{ICO}:{high.public_id}"
    assert duty.owner_role == Role.SIRO and duty.owner_user_id is None
    assert duty.due_at == days(-3) and duty.status == OVERDUE
    assert "8 weeks" in duty.action


def test_a_high_residual_risk_not_taken_to_the_ico_is_only_the_siros(
        personas: Personas) -> None:
    high = required(personas.school, project_name="Face recognition")
    risk(high, (3, 3))
    assert [d.key for d in listed(personas.school)] == [f"{ICO}:{high.public_id}"]
    counts = provider.kind_counts(personas.school.pk, now=NOW, horizon=UNTIL)
    assert counts[REQUIRED].mine.total == counts[REQUIRED].others.total == 0


# --- counts -------------------------------------------------------------------------------------


def a_school_of_duties(school: School) -> None:
    required(school, of=asset(school))
    asset(school, children_data=True)
    signed_off(school, review=3)
    high = required(school)
    risk(high, (3, 3))


def test_counts_agree_with_the_lists(personas: Personas) -> None:
    a_school_of_duties(personas.school)
    duties = listed(personas.school)
    counts = provider.counts([personas.school.pk], now=NOW, horizon=UNTIL)
    assert counts[personas.school.pk] == DutyCounts(
        due=sum(d.status == DUE for d in duties), overdue=sum(d.status == OVERDUE
                                                             for d in duties))
    assert counts[personas.school.pk].total == 4  # the high residual risk: the ICO's only


def test_kind_counts_split_mine_from_others(personas: Personas) -> None:
    held = asset(personas.school, owner=owner(personas.school, personas.iao))
    required(personas.school, of=held)
    required(personas.school)
    holders: dict[tuple[int, str], list[int]] = {
        (personas.school.pk, Role.DPO): [personas.dpo.pk],
        (personas.school.pk, Role.SIRO): [personas.siro.pk],
        (personas.school.pk, Role.IAO): [personas.iao.pk]}
    iao = owners_for(holders, personas.school.pk, personas.iao.pk)
    counts = provider.kind_counts(personas.school.pk, now=NOW, horizon=UNTIL, owners=iao)
    assert counts[REQUIRED].mine.total == 1 and counts[REQUIRED].others.total == 1
    [mine] = provider.for_kind(personas.school.pk, REQUIRED, now=NOW, horizon=UNTIL,
                               owners=iao, mine=True)
    assert mine.subject == f"DPIA: {held.name}"


@pytest.mark.parametrize("n", [3, 40])
def test_counts_are_one_query_for_any_number_of_schools(
        n: int, django_assert_num_queries: Any) -> None:
    ids = []
    for _ in range(n):
        school: Any = SchoolFactory()
        a_school_of_duties(school)
        ids.append(school.pk)
    with django_assert_num_queries(1):
        counts = provider.counts(ids, now=NOW, horizon=UNTIL)
    assert {counts[school_id].total for school_id in ids} == {4}


@pytest.mark.parametrize("n", [3, 40])
def test_a_kind_is_listed_in_one_query(n: int, personas: Personas,
                                       django_assert_num_queries: Any) -> None:
    for _ in range(n):
        required(personas.school, of=asset(personas.school))
        asset(personas.school, children_data=True)
    with django_assert_num_queries(1):
        duties = provider.for_kind(personas.school.pk, REQUIRED, now=NOW, horizon=UNTIL,
                                   limit=5)
    assert len(duties) == 5


def test_registered_as_the_dpias_module() -> None:
    assert registry.provider_for("dpias") is provider
