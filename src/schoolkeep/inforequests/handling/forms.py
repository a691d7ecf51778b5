"""Forms of handling a request's record. They check input only; the rules live in the
services. Field names are the services' argument names, so that a DomainError lands on its
field. Times are entered in UK time and handed to the services as UTC-aware instants."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from schoolkeep.inforequests.handling.selectors import OVERDUE
from schoolkeep.inforequests.handling.services import TEXT_LIMITS
from schoolkeep.inforequests.models import (
    Channel,
    IdentityMethod,
    Kind,
    Request,
    RequesterType,
    Status,
    SubjectType,
    WhoseRight,
)
from schoolkeep.lib.date_input import UKDateField, UKDateTimeField
from schoolkeep.lib.dates_text import LONDON

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known or not asked")]


def _as_tristate(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _from_tristate(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _same_minute(typed: datetime, stored: datetime) -> bool:
    """Whether the typed time is the stored instant's UK minute (compared as clock times,
    so that either of the hour the clocks go back gives twice matches)."""
    def uk_minute(moment: datetime) -> datetime:
        return moment.astimezone(LONDON).replace(tzinfo=None, second=0, microsecond=0)

    return uk_minute(typed) == uk_minute(stored)


class RequestFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False,
                             choices=[("", "Any kind"), *Kind.choices])
    status = forms.ChoiceField(label="Status", required=False, choices=[
        ("", "Any status"), (Status.OPEN, "Open"), (OVERDUE, "Open and past its deadline"),
        (Status.ANSWERED, "Answered"), (Status.WITHDRAWN, "Withdrawn")])


class RequestEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="What kind of request is it?", choices=Kind.choices,
                             widget=forms.RadioSelect,
                             help_text="The kind sets the deadline: changing it moves the "
                                       "deadline.",
                             error_messages={"required": "Choose what kind of request this is."})
    channel = forms.ChoiceField(label="How did it arrive?", choices=Channel.choices,
                                error_messages={"required": "Choose how the request arrived."})
    received_at = UKDateTimeField(
        label="When was it received?", past=True, what="when it was received",
        help_text="UK time. The deadline counts from this day.",
        error_messages={"required": "Enter the date and time the request was received."})
    requester_type = forms.ChoiceField(label="Who asked?", choices=RequesterType.choices,
                                       error_messages={"required": "Choose who asked."})
    requester_name = forms.CharField(
        label="Their name", max_length=TEXT_LIMITS["requester_name"],
        error_messages={"required": "Enter the name of the person who asked."})
    requester_contact = forms.CharField(
        label="How to contact them", required=False,
        max_length=TEXT_LIMITS["requester_contact"],
        help_text="An e-mail address, a postal address or a telephone number.")
    authority_evidence = forms.CharField(
        label="Evidence of their authority to act for the person", required=False,
        max_length=TEXT_LIMITS["authority_evidence"], widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For a solicitor or anyone else acting for someone: what they sent (for "
                  "example, a signed letter of authority). Describe it; do not copy it here.")
    subject_type = forms.ChoiceField(
        label="Whom is the request about?", required=False,
        choices=[("", "No one: it asks for information (freedom of information)"),
                 *SubjectType.choices],
        help_text="Needed for every kind except freedom of information and environmental "
                  "information.")
    subject_name = forms.CharField(label="Their name", required=False,
                                   max_length=TEXT_LIMITS["subject_name"],
                                   help_text="Leave empty when it is the person who asked.")
    description = forms.CharField(
        label="What did they ask for?", max_length=TEXT_LIMITS["description"],
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter what they asked for."})
    whose_right = forms.ChoiceField(
        label="For a request about a pupil: whose right is it?", required=False,
        choices=[("", "Not recorded"), *WhoseRight.choices])
    child_competent = forms.ChoiceField(
        label="Is the child able to understand their rights (competent)?",
        choices=YES_NO_UNKNOWN, initial="unknown", widget=forms.RadioSelect, required=False)
    child_consented = forms.ChoiceField(
        label="Did the child consent to the parent asking?", choices=YES_NO_UNKNOWN,
        initial="unknown", widget=forms.RadioSelect, required=False)
    child_note = forms.CharField(
        label="Note about the child's competence or consent", required=False,
        max_length=TEXT_LIMITS["child_note"], widget=forms.Textarea(attrs={"rows": 2}))
    results_announced_on = UKDateField(
        label="For exam marks: when are the results announced?", required=False,
        what="the day the results are announced",
        help_text="Leave empty when not known yet.")

    @staticmethod
    def initial_for(request: Request) -> dict[str, Any]:
        return {
            "version": request.version, "kind": request.kind, "channel": request.channel,
            "received_at": request.received_at, "requester_type": request.requester_type,
            "requester_name": request.requester_name,
            "requester_contact": request.requester_contact,
            "authority_evidence": request.authority_evidence,
            "subject_type": request.subject_type, "subject_name": request.subject_name,
            "description": request.description, "whose_right": request.whose_right,
            "child_competent": _from_tristate(request.child_competent),
            "child_consented": _from_tristate(request.child_consented),
            "child_note": request.child_note,
            "results_announced_on": request.results_announced_on,
        }

    def service_fields(self, request: Request) -> dict[str, Any]:
        """The fields the member changed, as ``request_update`` takes them: only those, so
        that saving a correction of one never rewrites the others. The form keeps the
        minute of receipt only (a logged instant has seconds): the minute shown, typed back
        unchanged, leaves the stored instant as it is."""
        data = dict(self.cleaned_data)
        data.pop("version")
        data["child_competent"] = _as_tristate(data["child_competent"])
        data["child_consented"] = _as_tristate(data["child_consented"])
        if data.get("received_at") is not None and _same_minute(data["received_at"],
                                                                request.received_at):
            del data["received_at"]
        return {name: value for name, value in data.items()
                if value != getattr(request, name)}


class IdentityForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    method = forms.ChoiceField(
        label="How was their identity checked?", choices=IdentityMethod.choices,
        widget=forms.RadioSelect,
        help_text="The type of document or check you saw. Never keep a copy of the document "
                  "in Schoolkeep or anywhere else.",
        error_messages={"required": "Choose how the identity was checked."})
    checked_on = UKDateField(label="When was it checked?", past=True,
                             what="the day it was checked",
                             error_messages={"required": "Enter the day the identity was "
                                                         "checked."})


class HideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    hidden_from = forms.MultipleChoiceField(
        label="Hide this request from", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="They will not see it anywhere in Schoolkeep: not in lists, duties or "
                  "searches. Choose none to show it again to everyone who handles or reads "
                  "requests.")

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(user.pk): user for user in members}
        field = self.fields["hidden_from"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(key, str(user)) for key, user in self.members.items()]

    def chosen(self) -> list[Any]:
        return [self.members[key] for key in self.cleaned_data["hidden_from"]]
