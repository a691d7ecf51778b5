"""Saving and clearing a year's term dates: all or nothing, validated, audited."""

from __future__ import annotations

from datetime import date

import pytest
from tests.factories import OrganisationFactory, SchoolFactory, UserFactory

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.tenancy.calendar import TermCalendar, TermSource, terms_for
from schoolkeep.tenancy.models import Term, TermHoliday
from schoolkeep.tenancy.services_terms import (
    HolidayDates,
    TermDatesError,
    terms_clear_for_year,
    terms_set_for_year,
    terms_version,
)

pytestmark = pytest.mark.django_db

TERMS_2026 = {
    "autumn": (date(2026, 9, 3), date(2026, 12, 18)),
    "spring": (date(2027, 1, 5), date(2027, 3, 26)),
    "summer": (date(2027, 4, 12), date(2027, 7, 21)),
}
HOLIDAYS_2026 = [
    HolidayDates("autumn", date(2026, 10, 26), date(2026, 10, 30)),
    HolidayDates("spring", date(2027, 2, 15), date(2027, 2, 19)),
    ("summer", date(2027, 5, 31), date(2027, 6, 4)),
]


def _set(school=None, organisation=None, terms=None, holidays=None, **kwargs):
    return terms_set_for_year(
        school=school,
        organisation=organisation,
        academic_year=2026,
        terms=TERMS_2026 if terms is None else terms,
        holidays=HOLIDAYS_2026 if holidays is None else holidays,
        actor=kwargs.pop("actor", None) or UserFactory(),
        **kwargs,
    )


def _fields(error: TermDatesError) -> list[str | None]:
    return [field for field, _ in error.errors]


def test_saves_three_terms_with_holidays_and_audits_each():
    school = SchoolFactory()
    actor = UserFactory()
    saved = _set(school, actor=actor)
    assert [(t.name, t.starts_on, t.ends_on, t.estimated) for t in saved] == [
        (name, s, e, False) for name, (s, e) in TERMS_2026.items()
    ]
    assert TermHoliday.objects.filter(term__school=school).count() == 3
    events = AuditEvent.objects.filter(action="tenancy.term.created", school=school)
    assert events.count() == 3
    autumn = events.get(target_label="Autumn 2026")
    assert autumn.actor_id == actor.pk
    assert autumn.changes["starts_on"] == {"before": None, "after": "2026-09-03"}
    assert autumn.changes["holidays"]["after"] == ["2026-10-26/2026-10-30"]
    assert TermCalendar(school).source(2026) is TermSource.SCHOOL


def test_second_save_audits_only_the_changed_term_with_before_and_after():
    school = SchoolFactory()
    _set(school)
    changed = dict(TERMS_2026, spring=(date(2027, 1, 5), date(2027, 3, 25)))
    _set(school, terms=changed)
    updates = AuditEvent.objects.filter(action="tenancy.term.updated")
    assert [e.target_label for e in updates] == ["Spring 2027"]
    assert updates[0].changes == {"ends_on": {"before": "2027-03-26", "after": "2027-03-25"}}
    _set(school, terms=changed)  # nothing changed: nothing recorded
    assert AuditEvent.objects.filter(action="tenancy.term.updated").count() == 1


def test_changing_holidays_is_audited_on_their_term():
    school = SchoolFactory()
    _set(school)
    _set(school, holidays=HOLIDAYS_2026[1:])
    (event,) = AuditEvent.objects.filter(action="tenancy.term.updated")
    assert event.target_label == "Autumn 2026"
    assert event.changes == {"holidays": {"before": ["2026-10-26/2026-10-30"], "after": []}}
    assert not TermHoliday.objects.filter(term__name="autumn").exists()


def test_end_before_start_names_the_field():
    bad = dict(TERMS_2026, autumn=(date(2026, 9, 3), date(2026, 9, 2)))
    with pytest.raises(TermDatesError) as caught:
        _set(SchoolFactory(), terms=bad)
    assert _fields(caught.value) == ["autumn_ends_on"]
    assert caught.value.field == "autumn_ends_on"
    assert "Autumn 2026" in caught.value.message


def test_terms_out_of_order_or_overlapping_are_refused():
    overlapping = dict(TERMS_2026, spring=(date(2026, 12, 18), date(2027, 3, 26)))
    with pytest.raises(TermDatesError) as caught:
        _set(SchoolFactory(), terms=overlapping, holidays=[])
    assert _fields(caught.value) == ["spring_starts_on"]
    overlap_summer = dict(TERMS_2026, summer=(date(2027, 3, 26), date(2027, 7, 21)))
    with pytest.raises(TermDatesError) as caught:
        _set(SchoolFactory(), terms=overlap_summer, holidays=[])
    assert _fields(caught.value) == ["summer_starts_on"]
    assert "after the Spring 2027 term ends (26 March 2027)" in caught.value.message


def test_a_term_in_the_wrong_calendar_year_is_refused():
    wrong = dict(
        TERMS_2026,
        autumn=(date(2026, 7, 1), date(2026, 12, 18)),
        summer=(date(2027, 4, 12), date(2027, 9, 21)),
    )
    with pytest.raises(TermDatesError) as caught:
        _set(SchoolFactory(), terms=wrong, holidays=[])
    assert _fields(caught.value) == ["autumn_starts_on", "summer_ends_on"]


def test_missing_term_is_refused():
    with pytest.raises(TermDatesError) as caught:
        _set(
            SchoolFactory(),
            terms={k: v for k, v in TERMS_2026.items() if k != "summer"},
            holidays=[],
        )
    assert _fields(caught.value) == ["summer_starts_on"]


def test_holidays_must_fall_inside_their_term_and_not_overlap():
    holidays = [
        ("autumn", date(2026, 10, 26), date(2026, 10, 30)),
        ("autumn", date(2026, 10, 29), date(2026, 11, 2)),  # overlaps the first
        ("spring", date(2027, 3, 20), date(2027, 4, 2)),  # runs past the term's end
        ("summer", date(2027, 4, 12), date(2027, 4, 16)),  # on the term's first day
        ("summer", date(2027, 6, 5), date(2027, 6, 1)),  # ends before it starts
    ]
    with pytest.raises(TermDatesError) as caught:
        _set(SchoolFactory(), holidays=holidays)
    assert _fields(caught.value) == [
        "autumn_holiday_2_starts_on",
        "spring_holiday_1_starts_on",
        "summer_holiday_1_starts_on",
        "summer_holiday_2_ends_on",
    ]
    assert "must fall inside the term" in caught.value.errors[1][1]


def test_nothing_is_saved_when_anything_is_wrong():
    school = SchoolFactory()
    _set(school)
    before = terms_version(school=school, academic_year=2026)
    bad = dict(
        TERMS_2026,
        autumn=(date(2026, 9, 1), date(2026, 12, 18)),
        summer=(date(2027, 3, 1), date(2027, 7, 21)),
    )
    with pytest.raises(TermDatesError):
        _set(school, terms=bad)
    assert terms_version(school=school, academic_year=2026) == before
    assert AuditEvent.objects.filter(action="tenancy.term.updated").count() == 0


def test_owner_must_be_a_school_or_a_trust_not_both():
    with pytest.raises(DomainError, match="either a school or a trust"):
        _set()
    trust = OrganisationFactory()
    with pytest.raises(DomainError, match="either a school or a trust"):
        _set(SchoolFactory(organisation=trust), organisation=trust)


def test_stale_version_is_refused():
    school = SchoolFactory()
    assert terms_version(school=school, academic_year=2026) == "none"
    _set(school, expected_version="none")
    old = terms_version(school=school, academic_year=2026)
    _set(school, holidays=[], expected_version=old)
    with pytest.raises(StaleVersion):
        _set(school, expected_version=old)


def test_trust_dates_apply_to_schools_without_their_own():
    trust = OrganisationFactory()
    school = SchoolFactory(organisation=trust)
    _set(organisation=trust)
    assert [t.starts_on for t in terms_for(school, 2026)] == [s for s, _ in TERMS_2026.values()]
    assert TermCalendar(school).source(2026) is TermSource.ORGANISATION
    events = AuditEvent.objects.filter(action="tenancy.term.created")
    assert sorted(e.target_label for e in events) == [
        f"{label} ({trust})" for label in ("Autumn 2026", "Spring 2027", "Summer 2027")
    ]
    assert {e.school_id for e in events} == {None}


def test_clear_goes_back_to_the_trust_then_the_default():
    trust = OrganisationFactory()
    school = SchoolFactory(organisation=trust)
    _set(organisation=trust)
    _set(school, terms=dict(TERMS_2026, autumn=(date(2026, 9, 2), date(2026, 12, 18))))
    assert TermCalendar(school).source(2026) is TermSource.SCHOOL
    assert terms_clear_for_year(school=school, academic_year=2026, actor=UserFactory()) == 3
    assert TermCalendar(school).source(2026) is TermSource.ORGANISATION
    assert not TermHoliday.objects.filter(term__school=school).exists()
    deleted = AuditEvent.objects.filter(action="tenancy.term.deleted", school=school)
    assert deleted.count() == 3
    assert deleted.get(target_label="Autumn 2026").changes["starts_on"] == {
        "before": "2026-09-02",
        "after": None,
    }
    terms_clear_for_year(organisation=trust, academic_year=2026, actor=UserFactory())
    assert TermCalendar(school).source(2026) is TermSource.DEFAULT
    assert terms_clear_for_year(school=school, academic_year=2026, actor=UserFactory()) == 0
    assert Term.objects.filter(academic_year=2026).count() == 3  # the estimated defaults
