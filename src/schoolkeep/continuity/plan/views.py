"""Pages of the recovery plan: the plan page (its text or document, the contacts in order,
the order to restore the systems, when it was last tested and the tests' log), the forms that
change each, the document's download, and the one-page "If we are attacked" card that every
member may open."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.continuity.models import PlanContact
from schoolkeep.continuity.plan import selectors, services
from schoolkeep.continuity.plan.forms import (
    ContactForm,
    MoveForm,
    PlanDocumentForm,
    PlanTestForm,
    PlanTextForm,
    RestoreOrderForm,
)
from schoolkeep.lib.downloads import PDF, download_response
from schoolkeep.lib.errors import DomainError
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.pdf import pdf_from_html
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

CARD_CONTACTS = 10  # what one A4 page holds beside the first steps
CARD_SCOPES = 10


def _to_plan(request: SchoolRequest, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("continuity:plan")


@school_view("continuity.view")
@require_GET
def plan(request: SchoolRequest) -> HttpResponse:
    scopes = selectors.restore_scopes(request.school)
    return render(request, "continuity/plan/plan.html", {
        "page_title": "Recovery plan",
        "summary": selectors.summary(request.school, timezone.localdate()),
        "contacts": selectors.contacts(request.school), "scopes": scopes,
        "ordered_scopes": [scope for scope in scopes if scope.restore_order],
        "order_form": RestoreOrderForm(scopes=scopes),
        "tests": selectors.tests_page(request.school, request.GET.get("page")),
        "earlier": services.earlier_documents(selectors.plan_of(request.school)),
        "can_manage": request.access.can("continuity.manage")})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def plan_edit(request: SchoolRequest) -> HttpResponse:
    current = selectors.plan_of(request.school)
    form = PlanTextForm(posted(request), initial={
        "version": current.version if current else 1, "text": current.text if current else ""})
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_text_save(school=request.school, actor=request.user,
                                    text=form.cleaned_data["text"],
                                    version=form.cleaned_data["version"] or 1)
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=current,
                                 what="the recovery plan") if current else \
                refuse_on_form(form, exc)
        else:
            return _to_plan(request, "The recovery plan is saved.")
    return render(request, "continuity/plan/plan_form.html", {
        "page_title": "Write the recovery plan", "form": form, "stale": stale})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def plan_upload(request: SchoolRequest) -> HttpResponse:
    form = PlanDocumentForm(posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_document_upload(school=request.school, actor=request.user,
                                          uploaded_file=form.cleaned_data["file"])
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_plan(request, "The plan's document is uploaded.")
    return render(request, "continuity/plan/upload.html", {
        "page_title": "Upload the recovery plan", "form": form,
        "plan": selectors.plan_of(request.school)})


@school_view("continuity.view")  # type: ignore[arg-type]  # a streamed file
@require_GET
def plan_document(request: SchoolRequest) -> HttpResponseBase:
    current = selectors.plan_of(request.school)
    earlier_text = request.GET.get("earlier", "")
    if current is None or (earlier_text and not (earlier_text.isdigit()
                                                 and len(earlier_text) <= 4)):
        raise Http404("Not found")
    earlier = int(earlier_text) if earlier_text else None
    try:
        handle, content_type = services.plan_document_open(plan=current, actor=request.user,
                                                           earlier=earlier)
    except DomainError:
        raise Http404("Not found") from None
    # A name of our making: nothing typed by anyone reaches the header.
    suffix = "" if earlier is None else f"-earlier-{earlier + 1}"
    return download_response(handle, content_type=content_type,
                             name=f"recovery-plan{suffix}")


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def contact_create(request: SchoolRequest) -> HttpResponse:
    if request.method == "POST" and request.POST.get("defaults") == "yes":
        added = services.contacts_add_defaults(school=request.school, actor=request.user)
        if not added:
            full = selectors.contacts_full(request.school, services.MAX_CONTACTS)
            messages.info(request, f"The plan already lists {services.MAX_CONTACTS} contacts, "
                                   "the most it can: take one off to add another." if full
                          else "The usual contacts are already on the plan.")
            return redirect("continuity:plan")
        return _to_plan(request, f"{len(added)} usual contact{'s' if len(added) != 1 else ''}"
                                 " added. Fill in the numbers the plan still lacks.")
    form = ContactForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(school=request.school, actor=request.user,
                                    **form.service_fields())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_plan(request, "The contact is added at the end of the list.")
    return render(request, "continuity/plan/contact_form.html", {
        "page_title": "Add a contact", "form": form, "contact": None})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def contact_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    contact = get_for_school_or_404(PlanContact, school=request.school, public_id=public_id)
    form = ContactForm(posted(request), initial=ContactForm.initial_for(contact))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_update(contact=contact, actor=request.user,
                                    version=form.cleaned_data["version"] or 0,
                                    **form.service_fields())
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=contact,
                                 what="this contact")
        else:
            return _to_plan(request, f"{contact.name} is saved.")
    return render(request, "continuity/plan/contact_form.html", {
        "page_title": f"Change {contact.name}", "form": form, "contact": contact,
        "stale": stale})


@school_view("continuity.manage")
@require_POST
def contact_move(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    contact = get_for_school_or_404(PlanContact, school=request.school, public_id=public_id)
    form = MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Move the contact up or down.")
        return redirect("continuity:plan")
    direction = form.cleaned_data["direction"]
    try:
        moved = services.contact_move(contact=contact, actor=request.user, direction=direction)
    except DomainError as exc:  # taken off the plan since the page was opened
        messages.error(request, exc.message)
        return redirect("continuity:plan")
    if not moved:
        messages.info(request, f"{contact.name} is already "
                               f"{'first' if direction == 'up' else 'last'}: nothing moved.")
        return redirect("continuity:plan")
    return _to_plan(request, f"{contact.name} is moved {direction}.")


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def contact_remove(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    """GET: a page with one button; POST: take the contact off the plan."""
    contact = get_for_school_or_404(PlanContact, school=request.school, public_id=public_id)
    if request.method == "POST":
        services.contact_remove(contact=contact, actor=request.user)
        return _to_plan(request, f"{contact.name} is taken off the plan.")
    return render(request, "continuity/plan/contact_remove.html", {
        "page_title": f"Take {contact.name} off the plan", "contact": contact})


@school_view("continuity.manage")
@require_POST
def restore_order(request: SchoolRequest) -> HttpResponse:
    scopes = selectors.restore_scopes(request.school)
    form = RestoreOrderForm(request.POST, scopes=scopes)
    if form.is_valid():
        try:
            services.restore_order_save(school=request.school, actor=request.user,
                                        orders=form.orders())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_plan(request, "The order to restore the systems is saved.")
    return render(request, "continuity/plan/restore_order.html", {
        "page_title": "Order to restore the systems", "form": form})


@school_view("continuity.manage")
@require_http_methods(["GET", "POST"])
def plan_test_create(request: SchoolRequest) -> HttpResponse:
    form = PlanTestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_test_create(school=request.school, actor=request.user,
                                      **form.cleaned_data)
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_plan(request, "The plan's test is recorded. The next one is due in a "
                                     "year.")
    return render(request, "continuity/plan/plan_test_form.html", {
        "page_title": "Record a test of the plan", "form": form})


@school_view("school.view")
@require_GET
def card(request: SchoolRequest) -> HttpResponse:
    """The one-page "If we are attacked" card: every member may open and print it, or
    download it as a PDF (``?format=pdf``)."""
    fmt = request.GET.get("format", "")
    if fmt not in ("", "pdf"):
        raise Http404("Not found")
    summary = selectors.summary(request.school, timezone.localdate())
    can_view_plan = request.access.can("continuity.view")
    contacts = selectors.contacts(request.school)
    scopes = [s for s in selectors.restore_scopes(request.school) if s.restore_order]
    # The card is one A4 page: the rest are in the plan.
    context = {"page_title": "If we are attacked", "summary": summary,
               "school_name": request.school.name,
               "contacts": contacts[:CARD_CONTACTS], "scopes": scopes[:CARD_SCOPES],
               "more_contacts": max(len(contacts) - CARD_CONTACTS, 0),
               "more_scopes": max(len(scopes) - CARD_SCOPES, 0),
               "can_view_plan": can_view_plan,
               # Members who cannot open the plan are told whom to ask for it (one query).
               "plan_keepers": [] if can_view_plan else selectors.plan_keepers(request.school)}
    if fmt == "pdf":
        css = (render_to_string("continuity/plan/_card.css")
               + render_to_string("continuity/plan/_card_pdf.css"))
        content = pdf_from_html(render_to_string("continuity/plan/card_pdf.html", context),
                                css)
        return download_response(content, name="if-we-are-attacked", content_type=PDF,
                                 inline=True)
    return render(request, "continuity/plan/card.html", context)
