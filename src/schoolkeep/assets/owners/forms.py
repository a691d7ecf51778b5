"""The page's form: for each asset of the page, an owner box (a name from the page's list,
or empty to leave it) and the version read, so that a change made meanwhile is noticed."""

from __future__ import annotations

from typing import Any

from django import forms

from schoolkeep.assets.models import Asset
from schoolkeep.assets.owners.selectors import Owner, why

LIST_ID = "owner-options"  # the page's one <datalist>


class ChooseOwnersForm(forms.Form):
    def __init__(self, *args: Any, assets: list[Asset], options: list[Owner],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.assets = assets
        self.options = {option.label.casefold(): option for option in options}
        for asset in assets:
            key = str(asset.public_id)
            self.fields[f"owner-{key}"] = forms.CharField(
                label=f"Owner of “{asset.name}”", required=False, max_length=300,
                widget=forms.TextInput(attrs={"list": LIST_ID, "autocomplete": "off"}))
            self.fields[f"version-{key}"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=asset.version, min_value=0)

    def rows(self) -> list[tuple[Asset, str, forms.BoundField, forms.BoundField]]:
        """Each asset, why it needs an owner, its owner box and its version."""
        return [(asset, why(asset), self[f"owner-{asset.public_id}"],
                 self[f"version-{asset.public_id}"]) for asset in self.assets]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for asset in self.assets:
            name = f"owner-{asset.public_id}"
            text = " ".join((data.get(name) or "").split())
            if text and text.casefold() not in self.options:
                self.add_error(name, f"“{text}” is not in the list: choose a person or an "
                                     "outside organisation of the school from it.")
        return data

    def chosen(self) -> list[tuple[Asset, int, Owner]]:
        """(asset, the version read, the owner chosen) for each box filled in."""
        chosen = []
        for asset in self.assets:
            text = " ".join((self.cleaned_data.get(f"owner-{asset.public_id}") or "").split())
            if text:
                chosen.append((asset, self.cleaned_data.get(f"version-{asset.public_id}") or 0,
                               self.options[text.casefold()]))
        return chosen
