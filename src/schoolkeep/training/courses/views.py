"""Pages of courses: the catalogue (with a button that adds the usual courses), adding a
course, its page (with its latest records), changing it and archiving it (a page with one
button)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.training.courses import selectors, services
from schoolkeep.training.courses.forms import CourseEditForm, CourseFilterForm, CourseForm
from schoolkeep.training.models import Course, TrainingRecord

COURSES_PER_PAGE = 50
LATEST_RECORDS = 20


def _to_course(request: SchoolRequest, course: Course, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("training:course-detail", course.public_id)


@school_view("training.view")
@require_http_methods(["GET", "POST"])
def course_list(request: SchoolRequest) -> HttpResponse:
    if request.method == "POST":  # "Add the usual courses"
        if not request.access.can("training.manage"):
            raise PermissionDenied
        added = services.usual_courses_add(school=request.school, actor=request.user)
        messages.success(request, f"{added} usual course{'s' if added != 1 else ''} added."
                         if added else "The school has the usual courses already.")
        return redirect("training:course-list")
    filters = CourseFilterForm(request.GET or None)
    state = filters.cleaned_data["state"] if filters.is_valid() else ""
    page = selectors.course_page(selectors.course_list(school=request.school, state=state),
                                 number=request.GET.get("page"), per_page=COURSES_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "training/courses/course_list.html", {
        "page_title": "Courses", "filters": filters, "page": page, "archived": state,
        "query": query.urlencode(), "can_manage": request.access.can("training.manage")})


@school_view("training.manage")
@require_http_methods(["GET", "POST"])
def course_create(request: SchoolRequest) -> HttpResponse:
    form = CourseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(school=request.school, actor=request.user,
                                            **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_course(request, course, f"{course.name} is added.")
    return render(request, "training/courses/course_form.html", {
        "page_title": "Add a course", "form": form, "course": None})


@school_view("training.view")
@require_GET
def course_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    course = selectors.course_for_page(school=request.school, public_id=public_id)
    records = list(TrainingRecord.objects.filter(course=course, withdrawn_at__isnull=True)
                   .select_related("person").order_by("-completed_on", "-id")[:LATEST_RECORDS])
    return render(request, "training/courses/course_detail.html", {
        "page_title": course.name, "course": course, "records": records,
        "latest": LATEST_RECORDS, "can_manage": request.access.can("training.manage")})


@school_view("training.manage")
@require_http_methods(["GET", "POST"])
def course_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    course = selectors.course_for_page(school=request.school, public_id=public_id)
    if course.archived_at is not None:
        return _to_course(request, course, "This course is archived: it cannot be changed.")
    form = CourseEditForm(posted(request), initial=CourseEditForm.initial_for(course))
    if course.catalogue_key:  # the training rules read a catalogue course by its topic
        form.fields["topic"].disabled = True
        form.fields["topic"].help_text = "A course from the catalogue keeps its topic."
    stale = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.course_update(course=course, actor=request.user,
                                   version=data.pop("version"), **data)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=course,
                                 what="this course")
        else:
            return _to_course(request, course, "The course's changes are saved.")
    return render(request, "training/courses/course_form.html", {
        "page_title": f"Change {course.name}", "form": form, "course": course,
        "stale": stale})


@school_view("training.manage")
@require_http_methods(["GET", "POST"])
def course_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    course = selectors.course_for_page(school=request.school, public_id=public_id)
    if course.archived_at is not None:
        return _to_course(request, course, "This course is archived already.")
    if request.method == "POST":
        try:
            services.course_archive(course=course, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("training:course-detail", course.public_id)
        return _to_course(request, course, f"{course.name} is archived. Its records are "
                                           "kept.")
    return render(request, "training/courses/course_archive.html", {
        "page_title": f"Archive {course.name}", "course": course})
