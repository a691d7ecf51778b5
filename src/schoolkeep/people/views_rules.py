"""Which checks each kind of person needs (the rules), and the record's settings."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.people.forms_rules import PeopleSettingsForm, RulesForm, conditions_by_cell
from schoolkeep.people.models import CheckRule, CheckType, PersonKind
from schoolkeep.people.rules import rule_set_for
from schoolkeep.people.selectors import people_settings_or_default
from schoolkeep.people.services_rules import (
    people_settings_update,
    rules_fingerprint,
    rules_reset_for_school,
    rules_set_for_school,
)
from schoolkeep.tenancy.decorators import school_view
from schoolkeep.tenancy.http import SchoolRequest, posted


@school_view("scr.view")
@require_GET
def rules(request: SchoolRequest) -> HttpResponse:
    rule_set = rule_set_for(request.school)
    cells = conditions_by_cell(rule_set)
    grid = [(label, [[CheckRule.Condition(c).label for c in cells.get((check, kind), [])]
                     for kind in PersonKind.values])
            for check, label in CheckType.choices]
    return render(request, "people/rules.html", {
        "page_title": "Which checks are required", "rule_set": rule_set, "grid": grid,
        "kinds": PersonKind.labels, "can_manage_rules": request.access.can("scr.rules.manage"),
    })


@school_view("scr.rules.manage")
@require_http_methods(["GET", "POST"])
def rules_edit(request: SchoolRequest) -> HttpResponse:
    rule_set = rule_set_for(request.school)
    form = RulesForm(posted(request), rule_set=rule_set,
                     initial={"based_on": rules_fingerprint(rule_set)})
    if request.method == "POST" and form.is_valid():
        try:
            rules_set_for_school(school=request.school, actor=request.user, rules=form.rules(),
                                 based_on=form.cleaned_data["based_on"])
        except NotAllowed:
            raise PermissionDenied from None
        except StaleVersion as exc:
            fresh = rule_set = rule_set_for(request.school)
            form = RulesForm(rule_set=fresh, initial={"based_on": rules_fingerprint(fresh)})
            form = RulesForm(form.current_data(), rule_set=fresh)
            form.is_valid()
            form.add_error(None, exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "The school's rules are saved. Who is incomplete in the "
                                      "record follows them from now on.")
            return redirect("people:rules")
    return render(request, "people/rules_edit.html", {
        "page_title": "Change which checks are required", "form": form, "rule_set": rule_set,
    })


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
