"""Forms of handling a report. They check input only; the rules live in the services. Field
names are the services' argument names, so that a DomainError lands on its field. Dates and
times are entered in Europe/London time and handed to the services as UTC-aware instants."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.assets.models import Asset
from schoolkeep.incidents.models import (
    Action,
    DataCategory,
    Decision,
    IcoStage,
    Incident,
    Kind,
    PeopleCategory,
    RiskResult,
    Status,
)
from schoolkeep.lib.date_input import UKDateField, UKDateTimeField
from schoolkeep.systems.models import System

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not known yet")]
YES_NO = [("yes", "Yes"), ("no", "No")]
BREACH_TYPES = [
    ("confidentiality", "Confidentiality: data was seen or sent where it should not have been"),
    ("integrity", "Integrity: data was changed or corrupted without permission"),
    ("availability", "Availability: data was lost, or could not be reached when needed"),
]
LIKELIHOOD = [(1, "1: remote"), (2, "2: possible"), (3, "3: likely")]
SEVERITY = [(1, "1: minimal"), (2, "2: significant"), (3, "3: severe")]


def _as_tristate(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


def _from_tristate(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


class VersionForm(forms.Form):
    """A confirmation that carries the version of the record it was opened with."""

    version = forms.IntegerField(widget=forms.HiddenInput)


class IncidentFilterForm(forms.Form):
    status = forms.ChoiceField(label="Status", required=False,
                               choices=[("", "Any status"), *Status.choices])
    kind = forms.ChoiceField(label="Kind", required=False,
                             choices=[("", "Any kind"), ("untriaged", "Not triaged yet"),
                                      *Kind.choices])
    overdue = forms.BooleanField(label="Only those past the ICO deadline without a decision",
                                 required=False)


class TriageForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    kind = forms.ChoiceField(label="What kind of incident is this?", choices=Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose what kind of incident this is."})
    breach_types = forms.MultipleChoiceField(
        label="For a personal data breach: what was affected?", required=False,
        choices=BREACH_TYPES, widget=forms.CheckboxSelectMultiple,
        help_text="Choose every one that applies.")
    is_cyber = forms.ChoiceField(label="Was it a cyber incident?", choices=YES_NO_UNKNOWN,
                                 initial="unknown", widget=forms.RadioSelect)
    people_affected = forms.IntegerField(label="About how many people are affected?",
                                         required=False, min_value=0)
    records_affected = forms.IntegerField(label="About how many records are affected?",
                                          required=False, min_value=0)
    people_categories = forms.MultipleChoiceField(
        label="Who is affected?", required=False, choices=PeopleCategory.choices,
        widget=forms.CheckboxSelectMultiple)
    children_or_vulnerable = forms.ChoiceField(
        label="Are children or vulnerable adults affected?", choices=YES_NO_UNKNOWN,
        initial="unknown", widget=forms.RadioSelect)
    data_categories = forms.MultipleChoiceField(
        label="What kinds of personal data are involved?", required=False,
        choices=DataCategory.choices, widget=forms.CheckboxSelectMultiple,
        help_text="The categories of the ICO's breach report form.")
    data_categories_other = forms.CharField(
        label="Other kinds of personal data", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when you chose \"Other\".")
    assets = forms.MultipleChoiceField(label="Information assets affected", required=False,
                                       widget=forms.CheckboxSelectMultiple)
    systems = forms.MultipleChoiceField(label="Systems affected", required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, assets: list[Asset], systems: list[System],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asset_choices = {str(asset.public_id): asset for asset in assets}
        self.system_choices = {str(system.public_id): system for system in systems}
        for name, records in (("assets", self.asset_choices), ("systems", self.system_choices)):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(key, record.name) for key, record in records.items()]
            if not records:
                del self.fields[name]

    @staticmethod
    def initial_for(incident: Incident) -> dict[str, Any]:
        breach_types = [name for name, _ in BREACH_TYPES
                        if getattr(incident, f"breach_{name}")]
        return {
            "version": incident.version, "kind": incident.kind, "breach_types": breach_types,
            "is_cyber": _from_tristate(incident.is_cyber),
            "people_affected": incident.people_affected,
            "records_affected": incident.records_affected,
            "people_categories": incident.people_categories,
            "children_or_vulnerable": _from_tristate(incident.children_or_vulnerable),
            "data_categories": incident.data_categories,
            "data_categories_other": incident.data_categories_other,
            "assets": [str(asset.public_id) for asset in incident.assets.all()],
            "systems": [str(system.public_id) for system in incident.systems.all()],
        }

    def service_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        types = set(data["breach_types"])
        return {
            "kind": data["kind"],
            "breach_confidentiality": "confidentiality" in types,
            "breach_integrity": "integrity" in types,
            "breach_availability": "availability" in types,
            "is_cyber": _as_tristate(data["is_cyber"]),
            "people_affected": data["people_affected"],
            "records_affected": data["records_affected"],
            "people_categories": data["people_categories"],
            "children_or_vulnerable": _as_tristate(data["children_or_vulnerable"]),
            "data_categories": data["data_categories"],
            "data_categories_other": data["data_categories_other"],
            "assets": [self.asset_choices[key] for key in data.get("assets", [])],
            "systems": [self.system_choices[key] for key in data.get("systems", [])],
        }


# A DomainError on one of the breach flags belongs to the group of checkboxes.
TRIAGE_ERROR_FIELDS = {"breach_confidentiality": "breach_types",
                       "breach_integrity": "breach_types",
                       "breach_availability": "breach_types"}


class AwareAtForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    aware_at = UKDateTimeField(
        label="When did the school become aware of it?", past=True, help_text="UK time.",
        what="when the school became aware",
        error_messages={"required": "Enter the date and time the school became aware."})
    reason = forms.CharField(label="Why is it changing?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why the moment changes."})


class RiskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    likelihood = forms.TypedChoiceField(
        label="How likely is harm to the people affected?", choices=LIKELIHOOD, coerce=int,
        widget=forms.RadioSelect, error_messages={"required": "Choose the likelihood."})
    likelihood_rationale = forms.CharField(
        label="Why that likelihood?", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you chose that likelihood."})
    severity = forms.TypedChoiceField(
        label="How severe would the harm be?", choices=SEVERITY, coerce=int,
        widget=forms.RadioSelect, error_messages={"required": "Choose the severity."})
    severity_rationale = forms.CharField(
        label="Why that severity?", widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why you chose that severity."})


class RiskOverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    result = forms.ChoiceField(
        label="Result", required=False, widget=forms.RadioSelect,
        choices=[("", "No override: the assessed result applies"), *RiskResult.choices])
    reason = forms.CharField(label="Why?", required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Needed when you override the result.")


class SentAtField(UKDateTimeField):
    """When the report to the ICO was sent. It is needed once the report has been sent
    (DecisionForm.clean asks for it then), so it is marked required and its label does not
    say "(optional)"; empty boxes pass here, for the stages before sending."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=True, **kwargs)

    def parse(self, value: Any) -> tuple[Any, str]:
        if not any(self._texts(value)):
            return None, ""
        return super().parse(value)


class DecisionForm(forms.Form):
    """A decision about whom to tell. The answers offered are the ones the case allows:
    "no" is left out while the risk assessment says they must be told, or (for the ICO and
    the people affected) while the risk is not assessed. The ICO's answer has three stages
    (models.IcoStage): a decision to report is not the end of the 72-hour clock."""

    # The decision's version when the form was opened (0: none recorded yet).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    tell = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, error_messages={
        "required": "Answer yes or no.",
        "invalid_choice": "Choose one of the answers shown: the risk assessment rules out "
                          "the others."})
    reason = forms.CharField(label="Why?", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Give the reason for the decision."})
    told_at = UKDateTimeField(label="When were they told?", required=False, past=True,
                              help_text="UK time.")
    method = forms.CharField(label="How were they told?", required=False, max_length=200,
                             help_text="For example: a letter to each family.")
    ico_reference = forms.CharField(label="ICO case reference", required=False,
                                    max_length=100,
                                    help_text="If the ICO has given one.")
    late_reason = forms.CharField(
        label="Sent after the 72-hour deadline: why?", required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only when the report was sent after the deadline.")

    QUESTIONS: dict[str, str] = {
        Decision.Kind.ICO: "Where does the report to the ICO stand?",
        Decision.Kind.PEOPLE: "Were the people affected told?",
    }

    def __init__(self, *args: Any, kind: str, risk: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        label = Decision.Kind(kind).label
        tell = self.fields["tell"]
        assert isinstance(tell, forms.ChoiceField)
        tell.label = self.QUESTIONS.get(kind, f"Decision: {label.lower()}?")
        if kind == Decision.Kind.ICO:
            must = not risk or risk in (RiskResult.RISK, RiskResult.HIGH)
            tell.choices = [(value, name) for value, name in IcoStage.choices
                            if not (must and value == IcoStage.NOT_REPORTING)]
            tell.error_messages["required"] = "Choose where the report to the ICO stands."
            self.fields["told_at"] = SentAtField(
                label="When was the report sent?", what="when the report was sent",
                past=True, help_text="UK time. Only once the report has been sent.")
            del self.fields["method"]
        else:
            del self.fields["ico_reference"], self.fields["late_reason"]
            if kind == Decision.Kind.PEOPLE and (not risk or risk == RiskResult.HIGH):
                tell.choices = [("yes", "Yes")]
            told_at = self.fields["told_at"]
            assert isinstance(told_at, UKDateTimeField)
            # Messages name the field in words, not by its question ("When were they
            # told? must include a year").
            told_at.what = "when they were told"
            if kind != Decision.Kind.PEOPLE:
                told_at.label = "When were they told? (if they were)"

    @staticmethod
    def initial_for(decision: Decision | None) -> dict[str, Any]:
        if decision is None:
            return {"version": 0}
        tell = (decision.ico_stage if decision.kind == Decision.Kind.ICO
                else "yes" if decision.tell else "no")
        return {"version": decision.version, "tell": tell, "reason": decision.reason,
                "told_at": decision.told_at, "method": decision.method,
                "ico_reference": decision.ico_reference, "late_reason": decision.late_reason}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (self.kind == Decision.Kind.ICO and data.get("tell") == IcoStage.TO_SEND
                and data.get("told_at")):
            self.add_error("told_at", "You said the report is not sent yet: leave when it "
                           "was sent empty, or choose that it has been sent.")
        if (self.kind == Decision.Kind.ICO and data.get("tell") == IcoStage.SENT
                and data.get("told_at") is None and "told_at" not in self.errors):
            self.add_error("told_at", "Enter when the report was sent")
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        answer = data["tell"]
        if self.kind == Decision.Kind.ICO:
            data["tell"] = answer != IcoStage.NOT_REPORTING
            data["sent"] = answer == IcoStage.SENT
        else:
            data["tell"] = answer == "yes"
        return data


class ActionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    kind = forms.ChoiceField(label="Kind of action", choices=Action.Kind.choices,
                             widget=forms.RadioSelect,
                             error_messages={"required": "Choose the kind of action."})
    description = forms.CharField(label="What is to be done?",
                                  widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "Say what is to be done."})
    owner = forms.ChoiceField(label="Who owns it?",
                              error_messages={"required": "Choose who owns the action."})
    due_on = UKDateField(label="Due on", what="the date the action is due",
                         error_messages={"required": "Enter the date the action is due."})

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.members = {str(user.public_id): user for user in members}
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "Choose a member"),
                         *((key, str(user)) for key, user in self.members.items())]

    @staticmethod
    def initial_for(action: Action) -> dict[str, Any]:
        return {"version": action.version, "kind": action.kind,
                "description": action.description,
                "owner": str(action.owner.public_id) if action.owner else "",
                "due_on": action.due_on}

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["owner"] = self.members.get(data["owner"])
        return data


class DropForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why is the action dropped?",
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why the action is dropped."})


class LessonsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    lessons_learned = forms.CharField(label="Lessons learned", required=False,
                                      widget=forms.Textarea(attrs={"rows": 6}),
                                      help_text="What the school will do differently.")


class ReopenForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Why is the report reopened?", max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "Say why the report is reopened."})
