"""Pages of the transfer rules: the school's table (``transfers.view``), a cell's edit and
reset (``transfers.manage``), and the trust's table, edit and reset (the trust's
administrator: ``trust.overview`` to read, ``trust.rules.manage`` to change)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.text import in_sentence
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.models import Organisation
from schoolkeep.transfers.models import DataKind, Recipient
from schoolkeep.transfers.rules import selectors, services
from schoolkeep.transfers.rules.forms import RuleForm
from schoolkeep.transfers.rules.resolve import (
    DEFAULT,
    NONE,
    SOURCE_LABELS,
    TRUST,
    cell_for,
    key_of,
    transfer_channels,
    trust_table,
)

TrustView = Callable[..., HttpResponseBase]

# What a cell follows after a reset, in the words of the message.
FOLLOWS = {TRUST: "the trust's rule", DEFAULT: "the policy's default",
           NONE: "no rule: staff are told to ask the DPO"}


def _cell_or_404(data_kind: str, recipient: str) -> tuple[str, str]:
    """The cell's kind of data as a heading ("SEN information") and its recipient inside a
    sentence ("the local authority"); 404 for a cell that does not exist."""
    if data_kind not in DataKind.values or recipient not in Recipient.values:
        raise Http404("No such kind of data or recipient.")
    return str(DataKind(data_kind).label), in_sentence(str(Recipient(recipient).label))


def trust_view(permission: str) -> Callable[[TrustView], TrustView]:
    """The current school's trust, for who holds ``permission`` there: 404 when the school
    is in no trust, 403 for anyone else. The view gets the trust as its second argument."""

    def decorator(view: TrustView) -> TrustView:
        @school_view("school.view")
        @wraps(view)
        def wrapped(request: SchoolRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            organisation = request.school.organisation
            if organisation is None:
                raise Http404("This school is not part of a trust.")
            if not request.access.can(permission):
                raise PermissionDenied
            return view(request, organisation, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorator


@school_view("transfers.view")
@require_GET
def rules(request: SchoolRequest) -> HttpResponse:
    sections, missing = selectors.school_table(request.school)
    can = request.access.can
    return render(request, "transfers/rules/rules.html", {
        "page_title": "Which channel carries which data", "sections": sections,
        "missing": missing, "sources": SOURCE_LABELS,
        "can_manage": can("transfers.manage"), "can_add_systems": can("systems.manage"),
        "can_manage_trust": (request.school.organisation_id is not None
                             and can("trust.overview"))})


@school_view("transfers.manage")
@require_http_methods(["GET", "POST"])
def rule_edit(request: SchoolRequest, data_kind: str, recipient: str) -> HttpResponse:
    kind_label, recipient_label = _cell_or_404(data_kind, recipient)
    cell = cell_for(request.school, data_kind, recipient)
    version = services.rule_version(school=request.school, data_kind=data_kind,
                                    recipient=recipient)
    in_register = {key_of(system) for system in transfer_channels(request.school)}
    form = RuleForm(posted(request), initial=RuleForm.initial_for(cell, version),
                    channel_names=services.school_channel_names(request.school),
                    in_register=in_register, current=cell.channel_keys)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_rule_set(school=request.school, actor=request.user,
                                       data_kind=data_kind, recipient=recipient,
                                       **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Saved: {in_sentence(kind_label)} to "
                                      f"{recipient_label}.")
            return redirect("transfers:rules")
    return render(request, "transfers/rules/rule_form.html", {
        "page_title": f"{kind_label} to {recipient_label}", "form": form,
        "cell": cell, "kind_label": kind_label, "recipient_label": recipient_label,
        "data_kind": data_kind, "recipient": recipient, "trust": False})


@school_view("transfers.manage")
@require_POST
def rule_reset(request: SchoolRequest, data_kind: str, recipient: str) -> HttpResponse:
    _cell_or_404(data_kind, recipient)
    try:
        cell = services.transfer_rule_reset(school=request.school, actor=request.user,
                                            data_kind=data_kind, recipient=recipient)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Reset: the school follows {FOLLOWS[cell.source]} again.")
    return redirect("transfers:rules")


@trust_view("trust.overview")
@require_GET
def trust_rules(request: SchoolRequest, organisation: Organisation) -> HttpResponse:
    return render(request, "transfers/rules/trust_rules.html", {
        "page_title": "Which channel carries which data in the trust's schools",
        "organisation": organisation, "sections": selectors.trust_sections(organisation),
        "can_manage_trust": request.access.can("trust.rules.manage")})


@trust_view("trust.rules.manage")
@require_http_methods(["GET", "POST"])
def trust_rule_edit(request: SchoolRequest, organisation: Organisation, data_kind: str,
                    recipient: str) -> HttpResponse:
    kind_label, recipient_label = _cell_or_404(data_kind, recipient)
    cell = trust_table(organisation.pk)[(data_kind, recipient)]
    version = services.rule_version(organisation=organisation, data_kind=data_kind,
                                    recipient=recipient)
    form = RuleForm(posted(request), initial=RuleForm.initial_for(cell, version),
                    channel_names=services.catalogue_channel_names(),
                    in_register=set(services.catalogue_channel_names()),
                    current=cell.channel_keys)
    if request.method == "POST" and form.is_valid():
        try:
            services.trust_transfer_rule_set(organisation=organisation, actor=request.user,
                                             data_kind=data_kind, recipient=recipient,
                                             **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, f"Saved for {organisation.name}'s schools: "
                                      f"{in_sentence(kind_label)} to {recipient_label}.")
            return redirect("transfers:trust-rules")
    return render(request, "transfers/rules/rule_form.html", {
        "page_title": f"{kind_label} to {recipient_label} ({organisation.name})",
        "form": form, "cell": cell, "kind_label": kind_label,
        "recipient_label": recipient_label, "data_kind": data_kind, "recipient": recipient,
        "trust": True, "organisation": organisation})


@trust_view("trust.rules.manage")
@require_POST
def trust_rule_reset(request: SchoolRequest, organisation: Organisation, data_kind: str,
                     recipient: str) -> HttpResponse:
    _cell_or_404(data_kind, recipient)
    try:
        cell = services.trust_transfer_rule_reset(organisation=organisation,
                                                  actor=request.user, data_kind=data_kind,
                                                  recipient=recipient)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Reset: the trust's schools without their own rule follow "
                                  f"{FOLLOWS[cell.source]}.")
    return redirect("transfers:trust-rules")
