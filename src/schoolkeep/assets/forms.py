"""Forms of the information asset register. They validate input only; the rules live in
services. Records are chosen by public id; ``service_fields`` turns the choices back into the
records the services take."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from schoolkeep.assets.models import (
    AccessLabel,
    Article9Condition,
    Asset,
    AssetGroup,
    AssetSettings,
    Classification,
    DataSubject,
    LawfulBasis,
    OutsideOrganisation,
)
from schoolkeep.assets.selectors import (
    ACCESS_SEPARATOR,
    OWNER_NONE,
    OWNER_UNMATCHED,
    Choice,
    OwnerChoice,
)
from schoolkeep.assets.services import OWNER_FIELDS
from schoolkeep.lib.text import tidy
from schoolkeep.lib.widgets import PlainSelect
from schoolkeep.people.forms import date_field
from schoolkeep.people.models import Person
from schoolkeep.privacy.schedule.models import RecordType
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import Membership

PERSON = "person:"
ORGANISATION = "organisation:"
KEEP_UNMATCHED = "unmatched"
NEW_GROUP = "new"  # the group choice "A new group", named in ``new_group``

# Where a service's error lands on the asset form when the form names the input otherwise.
FIELD_FOR_ERROR = {"owner_person": "owner", "owner_organisation": "owner",
                   "owner_unmatched": "owner"}



def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def split_labels(text: str) -> list[str]:
    """"Head / Deputy / Class teachers" as its labels, trimmed, empty parts dropped."""
    return [part for part in (tidy(p) for p in (text or "").split("/")) if part]


# At most this many owners whose names fit are offered in the register's owner filter.
MATCHES_SHOWN = 20


def _owner_key(owner: OwnerChoice) -> str:
    return (ORGANISATION if owner.is_organisation else PERSON) + owner.public_id


class AssetFilterForm(forms.Form):
    """The register's filters. A large school's register has a few hundred owners: as one
    select they were half the page. The owner is found instead by typing part of a name; a
    short select keeps the choices that need no name ("No owner", "A name not yet matched")
    and, when a name fits several owners, lists just those to choose from. An owner named in
    the address (the "Assets you own" button, an asset's page) is kept as the select's
    choice. Every choice works without script."""

    q = forms.CharField(label="Name, description or purpose", required=False, max_length=200)
    group = forms.ChoiceField(label="Group", required=False, widget=PlainSelect)
    owner_name = forms.CharField(
        label="Owner's name", required=False, max_length=200,
        help_text="Part of the name of a person or an outside organisation.")
    owner = forms.ChoiceField(label="Owner", required=False, widget=PlainSelect)
    classification = forms.ChoiceField(
        label="Classification", required=False, widget=PlainSelect,
        choices=[("", "Any classification"), *Classification.choices])
    system = forms.ChoiceField(label="Held in", required=False, widget=PlainSelect)

    def __init__(self, *args: Any, groups: list[Choice], people: list[OwnerChoice],
                 organisations: list[OwnerChoice], systems: list[Choice],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(g.public_id): g for g in groups}
        self.owners: dict[str, OwnerChoice] = {_owner_key(o): o for o in [*people, *organisations]}
        self.systems = {str(s.public_id): s for s in systems}
        _set_choices(self, "group", [("", "Any group"),
                                     *((k, g.name) for k, g in self.groups.items())])
        _set_choices(self, "owner", self._owner_choices())
        _set_choices(self, "system", [("", "Any system"),
                                      *((k, s.name) for k, s in self.systems.items())])

    def _fitting(self, text: str) -> list[OwnerChoice]:
        """The owners whose name holds ``text``, in any case."""
        wanted = tidy(text).casefold()
        return ([o for o in self.owners.values() if wanted in o.name.casefold()]
                if wanted else [])

    def _owner_choices(self) -> list[tuple[str, str]]:
        """Anyone, the owners the name fits (a few) or the one in the address, then the
        choices that need no name."""
        shown: list[OwnerChoice] = []
        if self.is_bound:
            chosen = self.owners.get(self.data.get("owner") or "")
            fitting = self._fitting(self.data.get("owner_name") or "")[:MATCHES_SHOWN]
            shown = [o for o in ([chosen] if chosen else []) + fitting if o is not None]
        unique = {_owner_key(o): o for o in shown}
        return [("", "Anyone"),
                *((key, f"{o.name} (outside organisation)" if o.is_organisation else o.name)
                  for key, o in unique.items()),
                (OWNER_NONE, "No owner"), (OWNER_UNMATCHED, "A name not yet matched")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        name, owner = data.get("owner_name", ""), data.get("owner", "")
        if not name or owner in self.owners:  # an owner chosen from the list is the answer
            return data
        if owner:
            self.add_error("owner_name", "Leave the owner's name empty to see assets with no "
                                         "owner or a name not yet matched.")
            return data
        fitting = self._fitting(name)
        if not fitting:
            self.add_error("owner_name", f"No owner's name contains “{tidy(name)}”.")
        elif len(fitting) > 1:
            more = len(fitting) > MATCHES_SHOWN
            listed = (f" (the first {MATCHES_SHOWN} are listed) or type more of the name"
                      if more else "")
            self.add_error("owner_name", f"{len(fitting)} owners' names contain “{tidy(name)}”:"
                                         f" choose one under Owner{listed}.")
        else:
            data["owner"] = _owner_key(fitting[0])
        return data

    def selector_filters(self) -> dict[str, Any]:
        """The filters for ``selectors.asset_list`` (nothing filtered when invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        owner: Any = data.get("owner") or None
        if owner in self.owners:
            owner = self.owners[owner]
        group = self.groups.get(data.get("group") or "")
        system = self.systems.get(data.get("system") or "")
        return {
            "search": data.get("q", ""), "group": group.pk if group else None,
            "owner": owner, "classification": data.get("classification", ""),
            "system": system.pk if system else None,
        }


def _text(label: str, *, rows: int = 3, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def _line(label: str, *, max_length: int = 200, help_text: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=False, max_length=max_length,
                           help_text=help_text)


class AssetForm(forms.Form):
    """An asset, for adding and changing. A member who edits only because they own the asset
    does not see the owner or the fields that add groups and organisations."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label="Name of the asset", max_length=300,
                           error_messages={"required": "Enter the name of the asset."})
    # Every asset is under a group (a heading of Appendix 1): the choice is required, and
    # "A new group" is one of its answers, named in ``new_group``.
    group = forms.ChoiceField(
        label="Group", help_text="The heading it comes under in Appendix 1.",
        error_messages={"required": "Choose a group, or “A new group” and name it below."})
    new_group = _line("Name of the new group",
                      help_text="Only when you chose “A new group” above.")
    description = _text("Description")
    owner = forms.ChoiceField(label="Information asset owner", required=False)
    new_organisation = _line(
        "Or an outside organisation not in the list",
        help_text="Such as a backup company or a CCTV support company.")
    access_labels = _line(
        "Who has access to enter information", max_length=2000,
        help_text="Separate roles with a slash, as in: Head / Deputy / Class teachers.")
    purpose = _text("Purpose")
    lawful_basis = forms.ChoiceField(label="Lawful basis (Article 6)", required=False,
                                     choices=[("", "Not recorded yet"), *LawfulBasis.choices])
    special_category_data = forms.BooleanField(
        label="Includes special category data", required=False,
        help_text="Such as health, ethnicity, religion or biometric data.")
    article9_condition = forms.ChoiceField(
        label="Article 9 condition", required=False,
        choices=[("", "None"), *Article9Condition.choices],
        help_text="Only for special category data.")
    data_subjects = forms.MultipleChoiceField(
        label="Whose data it is", required=False, choices=DataSubject.choices,
        widget=forms.CheckboxSelectMultiple)
    personal_data = _text("Categories of personal data",
                          help_text="Such as names, addresses, attendance, medical notes.")
    children_data = forms.BooleanField(label="Includes children's data", required=False)
    classification = forms.ChoiceField(
        label="Classification", choices=Classification.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose a classification."})
    classification_note = _line("Note about the classification")
    systems = forms.MultipleChoiceField(label="Systems that hold it", required=False,
                                        widget=forms.CheckboxSelectMultiple)
    held_on_paper = forms.BooleanField(label="Also held on paper", required=False)
    held_elsewhere = _line("Held anywhere else")
    record_types = forms.MultipleChoiceField(
        label="Record types it holds", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="From the retention schedule: how long each type is kept comes from there.")
    destruction_method = _line("How it is destroyed")
    recipients = _text("Who it is shared with (recipients)")
    transfers_outside_uk = _text("Transfers outside the UK")
    transfer_safeguards = _text("Safeguards for those transfers")
    security_measures = _text("How it is kept secure")
    last_reviewed_on = date_field("Last reviewed on")
    next_review_on = date_field("Next review due on",
                                help_text="Leave empty to follow the school's review interval.")

    def __init__(self, *args: Any, groups: list[AssetGroup], people: list[Person],
                 organisations: list[OutsideOrganisation], systems: list[System],
                 asset: Asset | None = None, manager: bool = True,
                 record_types: list[RecordType] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.groups = {str(g.public_id): g for g in groups}
        self.people = {PERSON + str(p.public_id): p for p in people}
        self.organisations = {ORGANISATION + str(o.public_id): o for o in organisations}
        self.system_choices = {str(s.public_id): s for s in systems}
        self.manager = manager
        self.record_type_choices = {str(r.public_id): r for r in record_types or []}
        _set_choices(self, "group", [
            ("", "Choose a group"), *((k, g.name) for k, g in self.groups.items()),
            *([(NEW_GROUP, "A new group (name it below)")] if manager else [])])
        if manager and not self.groups and not self.initial.get("group"):
            self.initial["group"] = NEW_GROUP  # the first asset of the register
        owners = [("", "No owner yet")]
        if asset is not None and asset.owner_unmatched:
            owners.append((KEEP_UNMATCHED, f"{asset.owner_unmatched} (not yet matched)"))
        owners += [(k, p.full_name) for k, p in self.people.items()]
        owners += [(k, f"{o.name} (outside organisation)")
                   for k, o in self.organisations.items()]
        _set_choices(self, "owner", owners)
        _set_choices(self, "systems", [(k, s.name) for k, s in self.system_choices.items()])
        if not self.system_choices:
            del self.fields["systems"]
        _set_choices(self, "record_types",
                     [(k, r.name) for k, r in self.record_type_choices.items()])
        if not self.record_type_choices:
            del self.fields["record_types"]
        if not manager:
            for name in ("owner", "new_organisation", "new_group"):
                del self.fields[name]

    @staticmethod
    def initial_for(asset: Asset, labels: list[AccessLabel],
                    record_types: Sequence[RecordType] = ()) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(asset, name) for name in (
                "name", "description", "purpose", "lawful_basis", "special_category_data",
                "article9_condition", "data_subjects", "personal_data", "children_data",
                "classification", "classification_note", "held_on_paper", "held_elsewhere",
                "destruction_method", "recipients",
                "transfers_outside_uk", "transfer_safeguards", "security_measures",
                "last_reviewed_on", "next_review_on", "version")
        }
        initial["group"] = str(asset.group.public_id)
        if asset.owner_person is not None:
            initial["owner"] = PERSON + str(asset.owner_person.public_id)
        elif asset.owner_organisation is not None:
            initial["owner"] = ORGANISATION + str(asset.owner_organisation.public_id)
        elif asset.owner_unmatched:
            initial["owner"] = KEEP_UNMATCHED
        initial["access_labels"] = ACCESS_SEPARATOR.join(label.label for label in labels)
        initial["systems"] = [str(system.public_id) for system in asset.systems.all()]
        initial["record_types"] = [str(item.public_id) for item in record_types]
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        new_group = data.get("group") == NEW_GROUP
        if new_group and not data.get("new_group"):
            self.add_error("new_group", "Enter the name of the new group.")
        elif data.get("group") and not new_group and data.get("new_group"):
            self.add_error("new_group", "You chose a group above: choose “A new group” there "
                                        "to add this one, or leave this empty.")
        if data.get("owner") and data.get("new_organisation"):
            self.add_error("new_organisation",
                           "Choose an owner from the list or name an organisation, not both.")
        return data

    def service_fields(self, asset: Asset | None = None) -> dict[str, Any]:
        """The fields for ``asset_create``/``asset_update``, but the group and a new outside
        organisation, which the view makes first (``new_group``, ``new_organisation``)."""
        data = dict(self.cleaned_data)
        for name in ("version", "name", "group", "new_group", "new_organisation", "owner"):
            data.pop(name, None)
        data["access_labels"] = split_labels(data.get("access_labels", ""))
        if "systems" in self.fields:
            data["systems"] = [self.system_choices[key] for key in data.get("systems", [])]
        else:
            data.pop("systems", None)
        if "record_types" in self.fields:
            data["record_types"] = [self.record_type_choices[key]
                                    for key in data.get("record_types", [])]
        else:
            data.pop("record_types", None)
        if self.manager:
            owner = self.cleaned_data.get("owner") or ""
            if owner == KEEP_UNMATCHED and asset is not None:
                data["owner_unmatched"] = asset.owner_unmatched
            elif owner in self.people:
                data["owner_person"] = self.people[owner]
            elif owner in self.organisations:
                data["owner_organisation"] = self.organisations[owner]
            else:
                data.update({name: None for name in OWNER_FIELDS})
        return data

    def chosen_group(self) -> AssetGroup | None:
        return self.groups.get(self.cleaned_data.get("group") or "")


class ArchiveForm(forms.Form):
    """Nothing to fill in: the button confirms."""


class AssetSettingsForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    controller_name = forms.CharField(
        label="Controller's name", max_length=200, required=False,
        help_text="Usually the school, or its trust: the body that decides why and how "
                  "personal data is used.")
    controller_contact = forms.CharField(label="Controller's contact details", required=False,
                                         widget=forms.Textarea(attrs={"rows": 3}))
    dpo_contact = forms.CharField(label="Data protection officer's contact details",
                                  required=False, widget=forms.Textarea(attrs={"rows": 3}))
    review_interval_months = forms.IntegerField(
        label="Review each asset every (months)", min_value=1, max_value=36,
        error_messages={"required": "Enter how often each asset is reviewed, in months.",
                        "min_value": "Enter a number of months from 1 to 36.",
                        "max_value": "Enter a number of months from 1 to 36.",
                        "invalid": "Enter a whole number of months, such as 12."})

    @staticmethod
    def initial_for(settings: AssetSettings) -> dict[str, Any]:
        return {name: getattr(settings, name) for name in (
            "version", "controller_name", "controller_contact", "dpo_contact",
            "review_interval_months")}


class LabelForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    label_text = forms.CharField(label="Label", max_length=200,
                                 error_messages={"required": "Enter the label."})
    members = forms.MultipleChoiceField(
        label="Members who hold it", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="The members of the school this label stands for.")

    def __init__(self, *args: Any, memberships: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.memberships = {str(m.public_id): m for m in memberships}
        _set_choices(self, "members", [
            (key, f"{m.user.full_name or m.user.email} ({m.user.email})")
            for key, m in self.memberships.items()])

    def chosen_members(self) -> list[Membership]:
        return [self.memberships[key] for key in self.cleaned_data.get("members", [])]
