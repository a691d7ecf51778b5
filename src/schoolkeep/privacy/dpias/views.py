"""The DPIA pages: the list, start one, its page (the assessment in the order of the ICO's
template), and the forms of each step: screening, the assessment's text, a risk, the DPO's
advice, the ICO's prior consultation, the SIRO's sign-off, archive.

Everyone with ``dpias.view`` reads; ``dpias.manage`` writes the screening and assessment;
only the DPO (``dpias.advise``) records advice and only the SIRO (``dpias.signoff``) signs
off. Another school's DPIA is a 404. Each POST is one service call.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from schoolkeep.assets.models import Asset
from schoolkeep.audit.selectors import history_summary
from schoolkeep.lib.date_input import date_notes
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.privacy.dpias import forms, selectors, services
from schoolkeep.privacy.dpias.models import Dpia, DpiaRisk
from schoolkeep.privacy.dpias.rows import assessment_context, dpia_rows
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted

PER_PAGE = 50
HISTORY_ON_PAGE = 10
FORM = "privacy/dpias/form.html"
YES_NO_INITIAL: dict[bool | None, str] = {True: "yes", False: "no"}


def _dpia(request: SchoolRequest, public_id: UUID) -> Dpia:
    return selectors.dpia_for_page(school=request.school, public_id=public_id)


def _form_page(request: SchoolRequest, *, dpia: Dpia, form: Form,
               save: Callable[[], Any], title: str, button: str, done: str,
               template: str = FORM, **extra: Any) -> HttpResponse:
    """Every DPIA form: on a valid POST call the service and go back to the DPIA's page;
    a refusal shows on the form (403 when the member may not do it at all)."""
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            save()
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=dpia,
                                 what="this DPIA")
        else:
            messages.success(request, " ".join([done, *date_notes(form)]))
            return redirect("dpias:dpia-detail", dpia.public_id)
    return render(request, template, {
        "page_title": f"{title}: {selectors.subject_name(dpia)}", "title": title,
        "dpia": dpia, "subject": selectors.subject_name(dpia), "form": form,
        "button": button, "stale": stale, **extra})


@school_view("dpias.view")
@require_GET
def dpia_list(request: SchoolRequest) -> HttpResponse:
    filters = forms.DpiaFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    dpias = selectors.dpia_list(school=request.school, state=data.get("state", ""),
                                archived=bool(data.get("archived")))
    page = Paginator(dpias, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "privacy/dpias/list.html", {
        "page_title": "DPIAs", "filters": filters, "page": page,
        "rows": dpia_rows(list(page.object_list), today=timezone.localdate()),
        "query": query.urlencode(), "can_manage": request.access.can("dpias.manage")})


@school_view("dpias.manage")
@require_http_methods(["GET", "POST"])
def dpia_start(request: SchoolRequest) -> HttpResponse:
    """Start from an asset, a system (the register's pages link here with ``?asset=`` or
    ``?system=``) or a new project; those with a current DPIA are not offered."""
    current = Dpia.objects.filter(school=request.school, archived_at__isnull=True)
    assets = list(Asset.objects.filter(school=request.school, archived_at__isnull=True)
                  .exclude(pk__in=current.filter(asset__isnull=False).values("asset_id"))
                  .order_by("name", "pk").only("public_id", "name"))
    systems = list(System.objects.filter(school=request.school, archived_at__isnull=True)
                   .exclude(pk__in=current.filter(system__isnull=False).values("system_id"))
                   .order_by("name", "pk").only("public_id", "name"))
    initial = {"asset": request.GET.get("asset", ""), "system": request.GET.get("system", "")}
    form = forms.StartForm(posted(request), initial=initial, assets=assets, systems=systems)
    if request.method == "POST" and form.is_valid():
        try:
            dpia = services.dpia_start(school=request.school, actor=request.user,
                                       **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "The DPIA is started. Screen it first: the answers "
                                      "decide whether a full assessment is required.")
            return redirect("dpias:dpia-screening", dpia.public_id)
    return render(request, "privacy/dpias/start.html", {
        "page_title": "Start a DPIA", "form": form})


@school_view("dpias.view")
@require_GET
def dpia_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    return render(request, "privacy/dpias/detail.html", {
        "page_title": services.label_of(dpia), "dpia": dpia,
        **assessment_context(dpia, access=request.access),
        **history_summary(school=request.school, target=dpia, access=request.access,
                          limit=HISTORY_ON_PAGE)})


@school_view("dpias.manage")
@require_http_methods(["GET", "POST"])
def dpia_screening(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    form = forms.ScreeningForm(posted(request), dpia=dpia, initial={"version": dpia.version})
    return _form_page(
        request, dpia=dpia, form=form, title="Screen for a DPIA", button="Save the screening",
        done="The screening is saved.", template="privacy/dpias/screening.html",
        save=lambda: services.dpia_screen(dpia, actor=request.user,
                                          version=form.cleaned_data["version"],
                                          answers=form.answers()))


@school_view("dpias.manage")
@require_http_methods(["GET", "POST"])
def dpia_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    form = forms.AssessmentForm(posted(request), initial=forms.AssessmentForm.initial_for(dpia),
                                signed_off=dpia.signed_off_on is not None)
    return _form_page(
        request, dpia=dpia, form=form, title="Write the assessment", button="Save",
        done="The assessment is saved.", template="privacy/dpias/assessment_form.html",
        save=lambda: services.dpia_update(dpia, actor=request.user,
                                          version=form.cleaned_data["version"],
                                          **form.service_fields(dpia)))


def _risk_of(dpia: Dpia, risk_id: UUID) -> DpiaRisk:
    for risk in dpia.risks.all():  # prefetched with the DPIA
        if risk.public_id == risk_id:
            risk.dpia = dpia
            return risk
    raise Http404("Not found")


@school_view("dpias.manage")
@require_http_methods(["GET", "POST"])
def dpia_risk_add(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    form = forms.RiskForm(posted(request), initial=forms.RiskForm.initial_for(dpia, None))
    return _form_page(
        request, dpia=dpia, form=form, title="Add a risk", button="Add the risk",
        done="The risk is added.", intro=RISK_INTRO,
        save=lambda: services.risk_add(dpia, actor=request.user,
                                       version=form.cleaned_data["version"],
                                       **form.service_fields()))


RISK_INTRO = ("Score each risk to people on the scale used across Schoolkeep: likelihood "
              "times severity, each 1 to 3. 1 or 2 is low, 3 or 4 medium, 6 or 9 high. Then "
              "score what is left after the measures: a high risk left after them needs the "
              "ICO's prior consultation before the DPIA can be signed off.")


@school_view("dpias.manage")
@require_http_methods(["GET", "POST"])
def dpia_risk_edit(request: SchoolRequest, public_id: UUID, risk_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    risk = _risk_of(dpia, risk_id)
    form = forms.RiskForm(posted(request), initial=forms.RiskForm.initial_for(dpia, risk))
    return _form_page(
        request, dpia=dpia, form=form, title="Change a risk", button="Save the risk",
        done="The risk is saved.", intro=RISK_INTRO,
        save=lambda: services.risk_update(risk, actor=request.user,
                                          version=form.cleaned_data["version"],
                                          **form.service_fields()))


@school_view("dpias.manage")
@require_http_methods(["GET", "POST"])
def dpia_risk_remove(request: SchoolRequest, public_id: UUID, risk_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    risk = _risk_of(dpia, risk_id)
    form = forms.VersionForm(posted(request), initial={"version": dpia.version})
    return _form_page(
        request, dpia=dpia, form=form, title="Remove a risk", button="Remove the risk",
        done="The risk is removed.", intro=f"Remove the risk \"{risk.description}\"?",
        save=lambda: services.risk_remove(risk, actor=request.user,
                                          version=form.cleaned_data["version"]))


@school_view("dpias.advise")
@require_http_methods(["GET", "POST"])
def dpia_advice(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    form = forms.AdviceForm(posted(request), initial={
        "version": dpia.version, "advice": dpia.dpo_advice,
        "advised_on": dpia.dpo_advice_on or timezone.localdate(),
        "followed": YES_NO_INITIAL.get(dpia.dpo_advice_followed),
        "not_followed_reason": dpia.dpo_advice_not_followed_reason})
    return _form_page(
        request, dpia=dpia, form=form, title="Record the DPO's advice", button="Record it",
        done="The DPO's advice is recorded.",
        intro="UK GDPR Article 35(2): the school must seek its DPO's advice when it carries "
              "out a DPIA. Record the advice, and whether the school follows it.",
        save=lambda: services.dpia_record_advice(dpia, actor=request.user,
                                                 version=form.cleaned_data["version"],
                                                 **form.service_fields()))


@school_view("dpias.manage")
@require_http_methods(["GET", "POST"])
def dpia_ico(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    form = forms.IcoForm(posted(request), initial={
        "version": dpia.version, "consulted_on": dpia.ico_consulted_on,
        "reference": dpia.ico_reference, "response_on": dpia.ico_response_on,
        "response": dpia.ico_response})
    return _form_page(
        request, dpia=dpia, form=form, title="Record the ICO's prior consultation",
        button="Record it", done="The ICO's consultation is recorded.",
        intro="When a high risk remains after the measures, the school must consult the ICO "
              "before the processing starts (UK GDPR Article 36). "
              + selectors.ICO_RESPONSE_NOTE,
        save=lambda: services.dpia_record_ico(dpia, actor=request.user,
                                              version=form.cleaned_data["version"],
                                              **form.service_fields()))


def _a_year_after(day: date) -> date:
    """The same day next year (28 February for 29 February)."""
    if (day.month, day.day) == (2, 29):
        return day.replace(year=day.year + 1, day=28)
    return day.replace(year=day.year + 1)


@school_view("dpias.signoff")
@require_http_methods(["GET", "POST"])
def dpia_sign_off(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    today = timezone.localdate()
    form = forms.SignOffForm(posted(request), initial={
        "version": dpia.version, "signed_off_on": today,
        "review_on": dpia.review_on or _a_year_after(today)})
    return _form_page(
        request, dpia=dpia, form=form, title="Sign off the DPIA", button="Sign it off",
        done="The DPIA is signed off.", template="privacy/dpias/sign_off.html",
        blockers=selectors.sign_off_blockers(dpia),
        save=lambda: services.dpia_sign_off(dpia, actor=request.user,
                                            version=form.cleaned_data["version"],
                                            **form.service_fields()))


@school_view("dpias.manage")
@require_http_methods(["GET", "POST"])
def dpia_archive(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    dpia = _dpia(request, public_id)
    form = forms.VersionForm(posted(request), initial={"version": dpia.version})
    return _form_page(
        request, dpia=dpia, form=form, title="Archive the DPIA", button="Archive it",
        done="The DPIA is archived.",
        intro="An archived DPIA is kept and can still be read and exported, but no longer "
              "counts as the current one: the asset or system can then have a new DPIA.",
        save=lambda: services.dpia_archive(dpia, actor=request.user,
                                           version=form.cleaned_data["version"]))
