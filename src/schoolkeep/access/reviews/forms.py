"""The access review's two answers: "this is right" (one button) or what changed."""

from __future__ import annotations

from django import forms

from schoolkeep.access.models import AccessReview


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(choices=AccessReview.Outcome.choices, widget=forms.HiddenInput)
    changes = forms.CharField(
        label="What changed", required=False, max_length=5000,
        help_text="Who was given access or lost it, or who now administers a system.",
        widget=forms.Textarea(attrs={"rows": 5}))


class ShowForm(forms.Form):
    """The list's filter: the viewer's own assets or every asset."""

    show = forms.ChoiceField(label="Show", required=False,
                             choices=[("mine", "Assets you own"), ("all", "Every asset")])
