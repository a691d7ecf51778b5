"""Pages of the transfer log: the list (the whole log for ``transfers.view``, a member's own
for everyone else), logging a transfer (with "log it anyway?" for a channel not approved
for it), a transfer's page, the DPO's review, turning it into an incident, and the
export."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.assets.models import Asset
from schoolkeep.lib.downloads import download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.text import in_sentence
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404
from schoolkeep.transfers.log import exports, selectors, services
from schoolkeep.transfers.log.forms import LogFilterForm, ReviewForm, TransferForm
from schoolkeep.transfers.models import DataKind, Recipient, Transfer
from schoolkeep.transfers.rules.resolve import Answer, answer_for, transfer_channels

TRANSFERS_PER_PAGE = 50


def _may_read(request: SchoolRequest) -> bool:
    """The whole log (``transfers.view``), else their own (``transfers.send``)."""
    if request.access.can("transfers.view"):
        return True
    if request.access.can("transfers.send"):
        return False
    raise PermissionDenied


def _transfer(request: SchoolRequest, public_id: UUID) -> Transfer:
    """The transfer, when the member may see it: another member's is not found."""
    can_view_all = _may_read(request)
    transfer = get_for_school_or_404(selectors.transfer_for_page(school_id=request.school.pk),
                                     school=request.school, public_id=public_id)
    if not services.may_see(transfer=transfer, user=request.user, can_view_all=can_view_all):
        raise Http404("Not found")
    return transfer


def _filters(request: SchoolRequest) -> tuple[LogFilterForm, selectors.LogFilters | None]:
    """The filter form and its filters; None when they are not valid (no rows, never the
    whole log)."""
    form = LogFilterForm(request.GET or None,
                         channels=transfer_channels(request.school.pk))
    return form, form.filters()


FILTERS_INVALID = ("The filters are not valid: correct them on the transfer log page, then "
                   "download the list again.")


@school_view()
@require_GET
def transfer_list(request: SchoolRequest) -> HttpResponse:
    can_view_all = _may_read(request)
    form, filters = _filters(request)
    transfers = Transfer.objects.none() if filters is None else selectors.transfer_list(
        school_id=request.school.pk, filters=filters,
        sender=None if can_view_all else request.user)
    page = Paginator(transfers, TRANSFERS_PER_PAGE).get_page(request.GET.get("page"))
    query = urlencode([(key, value) for key, value in request.GET.items() if key != "page"])
    return render(request, "transfers/log/transfer_list.html", {
        "page_title": "Transfer log", "page": page, "filters": form, "query": query,
        "can_view_all": can_view_all, "can_send": request.access.can("transfers.send"),
        "filters_invalid": filters is None})


def _prefilled(request: SchoolRequest) -> tuple[Answer | None, str]:
    """The guide's answer for ``?data_kind=&recipient=`` (from "How do I send this?"), and
    its words; (None, "") without them."""
    kind, recipient = request.GET.get("data_kind", ""), request.GET.get("recipient", "")
    if kind not in DataKind.values or recipient not in Recipient.values:
        return None, ""
    return answer_for(request.school, kind, recipient), (
        f"{in_sentence(DataKind(kind).label)} to {in_sentence(Recipient(recipient).label)}")


def _create_form(request: SchoolRequest, answer: Answer | None) -> TransferForm:
    assets = list(Asset.objects.filter(school=request.school, archived_at__isnull=True)
                  .only("public_id", "name").order_by("name_key"))
    initial = {key: request.GET[key] for key in ("data_kind", "recipient")
               if request.GET.get(key)}
    usable = answer.usable if answer is not None and not answer.ask_dpo else []
    if usable and usable[0].system is not None:  # the first approved channel, chosen
        initial["channel"] = str(usable[0].system.public_id)
    return TransferForm(posted(request), initial=initial, assets=assets,
                        channels=transfer_channels(request.school.pk))


@school_view("transfers.send")
@require_http_methods(["GET", "POST"])
def transfer_create(request: SchoolRequest) -> HttpResponse:
    answer, words = _prefilled(request)
    form, unapproved = _create_form(request, answer), ""
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_log(
                school=request.school, actor=request.user, **form.service_fields(),
                log_anyway=request.POST.get("log_anyway") == "yes")
        except services.UnapprovedChannel as exc:
            unapproved = exc.message
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            messages.success(request, "The transfer is logged." if transfer.approved else
                             "The transfer is logged. The DPO will review it.")
            return redirect("transfers:transfer-detail", transfer.public_id)
    return render(request, "transfers/log/transfer_form.html", {
        "page_title": "Log a transfer", "form": form, "unapproved": unapproved,
        "answer": answer, "answer_words": words})


@school_view()
@require_GET
def transfer_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    transfer = _transfer(request, public_id)
    return render(request, "transfers/log/transfer_detail.html", _detail_context(
        request, transfer, ReviewForm(initial={"version": transfer.version})))


def _detail_context(request: SchoolRequest, transfer: Transfer,
                    form: ReviewForm) -> dict[str, object]:
    return {"page_title": str(transfer), "transfer": transfer, "form": form,
            "can_review": request.access.can("transfers.manage")
            and transfer.review == Transfer.Review.TO_REVIEW,
            "link_asset": request.access.can("assets.view"),
            "link_incident": request.access.can("incidents.view"),
            "can_report": request.access.can("incidents.report")}


@school_view("transfers.manage")
@require_POST
def transfer_review(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    transfer = _transfer(request, public_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.transfer_review(transfer=transfer, actor=request.user,
                                     note=form.cleaned_data["note"],
                                     version=form.cleaned_data["version"])
        except DomainError as exc:
            refuse_on_form(form, exc, {"version": "note"})
        else:
            messages.success(request, "Your review of the transfer is recorded.")
            return redirect("transfers:transfer-detail", transfer.public_id)
    return render(request, "transfers/log/transfer_detail.html",
                  _detail_context(request, transfer, form))


@school_view()
@require_http_methods(["GET", "POST"])
def transfer_incident(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    transfer = _transfer(request, public_id)
    if not request.access.can("incidents.report"):  # the confirm page too, not only the POST
        raise PermissionDenied
    if request.method == "POST":
        try:
            transfer = services.transfer_incident(transfer=transfer, actor=request.user)
        except DomainError as exc:
            if exc.field is None:
                raise PermissionDenied from None
            messages.error(request, exc.message)
        else:
            reference = transfer.incident.reference if transfer.incident else ""
            messages.success(request, f"The transfer is reported as incident {reference}.")
        return redirect("transfers:transfer-detail", transfer.public_id)
    return render(request, "transfers/log/transfer_incident.html", {
        "page_title": "Report this transfer as an incident", "transfer": transfer,
        "fields": services.incident_fields(transfer)})


@school_view("transfers.view")
@require_GET
def transfer_export(request: SchoolRequest) -> HttpResponse:
    fmt = request.GET.get("format", "xlsx")
    if fmt not in exports.FORMATS:
        raise Http404("Not found")
    _, filters = _filters(request)
    if filters is None:
        return HttpResponse(FILTERS_INVALID, status=400, content_type="text/plain; charset=utf-8")
    content, rows = exports.export_bytes(
        selectors.transfer_list(school_id=request.school.pk, filters=filters), fmt)
    services.transfer_log_exported(school=request.school, actor=request.user, fmt=fmt,
                                   rows=rows, filters=filters.description())
    return download_response(
        content, content_type=exports.FORMATS[fmt],
        name=exports.filename(request.school, fmt, timezone.localdate()))
