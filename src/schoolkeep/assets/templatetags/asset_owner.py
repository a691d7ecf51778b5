"""An asset's owner in words on its page: the register's own markup (selectors.owner_markup)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from schoolkeep.assets.models import Asset
from schoolkeep.assets.selectors import owner_markup

register = template.Library()


@register.filter
def asset_owner(asset: Asset) -> SafeString:
    person, organisation = asset.owner_person, asset.owner_organisation
    html = owner_markup(person.full_name if person else "",
                        organisation.name if organisation else "", asset.owner_unmatched or "")
    return mark_safe(html)  # noqa: S308  # nosec B308 B703: owner_markup escapes every name
