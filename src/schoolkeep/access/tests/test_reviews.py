"""Access reviews: who may record one, the term it counts for, its duty and its measure."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
import time_machine
from tests.factories import SchoolFactory
from tests.personas import Personas

from schoolkeep.access.models import AccessReview
from schoolkeep.access.reviews import duties as review_duties
from schoolkeep.access.reviews.measures import REVIEWED
from schoolkeep.access.reviews.measures import provider as measures
from schoolkeep.access.reviews.services import access_review_record
from schoolkeep.access.reviews.terms import review_terms
from schoolkeep.assets.models import Asset
from schoolkeep.assets.services import asset_archive, asset_create, group_get_or_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.duties.types import DUE, LONDON, OVERDUE, DutyCounts
from schoolkeep.leavers.duties import ASSET as LEAVERS_ASSET
from schoolkeep.leavers.duties import LeaverDuties
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.models import Person
from schoolkeep.people.services import person_create, person_link_account
from schoolkeep.tenancy.calendar import TermCalendar, default_term_dates
from schoolkeep.tenancy.models import Term
from schoolkeep.tenancy.roles import Role

# The default pattern: summer 2026 ends Friday 17 July 2026, autumn 2026 runs from Wednesday
# 2 September to Friday 18 December 2026.
SUMMER_2026_END = date(2026, 7, 17)
AUTUMN_2026_END = date(2026, 12, 18)
IN_AUTUMN = datetime(2026, 10, 15, 12, 0, tzinfo=LONDON)
IN_JUNE = datetime(2026, 6, 10, 12, 0, tzinfo=LONDON)


def at(moment: datetime) -> Any:
    return time_machine.travel(moment, tick=False)


def owner(personas: Personas, user: Any = None, **fields: Any) -> Person:
    values: dict[str, Any] = {"full_name": "Olive Owner", "kind": "support"}
    values.update(fields)
    person = person_create(school=personas.school, actor=personas.siro, **values)
    if user is not None:
        person = person_link_account(person=person, actor=personas.siro, user=user)
    return person


def asset(personas: Personas, name: str = "Pupil records", school: Any = None,
          **fields: Any) -> Asset:
    school = school or personas.school
    group = group_get_or_create(school=school, name="Pupils", actor=None)
    return asset_create(school=school, actor=None, group=group, name=name, **fields)


def test_defaults_agree_with_the_calendar() -> None:
    dates = default_term_dates(2026)
    assert dates["autumn"][1] == AUTUMN_2026_END
    assert default_term_dates(2025)["summer"][1] == SUMMER_2026_END


# --- the service ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_owner_records_a_confirmation_for_this_term(personas: Personas) -> None:
    with at(IN_AUTUMN):
        item = asset(personas, owner_person=owner(personas, personas.iao))
        review = access_review_record(school=personas.school, asset=item, actor=personas.iao,
                                      outcome="confirmed")
    assert (review.academic_year, review.term_name) == (2026, "autumn")
    assert review.reviewed_on == date(2026, 10, 15)
    assert review.reviewed_by == personas.iao
    event = AuditEvent.objects.get(action="access.review.recorded")
    assert event.changes["term"] == "Autumn 2026"
    assert event.target_id == str(item.public_id)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["siro", "dpo"])
def test_the_siro_or_dpo_may_record_it_for_the_owner(personas: Personas, role: str) -> None:
    with at(IN_AUTUMN):
        item = asset(personas, owner_person=owner(personas))
        review = access_review_record(school=personas.school, asset=item,
                                      actor=getattr(personas, role), outcome="changed",
                                      changes="Removed the office temp.\nAdded the bursar.")
    assert review.changes == "Removed the office temp.\nAdded the bursar."


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["it_lead", "business_manager", "staff", "iao"])
def test_anyone_else_is_refused_and_nothing_is_saved(personas: Personas, role: str) -> None:
    item = asset(personas, owner_person=owner(personas))  # owned by a person without account
    with pytest.raises(NotAllowed, match="Only the asset's owner"):
        access_review_record(school=personas.school, asset=item,
                             actor=getattr(personas, role), outcome="confirmed")
    assert not AccessReview.objects.exists()
    assert not AuditEvent.objects.filter(action="access.review.recorded").exists()


@pytest.mark.django_db
def test_an_owner_who_has_left_may_no_longer_record_it(personas: Personas) -> None:
    with at(IN_AUTUMN):
        item = asset(personas, owner_person=owner(personas, personas.iao,
                                                  start_date=date(2020, 9, 1),
                                                  leaving_date=date(2026, 10, 1)))
        with pytest.raises(NotAllowed):
            access_review_record(school=personas.school, asset=item, actor=personas.iao,
                                 outcome="confirmed")


@pytest.mark.django_db
def test_changes_need_their_words_and_dates_cannot_be_in_the_future(
        personas: Personas) -> None:
    with at(IN_AUTUMN):
        item = asset(personas, owner_person=owner(personas))
        with pytest.raises(DomainError) as missing:
            access_review_record(school=personas.school, asset=item, actor=personas.siro,
                                 outcome="changed", changes="   ")
        assert missing.value.field == "changes"
        with pytest.raises(DomainError) as future:
            access_review_record(school=personas.school, asset=item, actor=personas.siro,
                                 outcome="confirmed", reviewed_on=date(2026, 10, 16))
        assert future.value.field == "reviewed_on"
        with pytest.raises(DomainError) as unknown:
            access_review_record(school=personas.school, asset=item, actor=personas.siro,
                                 outcome="maybe")
        assert unknown.value.field == "outcome"
    assert not AccessReview.objects.exists()


@pytest.mark.django_db
def test_another_schools_or_an_archived_asset_is_refused(personas: Personas) -> None:
    other = asset(personas, school=personas.other_school, owner_person=None)
    with pytest.raises(DomainError, match="another school"):
        access_review_record(school=personas.school, asset=other, actor=None,
                             outcome="confirmed")
    item = asset(personas, owner_person=owner(personas))
    asset_archive(asset=item, actor=personas.siro)
    item.refresh_from_db()
    with pytest.raises(DomainError, match="archived"):
        access_review_record(school=personas.school, asset=item, actor=None,
                             outcome="confirmed")


@pytest.mark.django_db
def test_a_review_in_the_holiday_counts_for_the_next_term(personas: Personas) -> None:
    with at(IN_AUTUMN):
        item = asset(personas, owner_person=owner(personas))
        review = access_review_record(school=personas.school, asset=item, actor=None,
                                      outcome="confirmed", reviewed_on=date(2026, 8, 10))
    assert (review.academic_year, review.term_name) == (2026, "autumn")
    with at(IN_AUTUMN):
        assert review_duties.provider.for_school(personas.school.pk, now=IN_AUTUMN,
                                                 horizon=IN_AUTUMN + timedelta(days=90)) == []


@pytest.mark.django_db
def test_the_schools_own_dates_replace_the_estimated_ones(personas: Personas) -> None:
    """With its own summer 2026 to 22 July, a review on 20 July is summer's; with the
    estimated default (summer ends 17 July) it would be autumn's. The batch resolution of
    the duties says the same as the calendar."""
    school = personas.school
    own = {"autumn": (date(2025, 9, 3), date(2025, 12, 19)),
           "spring": (date(2026, 1, 5), date(2026, 3, 27)),
           "summer": (date(2026, 4, 13), date(2026, 7, 22))}
    for name, (starts_on, ends_on) in own.items():
        Term.objects.create(school=school, academic_year=2025, name=name, starts_on=starts_on,
                            ends_on=ends_on)
    with at(datetime(2026, 7, 21, 12, 0, tzinfo=LONDON)):
        item = asset(personas, owner_person=owner(personas))
        review = access_review_record(school=school, asset=item, actor=None,
                                      outcome="confirmed", reviewed_on=date(2026, 7, 20))
        terms = review_terms([school.pk, personas.other_school.pk], date(2026, 7, 21))
    assert (review.academic_year, review.term_name) == (2025, "summer")
    assert terms[school.pk].current.ends_on == date(2026, 7, 22)
    assert not terms[school.pk].current.estimated
    # The other school keeps the estimated default: it is in the holiday before autumn.
    other = terms[personas.other_school.pk]
    assert (other.current.name, other.current.estimated) == ("autumn", True)
    assert other.previous.ends_on == SUMMER_2026_END
    calendar_term = TermCalendar(personas.other_school).term_for_date(date(2026, 7, 21))
    assert (calendar_term.academic_year, calendar_term.name) == (2026, "autumn")


@pytest.mark.django_db
def test_a_trusts_dates_apply_to_its_schools_without_their_own(personas: Personas) -> None:
    trust = personas.school.organisation
    Term.objects.create(organisation=trust, academic_year=2026, name="autumn",
                        starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 16))
    Term.objects.create(organisation=trust, academic_year=2026, name="spring",
                        starts_on=date(2027, 1, 4), ends_on=date(2027, 3, 26))
    Term.objects.create(organisation=trust, academic_year=2026, name="summer",
                        starts_on=date(2027, 4, 12), ends_on=date(2027, 7, 21))
    terms = review_terms([personas.school.pk], date(2026, 12, 17))[personas.school.pk]
    assert (terms.current.name, terms.current.academic_year) == ("spring", 2026)
    assert terms.previous.ends_on == date(2026, 12, 16)
    expected = TermCalendar(personas.school).term_for_date(date(2026, 12, 17))
    assert terms.current.ends_on == expected.ends_on


# --- the duty ------------------------------------------------------------------------------


def _duties(personas: Personas, now: datetime, days: int = 14) -> list[Any]:
    return review_duties.provider.for_school(personas.school.pk, now=now,
                                             horizon=now + timedelta(days=days))


def _counts(personas: Personas, now: datetime, days: int = 14) -> Any:
    return review_duties.provider.counts([personas.school.pk, personas.other_school.pk],
                                         now=now, horizon=now + timedelta(days=days))


@pytest.mark.django_db
def test_an_asset_added_this_term_is_due_on_the_terms_last_day(personas: Personas) -> None:
    with at(IN_AUTUMN):
        asset(personas, owner_person=owner(personas, personas.iao))
        asset(personas, name="No owner")  # no owner person: no review asked
    assert _duties(personas, IN_AUTUMN) == []  # the term's end is beyond the horizon
    [duty] = _duties(personas, IN_AUTUMN, days=90)
    assert (duty.due_at, duty.status, duty.owner_user_id) == (AUTUMN_2026_END, DUE,
                                                             personas.iao.pk)
    assert duty.title == review_duties.TITLE and "Pupil records" not in duty.title
    assert duty.subject == ("Pupil records: access review for Autumn 2026"
                            " (estimated term dates)")
    assert duty.permission == "access.review"
    counts = _counts(personas, IN_AUTUMN, days=90)
    assert (counts[personas.school.pk].due, counts[personas.school.pk].overdue) == (1, 0)
    assert personas.other_school.pk not in counts


@pytest.mark.django_db
def test_not_reviewed_last_term_is_overdue_from_its_last_day(personas: Personas) -> None:
    with at(IN_JUNE):
        item = asset(personas, owner_person=owner(personas))  # no account: the SIRO's
    [duty] = _duties(personas, IN_AUTUMN)
    assert (duty.due_at, duty.status) == (SUMMER_2026_END, OVERDUE)
    assert (duty.owner_user_id, duty.owner_role) == (None, Role.SIRO)
    assert _counts(personas, IN_AUTUMN)[personas.school.pk].overdue == 1
    # Reviewed last term: due again at the end of this one, not overdue.
    access_review_record(school=personas.school, asset=item, actor=None, outcome="confirmed",
                         reviewed_on=date(2026, 7, 1))
    [duty] = _duties(personas, IN_AUTUMN, days=90)
    assert (duty.due_at, duty.status) == (AUTUMN_2026_END, DUE)
    assert _duties(personas, IN_AUTUMN) == []
    assert personas.school.pk not in _counts(personas, IN_AUTUMN)


@pytest.mark.django_db
def test_an_earlier_review_shows_the_asset_was_there_last_term(personas: Personas) -> None:
    """Added this term, but reviewed (recorded late) in spring 2026: summer's review was
    missed, so it is overdue."""
    with at(IN_AUTUMN):
        item = asset(personas, owner_person=owner(personas))
        access_review_record(school=personas.school, asset=item, actor=None,
                             outcome="confirmed", reviewed_on=date(2026, 3, 2))
    [duty] = _duties(personas, IN_AUTUMN)
    assert (duty.due_at, duty.status) == (SUMMER_2026_END, OVERDUE)
    assert _counts(personas, IN_AUTUMN)[personas.school.pk].overdue == 1


@pytest.mark.django_db
def test_reviewed_this_term_raises_nothing(personas: Personas) -> None:
    with at(IN_JUNE):
        item = asset(personas, owner_person=owner(personas))
    with at(IN_AUTUMN):
        access_review_record(school=personas.school, asset=item, actor=None,
                             outcome="confirmed")
    assert _duties(personas, IN_AUTUMN, days=90) == []
    assert _counts(personas, IN_AUTUMN, days=90) == {}


@pytest.mark.django_db
def test_an_asset_whose_owner_leaves_is_the_leavers_hand_over_not_a_review(
        personas: Personas) -> None:
    """One fact, one duty: an owner who has left (30 September) or leaves before the
    horizon's day (20 October, horizon 29 October) hands the asset over
    (``leavers.hand-over-asset``); it raises no review, and the measure leaves the left
    owner's asset out of its total. An owner leaving after the horizon still reviews."""
    with at(IN_JUNE):
        for name, leaving_date in [("Left", date(2026, 9, 30)), ("Leaving", date(2026, 10, 20)),
                                   ("Later", date(2026, 11, 30))]:
            user = personas.iao if name == "Later" else None
            asset(personas, name=name,
                  owner_person=owner(personas, user, full_name=f"Owner {name}",
                                     start_date=date(2020, 9, 1), leaving_date=leaving_date))
    [duty] = _duties(personas, IN_AUTUMN)
    assert (duty.subject.split(":")[0], duty.owner_user_id) == ("Later", personas.iao.pk)
    assert _counts(personas, IN_AUTUMN) == {personas.school.pk: DutyCounts(overdue=1)}
    hand_over = [d.subject.split(" (")[0] for d in LeaverDuties().for_school(
        personas.school.pk, now=IN_AUTUMN, horizon=IN_AUTUMN + timedelta(days=14))
        if d.key.startswith(LEAVERS_ASSET)]
    assert sorted(hand_over) == ["Leaving", "Left"]
    figures = measures.figures([personas.school.pk], now=IN_AUTUMN)
    assert figures == {personas.school.pk: {REVIEWED: (0, 2)}}


@pytest.mark.django_db
def test_archived_assets_raise_nothing(personas: Personas) -> None:
    with at(IN_JUNE):
        item = asset(personas, owner_person=owner(personas))
        asset_archive(asset=item, actor=personas.siro)
    assert _duties(personas, IN_AUTUMN) == []
    assert _counts(personas, IN_AUTUMN) == {}


@pytest.mark.django_db
def test_counts_agree_with_the_list_for_many_schools_in_three_queries(
        personas: Personas, django_assert_num_queries: Any) -> None:
    """Schools with their own dates, a trust's and the default: counts equal the lists, and
    cost the same three queries for two schools or six."""
    schools: list[Any] = [personas.school, personas.other_school] + [
        SchoolFactory(name=f"School {n}", slug=f"school-{n}") for n in range(4)]
    Term.objects.create(school=schools[2], academic_year=2026, name="autumn",
                        starts_on=date(2026, 9, 1), ends_on=date(2026, 10, 9))
    Term.objects.create(school=schools[2], academic_year=2026, name="spring",
                        starts_on=date(2026, 10, 19), ends_on=date(2027, 3, 26))
    Term.objects.create(school=schools[2], academic_year=2026, name="summer",
                        starts_on=date(2027, 4, 12), ends_on=date(2027, 7, 21))
    with at(IN_JUNE):
        for n, school in enumerate(schools):
            person = Person.objects.create(school=school, full_name=f"Owner {n}",
                                           kind="support")
            for k in range(n + 1):
                asset(personas, name=f"Asset {k}", school=school, owner_person=person)
    now, horizon = IN_AUTUMN, IN_AUTUMN + timedelta(days=90)
    ids = [school.pk for school in schools]
    with django_assert_num_queries(3):
        review_duties.provider.counts(ids[:2], now=now, horizon=horizon)
    with django_assert_num_queries(3):
        counts = review_duties.provider.counts(ids, now=now, horizon=horizon)
    for school in schools:
        listed = review_duties.provider.for_school(school.pk, now=now, horizon=horizon)
        found = counts.get(school.pk)
        assert (found.due if found else 0) == sum(d.status == DUE for d in listed)
        assert (found.overdue if found else 0) == sum(d.status == OVERDUE for d in listed)
    # School 2's own autumn ended on 9 October: its assets are overdue since then, and its
    # own dates are not estimated.
    listed = review_duties.provider.for_school(schools[2].pk, now=now, horizon=horizon)
    assert {d.due_at for d in listed} == {date(2026, 10, 9)}
    assert not any("estimated" in d.subject for d in listed)


# --- the measure ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_measure_counts_assets_reviewed_this_term(personas: Personas,
                                                      django_assert_num_queries: Any) -> None:
    with at(IN_JUNE):
        done = asset(personas, name="Done", owner_person=owner(personas))
        last_term = asset(personas, name="Last term", owner_person=done.owner_person)
        asset(personas, name="Not yet", owner_person=done.owner_person)
        asset(personas, name="No owner")
        access_review_record(school=personas.school, asset=last_term, actor=None,
                             outcome="confirmed")
    with at(IN_AUTUMN):
        access_review_record(school=personas.school, asset=done, actor=None,
                             outcome="confirmed")
    with django_assert_num_queries(1):
        figures = measures.figures([personas.school.pk, personas.other_school.pk],
                                   now=IN_AUTUMN)
    assert figures == {personas.school.pk: {REVIEWED: (1, 3)}}


@pytest.mark.django_db
def test_the_measure_reads_each_schools_calendar_in_its_one_query(
        personas: Personas, django_assert_num_queries: Any) -> None:
    """On 20 July 2026, a review made on 16 July is still this term's where the summer term
    runs to 22 July (the school's own dates), was last term's under the default (ended 17
    July), and counts for autumn where the trust's summer ended on 15 July. The figures
    equal a recount from the calendar, in one query for one school or three."""
    school, other = personas.school, personas.other_school
    trust_school = SchoolFactory(name="Trust School", slug="trust-school",
                                 organisation=school.organisation)
    for name, (starts_on, ends_on) in default_term_dates(2025).items():
        Term.objects.create(school=school, academic_year=2025, name=name, starts_on=starts_on,
                            ends_on=date(2026, 7, 22) if name == "summer" else ends_on)
        Term.objects.create(organisation=school.organisation, academic_year=2025, name=name,
                            starts_on=starts_on,
                            ends_on=date(2026, 7, 15) if name == "summer" else ends_on)
    now = datetime(2026, 7, 20, 12, 0, tzinfo=LONDON)
    with at(datetime(2026, 7, 16, 12, 0, tzinfo=LONDON)):
        for each in (school, other, trust_school):
            person = Person.objects.create(school=each, full_name="Owner", kind="support")
            item = asset(personas, school=each, owner_person=person)
            asset(personas, name="Not reviewed", school=each, owner_person=person)
            access_review_record(school=each, asset=item, actor=None, outcome="confirmed")
    ids = [school.pk, other.pk, trust_school.pk]
    with django_assert_num_queries(1):
        figures = measures.figures(ids, now=now)
    terms = review_terms(ids, date(2026, 7, 20))
    recount = {
        each: {REVIEWED: (sum((r.academic_year, r.term_name) == (
            terms[each].current.academic_year, terms[each].current.name)
            for r in AccessReview.objects.filter(school_id=each)), 2)}
        for each in ids}
    assert figures == recount
    assert [figures[each][REVIEWED][0] for each in ids] == [1, 0, 1]
