"""Pages of a request's progress: pause the clock and record the answer, extend the deadline
and record when the requester was told, record the response, acknowledge a complaint, record
a withdrawal.

Every page needs ``requests.handle`` (the DPO and the SIRO; the auditor, who reads, gets 403)
and finds the request through handling's ``request_for_handler_or_404``: another school's
request, or one hidden from the handler, is a 404. A successful save returns to the
request's page; a refusal shows on the form, on its field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from schoolkeep.inforequests.handling.selectors import request_for_handler_or_404
from schoolkeep.inforequests.models import Extension, Hold, Kind, Request, Status
from schoolkeep.inforequests.progress import forms, services
from schoolkeep.inforequests.progress.selectors import progress_context
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

TEMPLATE = "inforequests/progress/form.html"


def _request(request: SchoolRequest, public_id: UUID) -> Request:
    return request_for_handler_or_404(school=request.school, user=request.user,
                                      access=request.access, public_id=public_id)


def _form_page(request: SchoolRequest, *, request_obj: Request, form: Form,
               save: Callable[[dict[str, Any]], Any], title: str, button: str, done: str,
               intro: str = "", **extra: Any) -> HttpResponse:
    """Every progress form: on a valid POST call the service and go back to the request's
    page; on a refusal show it on the form (403 when the member may not do it at all)."""
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=request_obj,
                                 what="this request")
        else:
            messages.success(request, done)
            return redirect("requests:request-detail", request_obj.public_id)
    return render(request, TEMPLATE, {
        "page_title": f"{title}: {request_obj.reference}", "title": title, "intro": intro,
        "request_obj": request_obj, "form": form, "button": button, "stale": stale,
        "closed": request_obj.status != Status.OPEN, **extra})


def _words(day: Any) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def hold_add(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    form = forms.HoldForm(posted(request), request_obj=request_obj,
                          initial={"version": request_obj.version})
    reasons = services.hold_reasons_for(request_obj.kind)
    return _form_page(
        request, request_obj=request_obj, form=form, title="Pause the clock",
        button="Pause the clock", done="The clock is waiting for the requester's answer.",
        intro=("For the rights, the month starts again when proof of identity, evidence of "
               "authority or a fee arrives; a clarification stops the clock from the day "
               "it is asked for to the day it arrives.") if "identity" in reasons else
              ("A clarification starts the 20 working days again when it arrives; a fees "
               "notice stops the clock until the fee is paid.") if reasons else "",
        cannot="" if reasons else "This kind of request cannot be paused: its deadline "
               "runs whatever is asked of the requester.",
        save=lambda data: services.hold_ask(school=request.school, actor=request.user,
                                            request=request_obj, **data))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def hold_answer(request: SchoolRequest, public_id: UUID, hold_id: int) -> HttpResponse:
    request_obj = _request(request, public_id)
    hold = Hold.objects.filter(request=request_obj, pk=hold_id).first()
    if hold is None:
        raise Http404("Not found")
    form = forms.HoldAnswerForm(posted(request), initial={"version": request_obj.version})
    return _form_page(
        request, request_obj=request_obj, form=form, title="Record the requester's answer",
        button="Record the answer", done="The answer is recorded; the clock runs again.",
        intro=f"Asked for: {hold.get_reason_display().lower()}, on {_words(hold.asked_on)}.",
        cannot=f"This answer was already recorded, on {_words(hold.answered_on)}."
        if hold.answered_on else "",
        save=lambda data: services.hold_answer(school=request.school, actor=request.user,
                                               request=request_obj, hold=hold, **data))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def extension_add(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    progress = progress_context(request_obj)["progress"]
    form = forms.ExtensionForm(posted(request), request_obj=request_obj,
                               room=progress.extension_room,
                               initial={"version": request_obj.version})
    return _form_page(
        request, request_obj=request_obj, form=form, title="Extend the deadline",
        button="Extend the deadline", done="The deadline is extended.",
        intro=progress.extension_words,
        cannot="" if progress.may_extend else _no_extension(progress),
        save=lambda data: services.extension_add(school=request.school, actor=request.user,
                                                 request=request_obj, **data))


def _no_extension(progress: Any) -> str:
    if not progress.extension_unit:
        return "This kind of request cannot be extended: its deadline is fixed in law."
    if not progress.extension_room:
        return "The deadline has already been extended as far as the law allows."
    return f"It is too late to extend: that had to be decided by " \
           f"{_words(progress.extension_decide_by)}."


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def extension_told(request: SchoolRequest, public_id: UUID, extension_id: int) -> HttpResponse:
    request_obj = _request(request, public_id)
    extension = Extension.objects.filter(request=request_obj, pk=extension_id).first()
    if extension is None:
        raise Http404("Not found")
    form = forms.ExtensionToldForm(posted(request), initial={"version": request_obj.version})
    return _form_page(
        request, request_obj=request_obj, form=form,
        title="Record when the requester was told of the extension",
        button="Record it", done="Recorded: the requester was told of the extension.",
        intro=f"The extension decided on {_words(extension.decided_on)}.",
        cannot=f"The requester was already recorded as told, on "
               f"{_words(extension.told_on)}." if extension.told_on else "",
        save=lambda data: services.extension_told(school=request.school, actor=request.user,
                                                  request=request_obj, extension=extension,
                                                  **data))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def request_respond(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    form = forms.RespondForm(posted(request), request_obj=request_obj,
                             initial={"version": request_obj.version})
    complaint = request_obj.kind == Kind.COMPLAINT
    return _form_page(
        request, request_obj=request_obj, form=form,
        title="Record the outcome" if complaint else "Record the response",
        button="Record the outcome" if complaint else "Record the response",
        done="The outcome is recorded." if complaint else
        "The response is recorded; the clock has stopped.",
        intro="Record the outcome once the complaint is settled. If it was not acknowledged "
              "yet, this answer acknowledges it." if complaint else
              "A response sent after the deadline needs the reason for the delay.",
        save=lambda data: services.request_respond(school=request.school, actor=request.user,
                                                   request=request_obj, **data))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def request_acknowledge(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    form = forms.AcknowledgeForm(posted(request), initial={"version": request_obj.version})
    return _form_page(
        request, request_obj=request_obj, form=form, title="Acknowledge the complaint",
        button="Record the acknowledgement", done="The acknowledgement is recorded.",
        intro=f"A complaint must be acknowledged within 30 days: by "
              f"{_words(request_obj.due_on)}. It is then tracked to its outcome. If it was "
              "acknowledged after that day, give the reason for the delay.",
        cannot="Only a complaint is acknowledged." if request_obj.kind != Kind.COMPLAINT else
        f"Already acknowledged, on {_words(request_obj.acknowledged_on)}."
        if request_obj.acknowledged_on else "",
        save=lambda data: services.complaint_acknowledge(
            school=request.school, actor=request.user, request=request_obj, **data))


@school_view("requests.handle")
@require_http_methods(["GET", "POST"])
def request_withdraw(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    request_obj = _request(request, public_id)
    form = forms.WithdrawForm(posted(request), initial={"version": request_obj.version})
    return _form_page(
        request, request_obj=request_obj, form=form, title="Record a withdrawal",
        button="Record the withdrawal", done="The withdrawal is recorded; the clock has "
        "stopped.", intro="When the requester withdraws the request, no response is due.",
        save=lambda data: services.request_withdraw(school=request.school, actor=request.user,
                                                    request=request_obj, **data))
