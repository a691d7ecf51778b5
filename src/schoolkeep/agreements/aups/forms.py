"""Forms of the acceptable use policies. They check input only; the rules live in
services.py. Field names are the services' argument names, so a DomainError lands on its
field."""

from __future__ import annotations

from django import forms

from schoolkeep.agreements.aups.markdown import MARKDOWN_HELP
from schoolkeep.agreements.aups.models import Aup
from schoolkeep.agreements.aups.selectors import SHOW_SIGNED, SHOW_UNSIGNED
from schoolkeep.agreements.aups.services import MAX_TEXT_LENGTH
from schoolkeep.agreements.signing.forms import SignatureFields

EVERYONE = "everyone"
NEW_SIGNERS = "new_signers"


class AupSettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label="Title", max_length=200,
                            error_messages={"required": "Enter the title."})
    link_valid_days = forms.IntegerField(
        label="Signing links work for (days)", min_value=1, max_value=365,
        help_text="How long a personal signing link sent by e-mail or letter can be used.",
        error_messages={"required": "Enter the number of days.",
                        "invalid": "Enter the number of days as a whole number, such as 30.",
                        "min_value": "Enter at least 1 day.",
                        "max_value": "Enter at most 365 days."})

    @staticmethod
    def initial_for(aup: Aup) -> dict[str, object]:
        return {"version": aup.version, "title": aup.title,
                "link_valid_days": aup.link_valid_days}


class DraftForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    text = forms.CharField(
        label="Text of the policy", help_text=MARKDOWN_HELP, strip=False,
        max_length=MAX_TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 24}),
        error_messages={"required": "Enter the text of the acceptable use policy.",
                        "max_length": f"The text must be {MAX_TEXT_LENGTH:,} characters or "
                                      "fewer."})
    summary_of_changes = forms.CharField(
        label="What has changed", max_length=500, required=False,
        help_text="A line for the list of versions, such as: new section on using personal "
                  "phones.")


class PublishForm(forms.Form):
    # The draft's version when the page was opened: a draft changed since is not published.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    who_signs = forms.ChoiceField(
        label="Who must sign this version?", widget=forms.RadioSelect,
        choices=[(EVERYONE, "Everyone must sign again"),
                 (NEW_SIGNERS, "Only people who have not signed before (a minor change)")],
        error_messages={"required": "Choose who must sign this version."})

    def requires_everyone_to_sign(self) -> bool:
        return self.cleaned_data["who_signs"] == EVERYONE


class SignForm(SignatureFields):
    """A member signing their AUP in Schoolkeep: the fields (and checks) of every signing
    form, so every problem shows at once."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["typed_name"].widget.attrs.update({"autocomplete": "name"})


class SignerFilterForm(forms.Form):
    show = forms.ChoiceField(label="Show", required=False, choices=[
        ("", "Everyone"), (SHOW_UNSIGNED, "Not signed"), (SHOW_SIGNED, "Signed")])
    q = forms.CharField(label="Name", required=False, max_length=200)
