"""The short forms that log a request: a member's (signed in) and the public page's.

Field names are ``request_log``'s argument names, so a DomainError lands on its field. When
it arrived is typed as UK clock time in day, month, year, hour and minute boxes
(``lib.date_input.UKDateTimeField``), filled with the time the form was opened, and not
before 25 May 2018. The kinds offered are those of the school's kind
(``services.kinds_offered``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from schoolkeep.inforequests.intake.services import (
    CONTACT_MAX,
    EARLIEST_RECEIPT,
    NAME_MAX,
    TEXT_MAX,
    kind_problems,
    kinds_offered,
    subject_fields,
    too_early_message,
)
from schoolkeep.inforequests.models import Channel, Kind, RequesterType, SubjectType
from schoolkeep.lib.date_input import UKDateTimeField, date_notes
from schoolkeep.lib.dates_text import LONDON
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import School

# Each kind with one line of plain English, for people who have never heard of Article 15.
KIND_CHOICES = [
    (Kind.SUBJECT_ACCESS, "Subject access: someone asks for a copy of the information the "
                          "school holds about them (or about their child)"),
    (Kind.RECTIFICATION, "Correction: someone asks the school to correct information about "
                         "them that is wrong"),
    (Kind.ERASURE, "Deletion: someone asks the school to delete information about them"),
    (Kind.RESTRICTION, "Restriction: someone asks the school to stop using information about "
                       "them for now, for example while a mistake is checked"),
    (Kind.OBJECTION, "Objection: someone objects to the school using information about them, "
                     "for example their photo"),
    (Kind.PORTABILITY, "Portability: someone asks for information they gave the school in a "
                       "form they can take to another organisation"),
    (Kind.FOI, "Freedom of information: anyone asks for information the school holds, such "
               "as a policy, spending or figures (not about themselves)"),
    (Kind.EIR, "Environmental information: a request about the school's buildings, land, "
               "energy, pollution or traffic"),
    (Kind.EXAM_MARKS, "Exam marks: someone asks for their exam marks before the results are "
                      "published"),
    (Kind.EDUCATIONAL_RECORD, "Educational record: a parent asks to see, or have a copy of, "
                              "their child's educational record"),
    (Kind.COMPLAINT, "Complaint: someone complains about how the school has handled personal "
                     "data"),
]
assert {value for value, _ in KIND_CHOICES} == set(Kind.values)

# A member says how it reached them; the public page and the API set their own channel.
MEMBER_CHANNELS = [(value, label) for value, label in Channel.choices
                   if value not in (Channel.PUBLIC_PAGE, Channel.API)]

HIDE_LABEL = ("Is this request about the school's SIRO (headteacher) or data protection "
              "officer? Then we keep it from them")
HIDE_CHOICES = [("siro", "It is about the SIRO (headteacher)"),
                ("dpo", "It is about the data protection officer")]

PUBLIC_REQUESTER_CHOICES = [
    (RequesterType.SUBJECT, "I am asking about myself"),
    (RequesterType.PARENT, "I am a parent or carer asking about my child"),
    (RequesterType.STAFF, "I work, or worked, at the school"),
    (RequesterType.FORMER_PUPIL, "I am a former pupil"),
    (RequesterType.THIRD_PARTY, "I am a solicitor or someone else acting for another person"),
    (RequesterType.PUBLIC, "I am a member of the public or from an organisation"),
]


def _blank(choices: Sequence[tuple[str, str]], label: str) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ReceivedAtField(UKDateTimeField):
    """When a request arrived: a UK clock time, in the past, not before 25 May 2018 (checked
    on the day before the time is read, so that no year, however early, fails)."""

    default_error_messages = {"early": too_early_message("{What}")}

    def from_numbers(self, numbers: list[int]) -> tuple[Any, str]:
        if self._date(numbers) < EARLIEST_RECEIPT:
            raise self._refuse("early", {2})
        return super().from_numbers(numbers)


class RequestForm(forms.Form):
    """What a member asks: one short page. Fields about whom are asked on every request and
    kept only for the kinds about a person."""

    fixed_channel = ""  # how it arrived when the form does not ask (the public page's)

    kind = forms.ChoiceField(
        label="What kind of request is it?", choices=KIND_CHOICES, widget=forms.RadioSelect,
        help_text="Choose the closest. The data protection officer can change it later.",
        error_messages={"required": "Choose what kind of request it is.",
                        "invalid_choice": "Choose what kind of request it is."})
    channel = forms.ChoiceField(
        label="How did it arrive?", choices=_blank(MEMBER_CHANNELS, "Choose how"),
        error_messages={"required": "Choose how the request arrived.",
                        "invalid_choice": "Choose how the request arrived."})
    received_at = ReceivedAtField(
        label="When was it received?", what="when it was received", past=True,
        help_text="UK time. The legal deadline counts from this day, so give the day it "
                  "reached the school, even if you are logging it later.")
    requester_type = forms.ChoiceField(
        label="Who asked?", choices=_blank(RequesterType.choices, "Choose who"),
        error_messages={"required": "Choose who made the request.",
                        "invalid_choice": "Choose who made the request."})
    requester_name = forms.CharField(
        label="Their name", max_length=NAME_MAX,
        error_messages={"required": "Enter the name of the person who asked.",
                        "max_length": f"Keep the name to {NAME_MAX} characters or fewer."})
    requester_contact = forms.CharField(
        label="How to contact them", required=False, max_length=CONTACT_MAX,
        help_text="An e-mail address, phone number or postal address.",
        error_messages={"max_length": f"Keep this to {CONTACT_MAX} characters or fewer."})
    authority_evidence = forms.CharField(
        label="If they act for someone else: what shows they may", required=False,
        max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: a signed letter of consent from the person, a court order. "
                  "Describe it; do not upload or copy it.",
        error_messages={"max_length": f"Keep this to {TEXT_MAX:,} characters or fewer."})
    subject_type = forms.ChoiceField(
        label="Who is the request about?", required=False,
        choices=_blank(SubjectType.choices, "Not about a person"),
        help_text="Leave as \"Not about a person\" for freedom of information and "
                  "environmental information requests.",
        error_messages={"invalid_choice": "Choose who the request is about."})
    subject_name = forms.CharField(
        label="Their name", required=False, max_length=NAME_MAX,
        help_text="Leave empty if they are asking about themselves.",
        error_messages={"max_length": f"Keep the name to {NAME_MAX} characters or fewer."})
    hide_from_roles = forms.MultipleChoiceField(
        label=HIDE_LABEL, required=False, choices=HIDE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick only if the request is about them or something they did. They will "
                  "not be told of it and will not see it.",
        error_messages={"invalid_choice": "Choose the SIRO, the data protection officer, or "
                                          "neither."})
    description = forms.CharField(
        label="What did they ask for?", max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In their words if you can: what information, about which period, and "
                  "anything they said about how they want it.",
        error_messages={"required": "Enter what they asked for.",
                        "max_length": f"Keep this to {TEXT_MAX:,} characters or fewer."})

    def __init__(self, *args: Any, now: datetime | None = None, school: School | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        offered = set(kinds_offered(school))
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [(value, label) for value, label in KIND_CHOICES if value in offered]
        if Kind.FOI not in offered:  # every kind left is about a person
            self.fields["subject_type"].help_text = ""
        if "received_at" in self.fields and not self.is_bound:
            self.initial.setdefault("received_at",
                                    timezone.localtime(now or timezone.now(), LONDON))

    def clean(self) -> dict[str, Any]:
        """About whom, checked with every other field (the service's own rule), so that the
        page names each mistake at once and a refused request is never counted."""
        data = super().clean() or {}
        if {"kind", "requester_type", "requester_name"} <= data.keys():
            try:
                subject_fields(data["kind"], data["requester_type"], data["requester_name"],
                               data.get("subject_type"), data.get("subject_name"))
            except DomainError as exc:
                self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        channel = data.get("channel", self.fixed_channel)
        if "kind" in data and channel and "requester_contact" not in self.errors:
            for problem in kind_problems(self.school, kind=data["kind"], channel=channel,
                                         requester_contact=data.get("requester_contact", "")):
                if problem.field not in self.errors:
                    self.add_error(problem.field if problem.field in self.fields else None,
                                   problem.message)
        return data

    def notes(self) -> list[str]:
        """What the person should know about how their times were read."""
        return date_notes(self)

    def service_fields(self) -> dict[str, Any]:
        """``request_log``'s arguments from the cleaned form."""
        return dict(self.cleaned_data)


class PublicRequestForm(RequestForm):
    """The no-login page: the requester speaks for themselves. It arrives now and through
    the page, so neither is asked; a way to answer them is required."""

    fixed_channel = Channel.PUBLIC_PAGE

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["channel"]
        del self.fields["received_at"]
        fields = self.fields
        fields["kind"].label = "What are you asking for?"
        fields["kind"].help_text = "Choose the closest. If you are not sure, choose the "\
            "closest and explain below: the school will check."
        requester = fields["requester_type"]
        assert isinstance(requester, forms.ChoiceField)
        requester.label = "Who are you?"
        requester.choices = _blank(PUBLIC_REQUESTER_CHOICES, "Choose one")
        fields["requester_name"].label = "Your name"
        fields["requester_name"].error_messages["required"] = "Enter your name."
        contact = fields["requester_contact"]
        contact.label = "How the school can reply to you"
        contact.required = True
        contact.help_text = ("An e-mail address or postal address. The school needs it to "
                             "answer you.")
        contact.error_messages["required"] = "Enter how the school can reply to you."
        fields["authority_evidence"].label = ("If you are acting for someone else: what shows "
                                              "you may")
        fields["authority_evidence"].help_text = (
            "For example: their signed consent, or a court order. The school will ask to see "
            "it; do not send it on this page.")
        fields["subject_name"].label = "Their name"
        fields["subject_name"].help_text = "Leave empty if you are asking about yourself."
        fields["description"].label = "What would you like?"
        fields["description"].help_text = (
            "Say what information you want and, if you can, the dates or subjects it covers. "
            "Do not include medical or other sensitive details unless they are needed.")
        fields["description"].error_messages["required"] = "Enter what you would like."

    def service_fields(self, *, now: datetime | None = None) -> dict[str, Any]:
        return {**self.cleaned_data, "channel": Channel.PUBLIC_PAGE,
                "received_at": now or timezone.now()}


class ReplaceAddressForm(forms.Form):
    confirm = forms.BooleanField(
        label="I understand that the current address, and every poster printed with it, will "
              "stop working",
        error_messages={"required": "Tick the box to confirm that the current address and "
                                    "its posters will stop working."})
