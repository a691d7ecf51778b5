"""Pages of the training rules: who needs training (the DfE's rule, the governor line and the
RPA's rule in short; the app's landing page), the RPA's rule person by person, the training
matrix download and the settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.lib.downloads import XLSX, download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.training.rules import services
from schoolkeep.training.rules.exports import matrix_xlsx
from schoolkeep.training.rules.forms import TrainingSettingsForm
from schoolkeep.training.rules.rpa import rpa_status
from schoolkeep.training.rules.status import school_status, settings_for

PER_PAGE = 50


@school_view("school.view")
@require_GET
def status(request: SchoolRequest) -> HttpResponse:
    if not request.access.can("training.view"):
        # The menu's "Training" opens for a member who may see only their own training.
        if request.access.can("training.own"):
            return redirect("training:my-training")
        raise PermissionDenied
    today = timezone.localdate()
    found = school_status(request.school, today=today)
    current = settings_for(request.school)
    page = Paginator(found.needing_training, PER_PAGE).get_page(request.GET.get("page"))
    rpa = rpa_status(request.school, current, today=today) if current.rpa_member else None
    # Whose training ends soon, soonest first: from the rows already read (no query), bounded.
    soon = sorted(found.soon, key=lambda row: (row.valid_until, row.person.name_key))
    return render(request, "training/rules/status.html", {
        "page_title": "Who needs training", "found": found, "page": page, "rpa": rpa,
        "soon": soon[:PER_PAGE], "soon_more": max(len(soon) - PER_PAGE, 0),
        "settings": current, "can_manage": request.access.can("training.manage"),
        "can_see_people": request.access.can("people.view")})


@school_view("training.view")
@require_GET
def rpa(request: SchoolRequest) -> HttpResponse:
    current = settings_for(request.school)
    found = rpa_status(request.school, current, today=timezone.localdate())
    page = Paginator(found.rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "training/rules/rpa.html", {
        "page_title": "The RPA's training rule", "found": found, "page": page,
        "settings": current, "can_manage": request.access.can("training.manage"),
        "can_see_people": request.access.can("people.view")})


@school_view("training.view")
@require_GET
def matrix_export(request: SchoolRequest) -> HttpResponse:
    content, name, people, courses = matrix_xlsx(request.school, today=timezone.localdate())
    services.matrix_exported(school=request.school, actor=request.user, people=people,
                             courses=courses)
    return download_response(content, name=name, content_type=XLSX)


@school_view("training.manage")
@require_http_methods(["GET", "POST"])
def settings_edit(request: SchoolRequest) -> HttpResponse:
    current = settings_for(request.school)
    form = TrainingSettingsForm(posted(request),
                                initial=TrainingSettingsForm.initial_for(current))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.training_settings_update(school=request.school, actor=request.user,
                                              **form.cleaned_data)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=current,
                                 what="these settings")
        else:
            messages.success(request, "The training settings are saved.")
            return redirect("training:status")
    return render(request, "training/rules/settings.html", {
        "page_title": "Training settings", "form": form, "stale": stale})
