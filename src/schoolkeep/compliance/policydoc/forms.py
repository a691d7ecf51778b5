"""The policy document's one form: which file to make."""

from __future__ import annotations

from django import forms

from schoolkeep.compliance.policydoc.files import FORMAT_LABELS


class MakeForm(forms.Form):
    format = forms.ChoiceField(choices=list(FORMAT_LABELS.items()))
