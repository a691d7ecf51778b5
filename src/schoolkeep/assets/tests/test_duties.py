"""The duties of the asset register and its systems: each raised and not raised, due dates,
owners and their fallbacks, titles that name nothing, counts that agree with the lists across
schools, and a constant number of queries."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.urls import reverse
from tests.factories import MembershipFactory, SchoolFactory, UserFactory

from schoolkeep.assets.duties import LOGOFF_CHECK_EVERY, provider
from schoolkeep.assets.models import (
    Asset,
    AssetGroup,
    AssetSettings,
    Classification,
    LawfulBasis,
    OutsideOrganisation,
)
from schoolkeep.assets.review_due import add_months, refresh_review_due
from schoolkeep.duties import registry
from schoolkeep.duties.selectors import duties_for_school
from schoolkeep.duties.types import DUE, OVERDUE, DutyCounts
from schoolkeep.lib.text import fold
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.people.services import person_create, person_link_account, person_mark_leaver
from schoolkeep.systems.models import System
from schoolkeep.systems.services import system_archive, system_create
from schoolkeep.tenancy.models import Membership, School
from schoolkeep.tenancy.roles import Role

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
TODAY = date(2026, 3, 10)
HORIZON = timedelta(days=14)
OS = Classification.OFFICIAL_SENSITIVE
LIST_QUERIES = 5  # one per kind


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


_numbers = itertools.count(1)


def group(school: School, name: str = "Pupil data (MIS)") -> AssetGroup:
    found, _ = AssetGroup.objects.get_or_create(
        school=school, name_key=fold(name), defaults={"name": name})
    return found


def asset(school: School, *, added: int = 0, **fields: Any) -> Asset:
    """A complete, current asset (classified OFFICIAL, with a lawful basis, reviewed 30 days
    ago) unless ``fields`` say otherwise; ``added`` days from today."""
    name = fields.pop("name", f"Asset {next(_numbers)}")
    values: dict[str, Any] = {
        "classification": Classification.OFFICIAL, "lawful_basis": LawfulBasis.PUBLIC_TASK,
        "last_reviewed_on": days(-30), "owner_unmatched": "",
    }
    values.update(fields)
    if values.get("owner_person") is None and values.get("owner_organisation") is None \
            and "owner_unmatched" not in fields:
        values["owner_organisation"] = organisation(school)
    made = Asset.objects.create(school=school, group=group(school), name=name,
                                name_key=fold(name), **values)
    Asset.objects.filter(pk=made.pk).update(created_at=NOW + timedelta(days=added))
    refresh_review_due(school, [made.pk])  # as the services do after every write
    made.refresh_from_db()
    return made


def organisation(school: School, name: str = "Backup company") -> OutsideOrganisation:
    found, _ = OutsideOrganisation.objects.get_or_create(
        school=school, name_key=fold(name), defaults={"name": name})
    return found


def owner(school: School, user: Any = None, **fields: Any) -> Person:
    person = person_create(school=school, actor=None, full_name=f"Owner {next(_numbers)}",
                           kind=PersonKind.TEACHING, start_date=date(2020, 9, 1), **fields)
    if user is not None:
        person = person_link_account(person=person, actor=None, user=user)
    return person


def system(school: School, *, added: int = -100, checked: int | None = -30,
           mfa: bool = True, holds: list[Asset] | tuple[Asset, ...] = (),
           **fields: Any) -> System:
    made = system_create(
        school=school, actor=None, name=fields.pop("name", f"System {next(_numbers)}"),
        mfa_enabled=mfa, auto_logoff_checked_on=None if checked is None else days(checked),
        **fields)
    System.objects.filter(pk=made.pk).update(created_at=NOW + timedelta(days=added))
    for held in holds:
        held.systems.add(made)
    made.refresh_from_db()
    return made


def listed(school: School, kind: str = "") -> list[Any]:
    duties = provider.for_school(school.pk, now=NOW, horizon=NOW + HORIZON)
    return [d for d in duties if d.key.startswith(f"assets.{kind}")]


def counted(school: School) -> DutyCounts:
    return provider.counts([school.pk], now=NOW, horizon=NOW + HORIZON).get(
        school.pk, DutyCounts())


def agree(school: School) -> list[Any]:
    duties = listed(school)
    expected = DutyCounts(due=sum(d.status == DUE for d in duties),
                          overdue=sum(d.status == OVERDUE for d in duties))
    assert counted(school) == expected
    return duties


def resolved(school: School, key: str) -> Any:
    [duty] = [d for d in duties_for_school(school, NOW) if d.key == key]
    return duty


def test_the_provider_is_registered():
    assert registry.label_for("assets") == "Information assets and systems"
    assert any(p is provider for p in registry.providers())


def test_a_complete_register_raises_nothing(personas):
    held = asset(personas.school, classification=OS, added=-400)
    system(personas.school, holds=[held])
    assert agree(personas.school) == []
    assert counted(personas.school) == DutyCounts()


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2025, 3, 10), 12, date(2026, 3, 10)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 11, 30), 3, date(2026, 2, 28)),
    (date(2025, 12, 15), 36, date(2028, 12, 15)),
])
def test_months_are_calendar_months_clamped_to_the_months_end(start, months, expected):
    assert add_months(start, months) == expected


# --- review ------------------------------------------------------------------------------


def test_a_review_a_year_after_the_last_is_due_for_its_owner(personas):
    person = owner(personas.school, user=personas.iao)
    item = asset(personas.school, owner_person=person, last_reviewed_on=date(2025, 3, 20),
                 name="Admissions forms")
    [duty] = agree(personas.school)
    assert duty.key == f"assets.review-due:{item.public_id}"
    assert (duty.status, duty.due_at) == (DUE, date(2026, 3, 20))
    assert duty.title == "Review an information asset"
    assert duty.subject == "Admissions forms"
    assert "Admissions" not in duty.title
    assert duty.owner_user_id == personas.iao.pk
    assert duty.url == reverse("assets:asset-detail", args=[item.public_id])
    assert resolved(personas.school, duty.key).owner_user_ids == (personas.iao.pk,)


def test_a_review_is_overdue_the_day_after_it_falls_due(personas):
    asset(personas.school, last_reviewed_on=date(2025, 3, 9))
    [duty] = agree(personas.school)
    assert (duty.status, duty.due_at) == (OVERDUE, date(2026, 3, 9))


def test_a_review_due_today_is_due_and_beyond_the_horizon_is_not_listed(personas):
    asset(personas.school, last_reviewed_on=date(2025, 3, 10))
    asset(personas.school, last_reviewed_on=date(2025, 3, 24))  # due on the horizon's day
    [duty] = agree(personas.school)
    assert (duty.status, duty.due_at) == (DUE, TODAY)


def test_next_review_on_wins_over_the_interval(personas):
    asset(personas.school, last_reviewed_on=date(2020, 1, 1), next_review_on=days(30))
    soon = asset(personas.school, last_reviewed_on=days(-10), next_review_on=days(-1))
    [duty] = agree(personas.school)
    assert duty.key.endswith(str(soon.public_id))
    assert (duty.status, duty.due_at) == (OVERDUE, days(-1))


def test_never_reviewed_counts_from_the_day_it_was_added(personas):
    asset(personas.school, last_reviewed_on=None, added=-370)
    asset(personas.school, last_reviewed_on=None, added=-300)
    [duty] = agree(personas.school)
    assert (duty.status, duty.due_at) == (OVERDUE, days(-5))


def test_the_schools_interval_is_used(personas):
    AssetSettings.objects.create(school=personas.school, review_interval_months=6)
    asset(personas.school, last_reviewed_on=date(2025, 9, 15))
    asset(personas.school, last_reviewed_on=date(2025, 9, 30))  # due 30 March: too far
    [duty] = agree(personas.school)
    assert (duty.status, duty.due_at) == (DUE, date(2026, 3, 15))


def test_a_clamped_month_end_is_counted_like_the_list(personas):
    """31 August plus six months is 28 February: overdue on 10 March, in SQL and Python."""
    AssetSettings.objects.create(school=personas.school, review_interval_months=6)
    asset(personas.school, last_reviewed_on=date(2025, 8, 31))
    asset(personas.school, last_reviewed_on=date(2025, 9, 24))  # 24 March: the horizon
    [duty] = agree(personas.school)
    assert (duty.status, duty.due_at) == (OVERDUE, date(2026, 2, 28))


@pytest.mark.parametrize("months", [1, 6, 12, 13, 36])
def test_the_sql_due_date_agrees_with_the_calendar_around_month_ends(personas, months):
    """Every base date over ten weeks around a month's end: listed and overdue exactly when
    ``add_months`` says so, and counted alike."""
    AssetSettings.objects.create(school=personas.school, review_interval_months=months)
    until = TODAY + HORIZON
    first = add_months(date(2026, 1, 20), -months)
    bases = [first + timedelta(days=n) for n in range(70)]
    made = {asset(personas.school, last_reviewed_on=base).public_id: base for base in bases}
    duties = {d.key.split(":")[1]: d for d in agree(personas.school)}
    expected = {str(pid) for pid, base in made.items() if add_months(base, months) < until}
    assert set(duties) == expected
    for pid, base in made.items():
        if str(pid) in duties:
            due_on = add_months(base, months)
            assert duties[str(pid)].due_at == due_on
            assert duties[str(pid)].status == (OVERDUE if due_on < TODAY else DUE)


# --- owner missing ---------------------------------------------------------------------


def test_an_asset_without_an_owner_is_the_siros(personas):
    nobody = asset(personas.school, owner_unmatched="", added=-3, name="Visitor book")
    unmatched = asset(personas.school, owner_unmatched="Mrs Someone")
    duties = agree(personas.school)
    missing = {d.key: d for d in duties if d.key.startswith("assets.owner-missing")}
    assert set(missing) == {f"assets.owner-missing:{nobody.public_id}",
                            f"assets.owner-missing:{unmatched.public_id}"}
    first = missing[f"assets.owner-missing:{nobody.public_id}"]
    assert (first.status, first.due_at) == (OVERDUE, days(-3))
    assert first.title == "Choose an owner for an information asset"
    assert first.subject == "Visitor book"
    assert first.owner_role == Role.SIRO
    second = missing[f"assets.owner-missing:{unmatched.public_id}"]
    assert (second.status, second.due_at) == (DUE, TODAY)
    assert resolved(personas.school, first.key).owner_user_ids == (personas.siro.pk,)


def test_an_owner_person_or_organisation_raises_no_owner_duty(personas):
    asset(personas.school, owner_person=owner(personas.school))
    asset(personas.school, owner_organisation=organisation(personas.school, "CCTV company"))
    assert listed(personas.school, "owner-missing") == []


def test_an_owner_who_has_left_is_the_leavers_checklists_not_an_owner_missing_duty(personas):
    """One fact, one duty: ``leavers.hand-over-asset`` asks for a leaver's assets; the
    asset's own review and classification fall to the SIRO meanwhile."""
    person = owner(personas.school, user=personas.iao)
    asset(personas.school, owner_person=person, classification=Classification.UNCLASSIFIED,
          added=-100)
    person_mark_leaver(person=person, actor=None, leaving_date=days(-2))
    assert listed(personas.school, "owner-missing") == []
    [unclassified] = listed(personas.school, "unclassified")
    assert unclassified.owner_role == Role.SIRO and unclassified.owner_user_id is None
    agree(personas.school)
    person_left_today = owner(personas.school)
    asset(personas.school, owner_person=person_left_today)
    person_mark_leaver(person=person_left_today, actor=None, leaving_date=TODAY)
    nobody = asset(personas.school, owner_unmatched="")
    assert [d.key for d in listed(personas.school, "owner-missing")] == [
        f"assets.owner-missing:{nobody.public_id}"]
    agree(personas.school)


# --- unclassified ------------------------------------------------------------------------


def test_an_unclassified_asset_is_its_owners_from_the_day_it_was_added(personas):
    person = owner(personas.school, user=personas.iao)
    item = asset(personas.school, owner_person=person,
                 classification=Classification.UNCLASSIFIED, added=-1)
    today = asset(personas.school, classification=Classification.UNCLASSIFIED)
    duties = {d.key: d for d in listed(personas.school, "unclassified")}
    assert set(duties) == {f"assets.unclassified:{item.public_id}",
                           f"assets.unclassified:{today.public_id}"}
    assert duties[f"assets.unclassified:{today.public_id}"].status == DUE
    duty = duties[f"assets.unclassified:{item.public_id}"]
    assert (duty.status, duty.due_at) == (OVERDUE, days(-1))
    assert duty.title == "Classify an information asset"
    assert duty.owner_user_id == personas.iao.pk
    agree(personas.school)


@pytest.mark.parametrize("kind", ["organisation", "unmatched", "no account", "not a member"])
def test_a_review_or_classification_falls_to_the_siro_without_an_owner_account(personas, kind):
    fields: dict[str, Any]
    if kind == "organisation":
        fields = {"owner_organisation": organisation(personas.school, "CCTV support company")}
    elif kind == "unmatched":
        fields = {"owner_unmatched": "Mr Nobody"}
    elif kind == "no account":
        fields = {"owner_person": owner(personas.school)}
    else:  # an account that is no longer an active member of this school
        user = UserFactory()
        MembershipFactory(user=user, school=personas.school, roles=[Role.STAFF])
        fields = {"owner_person": owner(personas.school, user=user)}
        Membership.objects.filter(user=user).update(is_active=False)
    item = asset(personas.school, classification=Classification.UNCLASSIFIED,
                 last_reviewed_on=date(2025, 1, 1), **fields)
    for kind in ("unclassified", "review-due"):
        duty = resolved(personas.school, f"assets.{kind}:{item.public_id}")
        assert duty.owner_user_ids == (personas.siro.pk,)
        assert duty.owner_label.startswith("Senior Information Risk Owner")


def test_a_classified_asset_raises_no_classification_duty(personas):
    asset(personas.school, classification=Classification.OFFICIAL)
    asset(personas.school, classification=OS)
    assert listed(personas.school, "unclassified") == []


# --- lawful basis ------------------------------------------------------------------------


def test_an_official_sensitive_asset_without_a_lawful_basis_is_the_dpos(personas):
    item = asset(personas.school, classification=OS, lawful_basis="", added=-7,
                 name="Medical needs register")
    asset(personas.school, classification=Classification.OFFICIAL, lawful_basis="")
    asset(personas.school, classification=OS, lawful_basis=LawfulBasis.LEGAL_OBLIGATION)
    [duty] = listed(personas.school, "lawful-basis")
    assert duty.key == f"assets.lawful-basis-missing:{item.public_id}"
    assert (duty.status, duty.due_at) == (OVERDUE, days(-7))
    assert duty.owner_role == Role.DPO
    assert "Medical" not in duty.title and duty.subject == "Medical needs register"
    assert resolved(personas.school, duty.key).owner_user_ids == (personas.dpo.pk,)
    agree(personas.school)


# --- systems -----------------------------------------------------------------------------


def test_two_factor_is_no_longer_a_duty_of_the_asset_register(personas):
    """Moved to ``access.system-two-factor`` (one fact, one duty)."""
    sensitive = asset(personas.school, classification=OS)
    system(personas.school, name="CPOMS", mfa=False, holds=[sensitive], added=-20)
    assert "assets.system-mfa-missing" not in provider.kind_labels
    assert listed(personas.school, "system-") == []
    assert counted(personas.school) == DutyCounts()


def test_the_automatic_log_off_is_checked_every_year(personas):
    overdue = system(personas.school, checked=-366)
    due = system(personas.school, checked=-360)
    system(personas.school, checked=-300)
    never = system(personas.school, checked=None, added=-2)
    duties = {d.key.split(":")[1]: d for d in listed(personas.school, "system-logoff")}
    assert set(duties) == {str(s.public_id) for s in (overdue, due, never)}
    assert (duties[str(overdue.public_id)].status,
            duties[str(overdue.public_id)].due_at) == (OVERDUE, days(-366) + LOGOFF_CHECK_EVERY)
    assert (duties[str(due.public_id)].status,
            duties[str(due.public_id)].due_at) == (DUE, days(5))
    assert (duties[str(never.public_id)].status,
            duties[str(never.public_id)].due_at) == (OVERDUE, days(-2))
    assert duties[str(never.public_id)].title == "Check a system's automatic log-off"
    assert all(d.owner_role == Role.IT_LEAD for d in duties.values())
    agree(personas.school)


def test_the_log_off_is_checked_only_where_people_sign_in_interactively(personas):
    system(personas.school, name="JKCloud", checked=None, signs_in_interactively=False)
    assert listed(personas.school, "system-logoff") == []
    assert counted(personas.school) == DutyCounts()
    person_facing = system(personas.school, checked=None)
    assert [d.key for d in listed(personas.school, "system-logoff")] == [
        f"assets.system-logoff-unchecked:{person_facing.public_id}"]
    agree(personas.school)


def test_archived_assets_and_systems_raise_nothing(personas):
    asset(personas.school, owner_unmatched="", classification=Classification.UNCLASSIFIED,
          last_reviewed_on=date(2020, 1, 1), archived_at=NOW)
    asset(personas.school, classification=OS, lawful_basis="", archived_at=NOW)
    held = asset(personas.school, classification=OS)
    gone = system(personas.school, mfa=False, checked=None, holds=[held])
    system_archive(system=gone, actor=None)
    assert agree(personas.school) == []


# --- counts and queries ------------------------------------------------------------------


def raise_each(school: School, n: int) -> None:
    """``n`` of every kind of duty, due and overdue, at ``school``."""
    for i in range(n):
        added = -1 - (i % 5) if i % 2 else 0
        asset(school, last_reviewed_on=date(2025, 3, 1) + timedelta(days=i % 20))
        asset(school, owner_unmatched="", added=added)
        asset(school, classification=Classification.UNCLASSIFIED, added=added)
        sensitive = asset(school, classification=OS, lawful_basis="", added=added)
        system(school, mfa=False, holds=[sensitive], added=added)
        system(school, checked=-370 + (i % 15))


def test_counts_agree_with_the_lists_across_two_schools(personas):
    other = SchoolFactory(slug="elmwood")
    AssetSettings.objects.create(school=other, review_interval_months=3)
    raise_each(personas.school, 4)
    raise_each(other, 2)
    asset(other, last_reviewed_on=date(2025, 12, 5))  # 3 months: 5 March, overdue there
    counts = provider.counts([personas.school.pk, other.pk], now=NOW, horizon=NOW + HORIZON)
    for school in (personas.school, other):
        duties = listed(school)
        assert counts[school.pk] == DutyCounts(
            due=sum(d.status == DUE for d in duties),
            overdue=sum(d.status == OVERDUE for d in duties))
        kinds = {d.key.split(":")[0] for d in duties}
        assert kinds == {"assets.review-due", "assets.owner-missing", "assets.unclassified",
                         "assets.lawful-basis-missing", "assets.system-logoff-unchecked"}
    assert counts[personas.school.pk].total > counts[other.pk].total > 0
    assert provider.counts([], now=NOW, horizon=NOW + HORIZON) == {}


def test_counts_are_one_query_and_lists_five_whatever_the_size(personas,
                                                              django_assert_num_queries):
    other = SchoolFactory(slug="elmwood")
    raise_each(personas.school, 1)
    ids = [personas.school.pk, other.pk]
    with django_assert_num_queries(1):
        provider.counts(ids, now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(LIST_QUERIES):
        few = provider.for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON)
    raise_each(personas.school, 6)
    raise_each(other, 3)
    with django_assert_num_queries(1):
        provider.counts(ids, now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(LIST_QUERIES):
        many = provider.for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON)
    assert len(many) > len(few)


def unclassified_and_unowned(school: School, n: int) -> None:
    """``n`` assets, each unclassified and without an owner, added on successive days back
    from today (the oldest is the most overdue); and ``n`` assets reviewed 400 days ago."""
    for i in range(n):
        asset(school, classification=Classification.UNCLASSIFIED, owner_unmatched="",
              added=-i)
        asset(school, last_reviewed_on=date(2025, 1, 1) + timedelta(days=i))


@pytest.mark.parametrize("limit", [None, 5])
def test_counts_and_lists_keep_their_queries_at_3_and_40_assets(personas, limit,
                                                                django_assert_num_queries):
    unclassified_and_unowned(personas.school, 3)
    with django_assert_num_queries(1):
        provider.counts([personas.school.pk], now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(LIST_QUERIES):
        few = provider.for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON,
                                  limit=limit)
    unclassified_and_unowned(personas.school, 37)
    with django_assert_num_queries(1):
        provider.counts([personas.school.pk], now=NOW, horizon=NOW + HORIZON)
    with django_assert_num_queries(LIST_QUERIES):
        many = provider.for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON,
                                   limit=limit)
    assert len(few) == 9
    assert len(many) == (120 if limit is None else 15)


def test_a_limited_list_keeps_the_most_urgent_of_each_kind(personas):
    unclassified_and_unowned(personas.school, 40)
    whole = provider.for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON)
    limited = provider.for_school(personas.school.pk, now=NOW, horizon=NOW + HORIZON,
                                  limit=5)
    for kind in ("review-due", "owner-missing", "unclassified"):
        everything = sorted((d for d in whole if d.key.startswith(f"assets.{kind}:")),
                            key=lambda d: (d.due_at, d.key))
        kept = [d for d in limited if d.key.startswith(f"assets.{kind}:")]
        assert len(everything) == 40
        assert sorted(d.due_at for d in kept) == [d.due_at for d in everything[:5]]
        assert kept == sorted(kept, key=lambda d: d.due_at)
