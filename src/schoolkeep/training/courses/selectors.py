"""Reads about courses: the school's catalogue with how many live records each has, one
course for its page, and the open courses a record may be made against."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from schoolkeep.tenancy.selectors import get_for_school_or_404
from schoolkeep.training.models import Course

OPEN, ARCHIVED = "open", "archived"
STATES = [("", "Courses in use"), (ARCHIVED, "Archived courses")]


def course_list(*, school: Any, state: str = "") -> QuerySet[Course]:
    """The school's courses (in use, or archived), by name, each with ``record_count``:
    its records not withdrawn."""
    courses = Course.objects.filter(school=school, archived_at__isnull=state != ARCHIVED)
    return courses.annotate(record_count=Count(
        "records", filter=Q(records__withdrawn_at__isnull=True))).order_by("name_key", "id")


def course_page(courses: QuerySet[Course], *, number: Any, per_page: int = 50) -> Page:
    return Paginator(courses, per_page).get_page(number)


def open_courses(school: Any) -> list[Course]:
    """The courses a record may be made against, by name: one query."""
    return list(Course.objects.filter(school=school, archived_at__isnull=True)
                .order_by("name_key", "id"))


def course_for_page(*, school: Any, public_id: UUID | str) -> Course:
    """One course of the school; another school's: 404."""
    return get_for_school_or_404(Course.objects.all(), school=school, public_id=public_id)
