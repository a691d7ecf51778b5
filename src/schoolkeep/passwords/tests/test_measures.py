"""passwords measure: ONE query whatever the number of schools, and the same figures as the
due dates worked out in Python (``selectors.current_counts``) on every day of two years, for
every cadence, own, trust and default term dates, label holders, leavers, compromises and
archived cycles."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from tests.factories import MembershipFactory, OrganisationFactory, SchoolFactory, UserFactory

from schoolkeep.duties.cadence import add_years
from schoolkeep.passwords.measures import CURRENT, current_counts_sql, provider
from schoolkeep.passwords.models import ForcedChange
from schoolkeep.passwords.selectors import (
    _earliest,
    current_counts,
    dues_for_schools,
    last_yearly_day,
    overdue_holders,
)
from schoolkeep.passwords.tests import cycle_records as rec
from schoolkeep.tenancy.calendar import default_term_dates
from schoolkeep.tenancy.models import Term

pytestmark = pytest.mark.django_db

START = date(2025, 7, 1)


def _terms(owner: dict, year: int, shift: int) -> None:
    Term.objects.bulk_create([
        Term(**owner, academic_year=year, name=name, starts_on=starts + timedelta(days=shift),
             ends_on=ends + timedelta(days=shift))
        for name, (starts, ends) in default_term_dates(year).items()])


def _fill(school, n: int) -> None:
    sims = rec.system(school)
    fms = rec.system(school, "FMS", "finance")
    uso = rec.system(school, "USO", "identity")
    m365 = rec.system(school, "Microsoft 365", "identity")
    old = rec.system(school, "Old MIS", "mis")
    old.archived_at = timezone.now()
    old.save()
    people = [rec.person(school, f"Person {n} {k}") for k in range(12)]
    people.append(rec.person(school, f"Leaver {n}", leaving_date=START + timedelta(days=200)))
    user = UserFactory()
    membership = MembershipFactory(user=user, school=school)
    labelled = rec.person(school, f"Labelled {n}", user=user)
    label = rec.label(school, "Pupil data", members=[membership])
    rec.cycle(school, sims, holders=people[:6], starts_on=START)
    rec.cycle(school, sims, holders=people[4:8], holders_label=label, cadence="every_n_days",
              every_days=45, starts_on=START + timedelta(days=60), name="Office")
    rec.cycle(school, fms, holders=[*people[:3], people[-1]], starts_on=START + timedelta(200))
    rec.cycle(school, uso, holders=people[6:10], cadence="every_n_days", every_days=90,
              starts_on=START)
    rec.cycle(school, m365, holders=people, cadence="yearly", starts_on=date(2024, 2, 29))
    rec.cycle(school, m365, holders=people[10:], cadence="events_only", starts_on=START,
              name="Events")
    rec.cycle(school, old, holders=people, starts_on=START)
    archived = rec.cycle(school, uso, holders=people, cadence="every_n_days", every_days=1,
                         starts_on=START, name="Archived")
    archived.archived_at = timezone.now()
    archived.save()
    for k, who in enumerate([*people, labelled]):
        for system, days in ((sims, (k * 41) % 500), (fms, (k * 67) % 500),
                             (uso, (k * 29) % 400), (m365, (k * 53) % 600),
                             (sims, (k * 13) % 300)):
            rec.changed(school, system, who, START - timedelta(days=60) + timedelta(days=days))
    raised = timezone.make_aware(datetime.combine(START + timedelta(days=300), time(23, 30)))
    ForcedChange.objects.create(school=school, system=sims, reason="compromise",
                                raised_at=raised, due_on=START + timedelta(days=305),
                                raised_by_label="IT lead")
    ForcedChange.objects.create(school=school, system=m365, reason="compromise",
                                raised_at=raised + timedelta(days=100),
                                due_on=START + timedelta(days=402), raised_by_label="IT lead",
                                settled_at=raised + timedelta(days=101))


@pytest.fixture
def schools() -> list[int]:
    trust = OrganisationFactory()
    own = SchoolFactory(organisation=trust)
    in_trust = SchoolFactory(organisation=trust)
    alone = SchoolFactory()
    for year in (2024, 2025, 2026):
        _terms({"organisation": trust}, year, 3)
    _terms({"school": own}, 2025, -4)  # its own dates for one year, its trust's the others
    for n, school in enumerate((own, in_trust, alone)):
        _fill(school, n)
    return [own.pk, in_trust.pk, alone.pk, SchoolFactory().pk]


def test_the_figures_are_those_of_the_due_dates_worked_out_in_python(schools) -> None:
    compared = 0
    for offset in range(0, 760, 3):
        today = START + timedelta(days=offset)
        found = current_counts_sql(schools, today)
        assert found == current_counts(school_ids=schools, today=today), today
        compared += sum(total for _met, total in found.values())
        assert all(0 <= met <= total for met, total in found.values())
    assert compared > 0
    assert any(met < total for met, total in current_counts_sql(schools, START + timedelta(300))
               .values())


def test_one_query_whatever_the_number_of_schools(schools, django_assert_num_queries) -> None:
    now = timezone.now()
    with django_assert_num_queries(1):
        one = provider.figures(schools[:1], now=now)
    with django_assert_num_queries(1):
        every = provider.figures(schools, now=now)
    assert one[schools[0]] == every[schools[0]]
    assert set(every[schools[0]]) == {CURRENT}
    assert provider.figures([], now=now) == {}


@pytest.mark.parametrize("today", [date(2026, 3, 1), date(2025, 3, 1), date(2025, 2, 28),
                                   date(2028, 2, 29), date(2028, 3, 1), date(2026, 1, 1)])
def test_last_yearly_day(today: date) -> None:
    day = last_yearly_day(today)
    assert add_years(day, 1) < today
    assert add_years(day + timedelta(days=1), 1) >= today


def _rows(dues):
    return [(d.person.pk, d.person.full_name, str(d.person.public_id), d.system.pk, d.due_on,
             d.estimated, d.overdue, d.reason) for d in dues]


def test_the_holders_due_before_a_day_chosen_in_sql_are_those_worked_out_in_python(
        schools, django_assert_max_num_queries) -> None:
    """``dues_for_schools(before=...)`` and ``overdue_holders`` read only the holders whose
    due date may come before the day (compared in SQL): the same rows as working out every
    holder's due date in Python and keeping those before it."""
    compared = 0
    for offset in range(0, 760, 5):
        today = START + timedelta(days=offset)
        best, people = _earliest(schools, today)
        for until, found in (
                (today, overdue_holders(school_ids=schools, today=today)),
                (today + timedelta(days=14),
                 dues_for_schools(school_ids=schools, today=today,
                                  before=today + timedelta(days=14)))):
            expected = sorted(
                ((people[pid], system, due, reason)
                 for (_s, pid), (due, reason, system) in best.items() if due.on < until),
                key=lambda r: (r[2].on, r[1].name_key, r[0].name_key, r[0].pk))
            assert _rows(found) == [
                (p.pk, p.full_name, str(p.public_id), s.pk, d.on, d.estimated, d.on < today, r)
                for p, s, d, r in expected], (today, until)
            compared += len(found)
    assert compared > 0
    with django_assert_max_num_queries(5):
        overdue_holders(school_ids=schools, today=START + timedelta(days=400))
