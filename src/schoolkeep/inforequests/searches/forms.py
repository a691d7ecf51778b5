"""Forms of searches and the schedule. They check input only; the rules live in the
services. Field names are the services' argument names, so that a DomainError lands on its
field. Records (assets, systems, members, searches) are chosen by their public id or, for a
search, its id among the request's own; an unknown value is simply not a choice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django import forms

from schoolkeep.assets.models import Asset
from schoolkeep.inforequests.models import Exemption, Request, ScheduleItem, SearchTask
from schoolkeep.inforequests.searches.services import PLACE_MAX, SOURCE_MAX, exemptions_for
from schoolkeep.lib.date_input import UKDateField
from schoolkeep.systems.models import System


class _Choosing(forms.Form):
    """A form with select boxes of records keyed by a text key; ``chosen(name)`` is the
    record of the chosen key (None for none)."""

    records: dict[str, dict[str, Any]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = {}

    def offer(self, name: str, records: dict[str, Any], empty: str,
              label: Callable[[Any], str] = str) -> None:
        self.records[name] = records
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", empty), *((key, label(record)) for key, record in records.items())]

    def chosen(self, name: str) -> Any:
        return self.records.get(name, {}).get(self.cleaned_data.get(name) or "")


class SearchAddForm(_Choosing):
    place = forms.CharField(
        label="Where to search", required=False, max_length=PLACE_MAX,
        help_text="For example: the head's paper file, the staff room noticeboard, a "
                  "teacher's laptop. Leave it empty to use the name of the asset or system "
                  "chosen below.")
    asset = forms.ChoiceField(label="An asset of the register", required=False)
    system = forms.ChoiceField(label="A system", required=False)

    def __init__(self, *args: Any, assets: list[Asset], systems: list[System],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer("asset", {str(a.public_id): a for a in assets}, "No asset")
        self.offer("system", {str(s.public_id): s for s in systems}, "No system")

    def service_fields(self) -> dict[str, Any]:
        return {"place": self.cleaned_data["place"], "asset": self.chosen("asset"),
                "system": self.chosen("system")}


class SearchAssignForm(_Choosing):
    assignee = forms.ChoiceField(
        label="Who should search?",
        help_text="Only members who may help with requests are listed. They will see this "
                  "search among their tasks, with whom to search for and what was asked, "
                  "and nothing else about the request.",
        error_messages={"required": "Choose the member to ask."})
    due_on = UKDateField(label="Needed by", what="the date the search is needed by",
                         help_text="Leave time to prepare the response before the deadline.",
                         error_messages={"required": "Enter the date the search is needed by."})

    def __init__(self, *args: Any, members: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Two members may share a name: theirs are told apart by their e-mail address.
        names = Counter(str(user) for user in members)
        self.offer("assignee", {str(user.public_id): user for user in members},
                   "Choose a member",
                   label=lambda user: f"{user} ({user.email})" if names[str(user)] > 1
                   else str(user))

    @staticmethod
    def initial_for(task: SearchTask) -> dict[str, Any]:
        return {"assignee": str(task.assignee.public_id) if task.assignee else "",
                "due_on": task.due_on}

    def service_fields(self) -> dict[str, Any]:
        return {"assignee": self.chosen("assignee"), "due_on": self.cleaned_data["due_on"]}


RECORD_CHOICES = [(value, label) for value, label in SearchTask.State.choices
                  if value != SearchTask.State.OPEN]


class SearchRecordForm(forms.Form):
    state = forms.ChoiceField(label="What did the search find?", choices=RECORD_CHOICES,
                              widget=forms.RadioSelect,
                              error_messages={"required": "Choose what the search found."})
    searched_on = UKDateField(label="Date", what="the date of the search", past=True,
                              help_text="The day you searched, or found it was not needed.",
                              error_messages={"required": "Enter the date of the search."})
    note = forms.CharField(
        label="Note", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you found and where, or why this place did not need searching "
                  "(required then). Do not copy the information itself here.")

    @staticmethod
    def initial_for(task: SearchTask) -> dict[str, Any]:
        if task.state == SearchTask.State.OPEN:
            return {}
        return {"state": task.state, "searched_on": task.searched_on, "note": task.note}


def exemption_choices(request: Request) -> list[tuple[str, str]]:
    """The exemptions that fit the request's kind (the services' ``exemptions_for``): the
    FOI Act's for FOI, the EIR's exceptions for EIR, the Data Protection Act's for the
    others, and "another" for every kind."""
    allowed = set(exemptions_for(request.kind))
    return [("", "None (choose one when withholding or redacting)"),
            *((value, label) for value, label in Exemption.choices if value in allowed)]


class ItemForm(_Choosing):
    search = forms.ChoiceField(label="Found in", required=False,
                               help_text="The search it came from, if any.")
    source = forms.CharField(
        label="Source", required=False, max_length=SOURCE_MAX,
        help_text="Where the item came from, such as \"CPOMS\" or \"e-mail from the class "
                  "teacher, 3 March 2026\". Leave it empty to use the search chosen above.")
    description = forms.CharField(
        label="What the item is", widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Describe it enough to find it again, such as \"Attendance record, "
                  "2025 to 2026\".",
        error_messages={"required": "Say what the item is."})
    decision = forms.ChoiceField(
        label="Was it disclosed?", choices=ScheduleItem.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the item was disclosed, disclosed with "
                                    "redactions, or withheld."})
    exemption = forms.ChoiceField(label="Exemption relied on", required=False,
                                  help_text="Needed when the item is withheld or redacted.")
    redactions = forms.CharField(
        label="Redactions and notes", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What was redacted and why (needed for a redacted item), and the name of "
                  "the exemption when it is not in the list.")

    def __init__(self, *args: Any, request_obj: Request, searches: list[SearchTask],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offer("search", {str(task.pk): task for task in searches}, "No search")
        field = self.fields["exemption"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = exemption_choices(request_obj)

    @staticmethod
    def initial_for(item: ScheduleItem) -> dict[str, Any]:
        return {"search": str(item.search_id or ""), "source": item.source,
                "description": item.description, "decision": item.decision,
                "exemption": item.exemption, "redactions": item.redactions}

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["search"] = self.chosen("search")
        return data
