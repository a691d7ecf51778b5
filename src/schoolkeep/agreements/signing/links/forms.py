"""Forms of signing links, reminders and letters, and of the public signing page. They check
input only; the rules live in services.py."""

from __future__ import annotations

from django import forms

from schoolkeep.agreements.signing.forms import SignatureFields

SHOW = "show"
EMAIL = "email"
WITHOUT_EMAIL = "without_email"
EVERYONE = "everyone"


class SigningForm(SignatureFields):
    """The public page of a personal link: a typed name and the agreement."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["typed_name"].widget.attrs.update(
            {"autocomplete": "name", "spellcheck": "false"})


class LinkCreateForm(forms.Form):
    how = forms.ChoiceField(
        label="How will you give them the link?", widget=forms.RadioSelect,
        choices=[(SHOW, "Show it to me now, to copy or print"),
                 (EMAIL, "E-mail it to them")],
        error_messages={"required": "Choose how you will give them the link."})

    def __init__(self, *args: object, has_email: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if not has_email:
            how = self.fields["how"]
            assert isinstance(how, forms.ChoiceField)
            how.choices = [(SHOW, "Show it to me now, to copy or print")]
            how.initial = SHOW


class LettersForm(forms.Form):
    who = forms.ChoiceField(
        label="Who should get a letter?", widget=forms.RadioSelect,
        choices=[(WITHOUT_EMAIL, "Only those with no e-mail address"),
                 (EVERYONE, "Everyone who has not signed")],
        initial=WITHOUT_EMAIL,
        error_messages={"required": "Choose who should get a letter."})

    def everyone(self) -> bool:
        return self.cleaned_data["who"] == EVERYONE
