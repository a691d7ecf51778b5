"""Forms of a request's progress: pausing the clock, extending the deadline, the response.

They check input only; the rules live in the services. Field names are the services'
argument names, so that a DomainError lands on its field. Each carries the version of the
request it was opened with, so that two handlers saving at once do not overwrite each other.
Choices are cut to what the request's kind allows."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.inforequests.models import Channel, Hold, Outcome, Request
from schoolkeep.inforequests.progress.services import (
    EIR_EXTENSION_DAYS,
    RECIPIENT_KINDS,
    RESPONSE_CHANNELS,
    extension_unit,
    hold_reasons_for,
    outcomes_for,
)
from schoolkeep.lib.date_input import UKDateField

NOTE_ROWS = {"rows": 3}


def _set_choices(field: forms.Field, choices: list[tuple[Any, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class VersionedForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class HoldForm(VersionedForm):
    reason = forms.ChoiceField(label="What did the school ask the requester for?",
                               widget=forms.RadioSelect,
                               error_messages={"required": "Choose what was asked for."})
    asked_on = UKDateField(label="When was it asked for?", what="the day it was asked for",
                           past=True)
    note = forms.CharField(label="What exactly was asked, and why", max_length=10_000,
                           widget=forms.Textarea(attrs=NOTE_ROWS),
                           error_messages={"required": "Enter what was asked of the "
                                                       "requester, and why."},
                           help_text="For example: a copy of a photo ID, as the request came "
                                     "from an e-mail address the school does not know.")

    def __init__(self, *args: Any, request_obj: Request, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["reason"], [(reason, Hold.Reason(reason).label)
                                             for reason in hold_reasons_for(request_obj.kind)])


class HoldAnswerForm(VersionedForm):
    answered_on = UKDateField(label="When did the answer arrive?",
                              what="the day the answer arrived", past=True)


class ExtensionForm(VersionedForm):
    amount = forms.TypedChoiceField(label="How much longer?", coerce=int,
                                    widget=forms.RadioSelect,
                                    error_messages={"required": "Choose how much longer."})
    reason = forms.CharField(label="Why is more time needed?", max_length=10_000,
                             widget=forms.Textarea(attrs=NOTE_ROWS),
                             error_messages={"required": "Enter the reason for the "
                                                         "extension."},
                             help_text="The requester is told this reason.")
    decided_on = UKDateField(label="When was it decided?", what="the day it was decided",
                             past=True)
    told_on = UKDateField(label="When was the requester told?",
                          what="the day the requester was told", past=True, required=False,
                          help_text="Leave it empty if they have not been told yet.")

    def __init__(self, *args: Any, request_obj: Request, room: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = extension_unit(request_obj)
        amount = self.fields["amount"]
        if unit == "months":
            _set_choices(amount, [(n, f"{n} month{'s' if n > 1 else ''}")
                                  for n in range(1, room + 1)])
        elif request_obj.kind == "eir":
            _set_choices(amount, [(EIR_EXTENSION_DAYS,
                                   f"{EIR_EXTENSION_DAYS} working days (complex and "
                                   "voluminous)")])
        else:
            self.fields["amount"] = forms.IntegerField(
                label="How many more working days?", min_value=1, max_value=max(room, 1),
                help_text=f"Up to {room} working days.",
                error_messages={"required": "Enter how many more working days.",
                                "invalid": "Enter a whole number of working days.",
                                "min_value": "Enter at least 1 working day.",
                                "max_value": f"Enter {room} working days or fewer."})


class ExtensionToldForm(VersionedForm):
    told_on = UKDateField(label="When was the requester told?",
                          what="the day the requester was told", past=True)


class RespondForm(VersionedForm):
    outcome = forms.ChoiceField(label="What was the outcome?", widget=forms.RadioSelect,
                                error_messages={"required": "Choose the outcome."})
    responded_on = UKDateField(label="When was the response sent?",
                               what="the day the response was sent", past=True)
    response_channel = forms.ChoiceField(
        label="How was it sent?", widget=forms.RadioSelect,
        choices=[(c, Channel(c).label) for c in RESPONSE_CHANNELS],
        error_messages={"required": "Choose how the response was sent."})
    outcome_reason = forms.CharField(
        label="The reason", required=False, max_length=10_000,
        widget=forms.Textarea(attrs=NOTE_ROWS),
        help_text="Needed for a refusal: why, as the requester was told.")
    late_reason = forms.CharField(
        label="Why it was late", required=False, max_length=10_000,
        widget=forms.Textarea(attrs=NOTE_ROWS),
        help_text="Needed only when the response was sent after the deadline.")
    recipients_told = forms.CharField(
        label="Who the data was shared with, and was told of the change", required=False,
        max_length=2000, widget=forms.Textarea(attrs=NOTE_ROWS),
        help_text="Needed unless the request was refused. Article 19: everyone the data "
                  "was disclosed to must be told of a correction, an erasure or a "
                  "restriction. If no one, write \"No one: the data was not shared\".")
    recipients_told_on = UKDateField(label="When were they told?",
                                     what="the day they were told", past=True,
                                     required=False,
                                     help_text="Needed with who was told.")

    def __init__(self, *args: Any, request_obj: Request, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _set_choices(self.fields["outcome"], [(o, Outcome(o).label)
                                              for o in outcomes_for(request_obj.kind)])
        if request_obj.kind not in RECIPIENT_KINDS:
            del self.fields["recipients_told"]
            del self.fields["recipients_told_on"]
        if request_obj.kind == "complaint":
            self.fields["outcome"].label = "Was the complaint upheld?"
            self.fields["outcome_reason"].label = "What was found"
            self.fields["outcome_reason"].help_text = ""


class AcknowledgeForm(VersionedForm):
    acknowledged_on = UKDateField(label="When was the complaint acknowledged?",
                                  what="the day it was acknowledged", past=True)
    late_reason = forms.CharField(
        label="Why it was late", required=False, max_length=10_000,
        widget=forms.Textarea(attrs=NOTE_ROWS),
        help_text="Needed only when it was acknowledged after the 30 days.")


class WithdrawForm(VersionedForm):
    withdrawn_on = UKDateField(label="When was it withdrawn?", what="the day it was withdrawn",
                               past=True)
    reason = forms.CharField(label="Why, or how, was it withdrawn?", max_length=10_000,
                             widget=forms.Textarea(attrs=NOTE_ROWS),
                             error_messages={"required": "Enter why the request was "
                                                         "withdrawn."},
                             help_text="For example: the parent wrote on 3 March to say they "
                                       "no longer need the copy.")
