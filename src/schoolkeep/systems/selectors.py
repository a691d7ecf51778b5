"""Reads of the systems register: the list (with administrators and how many assets each
system holds) and a system's page."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from schoolkeep.lib.text import fold, tidy
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404


def _administrators() -> Prefetch[Any]:
    return Prefetch("administrators", queryset=Person.objects.order_by("name_key", "pk"))


def _administrators_named() -> Prefetch[Any]:
    """The administrators with their names only, for lists: a person's other fields (an
    encrypted date of birth among them) are not shown there."""
    return Prefetch("administrators", queryset=Person.objects.only("pk", "public_id", "full_name")
                    .order_by("name_key", "pk"))


def _current_assets() -> Q:
    return Q(assets__archived_at__isnull=True)


def system_list(*, school: School, kind: str = "", search: str = "",
                include_archived: bool = False,
                with_asset_count: bool = True) -> QuerySet[System]:
    """The school's systems by name, each with its administrators' names and ``asset_count`` (the
    current assets it holds): two queries to read, whatever the number of systems.

    ``search``: part of the name or the supplier, in any case. ``with_asset_count=False``
    leaves the count out: it is a GROUP BY over every listed system and its assets, which
    a page of 50 and its total would otherwise pay for the whole register."""
    systems = System.objects.filter(school=school)
    if not include_archived:
        systems = systems.filter(archived_at__isnull=True)
    if kind:
        systems = systems.filter(kind=kind)
    search = tidy(search)
    if search:
        systems = systems.filter(Q(name_key__contains=fold(search))
                                 | Q(supplier__icontains=search))
    if with_asset_count:
        systems = systems.annotate(asset_count=Count("assets", filter=_current_assets(),
                                                     distinct=True))
    # Whether it holds OFFICIAL-SENSITIVE data: its two-factor tag says "needed" (mfa_tag).
    asset_model: Any = System._meta.get_field("assets").related_model
    systems = systems.annotate(holds_sensitive=Exists(asset_model.objects.filter(
        systems=OuterRef("pk"), archived_at__isnull=True, classification="official_sensitive")))
    return systems.prefetch_related(_administrators_named()).order_by("name_key", "pk")


def current_assets() -> Prefetch[Any]:
    """Prefetch of the current (not archived) assets a system holds, by group and name, as
    ``system.assets.all()``."""
    # Assets stand above systems: reach them through the relation they declare, not by import.
    asset_model: Any = System._meta.get_field("assets").related_model
    assets = (asset_model.objects.filter(archived_at__isnull=True).select_related("group")
              .order_by("group__position", "group__name_key", "name_key", "pk"))
    return Prefetch("assets", queryset=assets)


def system_for_page(*, school: School, public_id: UUID | str) -> System:
    """One system of the school, archived or not, with its administrators and the current
    assets it holds (``system.assets.all()``, by group and name); another school's: 404."""
    queryset = System.objects.prefetch_related(_administrators(), current_assets())
    return get_for_school_or_404(queryset, school=school, public_id=public_id)


def catalogue_keys_in_use(*, school: School) -> tuple[set[str], set[str]]:
    """(catalogue keys, name keys) of the school's current systems, to mark the catalogue's
    entries already added. One query."""
    rows = System.objects.filter(school=school, archived_at__isnull=True).values_list(
        "catalogue_key", "name_key")
    keys: set[str] = set()
    names: set[str] = set()
    for key, name_key in rows:
        if key:
            keys.add(key)
        names.add(name_key)
    return keys, names
