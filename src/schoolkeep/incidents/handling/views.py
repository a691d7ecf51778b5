"""Pages of handling reports: the list, a report's page (with its clock), and the forms of
triage, risk, decisions, actions, lessons, closing and reopening.

The DPO and SIRO handle; the auditor reads everything and gets 403 on every form; a reporter
sees their own report reduced to its reference and status; anyone else gets a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
from schoolkeep.incidents import selectors
from schoolkeep.incidents.clock import (
    ICO_HELPLINE,
    ICO_REPORT_URL,
    NO_PERSONAL_DATA_KINDS,
    effective_risk,
    ico_deadline,
    risk_result,
)
from schoolkeep.incidents.handling.actions import (
    action_add,
    action_drop,
    action_mark_done,
    action_update,
)
from schoolkeep.incidents.handling.decisions import decision_record
from schoolkeep.incidents.handling.forms import (
    TRIAGE_ERROR_FIELDS,
    ActionForm,
    AwareAtForm,
    DecisionForm,
    DropForm,
    IncidentFilterForm,
    LessonsForm,
    ReopenForm,
    RiskForm,
    RiskOverrideForm,
    TriageForm,
    VersionForm,
)
from schoolkeep.incidents.handling.services import (
    close_gaps,
    incident_close,
    incident_record_lessons,
    incident_reopen,
)
from schoolkeep.incidents.handling.triage import (
    incident_assess_risk,
    incident_override_risk,
    incident_set_aware_at,
    incident_triage,
)
from schoolkeep.incidents.models import (
    Action,
    DataCategory,
    Decision,
    Incident,
    PeopleCategory,
    RiskResult,
    Status,
)
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.roles import roles_allow
from schoolkeep.tenancy.selectors import get_for_school_or_404, members_with_roles

INCIDENTS_PER_PAGE = 50
HISTORY_ON_PAGE = 20
FORM = "incidents/incident_form.html"


def _incident(request: SchoolRequest, public_id: UUID) -> Incident:
    return get_for_school_or_404(Incident, school=request.school, public_id=public_id)


def _action(request: SchoolRequest, public_id: UUID) -> Action:
    return get_for_school_or_404(Action.objects.select_related("incident", "owner"),
                                 school=request.school, public_id=public_id)


def _form_page(request: SchoolRequest, *, incident: Incident, form: Form,
               save: Callable[[dict[str, Any]], Any], title: str, button: str, done: str,
               template: str = FORM, error_fields: Mapping[str, str] | None = None,
               **extra: Any) -> HttpResponse:
    """The pattern of every handling form: on a valid POST call the service; on success go
    back to the report's page; on a refusal show it on the form (403 when not allowed)."""
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except DomainError as exc:
            stale = refuse_on_form(form, exc, error_fields)
        else:
            messages.success(request, done)
            return redirect("incidents:incident-detail", incident.public_id)
    return render(request, template, {"page_title": f"{title}: {incident.reference}",
                                      "title": title, "incident": incident, "form": form,
                                      "button": button, "stale": stale, **extra})


def _labels(choices: Any, values: list[str]) -> list[str]:
    labels = dict(choices.choices)
    return [labels[value] for value in values if value in labels]


def _risk(incident: Incident) -> dict[str, Any]:
    labels = dict(RiskResult.choices)
    assessed = risk_result(incident.likelihood, incident.severity)
    effective = effective_risk(incident)
    return {"product": (incident.likelihood or 0) * (incident.severity or 0),
            "assessed": labels.get(assessed, ""), "effective": effective,
            "effective_label": labels.get(effective, ""),
            "override": labels.get(incident.risk_override, "")}


@school_view("incidents.view")
@require_GET
def incident_list(request: SchoolRequest) -> HttpResponse:
    filters = IncidentFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    incidents = selectors.incident_list(school=request.school, status=data.get("status", ""),
                                        kind=data.get("kind", ""),
                                        overdue=bool(data.get("overdue")))
    page = Paginator(incidents, INCIDENTS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    rows = selectors.incident_rows(list(page.object_list))
    return render(request, "incidents/incident_list.html", {
        "page_title": "Incidents and breaches", "filters": filters, "page": page,
        "rows": rows, "rows_markup": selectors.incident_rows_markup(rows),
        "query": query.urlencode(),
        "can_handle": request.access.can("incidents.handle")})


@school_view("school.view")
@require_GET
def incident_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    found = selectors.incident_for_page(access=request.access, user=request.user,
                                        public_id=public_id)
    incident = found.incident
    if not found.full:
        return render(request, "incidents/incident_reduced.html",
                      {"page_title": incident.reference, "incident": incident})
    decisions = selectors.decisions_by_kind(incident)
    handle = request.access.can("incidents.handle") and incident.status != Status.CLOSED
    return render(request, "incidents/incident_detail.html", {
        "page_title": incident.reference, "incident": incident,
        "personal_data": incident.kind not in NO_PERSONAL_DATA_KINDS,
        "clock": selectors.clock_for(
            incident, ico_settled=selectors.is_ico_settled(incident)),
        "ico_url": ICO_REPORT_URL, "ico_helpline": ICO_HELPLINE,
        "deadline": ico_deadline(incident.aware_at),
        "ico": decisions.get(Decision.Kind.ICO),
        "decisions": [(kind, decisions.get(kind)) for kind in Decision.Kind],
        "actions": selectors.actions_of(incident),
        "risk": _risk(incident),
        "breach_types": [name for name, flag in (
            ("Confidentiality", incident.breach_confidentiality),
            ("Integrity", incident.breach_integrity),
            ("Availability", incident.breach_availability)) if flag],
        "people_categories": _labels(PeopleCategory, incident.people_categories),
        "data_categories": _labels(DataCategory, incident.data_categories),
        "can_handle": handle, "can_reopen": request.access.can("incidents.handle")
        and incident.status == Status.CLOSED,
        "can_override": handle and request.access.can("incidents.risk.override"),
        "can_mark_compromised": request.access.can("passwords.manage"),
        "today": timezone.localdate(),
        **history_summary(school=request.school, target=incident, access=request.access,
                          limit=HISTORY_ON_PAGE),
    })


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def incident_triage_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    incident = _incident(request, public_id)
    linked_assets = list(incident.assets.all())
    assets = {a.pk: a for a in Asset.objects.filter(school=request.school,
                                                    archived_at__isnull=True)}
    systems = {s.pk: s for s in System.objects.filter(school=request.school,
                                                      archived_at__isnull=True)}
    assets.update({a.pk: a for a in linked_assets})
    systems.update({s.pk: s for s in incident.systems.all()})
    form = TriageForm(posted(request), initial=TriageForm.initial_for(incident),
                      assets=sorted(assets.values(), key=lambda a: (a.name, a.pk)),
                      systems=sorted(systems.values(), key=lambda s: (s.name, s.pk)))
    return _form_page(
        request, incident=incident, form=form, title="Triage", button="Save the triage",
        done="The triage is saved.", template="incidents/triage_form.html",
        error_fields=TRIAGE_ERROR_FIELDS,
        save=lambda data: incident_triage(incident=incident, actor=request.user,
                                          version=data["version"], **form.service_fields()))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def incident_aware_at(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    incident = _incident(request, public_id)
    form = AwareAtForm(posted(request), initial={"version": incident.version,
                                                 "aware_at": incident.aware_at})
    return _form_page(
        request, incident=incident, form=form, button="Save the new moment",
        title="Change when the school became aware", done="The moment of awareness is "
        "changed; the ICO deadline moved with it.",
        intro="The 72-hour ICO deadline runs from this moment, so it moves with it.",
        save=lambda data: incident_set_aware_at(
            incident=incident, actor=request.user, version=data["version"],
            aware_at=data["aware_at"], reason=data["reason"]))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def incident_risk(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    incident = _incident(request, public_id)
    form = RiskForm(posted(request), initial={
        "version": incident.version, "likelihood": incident.likelihood,
        "likelihood_rationale": incident.likelihood_rationale,
        "severity": incident.severity, "severity_rationale": incident.severity_rationale})
    return _form_page(
        request, incident=incident, form=form, title="Assess the risk",
        button="Save the assessment", done="The risk assessment is saved.",
        intro="Likelihood times severity gives the result: 1 or 2 is unlikely to result in a "
              "risk; 3 or 4 is a risk (tell the ICO); 6 or 9 is a high risk (tell the ICO and "
              "the people affected).",
        save=lambda data: incident_assess_risk(incident=incident, actor=request.user, **data))


@school_view("incidents.risk.override")
@require_http_methods(["GET", "POST"])
def incident_risk_override(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    incident = _incident(request, public_id)
    form = RiskOverrideForm(posted(request), initial={
        "version": incident.version, "result": incident.risk_override,
        "reason": incident.risk_override_reason})
    return _form_page(
        request, incident=incident, form=form, title="Override the risk result",
        button="Save", done="The risk result is saved.",
        intro="As the data protection officer you may override the assessed result, with "
              "the reason.",
        save=lambda data: incident_override_risk(incident=incident, actor=request.user,
                                                 **data))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def decision_edit(request: SchoolRequest, public_id: UUID, kind: str) -> HttpResponse:
    incident = _incident(request, public_id)
    if kind not in Decision.Kind.values:
        raise Http404("Not found")
    current = selectors.decisions_by_kind(incident).get(kind)
    risk = effective_risk(incident)
    form = DecisionForm(posted(request), kind=kind, risk=risk,
                        initial=DecisionForm.initial_for(current))
    return _form_page(
        request, incident=incident, form=form, title=Decision.Kind(kind).label,
        button="Record the decision", done="The decision is recorded.",
        template="incidents/decision_form.html", decision=current, kind=kind,
        deadline=ico_deadline(incident.aware_at), effective=risk,
        ico_url=ICO_REPORT_URL, ico_helpline=ICO_HELPLINE,
        save=lambda data: decision_record(incident=incident, actor=request.user, kind=kind,
                                          **form.service_fields()))


def _members(request: SchoolRequest, action: Action | None = None) -> list[Any]:
    """Who may own an action: the handlers (DPO and SIRO), the only ones who see reports."""
    users = {m.user.pk: m.user for m in members_with_roles(request.school)
             if roles_allow({r.role for r in m.roles.all()}, "incidents.handle")}
    if action is not None and action.owner is not None:
        users.setdefault(action.owner.pk, action.owner)
    return sorted(users.values(), key=lambda user: (str(user), user.pk))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def action_add_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    incident = _incident(request, public_id)
    form = ActionForm(posted(request), members=_members(request))
    return _form_page(
        request, incident=incident, form=form, title="Add an action", button="Add the action",
        done="The action is added.", template="incidents/action_form.html",
        save=lambda _: action_add(incident=incident, actor=request.user,
                                  **form.service_fields()))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def action_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    action = _action(request, public_id)
    form = ActionForm(posted(request), initial=ActionForm.initial_for(action),
                      members=_members(request, action))
    return _form_page(
        request, incident=action.incident, form=form, title="Change an action",
        button="Save the changes", done="The action is changed.",
        template="incidents/action_form.html", action=action,
        save=lambda data: action_update(action=action, actor=request.user,
                                        version=data["version"] or 0,
                                        **form.service_fields()))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def action_done(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    action = _action(request, public_id)
    form = VersionForm(posted(request), initial={"version": action.version})
    return _form_page(
        request, incident=action.incident, form=form, title="Mark an action done",
        button="Mark it done", done="The action is done.",
        template="incidents/action_confirm.html", action=action,
        save=lambda data: action_mark_done(action=action, actor=request.user, **data))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def action_drop_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    action = _action(request, public_id)
    form = DropForm(posted(request), initial={"version": action.version})
    return _form_page(
        request, incident=action.incident, form=form, title="Drop an action",
        button="Drop the action", done="The action is dropped.",
        template="incidents/action_confirm.html", action=action,
        save=lambda data: action_drop(action=action, actor=request.user, **data))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def incident_lessons(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    incident = _incident(request, public_id)
    form = LessonsForm(posted(request), initial={"version": incident.version,
                                                 "lessons_learned": incident.lessons_learned})
    return _form_page(
        request, incident=incident, form=form, title="Lessons learned", button="Save",
        done="The lessons learned are saved.",
        save=lambda data: incident_record_lessons(incident=incident, actor=request.user,
                                                  **data))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def incident_close_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    incident = _incident(request, public_id)
    form = VersionForm(posted(request), initial={"version": incident.version})
    gaps = [] if incident.status == Status.CLOSED else close_gaps(incident)
    return _form_page(
        request, incident=incident, form=form, title="Close the report",
        button="Close the report", done="The report is closed.",
        template="incidents/incident_close.html", gaps=gaps,
        save=lambda data: incident_close(incident=incident, actor=request.user, **data))


@school_view("incidents.handle")
@require_http_methods(["GET", "POST"])
def incident_reopen_view(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    incident = _incident(request, public_id)
    form = ReopenForm(posted(request), initial={"version": incident.version})
    return _form_page(
        request, incident=incident, form=form, title="Reopen the report",
        button="Reopen the report", done="The report is reopened.",
        save=lambda data: incident_reopen(incident=incident, actor=request.user, **data))
