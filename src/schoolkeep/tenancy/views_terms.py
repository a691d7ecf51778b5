"""Term dates: see this year's and next year's, and enter the school's own."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from schoolkeep.lib.errors import DomainError, StaleVersion
from schoolkeep.tenancy.calendar import (
    MAX_ACADEMIC_YEAR,
    MIN_ACADEMIC_YEAR,
    TermCalendar,
    TermSource,
    academic_year_label,
)
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.forms_terms import TermYearForm
from schoolkeep.tenancy.models import School, Term, TermHoliday
from schoolkeep.tenancy.services_terms import (
    terms_clear_for_year,
    terms_set_for_year,
    terms_version,
)


def _source_text(source: TermSource, school: School) -> str:
    if source is TermSource.SCHOOL:
        return "Your school's own dates."
    if source is TermSource.ORGANISATION:
        return f"Dates set by {school.organisation}."
    return "Estimated: please check and enter your school's dates."


def _year(calendar: TermCalendar, academic_year: int, school: School) -> dict[str, Any]:
    source = calendar.source(academic_year)
    return {
        "academic_year": academic_year,
        "label": academic_year_label(academic_year),
        "terms": calendar.terms(academic_year),
        "source": source.value,
        "source_text": _source_text(source, school),
    }


def _term_row(term: Term) -> dict[str, Any]:
    """A term with its holidays apart from its INSET days and closures (prefetched)."""
    stored = list(term.holidays.all())
    return {
        "term": term,
        "holidays": [h for h in stored if h.kind == TermHoliday.Kind.HOLIDAY],
        "days": [h for h in stored if h.kind != TermHoliday.Kind.HOLIDAY],
    }


@school_view("terms.view")
@require_GET
def term_list(request: HttpRequest) -> HttpResponse:
    school: School = request.school  # type: ignore[attr-defined]
    today = timezone.localdate()
    calendar = TermCalendar(school)
    calendar.preload([today.year - 1, today.year, today.year + 1])
    current = calendar.term_for_date(today).academic_year
    years = [_year(calendar, year, school) for year in (current, current + 1)]
    prefetch_related_objects([t for year in years for t in year["terms"]], "holidays")
    for year in years:
        year["rows"] = [_term_row(term) for term in year["terms"]]
    return render(
        request,
        "tenancy/term_list.html",
        {
            "page_title": "Term dates",
            "years": years,
            "can_manage": request.access.can("terms.manage"),  # type: ignore[attr-defined]
        },
    )


@school_view("terms.manage")
def term_edit(request: HttpRequest, year: int) -> HttpResponse:
    if not MIN_ACADEMIC_YEAR <= year <= MAX_ACADEMIC_YEAR:
        raise Http404("Not found")
    school: School = request.school  # type: ignore[attr-defined]
    label = academic_year_label(year)
    if request.method == "POST" and request.POST.get("action") == "clear":
        return _clear(request, school, year, label)
    calendar = TermCalendar(school)
    if request.method == "POST":
        form = _save(request, school, calendar, year)
        if form is None:
            messages.success(request, f"Term dates for {label} saved.")
            return redirect("tenancy:term-list")
    else:
        form = _form_with_stored_dates(school, calendar, year)
    source = calendar.source(year)
    context = {
        "page_title": f"Term dates for {label}",
        "form": form,
        "year_label": label,
        "source_text": _source_text(source, school),
        "has_own_dates": source is TermSource.SCHOOL,
    }
    return render(request, "tenancy/term_edit.html", context)


def _clear(request: HttpRequest, school: School, year: int, label: str) -> HttpResponse:
    """Remove the school's own dates, unless they changed since the page was opened (a post
    without the version it was opened with is refused the same way)."""
    try:
        removed = terms_clear_for_year(school=school, academic_year=year, actor=request.user,
                                       expected_version=request.POST.get("version", ""))
    except StaleVersion as error:
        messages.error(request, error.message)
        return redirect("tenancy:term-edit", year)
    if removed:
        messages.success(request, f"Your school's own dates for {label} were removed.")
    return redirect("tenancy:term-list")


def _save(
    request: HttpRequest, school: School, calendar: TermCalendar, year: int
) -> TermYearForm | None:
    """Save the posted dates: None when saved, else the form to show again with its errors."""
    form = TermYearForm(request.POST, academic_year=year)
    if not form.is_valid():
        return form
    try:
        terms_set_for_year(
            school=school,
            academic_year=year,
            actor=request.user,
            terms=form.cleaned_data["terms"],
            holidays=form.cleaned_data["holidays"],
            expected_version=form.cleaned_data["version"],
        )
    except StaleVersion as error:
        form = _form_with_stored_dates(school, calendar, year, bound=True)  # the newer dates
        form.is_valid()
        form.add_error(None, error.message)
        return form
    except DomainError as error:
        form.add_domain_error(error)
        return form
    return None


def _form_with_stored_dates(
    school: School, calendar: TermCalendar, year: int, *, bound: bool = False
) -> TermYearForm:
    """A form showing the dates that apply now (the school's, the trust's or the default);
    bound to them when an error must be shown above them."""
    terms = calendar.terms(year)
    prefetch_related_objects(terms, "holidays")
    version = terms_version(school=school, academic_year=year)
    initial = TermYearForm.initial_for(terms, version=version)
    if bound:
        data = {k: v.isoformat() if isinstance(v, date) else v for k, v in initial.items()}
        return TermYearForm(data, academic_year=year)
    return TermYearForm(initial=initial, academic_year=year)
