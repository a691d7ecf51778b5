"""Which checks each kind of person needs (the rules): the school's, the trust's, and the
record's settings."""

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

from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.people.models import PersonKind
from schoolkeep.people.rules.forms import PeopleSettingsForm, RulesForm, rules_grid
from schoolkeep.people.rules.rule_sets import RuleSet, rule_set_for
from schoolkeep.people.rules.services import (
    RuleTuple,
    default_rule_set,
    organisation_rule_set,
    people_settings_update,
    rules_fingerprint,
    rules_reset_for_organisation,
    rules_reset_for_school,
    rules_set_for_organisation,
    rules_set_for_school,
    schools_with_own_rules,
)
from schoolkeep.people.selectors import people_settings_or_default
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted
from schoolkeep.tenancy.models import Organisation

TrustView = Callable[..., HttpResponseBase]


def _rules_edit_page(request: SchoolRequest, *, load: Callable[[], tuple[RuleSet, str]],
                     save: Callable[[list[RuleTuple], str], object], saved_message: str,
                     back: str, template: str, context: dict[str, Any]) -> HttpResponse:
    """The edit form of a set of rules, the school's or the trust's. ``load``: the rules the
    form starts from and the fingerprint of the rules in force; ``save(rules, based_on)``."""
    shown, based_on = load()
    form = RulesForm(posted(request), rule_set=shown, initial={"based_on": based_on})
    if request.method == "POST" and form.is_valid():
        try:
            save(form.rules(), form.cleaned_data["based_on"])
        except NotAllowed:
            raise PermissionDenied from None
        except StaleVersion as exc:
            shown, based_on = load()
            fresh = RulesForm(rule_set=shown, initial={"based_on": based_on})
            form = RulesForm(fresh.current_data(), rule_set=shown)
            form.is_valid()
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, saved_message)
            return redirect(back)
    return render(request, template, {**context, "form": form, "rule_set": shown})


@school_view("scr.view")
@require_GET
def rules(request: SchoolRequest) -> HttpResponse:
    rule_set = rule_set_for(request.school)
    organisation = request.school.organisation
    return render(request, "people/rules.html", {
        "page_title": "Which checks are required", "rule_set": rule_set,
        "grid": rules_grid(rule_set), "kinds": PersonKind.labels,
        "can_manage_rules": request.access.can("scr.rules.manage"),
        "can_manage_trust_rules": (organisation is not None
                                   and request.access.can("trust.rules.manage")),
    })


@school_view("scr.rules.manage")
@require_http_methods(["GET", "POST"])
def rules_edit(request: SchoolRequest) -> HttpResponse:
    def load() -> tuple[RuleSet, str]:
        rule_set = rule_set_for(request.school)
        return rule_set, rules_fingerprint(rule_set)

    def save(chosen: list[RuleTuple], based_on: str) -> None:
        rules_set_for_school(school=request.school, actor=request.user, rules=chosen,
                             based_on=based_on)

    return _rules_edit_page(
        request, load=load, save=save, back="people:rules", template="people/rules_edit.html",
        saved_message="The school's rules are saved. Who is incomplete in the record follows "
                      "them from now on.",
        context={"page_title": "Change which checks are required"})


@school_view("scr.rules.manage")
@require_POST
def rules_reset(request: SchoolRequest) -> HttpResponse:
    try:
        after = rules_reset_for_school(school=request.school, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        source = "the trust's rules" if after.source == "organisation" else "the standard rules"
        messages.success(request, f"The school follows {source} again.")
    return redirect("people:rules")


def trust_view(permission: str) -> Callable[[TrustView], TrustView]:
    """The current school's trust, for who holds ``permission`` there (the trust's roles
    reach every school of the trust): 404 when the school is in no trust, 403 for anyone
    else. The view gets the trust as its second argument."""

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


@trust_view("trust.overview")
@require_GET
def trust_rules(request: SchoolRequest, organisation: Organisation) -> HttpResponse:
    rule_set = organisation_rule_set(organisation)
    return render(request, "people/trust_rules.html", {
        "page_title": "Which checks the trust's schools require", "organisation": organisation,
        "rule_set": rule_set, "grid": rules_grid(rule_set), "kinds": PersonKind.labels,
        "own_rules": schools_with_own_rules(organisation),
        "can_manage_trust_rules": request.access.can("trust.rules.manage"),
    })


@trust_view("trust.rules.manage")
@require_http_methods(["GET", "POST"])
def trust_rules_edit(request: SchoolRequest, organisation: Organisation) -> HttpResponse:
    def load() -> tuple[RuleSet, str]:
        current = organisation_rule_set(organisation)
        shown = current if current.rules else default_rule_set(request.school)
        return shown, rules_fingerprint(current)

    def save(chosen: list[RuleTuple], based_on: str) -> None:
        rules_set_for_organisation(organisation=organisation, actor=request.user, rules=chosen,
                                   based_on=based_on)

    return _rules_edit_page(
        request, load=load, save=save, back="people:trust-rules",
        template="people/trust_rules_edit.html",
        saved_message="The trust's rules are saved. Every school of the trust without its own "
                      "rules follows them from now on.",
        context={"page_title": "Change which checks the trust's schools require",
                 "organisation": organisation})


@trust_view("trust.rules.manage")
@require_POST
def trust_rules_reset(request: SchoolRequest, organisation: Organisation) -> HttpResponse:
    try:
        rules_reset_for_organisation(organisation=organisation, actor=request.user)
    except NotAllowed:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The trust's schools without their own rules follow the "
                                  "standard rules again.")
    return redirect("people:trust-rules")


@school_view("scr.rules.manage")
@require_http_methods(["GET", "POST"])
def people_settings(request: SchoolRequest) -> HttpResponse:
    current = people_settings_or_default(request.school)
    form = PeopleSettingsForm(posted(request), initial=PeopleSettingsForm.initial_for(current))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            people_settings_update(school=request.school, actor=request.user, **data)
        except NotAllowed:
            raise PermissionDenied from None
        except StaleVersion as exc:
            fresh = people_settings_or_default(request.school)
            form = PeopleSettingsForm(PeopleSettingsForm.initial_for(fresh))
            form.is_valid()
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "The settings of the record are saved.")
            return redirect("people:people-settings")
    return render(request, "people/settings.html", {
        "page_title": "Settings of the Single Central Record", "form": form,
        "can_manage_rules": True,
    })
