"""Pages of the accounts on each system: the list (with what each account lacks, in words),
an account's page, the forms that add and change accounts, and disabling one (POST only)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.access.accounts import selectors, services
from schoolkeep.access.accounts.forms import AccountFilterForm, AccountForm
from schoolkeep.access.models import SystemAccount
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.lib.forms import refuse_on_form
from schoolkeep.lib.stale import refuse_stale
from schoolkeep.people.models import Person
from schoolkeep.people.selectors import person_list
from schoolkeep.systems.models import System
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.selectors import get_for_school_or_404

ACCOUNTS_PER_PAGE = 50


def _systems(request: SchoolRequest) -> list[System]:
    return list(System.objects.filter(school=request.school, archived_at__isnull=True)
                .only("pk", "public_id", "name", "school_id").order_by("name_key", "pk"))


def _people(request: SchoolRequest, *chosen: Person | None) -> list[Person]:
    """Who may be chosen: the school's current people, and anyone already chosen."""
    people = {person.pk: person for person in person_list(school=request.school)}
    people.update({person.pk: person for person in chosen if person is not None})
    return sorted(people.values(), key=lambda person: (person.name_key, person.pk))


def _to_account(request: SchoolRequest, account: SystemAccount, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("access:account-detail", account.public_id)


@school_view("access.view")
@require_GET
def account_list(request: SchoolRequest) -> HttpResponse:
    filters = AccountFilterForm(request.GET or None, systems=_systems(request))
    valid = filters.is_valid()
    data = filters.cleaned_data if valid else {}
    person = None
    if data.get("person"):
        person = get_for_school_or_404(Person.objects.only("pk", "public_id", "full_name"),
                                       school=request.school, public_id=data["person"])
    admin, admin_unknown = filters.fact("admin") if valid else (None, False)
    enabled, enabled_unknown = filters.fact("enabled") if valid else (None, False)
    accounts = selectors.account_list(
        school=request.school, system=filters.selected_system() if valid else None,
        person=person, admin=admin, enabled=enabled, search=data.get("q", ""),
        unknown=tuple(name for name, chosen in (("is_admin", admin_unknown),
                                                ("enabled", enabled_unknown)) if chosen))
    page, rows = selectors.account_page(accounts, number=request.GET.get("page"),
                                        today=timezone.localdate(),
                                        per_page=ACCOUNTS_PER_PAGE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "access/accounts/account_list.html", {
        "page_title": "Accounts on each system", "filters": filters, "page": page,
        "rows": rows, "person": person, "query": query.urlencode(),
        "can_manage": request.access.can("access.manage")})


@school_view("access.view")
@require_GET
def account_detail(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    account = selectors.account_for_page(school=request.school, public_id=public_id)
    return render(request, "access/accounts/account_detail.html", {
        "page_title": f"{account.username} on {account.system.name}", "account": account,
        "gaps": selectors.account_gaps(account, timezone.localdate()),
        "can_manage": request.access.can("access.manage")})


@school_view("access.manage")
@require_http_methods(["GET", "POST"])
def account_create(request: SchoolRequest) -> HttpResponse:
    form = AccountForm(posted(request), systems=_systems(request), people=_people(request),
                       initial={"system": request.GET.get("system", "")})
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(
                school=request.school, actor=request.user, system=form.cleaned_data["system"],
                **form.service_fields())
        except NotAllowed:
            raise PermissionDenied from None
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _to_account(request, account, f"The account {account.username} on "
                                                 f"{account.system.name} is added.")
    return render(request, "access/accounts/account_form.html",
                  {"page_title": "Add an account", "form": form, "account": None})


@school_view("access.manage")
@require_http_methods(["GET", "POST"])
def account_edit(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    account = selectors.account_for_page(school=request.school, public_id=public_id)
    shared_with = list(account.shared_with.all())
    form = AccountForm(posted(request), systems=[], editing=True,
                       initial=AccountForm.initial_for(account, shared_with),
                       people=_people(request, account.person, account.responsible_person,
                                      *shared_with))
    stale = False
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(account=account, actor=request.user,
                                    version=form.cleaned_data["version"] or 0,
                                    **form.service_fields())
        except NotAllowed:
            raise PermissionDenied from None
        except DomainError as exc:
            stale = refuse_stale(form, exc, school=request.school, target=account,
                                 what="this account")
        else:
            return _to_account(request, account, f"{account.username}: the changes are saved.")
    return render(request, "access/accounts/account_form.html", {
        "page_title": f"Change {account.username} on {account.system.name}", "form": form,
        "account": account, "stale": stale})


@school_view("access.manage")
@require_POST
def account_disable(request: SchoolRequest, public_id: UUID) -> HttpResponse:
    account = get_for_school_or_404(SystemAccount, school=request.school, public_id=public_id)
    try:
        services.account_disable(account=account, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("access:account-detail", account.public_id)
    return _to_account(request, account, f"{account.username} is recorded as disabled. "
                                         "Disable it on the system itself too, if not done.")
