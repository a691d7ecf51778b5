"""The DPIA forms. They check input only; the rules live in the services, whose field
names these are (a service's error lands on the field of the same name)."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from schoolkeep.lib.date_input import UKDateField
from schoolkeep.lib.risk import LIKELIHOOD_LABELS, SEVERITY_LABELS
from schoolkeep.privacy.dpias import description, screening
from schoolkeep.privacy.dpias.models import Dpia, DpiaRisk, DpiaState

LIKELIHOOD_CHOICES = [(str(n), f"{n}: {label}") for n, label in LIKELIHOOD_LABELS.items()]
SEVERITY_CHOICES = [(str(n), f"{n}: {label}") for n, label in SEVERITY_LABELS.items()]
YES_NO = [("yes", "Yes"), ("no", "No")]


class DpiaFilterForm(forms.Form):
    state = forms.ChoiceField(label="State", required=False,
                              choices=[("", "Any state"), *DpiaState.choices])
    archived = forms.BooleanField(label="Show archived DPIAs instead", required=False)


class StartForm(forms.Form):
    """What the DPIA is for: an asset, a system, or a new project (by name)."""

    asset = forms.ChoiceField(label="An asset of the register", required=False)
    system = forms.ChoiceField(label="A system", required=False)
    project_name = forms.CharField(
        label="Or a new project", required=False, max_length=300,
        help_text="For something the registers do not hold yet, such as a new app.")

    def __init__(self, *args: Any, assets: list[Any], systems: list[Any],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assets = {str(a.public_id): a for a in assets}
        self.systems = {str(s.public_id): s for s in systems}
        cast(forms.ChoiceField, self.fields["asset"]).choices = [
            ("", "None"), *((key, asset.name) for key, asset in self.assets.items())]
        cast(forms.ChoiceField, self.fields["system"]).choices = [
            ("", "None"), *((key, system.name) for key, system in self.systems.items())]

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"asset": self.assets.get(data["asset"]),
                "system": self.systems.get(data["system"]),
                "project_name": data["project_name"]}


class ScreeningForm(forms.Form):
    """Yes or no, with a note, for every screening question, grouped as the rules are."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, dpia: Dpia, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = dpia.screening or {}
        for question in screening.QUESTIONS:
            answer = saved.get(question.key, {})
            initial = ("yes" if answer.get("answer") else "no") if answer else None
            self.fields[question.key] = forms.ChoiceField(
                label=question.text, choices=YES_NO, widget=forms.RadioSelect,
                initial=initial, help_text=f"Source: {question.source}",
                error_messages={"required": "Answer yes or no."})
            self.fields[f"{question.key}_note"] = forms.CharField(
                label="Note (optional)", required=False, max_length=2000,
                initial=answer.get("note", ""), widget=forms.Textarea(attrs={"rows": 2}))

    def groups(self) -> list[dict[str, Any]]:
        """The questions by group, each with its answer field and its note field."""
        result = []
        for group, title in screening.GROUP_TITLES.items():
            rows = [(self[q.key], self[f"{q.key}_note"]) for q in screening.QUESTIONS
                    if q.group == group]
            result.append({"title": title, "rule": screening.GROUP_RULES[group],
                           "rows": rows})
        return result

    def answers(self) -> dict[str, tuple[bool, str]]:
        data = self.cleaned_data
        return {q.key: (data[q.key] == "yes", data.get(f"{q.key}_note", ""))
                for q in screening.QUESTIONS}


class AssessmentForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    processing_notes = forms.CharField(
        label="Nature, scope and context", required=False, widget=forms.Textarea,
        help_text="How the data is collected, used, stored and deleted; how much, how "
                  "often, about how many people; what they would expect.")
    necessity = forms.CharField(
        label="Necessity and proportionality", required=False, widget=forms.Textarea,
        help_text="Why this processing is needed for the purpose, why less data or another "
                  "way would not do, how people are told and can use their rights.")
    consultation_views = forms.CharField(
        label="Views of the people affected", required=False, widget=forms.Textarea,
        help_text="Who you asked (pupils, parents, staff, or their representatives) and "
                  "what they said.")
    consultation_not_sought_reason = forms.CharField(
        label="If you did not ask them, why not", required=False, widget=forms.Textarea)
    review_on = UKDateField(label="Review date", required=False, what="the review date")

    def __init__(self, *args: Any, signed_off: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A signed-off DPIA keeps a review date: it can move, not go.
        self.fields["review_on"].required = signed_off
        self.fields["review_on"].error_messages["required"] = (
            "Enter the review date: a signed-off DPIA is reviewed.")
        for key, label in description.HEADINGS:
            self.fields[f"description_{key}"] = forms.CharField(
                label=label, required=False, max_length=description.NOTE_LIMIT,
                widget=forms.Textarea(attrs={"rows": 3}))

    @staticmethod
    def initial_for(dpia: Dpia) -> dict[str, Any]:
        notes = dpia.description or {}
        return {"version": dpia.version, "processing_notes": dpia.processing_notes,
                "necessity": dpia.necessity, "consultation_views": dpia.consultation_views,
                "consultation_not_sought_reason": dpia.consultation_not_sought_reason,
                "review_on": dpia.review_on,
                **{f"description_{key}": notes.get(key, "")
                   for key, _ in description.HEADINGS}}

    def service_fields(self, dpia: Dpia) -> dict[str, Any]:
        """Only what the form shows; the description's notes as one dict. Text fields are
        left out once the DPIA is signed off (only its review date moves then)."""
        data = self.cleaned_data
        if dpia.signed_off_on is not None:
            return {"review_on": data["review_on"]}
        return {"processing_notes": data["processing_notes"], "necessity": data["necessity"],
                "consultation_views": data["consultation_views"],
                "consultation_not_sought_reason": data["consultation_not_sought_reason"],
                "review_on": data["review_on"],
                "description": {key: data[f"description_{key}"]
                                for key, _ in description.HEADINGS}}


class RiskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    description = forms.CharField(
        label="The risk to people", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text="The harm that could come to pupils, parents or staff, and how.",
        error_messages={"required": "Enter the risk."})
    likelihood = forms.TypedChoiceField(
        label="Likelihood of harm", choices=LIKELIHOOD_CHOICES, coerce=int,
        widget=forms.RadioSelect, error_messages={"required": "Choose the likelihood."})
    severity = forms.TypedChoiceField(
        label="Severity of harm", choices=SEVERITY_CHOICES, coerce=int,
        widget=forms.RadioSelect, error_messages={"required": "Choose the severity."})
    measures = forms.CharField(
        label="Measures to reduce or remove the risk", required=False,
        widget=forms.Textarea(attrs={"rows": 3}))
    residual_likelihood = forms.TypedChoiceField(
        label="Likelihood after the measures", required=False, coerce=int, empty_value=None,
        choices=[("", "Not scored yet"), *LIKELIHOOD_CHOICES])
    residual_severity = forms.TypedChoiceField(
        label="Severity after the measures", required=False, coerce=int, empty_value=None,
        choices=[("", "Not scored yet"), *SEVERITY_CHOICES])
    measures_approved = forms.BooleanField(label="The measures are approved",
                                           required=False)

    @staticmethod
    def initial_for(dpia: Dpia, risk: DpiaRisk | None) -> dict[str, Any]:
        if risk is None:
            return {"version": dpia.version}
        return {"version": dpia.version, "description": risk.description,
                "likelihood": risk.likelihood, "severity": risk.severity,
                "measures": risk.measures, "residual_likelihood": risk.residual_likelihood,
                "residual_severity": risk.residual_severity,
                "measures_approved": risk.measures_approved}

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in (
            "description", "likelihood", "severity", "measures", "residual_likelihood",
            "residual_severity", "measures_approved")}


class VersionForm(forms.Form):
    """A confirmation (archive, remove a risk): only the version read."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class AdviceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    advice = forms.CharField(label="The DPO's advice", widget=forms.Textarea,
                             error_messages={"required": "Enter the DPO's advice."})
    advised_on = UKDateField(label="Date of the advice", past=True,
                             what="the date of the advice")
    followed = forms.ChoiceField(label="Was the advice followed?", choices=YES_NO,
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "Say whether the advice was "
                                                             "followed."})
    not_followed_reason = forms.CharField(
        label="If not, why not", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="UK GDPR expects the reasons to be recorded when the DPO's advice is not "
                  "followed.")

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"advice": data["advice"], "advised_on": data["advised_on"],
                "followed": data["followed"] == "yes",
                "not_followed_reason": data["not_followed_reason"]}


class IcoForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    consulted_on = UKDateField(label="Date the ICO was consulted", past=True,
                               what="the date the ICO was consulted")
    reference = forms.CharField(label="The ICO's reference", required=False, max_length=100)
    response_on = UKDateField(label="Date of the ICO's response", past=True, required=False,
                              what="the date of the ICO's response")
    response = forms.CharField(label="The ICO's response", required=False,
                               widget=forms.Textarea(attrs={"rows": 4}))

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("consulted_on", "reference", "response_on",
                                              "response")}


class SignOffForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    signed_off_on = UKDateField(label="Date of the sign-off", past=True,
                                what="the date of the sign-off")
    review_on = UKDateField(label="Review date", what="the review date",
                            help_text="When the DPIA is looked at again (usually within a "
                                      "year, or sooner if the processing changes).")

    def service_fields(self) -> dict[str, Any]:
        return {"signed_off_on": self.cleaned_data["signed_off_on"],
                "review_on": self.cleaned_data["review_on"]}
