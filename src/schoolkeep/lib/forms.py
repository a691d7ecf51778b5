"""Form rendering with our own templates: labels, hints and errors in the GOV.UK pattern."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.forms.renderers import TemplatesSetting

from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


def show_domain_error(form: Form, error: DomainError,
                      field_for_error: Mapping[str, str] | None = None) -> None:
    """Show a service's DomainError on the form field it names (renamed through
    ``field_for_error`` where the form calls it differently), or above the form."""
    name = (field_for_error or {}).get(error.field or "", error.field)
    form.add_error(name if name in form.fields else None, error.message)


def refuse_on_form(form: Form, error: DomainError,
                   field_for_error: Mapping[str, str] | None = None) -> bool:
    """Turn a service's refusal into the page's answer: 403 when the member may not do this
    at all, otherwise an error on the form. True when the record was stale (someone else
    saved it since the form was opened)."""
    if isinstance(error, NotAllowed) and error.field is None:
        raise PermissionDenied
    if isinstance(error, StaleVersion):
        form.add_error(None, error.message)
        return True
    show_domain_error(form, error, field_for_error)
    return False
