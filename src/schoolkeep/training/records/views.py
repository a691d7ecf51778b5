"""Pages of training records: the list (filtered; paginated), recording one, recording a
session (tick who attended), a record's page, its certificate, confirming a member's own
record (POST), withdrawing one with a reason, and the member's own page ("My training") with
"I completed a course".

A member sees their own records and certificates through "My training" (training.own);
everyone's need training.view. A member whose account is linked to no person is told so.
"""

from __future__ import annotations

import uuid
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import person_for_user
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.training.courses.selectors import open_courses
from schoolkeep.training.models import Course, TrainingRecord
from schoolkeep.training.records import selectors, services
from schoolkeep.training.records.forms import (
    CertificateForm,
    OwnRecordForm,
    RecordFilterForm,
    RecordForm,
    SessionFilterForm,
    SessionForm,
    WithdrawForm,
)

RECORDS_PER_PAGE = 50


def _to_record(request: SchoolRequest, record: TrainingRecord, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("training:record-detail", record.public_id)


def _uuid(text: str) -> UUID | None:
    try:
        return uuid.UUID(text[:40])
    except ValueError:
        return None


def _own(request: SchoolRequest, record: TrainingRecord) -> bool:
    return (request.access.can("training.own") and record.person.user_id is not None
            and record.person.user_id == request.user.pk)


def _visible_record(request: SchoolRequest, public_id: UUID) -> TrainingRecord:
    """The school's record, for someone who may see everyone's or for its own person."""
    record = selectors.record_for_page(school=request.school, public_id=public_id)
    if not (request.access.can("training.view") or _own(request, record)):
        raise PermissionDenied
    return record


@school_view("training.view")
@require_GET
def record_list(request: SchoolRequest) -> HttpResponse:
    courses = list(Course.objects.filter(school=request.school).order_by("name_key", "id"))
    filters = RecordFilterForm(request.GET or None, courses=courses)
    data = filters.cleaned_data if filters.is_valid() else {}
    course = next((c for c in courses if str(c.public_id) == data.get("course")), None)
    person_id = _uuid(data.get("person", "") or "")
    person = (Person.objects.filter(school=request.school, public_id=person_id).first()
              if person_id else None)
    records = selectors.record_list(school=request.school, state=data.get("state", ""),
                                    course=course, person=person, kind=data.get("kind", ""))
    if person_id and person is None:
        records = records.none()
    page = selectors.record_page(records, number=request.GET.get("page"),
                                 per_page=RECORDS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "training/records/record_list.html", {
        "page_title": "Training records", "filters": filters, "page": page,
        "person": person, "query": query.urlencode(),
        "can_manage": request.access.can("training.manage")})


@school_view("training.manage")
@require_http_methods(["GET", "POST"])
def record_create(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    people = selectors.session_people(school=request.school, today=today)
    initial: dict[str, object] = {"completed_on": today}
    # "Record their training" on the status page names the person: chosen when they are one
    # of this school's people who may be recorded; anything else is ignored.
    wanted = _uuid(request.GET.get("person", ""))
    if wanted is not None and any(person.public_id == wanted for person in people):
        initial["person"] = str(wanted)
    form = RecordForm(posted(request), request.FILES or None, people=people,
                      courses=open_courses(request.school), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record = services.record_create(school=request.school, actor=request.user,
                                            **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_record(request, record, f"{record.person.full_name}'s "
                                               f"{record.course.name} is recorded.")
    return render(request, "training/records/record_form.html", {
        "page_title": "Record training", "form": form})


@school_view("training.manage")
@require_http_methods(["GET", "POST"])
def record_session(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    # Its own ids: the session form below has a course field too.
    filters = SessionFilterForm(request.GET or None, auto_id="filter_%s")
    kind = filters.cleaned_data["kind"] if filters.is_valid() else ""
    courses = open_courses(request.school)
    initial = {"completed_on": today, "course": request.GET.get("course", "")[:40]}
    form = SessionForm(posted(request), people=selectors.session_people(
        school=request.school, today=today, kind=kind), courses=courses, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            records = services.session_record(school=request.school, actor=request.user,
                                              **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            course = form.cleaned_data["course"]
            messages.success(request, f"{len(records)} "
                             f"{'person is' if len(records) == 1 else 'people are'} recorded "
                             f"as completing {course.name}.")
            return redirect(f"{reverse('training:record-list')}?course={course.public_id}")
    return render(request, "training/records/record_session.html", {
        "page_title": "Record a training session", "form": form, "filters": filters,
        "kind": kind})


@school_view("school.view")
@require_GET
def record_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    record = _visible_record(request, public_id)
    return _detail(request, record, CertificateForm())


def _detail(request: SchoolRequest, record: TrainingRecord,
            certificate_form: CertificateForm) -> HttpResponse:
    expires = selectors.expires_on(record.completed_on, record.course.valid_for_months)
    manages = request.access.can("training.manage")
    return render(request, "training/records/record_detail.html", {
        "certificate_form": certificate_form,
        "can_attach": services.may_attach_certificate(
            record, request.user, manages=manages) and (manages or _own(request, record)),
        "page_title": f"{record.course.name}: {record.person.full_name}", "record": record,
        "expires": expires, "expired": expires < timezone.localdate(),
        "can_manage": request.access.can("training.manage"),
        "is_own": record.person.user_id is not None and record.person.user_id == request.user.pk,
        "can_see_all": request.access.can("training.view"),
        "can_see_person": request.access.can("people.view")})


@school_view("school.view")  # type: ignore[arg-type]  # a streamed file, not HttpResponse
@require_GET
def record_certificate(request: SchoolRequest, public_id: UUID) -> HttpResponseBase:
    record = _visible_record(request, public_id)
    try:
        handle = services.certificate_open(record=record, actor=request.user)
    except DomainError:
        raise Http404("Not found") from None
    # A name of our making: nothing typed by anyone reaches the header.
    return download_response(handle, content_type=services.certificate_type(record),
                             name=f"training-certificate-{record.completed_on.isoformat()}")


@school_view("school.view")
@require_POST
def record_certificate_upload(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    """Attach a certificate to a record that has none: a manager, or the member while their
    own record awaits confirmation (the service checks who)."""
    record = _visible_record(request, public_id)
    if not (request.access.can("training.manage") or _own(request, record)):
        raise PermissionDenied
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.record_certificate_attach(record=record, actor=request.user,
                                               **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_record(request, record, "The certificate is attached.")
    return _detail(request, record, form)


@school_view("training.manage")
@require_POST
def record_confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    record = selectors.record_for_page(school=request.school, public_id=public_id)
    try:
        services.record_confirm(record=record, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("training:record-detail", record.public_id)
    return _to_record(request, record, f"{record.person.full_name}'s {record.course.name} is "
                                       "confirmed.")


@school_view("training.manage")
@require_http_methods(["GET", "POST"])
def record_withdraw(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    record = selectors.record_for_page(school=request.school, public_id=public_id)
    if record.withdrawn_at is not None:
        return _to_record(request, record, "This record was withdrawn already.")
    form = WithdrawForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_withdraw(record=record, actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_record(request, record, "The record is withdrawn. It is kept, with "
                                               "its reason.")
    return render(request, "training/records/record_withdraw.html", {
        "page_title": "Withdraw a training record", "form": form, "record": record})


@school_view("training.own")
@require_GET
def my_training(request: SchoolRequest) -> HttpResponse:
    person = person_for_user(school=request.school, user=request.user)
    records, standings, rules = ([], [], None) if person is None else selectors.own_training(
        school=request.school, person=person, today=timezone.localdate())
    return render(request, "training/records/my_training.html", {
        "page_title": "My training", "person": person, "records": records,
        "standings": standings, "rules": rules})


@school_view("training.own")
@require_http_methods(["GET", "POST"])
def my_training_add(request: SchoolRequest) -> HttpResponse:
    person = person_for_user(school=request.school, user=request.user)
    form = OwnRecordForm(posted(request), request.FILES or None,
                         courses=open_courses(request.school),
                         initial={"completed_on": timezone.localdate(),
                                  "course": request.GET.get("course", "")[:40]})
    if person is not None and request.method == "POST" and form.is_valid():
        try:
            record = services.own_record_create(school=request.school, actor=request.user,
                                                person=person, **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"{record.course.name} is recorded. The business "
                                      "manager will confirm it.")
            return redirect("training:my-training")
    return render(request, "training/records/my_training_add.html", {
        "page_title": "I completed a course", "form": form, "person": person})
