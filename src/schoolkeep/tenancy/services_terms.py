"""Writes for term dates: a school's or an organisation's three terms of one academic year."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any, NamedTuple

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.tenancy.calendar import (
    AUTUMN,
    MAX_ACADEMIC_YEAR,
    MIN_ACADEMIC_YEAR,
    SPRING,
    SUMMER,
    TERM_NAMES,
    term_label,
)
from schoolkeep.tenancy.models import Organisation, School, Term, TermHoliday


class HolidayDates(NamedTuple):
    """A day or days inside a term with no pupils: a holiday such as half-term (the default
    kind), an INSET day or a closure. Plain (term, start, end) tuples work too, as do
    (term, start, end, kind)."""

    term: str
    starts_on: date
    ends_on: date
    kind: str = TermHoliday.Kind.HOLIDAY.value


# Errors name a holiday's fields ``<term>_holiday_<n>_...`` and an INSET day's or a
# closure's ``<term>_day_<n>_...``, n counting that term's entries of the group from 1. A
# holiday lies strictly inside its term (a term starts and ends with a day in school); an
# INSET day or a closure may be any day of the term, its first and last included; a single
# day is a weekday (school is shut at weekends anyway: a Saturday is a typing mistake), while
# a run of days may span a weekend.
_GROUPS = {
    TermHoliday.Kind.HOLIDAY.value: "holiday",
    TermHoliday.Kind.INSET.value: "day",
    TermHoliday.Kind.CLOSURE.value: "day",
}


def holiday_dates(entry: Sequence[Any]) -> HolidayDates:
    """An entry given as (term, start, end) or (term, start, end, kind), as HolidayDates."""
    if isinstance(entry, HolidayDates):
        return entry
    if len(entry) == 3:
        return HolidayDates(entry[0], entry[1], entry[2])
    return HolidayDates(entry[0], entry[1], entry[2], entry[3])


class TermDatesError(DomainError):
    """Every problem with a year's dates at once: ``errors`` is [(field or None, message)]."""

    def __init__(self, errors: list[tuple[str | None, str]]) -> None:
        field, message = errors[0]
        super().__init__(message, field=field)
        self.errors = errors


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _owner_filter(school: School | None, organisation: Organisation | None) -> dict[str, Any]:
    if (school is None) == (organisation is None):
        raise DomainError("Term dates belong to either a school or a trust, not both or neither.")
    return {"school": school} if school is not None else {"organisation": organisation}


def _check_year(academic_year: int) -> None:
    if not MIN_ACADEMIC_YEAR <= academic_year <= MAX_ACADEMIC_YEAR:
        raise DomainError(
            f"{academic_year} is outside the years Schoolkeep handles"
            f" ({MIN_ACADEMIC_YEAR} to {MAX_ACADEMIC_YEAR}).",
            field="academic_year",
        )


def validate_term_dates(
    academic_year: int,
    terms: Mapping[str, tuple[date, date]],
    holidays: Sequence[Sequence[Any]],
) -> list[tuple[str | None, str]]:
    """The problems with a year's dates, each as (field, message); empty when all is well.

    Fields are named ``<term>_starts_on``, ``<term>_ends_on``,
    ``<term>_holiday_<n>_starts_on`` / ``_ends_on`` for holidays and ``<term>_day_<n>_...``
    for INSET days and closures, where n counts that term's entries of the group from 1 in
    the order given. Nothing may overlap anything else in its term; a one-day INSET day or
    closure is a weekday.
    """
    errors: list[tuple[str | None, str]] = []
    year, next_year = academic_year, academic_year + 1
    unknown = sorted(set(terms) - set(TERM_NAMES))
    if unknown:
        errors.append((None, f"There is no term called {', '.join(unknown)}."))
    valid: dict[str, tuple[date, date]] = {}
    for name in TERM_NAMES:
        label = term_label(name, academic_year)
        dates = terms.get(name)
        if dates is None or dates[0] is None:
            errors.append((f"{name}_starts_on", f"Enter the first day of the {label} term."))
            continue
        if dates[1] is None:
            errors.append((f"{name}_ends_on", f"Enter the last day of the {label} term."))
            continue
        starts_on, ends_on = dates
        if ends_on < starts_on:
            errors.append(
                (
                    f"{name}_ends_on",
                    f"The last day of the {label} term must be on or after its"
                    f" first day ({_day(starts_on)}).",
                )
            )
            continue
        valid[name] = (starts_on, ends_on)

    bounds = {
        AUTUMN: (date(year, 8, 1), date(year, 12, 31)),
        SPRING: (date(next_year, 1, 1), date(next_year, 8, 31)),
        SUMMER: (date(next_year, 1, 1), date(next_year, 8, 31)),
    }
    for name, (starts_on, ends_on) in list(valid.items()):
        earliest, latest = bounds[name]
        label = term_label(name, academic_year)
        if starts_on < earliest:
            errors.append(
                (f"{name}_starts_on", f"The {label} term must start on or after {_day(earliest)}.")
            )
            del valid[name]
        elif ends_on > latest:
            errors.append((f"{name}_ends_on", f"The {label} term must end by {_day(latest)}."))
            del valid[name]

    for before, after in ((AUTUMN, SPRING), (SPRING, SUMMER)):
        if before in valid and after in valid and valid[after][0] <= valid[before][1]:
            errors.append(
                (
                    f"{after}_starts_on",
                    f"The {term_label(after, academic_year)} term must start after the"
                    f" {term_label(before, academic_year)} term ends ({_day(valid[before][1])}).",
                )
            )

    counts: dict[tuple[str, str], int] = {}
    seen: dict[str, list[tuple[date, date, str]]] = {}
    for entry in holidays:
        term_name, starts_on, ends_on, kind = holiday_dates(entry)
        if term_name not in TERM_NAMES:
            errors.append((None, f"There is no term called {term_name}."))
            continue
        if kind not in _GROUPS:
            errors.append((None, f"{kind} is not a kind of day without pupils: use holiday,"
                                 " inset or closure."))
            continue
        group = _GROUPS[kind]
        counts[(term_name, group)] = number = counts.get((term_name, group), 0) + 1
        prefix = f"{term_name}_{group}_{number}"
        label = term_label(term_name, academic_year)
        what = (f"Holiday {number} of the {label} term" if group == "holiday"
                else f"INSET day or closure {number} of the {label} term")
        if ends_on < starts_on:
            errors.append(
                (
                    f"{prefix}_ends_on",
                    f"The last day of {what[0].lower()}{what[1:]} must be on or after its"
                    " first day.",
                )
            )
            continue
        if term_name in valid:
            term_start, term_end = valid[term_name]
            if group == "holiday" and not term_start < starts_on <= ends_on < term_end:
                errors.append(
                    (
                        f"{prefix}_starts_on",
                        f"{what} must fall inside the term: after its first day"
                        f" ({_day(term_start)}) and before its last ({_day(term_end)}).",
                    )
                )
                continue
            if group == "day" and not term_start <= starts_on <= ends_on <= term_end:
                errors.append(
                    (
                        f"{prefix}_starts_on",
                        f"{what} must fall inside the term: from its first day"
                        f" ({_day(term_start)}) to its last ({_day(term_end)}).",
                    )
                )
                continue
        if group == "day" and starts_on == ends_on and starts_on.weekday() >= 5:
            errors.append(
                (
                    f"{prefix}_starts_on",
                    f"{what} is on a {starts_on:%A} ({_day(starts_on)}), when school is"
                    " closed anyway: enter the weekday it falls on.",
                )
            )
            continue
        clash = next((other for other in seen.get(term_name, [])
                      if other[0] <= ends_on and starts_on <= other[1]), None)
        if clash is not None:
            other = ("another holiday" if clash[2] == TermHoliday.Kind.HOLIDAY
                     else f"the INSET day or closure of {_day(clash[0])}")
            errors.append((f"{prefix}_starts_on", f"{what} overlaps {other}."))
            continue
        seen.setdefault(term_name, []).append((starts_on, ends_on, kind))
    return errors


# A term's days without pupils as stored and compared: (first day, last day, kind).
Days = tuple[date, date, str]


def _holiday_key(starts_on: date, ends_on: date, kind: str) -> list[str]:
    """For the fingerprint: a holiday as before INSET days existed, other kinds named."""
    key = [starts_on.isoformat(), ends_on.isoformat()]
    return key if kind == TermHoliday.Kind.HOLIDAY else [*key, kind]


def _day_text(starts_on: date, ends_on: date, kind: str) -> str:
    text = f"{starts_on.isoformat()}/{ends_on.isoformat()}"
    return text if kind == TermHoliday.Kind.HOLIDAY else f"{text} {kind}"


def _state(term: Term | None, holidays: Sequence[Days]) -> dict[str, Any] | None:
    """A term as its audit events record it: a holiday "2026-10-26/2026-10-30", an INSET
    day or a closure "2026-09-02/2026-09-02 inset"."""
    if term is None:
        return None
    return {
        "starts_on": term.starts_on,
        "ends_on": term.ends_on,
        "holidays": [_day_text(*days) for days in sorted(holidays)],
    }


def _stored_days(term: Term) -> list[Days]:
    return sorted((h.starts_on, h.ends_on, h.kind) for h in term.holidays.all())


def terms_version(
    *, school: School | None = None, organisation: Organisation | None = None, academic_year: int
) -> str:
    """A fingerprint of the owner's stored dates for a year ("none" when there are none).

    Forms carry it so that a save over someone else's newer change is refused.
    """
    owner = _owner_filter(school, organisation)
    rows = (
        Term.objects.filter(academic_year=academic_year, **owner)
        .prefetch_related("holidays")
        .order_by("name")
    )
    content = [
        [
            t.name,
            t.starts_on.isoformat(),
            t.ends_on.isoformat(),
            sorted(_holiday_key(h.starts_on, h.ends_on, h.kind) for h in t.holidays.all()),
        ]
        for t in rows
    ]
    if not content:
        return "none"
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()[:32]


# Called, in the same transaction, after a school's or a trust's dates for a year are saved
# or cleared, with ``school``, ``organisation``, ``academic_year`` and ``actor``: records
# whose dates were given as a term ("Spring 2022") follow the new dates.
_terms_changed_hooks: list[Callable[..., object]] = []


def register_terms_changed_hook(hook: Callable[..., object]) -> Callable[..., object]:
    if hook not in _terms_changed_hooks:
        _terms_changed_hooks.append(hook)
    return hook


def _terms_changed(*, school: School | None, organisation: Organisation | None,
                   academic_year: int, actor: Any) -> None:
    for hook in _terms_changed_hooks:
        hook(school=school, organisation=organisation, academic_year=academic_year,
             actor=actor)


def terms_set_for_year(
    *,
    school: School | None = None,
    organisation: Organisation | None = None,
    academic_year: int,
    terms: Mapping[str, tuple[date, date]],
    holidays: Sequence[Sequence[Any]],
    actor: Any,
    expected_version: str | None = None,
) -> list[Term]:
    """Save the three terms of an academic year (and their holidays, INSET days and
    closures: ``holidays`` holds (term, first day, last day[, kind])) all at once.

    Raises ``TermDatesError`` naming every field at fault, ``StaleVersion`` when
    ``expected_version`` no longer matches, and saves nothing in either case. One audit event
    per term that changed, with before and after.
    """
    owner = _owner_filter(school, organisation)
    _check_year(academic_year)
    errors = validate_term_dates(academic_year, terms, holidays)
    if errors:
        raise TermDatesError(errors)
    wanted_holidays: dict[str, list[Days]] = {name: [] for name in TERM_NAMES}
    for entry in holidays:
        term_name, starts_on, ends_on, kind = holiday_dates(entry)
        wanted_holidays[term_name].append((starts_on, ends_on, kind))
    try:
        with transaction.atomic():
            if expected_version is not None and expected_version != terms_version(
                school=school, organisation=organisation, academic_year=academic_year
            ):
                raise StaleVersion(
                    "Someone else changed these term dates while you were editing."
                    " Check the dates and save again."
                )
            existing = {
                t.name: t
                for t in Term.objects.select_for_update()
                .filter(academic_year=academic_year, **owner)
                .prefetch_related("holidays")
            }
            saved = [
                _save_term(
                    owner=owner,
                    school=school,
                    organisation=organisation,
                    academic_year=academic_year,
                    name=name,
                    dates=terms[name],
                    holidays=sorted(wanted_holidays[name]),
                    term=existing.get(name),
                    actor=actor,
                )
                for name in TERM_NAMES
            ]
            _terms_changed(school=school, organisation=organisation,
                           academic_year=academic_year, actor=actor)
    except (IntegrityError, ValidationError):
        # Only a concurrent save can get here: the dates were validated above.
        raise StaleVersion(
            "Someone else saved term dates for this year at the same time. Check the dates and"
            " save again."
        ) from None
    return saved


def _save_term(
    *,
    owner: dict[str, Any],
    school: School | None,
    organisation: Organisation | None,
    academic_year: int,
    name: str,
    dates: tuple[date, date],
    holidays: list[Days],
    term: Term | None,
    actor: Any,
) -> Term:
    old_holidays = _stored_days(term) if term is not None else []
    before = _state(term, old_holidays)
    created = term is None
    if term is None:
        term = Term(academic_year=academic_year, name=name, estimated=False, **owner)
    term.starts_on, term.ends_on = dates
    term.estimated = False
    after = _state(term, holidays)
    changes = diff(before, after)
    if not created and not changes:
        return term
    term.full_clean()
    term.save()
    if old_holidays != holidays:
        TermHoliday.objects.filter(term=term).delete()
        new_rows = [TermHoliday(term=term, starts_on=s, ends_on=e, kind=k)
                    for s, e, k in holidays]
        for row in new_rows:
            row.full_clean()
        TermHoliday.objects.bulk_create(new_rows)
    audit_record(
        action="tenancy.term.created" if created else "tenancy.term.updated",
        school=school,
        actor=actor,
        target=term,
        target_label=_target_label(term, organisation),
        changes=changes,
    )
    return term


def _target_label(term: Term, organisation: Organisation | None) -> str:
    label = term_label(term.name, term.academic_year)
    return f"{label} ({organisation})" if organisation is not None else label


def terms_clear_for_year(
    *,
    school: School | None = None,
    organisation: Organisation | None = None,
    academic_year: int,
    actor: Any,
    expected_version: str | None = None,
) -> int:
    """Remove the owner's own dates for a year, so the trust's (or the default) apply again.

    Returns how many terms were removed; one audit event for each. ``StaleVersion`` when the
    dates changed since ``expected_version`` was read: dates someone has just entered are
    not removed by a page opened before.
    """
    owner = _owner_filter(school, organisation)
    _check_year(academic_year)
    with transaction.atomic():
        if expected_version is not None and expected_version != terms_version(
            school=school, organisation=organisation, academic_year=academic_year
        ):
            raise StaleVersion("Someone else changed these term dates since you opened the"
                               " page. Check the dates before removing them.")
        rows = list(
            Term.objects.select_for_update()
            .filter(academic_year=academic_year, **owner)
            .prefetch_related("holidays")
        )
        for term in rows:
            before = _state(term, _stored_days(term))
            label = _target_label(term, organisation)
            term_id = str(term.pk)
            term.delete()
            audit_record(
                action="tenancy.term.deleted",
                school=school,
                actor=actor,
                target_type=Term._meta.label_lower,
                target_id=term_id,
                target_label=label,
                changes=diff(before, None),
            )
        if rows:
            _terms_changed(school=school, organisation=organisation,
                           academic_year=academic_year, actor=actor)
    return len(rows)
