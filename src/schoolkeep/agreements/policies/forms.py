"""Forms of the policy register. They check input only; the rules live in
services.py. Field names are the services' argument names, so that a DomainError lands
on its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from schoolkeep.agreements.policies.models import Policy
from schoolkeep.lib.date_input import UKDateField


class PolicyForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label="Title", max_length=200,
                            error_messages={"required": "Enter the policy's title."})
    kind = forms.ChoiceField(label="Kind", choices=Policy.Kind.choices, initial=Policy.Kind.OTHER,
                             error_messages={"required": "Choose what kind of policy this is."})
    owner = forms.ChoiceField(label="Owner", required=False,
                              help_text="The member who looks after the policy and sends it to "
                                        "the governors for review. Without one, the SIRO does.")
    review_cycle_months = forms.IntegerField(
        label="Review every (months)", min_value=1, max_value=60, initial=12,
        error_messages={"required": "Enter how often the policy is reviewed, in months.",
                        "invalid": "Enter a whole number of months, such as 12.",
                        "min_value": "Enter at least 1 month.",
                        "max_value": "Enter at most 60 months (5 years)."})
    next_review = forms.CharField(
        label="Next review", required=False, max_length=100,
        help_text='A date, such as "31 March 2027", or a term, such as "Spring 2027" (the '
                  "last day of that term in the school's calendar).")

    def __init__(self, *args: Any, owners: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Nobody (the SIRO)"), *owners]

    @staticmethod
    def initial_for(policy: Policy) -> dict[str, Any]:
        if policy.next_review_term:
            next_review = policy.next_review_term
        elif policy.next_review_on is not None:
            next_review = f"{policy.next_review_on.day} {policy.next_review_on:%B %Y}"
        else:
            next_review = ""
        return {"version": policy.version, "title": policy.title, "kind": policy.kind,
                "owner": str(policy.owner.public_id) if policy.owner else "",
                "review_cycle_months": policy.review_cycle_months, "next_review": next_review}


class VersionForm(forms.Form):
    text = forms.CharField(label="Type or paste the text", required=False,
                           widget=forms.Textarea(attrs={"rows": 16}))
    file = forms.FileField(label="Or upload the document", required=False,
                           help_text="A PDF, Word (.docx), OpenDocument (.odt) or plain text "
                                     "file, at most 10 MB.")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="The policy as a plain text file",
        help_text="Its header (Name of School, Policy Review Date, Next Review Date, Reviewed "
                  "by) and title line are read into the register.",
        error_messages={"required": "Choose the policy's text file."})
    dry_run = forms.BooleanField(label="Only check the file: record nothing", required=False)


class ApproveForm(forms.Form):
    # Asked once: the name the governor types is their signature of this version.
    full_name = forms.CharField(
        label="Your full name", max_length=200,
        help_text="Typing your full name here is your signature of this version.",
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
        error_messages={"required": "Enter your full name.",
                        "max_length": "Your full name must be 200 characters or fewer."})
    approved_on = UKDateField(label="Date of approval", past=True,
                              error_messages={"required": "Enter the date of approval."})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["approved_on"].initial = timezone.localdate()


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label="What needs to change", widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Say what needs to change before you can approve it."})
