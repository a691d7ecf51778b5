"""Pages of the digital housekeeping: the campaigns, launching one, a campaign's page
(completion overall and per group, who has not confirmed, remind, record for someone), closing
it, the member's own confirm page (one button) and the school's checklist."""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.housekeeping.campaigns import selectors, services
from schoolkeep.housekeeping.campaigns.forms import ChecklistForm, LaunchForm
from schoolkeep.housekeeping.models import Campaign
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.middleware import SESSION_KEY
from schoolkeep.tenancy.selectors import get_for_school_or_404

PER_PAGE = 50


def _refused(request: SchoolRequest, exc: DomainError) -> None:
    """A refused button press: 403 when the member may not, else the reason as a message."""
    if isinstance(exc, NotAllowed):
        raise PermissionDenied
    messages.error(request, exc.message)


@school_view("housekeeping.view")
@require_GET
def campaign_list(request: SchoolRequest) -> HttpResponse:
    page = Paginator(selectors.campaign_list(school=request.school), PER_PAGE).get_page(
        request.GET.get("page"))
    return render(request, "housekeeping/campaign_list.html", {
        "page_title": "Digital housekeeping", "page": page,
        "can_manage": request.access.can("housekeeping.manage")})


def _launched(campaign: Campaign) -> str:
    """How many are asked, how many are e-mailed, and how many have no address (one
    aggregate)."""
    counted = campaign.confirmations.aggregate(
        asked=Count("pk"), no_address=Count("pk", filter=Q(person__email="")))
    asked, missing = counted["asked"], counted["no_address"]
    text = (f"Launched: {asked} {'person is' if asked == 1 else 'people are'} asked. "
            f"E-mails are on their way to {asked - missing}.")
    if missing:
        text += (f" {missing} {'has' if missing == 1 else 'have'} no e-mail address: record "
                 "their confirmation on this page when they tell you.")
    return text


@school_view("housekeeping.manage")
@require_http_methods(["GET", "POST"])
def campaign_create(request: SchoolRequest) -> HttpResponse:
    checklist, _version = services.checklist_of(request.school)
    today = timezone.localdate()
    form = LaunchForm(posted(request), school=request.school, initial={
        "title": f"Digital housekeeping {today.year}", "checklist": "\n".join(checklist),
        "closes_on": today + timedelta(days=28)})
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_launch(school=request.school, actor=request.user,
                                                **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, _launched(campaign))
            return redirect("housekeeping:campaign-detail", campaign.public_id)
    return render(request, "housekeeping/campaign_form.html", {
        "page_title": "Launch a digital housekeeping campaign", "form": form})


@school_view("housekeeping.view")
@require_GET
def campaign_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    campaign = selectors.campaign_for_page(school=request.school, public_id=public_id)
    showing = "confirmed" if request.GET.get("show") == "confirmed" else "pending"
    rows = (selectors.confirmed if showing == "confirmed" else selectors.pending)(campaign)
    return render(request, "housekeeping/campaign_detail.html", {
        "page_title": campaign.title, "campaign": campaign,
        "figures": selectors.figures_of(campaign), "showing": showing,
        "page": selectors.page_of(rows, request.GET.get("page"), PER_PAGE),
        "query": f"show={showing}", "today": timezone.localdate(),
        "can_manage": request.access.can("housekeeping.manage") and campaign.is_open})


@school_view("housekeeping.manage")
@require_POST
def campaign_remind(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    campaign = selectors.campaign_for_page(school=request.school, public_id=public_id)
    try:
        sent = services.campaign_remind(campaign=campaign, actor=request.user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"Reminders are on their way to {sent} "
                                  f"{'person' if sent == 1 else 'people'}.")
    return redirect("housekeeping:campaign-detail", campaign.public_id)


@school_view("housekeeping.manage")
@require_POST
def campaign_record(request: SchoolRequest, public_id: UUID, confirmation_id: UUID
                    ) -> HttpResponse:
    campaign = selectors.campaign_for_page(school=request.school, public_id=public_id)
    confirmation = get_for_school_or_404(
        campaign.confirmations.select_related("person"), school=request.school,
        public_id=confirmation_id)
    try:
        services.confirmation_record(confirmation=confirmation, actor=request.user)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, f"Recorded: {confirmation.person.full_name} has done "
                                  "their digital housekeeping.")
    return redirect("housekeeping:campaign-detail", campaign.public_id)


@school_view("housekeeping.manage")
@require_http_methods(["GET", "POST"])
def campaign_close(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    campaign = selectors.campaign_for_page(school=request.school, public_id=public_id)
    if request.method == "GET" and campaign.closed_at is not None:
        # Nothing to ask: no live button on a campaign that is already closed.
        messages.info(request, "This campaign is closed.")
        return redirect("housekeeping:campaign-detail", campaign.public_id)
    if request.method == "POST":
        try:
            services.campaign_close(campaign=campaign, actor=request.user)
        except DomainError as exc:
            _refused(request, exc)
        else:
            messages.success(request, "The campaign is closed. Its figures are kept.")
        return redirect("housekeeping:campaign-detail", campaign.public_id)
    return render(request, "housekeeping/campaign_close.html", {
        "page_title": f"Close {campaign.title}", "campaign": campaign,
        "figures": selectors.figures_of(campaign)})


@school_view("housekeeping.confirm")
@require_http_methods(["GET", "POST"])
def confirm(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    confirmation = selectors.my_confirmation(
        schools=[access.school for access in request.access_list
                 if access.can("housekeeping.confirm")],
        user=request.user, public_id=public_id)
    # Trust staff follow an e-mail's link while looking at another of their schools: the
    # one button switches them to the campaign's school as it confirms.
    elsewhere = confirmation.school_id != request.school.pk
    error = ""
    if request.method == "POST":
        if elsewhere:
            request.session[SESSION_KEY] = confirmation.school_id
        try:
            services.confirmation_confirm(confirmation=confirmation, actor=request.user)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "Thank you: your digital housekeeping is recorded.")
            return redirect("home")
    return render(request, "housekeeping/confirm.html", {
        "page_title": confirmation.campaign.title, "confirmation": confirmation,
        "campaign": confirmation.campaign, "error": error, "elsewhere": elsewhere},
        status=400 if error else 200)


@school_view("housekeeping.view")
@require_http_methods(["GET", "POST"])
def checklist(request: SchoolRequest) -> HttpResponse:
    items, version = services.checklist_of(request.school)
    can_manage = request.access.can("housekeeping.manage")
    form = ChecklistForm(posted(request), initial={"checklist": "\n".join(items),
                                                   "version": version})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.checklist_update(school=request.school, actor=request.user,
                                          **form.cleaned_data)
            except DomainError as exc:
                refuse_on_form(form, exc)
            else:
                messages.success(request, "The checklist is saved. The next campaign offers it.")
                return redirect("housekeeping:checklist")
    return render(request, "housekeeping/checklist.html", {
        "page_title": "The digital housekeeping checklist", "items": items, "form": form,
        "can_manage": can_manage})
