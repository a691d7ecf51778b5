"""Reads of the information asset register: the list, an asset's page, Appendix 1, the
register's settings and the asset owners for the key contacts page."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from html import escape
from typing import Any, NamedTuple
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import (
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.utils.safestring import SafeString, mark_safe

from schoolkeep.assets.models import (
    AccessLabel,
    Asset,
    AssetGroup,
    AssetSettings,
    Classification,
    OutsideOrganisation,
)
from schoolkeep.lib.links import url_for_each
from schoolkeep.lib.public_ids import uuid_text
from schoolkeep.lib.text import fold, tidy
from schoolkeep.people.models import Person
from schoolkeep.systems.models import System
from schoolkeep.tenancy.access import SchoolAccess
from schoolkeep.tenancy.models import Membership, School
from schoolkeep.tenancy.selectors import get_for_school_or_404

# The owner filter's values besides a person's or an organisation's public id.
OWNER_UNMATCHED = "unmatched"
OWNER_NONE = "none"
ACCESS_SEPARATOR = " / "

# An owner's encrypted fields: never shown in lists, so never read (or decrypted) for them.
_OWNER_SECRETS = ("owner_person__date_of_birth", "owner_person__date_of_birth_hash")
_LINKS_TABLE = Asset.access_labels.through._meta.db_table


def labels_in_entry_order() -> QuerySet[AccessLabel]:
    """Access labels in the order they were given for the asset ("Head / Deputy / Class
    Teachers"), for ``asset.access_labels.all()`` and its prefetch.

    The order is that of the link rows, whose table Django joins under its own name in both
    queries (the prefetch itself selects the asset id from it the same way)."""
    return AccessLabel.objects.extra(order_by=[f"{_LINKS_TABLE}.id"])  # nosec B610


def _systems() -> Prefetch[Any]:
    return Prefetch("systems", queryset=System.objects.order_by("name_key", "pk"))


def _labels() -> Prefetch[Any]:
    return Prefetch("access_labels", queryset=labels_in_entry_order())


# The joined group's own id in the register's order. It changes no order (a school's groups
# differ in name), but it tells SQLite that the groups come one by one, so that it reads
# each group's assets in order through ``asset_register_order`` and stops at the page's
# end; without it SQLite sorted all of a group's assets (10,000 in one group: 28 ms a
# page). Written as SQL (a fixed column name): ``group__id`` would be ordered by the
# asset's own ``group_id``.
_JOINED_GROUP_ID = RawSQL(f'"{AssetGroup._meta.db_table}"."id"', ())  # noqa: S611  # nosec B611


def asset_list(
    *,
    school: School,
    group: AssetGroup | int | None = None,
    owner: Person | OutsideOrganisation | OwnerChoice | str | None = None,
    classification: str = "",
    system: System | int | None = None,
    search: str = "",
    include_archived: bool = False,
) -> QuerySet[Asset]:
    """The school's assets by group and name, with their group, owner, access labels and
    systems: three queries to read, whatever the number of assets.

    ``owner``: a Person, an OutsideOrganisation, either as an ``OwnerChoice``,
    ``OWNER_UNMATCHED`` (a name not yet matched) or ``OWNER_NONE`` (no owner at all).
    ``search``: part of the name, the description or the purpose, in any case."""
    # ``group__school`` repeats what is already true (an asset's group is its school's) so
    # that the planner may read the school's groups in order through their index and each
    # group's assets through ``asset_register_order``: a page without sorting the register.
    assets = Asset.objects.filter(school=school, group__school=school)
    if not include_archived:
        assets = assets.filter(archived_at__isnull=True)
    if group is not None:
        assets = assets.filter(group=group)
    if isinstance(owner, OwnerChoice):
        assets = (assets.filter(owner_organisation_id=owner.pk) if owner.is_organisation
                  else assets.filter(owner_person_id=owner.pk))
    elif isinstance(owner, Person):
        assets = assets.filter(owner_person=owner)
    elif isinstance(owner, OutsideOrganisation):
        assets = assets.filter(owner_organisation=owner)
    elif owner == OWNER_UNMATCHED:
        assets = assets.exclude(owner_unmatched="")
    elif owner == OWNER_NONE:
        assets = assets.filter(owner_person__isnull=True, owner_organisation__isnull=True,
                               owner_unmatched="")
    elif owner:
        raise ValueError(f"Unknown owner filter {owner!r}")
    if classification:
        if classification not in Classification.values:
            raise ValueError(f"Unknown classification {classification!r}")
        assets = assets.filter(classification=classification)
    if system is not None:
        assets = assets.filter(systems=system)
    search = tidy(search)
    if search:
        assets = assets.filter(Q(name_key__contains=fold(search))
                               | Q(description__icontains=search)
                               | Q(purpose__icontains=search))
    return (assets.select_related("group", "owner_person", "owner_organisation")
            .defer(*_OWNER_SECRETS).prefetch_related(_labels(), _systems())
            .order_by("group__position", "group__name_key", _JOINED_GROUP_ID, "name_key", "pk"))


def asset_for_page(*, school: School, public_id: UUID | str) -> Asset:
    """One asset of the school, archived or not, with everything its page shows; another
    school's: 404."""
    queryset = (Asset.objects.select_related("school", "group", "owner_person__user",
                                             "owner_organisation")
                .prefetch_related(_labels(), _systems()))
    return get_for_school_or_404(queryset, school=school, public_id=public_id)


def may_edit(access: SchoolAccess, asset: Asset, user: Any) -> bool:
    """Whether the viewer may change this asset: they manage the register, or they own it
    (the person it names is linked to their account) in a role that may write. No query
    when the asset was read with ``asset_for_page``."""
    if access.can("assets.manage"):
        return True
    person = asset.owner_person
    return (person is not None and person.user_id is not None
            and person.user_id == getattr(user, "pk", None) and not access.read_only
            and asset.archived_at is None)


def asset_settings_for(school: School) -> AssetSettings:
    """The school's register settings, created with the defaults when missing."""
    settings, _ = AssetSettings.objects.get_or_create(school=school)
    return settings


def asset_settings_or_default(school: School) -> AssetSettings:
    """The school's register settings, or unsaved defaults when it has none (for reads)."""
    found = AssetSettings.objects.filter(school=school).first()
    return found if found is not None else AssetSettings(school=school)


class Choice(NamedTuple):
    """A group or a system as a filter offers it."""

    pk: int
    public_id: UUID
    name: str


def group_choices(school: School) -> list[Choice]:
    """The school's groups in the register's order, for the register's filter (values, not
    models: a filter shows only names)."""
    return [Choice(*row) for row in AssetGroup.objects.filter(school=school)
            .order_by("position", "name_key").values_list("pk", "public_id", "name")]


def system_choices(school: School) -> list[Choice]:
    """The school's current systems by name, for the register's filter."""
    return [Choice(*row) for row in System.objects.filter(school=school, archived_at__isnull=True)
            .order_by("name_key", "pk").values_list("pk", "public_id", "name")]


def groups_for(school: School) -> list[AssetGroup]:
    return list(AssetGroup.objects.filter(school=school).order_by("position", "name_key"))


def systems_for(school: School) -> list[System]:
    return list(System.objects.filter(school=school, archived_at__isnull=True)
                .order_by("name_key", "pk"))


def people_for(school: School) -> list[Person]:
    """The school's people who can be named as owners, by name (leavers included: a leaver
    who still owns an asset is a reason to change its owner)."""
    return list(Person.objects.filter(school=school).order_by("name_key", "pk"))


def organisations_for(school: School) -> list[OutsideOrganisation]:
    return list(OutsideOrganisation.objects.filter(school=school).order_by("name_key"))


class OwnerChoice(NamedTuple):
    """A person or an outside organisation the register's owner filter offers."""

    is_organisation: bool
    pk: int
    public_id: str  # as ``str(uuid)`` writes it: the filter's value, never parsed
    name: str


def owner_choices(school: School) -> tuple[list[OwnerChoice], list[OwnerChoice]]:
    """People and outside organisations that own at least one current asset, each by name,
    for the register's owner filter: one query (the two lists as a UNION ALL).

    Read from the people and organisations, each asked whether it owns a current asset
    (one probe of the owner's index per person), rather than a DISTINCT over every asset;
    read as values, as the filter shows only names (a model per owner cost four times as
    much, and a large school has hundreds). The public ids are read as text: the filter
    writes them back as text, so a UUID object each would be made only to be undone."""
    owns = Asset.objects.filter(archived_at__isnull=True)
    columns = ("is_organisation", "pk", "public_text", "shown", "name_key")
    public_text = Cast("public_id", output_field=CharField())
    people = (Person.objects.filter(school=school)
              .filter(Exists(owns.filter(owner_person=OuterRef("pk"))))
              .annotate(is_organisation=Value(0, IntegerField()), shown=F("full_name"),
                        public_text=public_text)
              .order_by().values_list(*columns))
    organisations = (OutsideOrganisation.objects.filter(school=school)
                     .filter(Exists(owns.filter(owner_organisation=OuterRef("pk"))))
                     .annotate(is_organisation=Value(1, IntegerField()), shown=F("name"),
                               public_text=public_text)
                     .order_by().values_list(*columns))
    chosen: tuple[list[OwnerChoice], list[OwnerChoice]] = ([], [])
    for is_organisation, pk, public_id, name, _key in (
            people.union(organisations, all=True).order_by("is_organisation", "name_key", "pk")):
        chosen[is_organisation].append(
            OwnerChoice(bool(is_organisation), pk, uuid_text(public_id), name))
    return chosen


# ---------------------------------------------------------------------------- the register's page


@dataclass(frozen=True)
class RegisterRow:
    """One asset as the register's table shows it."""

    public_id: UUID
    name: str
    group: str
    # The owner's name under its kind (one at most is not empty).
    person_owner: str
    organisation_owner: str
    unmatched_owner: str
    access: list[str]  # the access labels in the order given
    classification: str  # its label
    held_in: list[str]  # systems, then "paper", then where else
    url: str  # the asset's page


_REGISTER_COLUMNS = ("pk", "public_id", "name", "group__name", "owner_person__full_name",
                     "owner_organisation__name", "owner_unmatched", "classification",
                     "held_on_paper", "held_elsewhere")


def register_page(assets: QuerySet[Asset], number: Any,
                  per_page: int) -> tuple[Any, list[RegisterRow]]:
    """One page of ``assets`` (from ``asset_list``) as the register's rows, and the page for
    its links. Four queries (count, page, access labels, systems), whatever the size.

    Read as values, not models: a page of assets with their group, owner, labels and
    systems as models cost five times as much to build as the rows it shows."""
    # Counted without the columns' joins (the owner's, the organisation's), which the
    # count would otherwise keep: eight times as long over 10,000 assets on SQLite.
    page = Paginator(assets.prefetch_related(None), per_page).get_page(number)
    values = _page_values(page, _REGISTER_COLUMNS)
    ids = [row["pk"] for row in values]
    labels = _grouped(Asset.access_labels.through.objects.filter(asset_id__in=ids)
                      .order_by("pk").values_list("asset_id", "accesslabel__label"))
    systems = _grouped(Asset.systems.through.objects.filter(asset_id__in=ids)
                       .order_by("system__name_key", "system_id")
                       .values_list("asset_id", "system__name"))
    classifications = dict(Classification.choices)
    detail = url_for_each("assets:asset-detail")
    rows = []
    for row in values:
        held_in = systems.get(row["pk"], [])
        if row["held_on_paper"]:
            held_in.append("paper")
        if row["held_elsewhere"]:
            held_in.append(row["held_elsewhere"])
        rows.append(RegisterRow(
            public_id=row["public_id"], name=row["name"], group=row["group__name"],
            person_owner=row["owner_person__full_name"] or "",
            organisation_owner=row["owner_organisation__name"] or "",
            unmatched_owner=row["owner_unmatched"], access=labels.get(row["pk"], []),
            classification=classifications.get(row["classification"], row["classification"]),
            held_in=held_in, url=detail(row["public_id"])))
    return page, rows


def register_rows_markup(rows: list[RegisterRow]) -> SafeString:
    """The register's ``<tr>`` of each row, written in one pass rather than by the template's
    loop (a dozen lookups, an if-chain and two join filters a row); the table's head stays
    in the template."""
    # The owner (the reason for a "No owner" warning) comes beside the name; each cell's
    # data-label is its column's heading, shown when a narrow screen stacks the row.
    html = "".join(
        f'<tr><th scope="row"><a href="{escape(row.url)}">{escape(row.name)}</a></th>'
        f'<td data-label="Information asset owner">{_owner_cell(row)}</td>'
        f'<td data-label="Group">{escape(row.group)}</td>'
        f'<td data-label="Who has access to enter information">'
        f"{escape(ACCESS_SEPARATOR.join(row.access))}</td>"
        f'<td data-label="Classification">{escape(row.classification)}</td>'
        f'<td data-label="Held in">{escape(", ".join(row.held_in))}</td>'
        "</tr>\n" for row in rows)
    # Every value put into the markup is escaped here; the rest is fixed text.
    return mark_safe(html)  # noqa: S308  # nosec B308 B703


def _owner_cell(row: RegisterRow) -> str:
    return owner_markup(row.person_owner, row.organisation_owner, row.unmatched_owner)


def owner_markup(person: str, organisation: str, unmatched: str) -> str:
    """An asset's owner in words (the names of its owner person, outside organisation or
    unmatched owner, the first given), each name escaped; for the register and an asset's page."""
    if person:
        return escape(person)
    if organisation:
        return f'{escape(organisation)} <span class="secondary-text">(outside organisation)</span>'
    if unmatched:
        return f'{escape(unmatched)} <strong class="tag tag-yellow">Not yet matched</strong>'
    return '<strong class="tag tag-red">No owner</strong>'


def _page_values(page: Page[Asset], columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """The page's assets as ``columns`` (the page of a queryset: a sliced queryset)."""
    assets = page.object_list
    assert isinstance(assets, QuerySet)
    return list(assets.values(*columns))


def _grouped(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    """(asset id, text) pairs as each asset's texts, in the pairs' order."""
    grouped: dict[int, list[str]] = {}
    for asset_id, text in pairs:
        grouped.setdefault(asset_id, []).append(text)
    return grouped


# ---------------------------------------------------------------------------- Appendix 1


@dataclass(frozen=True)
class AppendixRow:
    public_id: UUID  # the asset's
    name: str
    owner: str
    access: str  # the labels joined with " / ", as in the policy
    purpose: str
    url: str = ""  # the asset's page, on the appendix's page (the downloads link nothing)


@dataclass
class AppendixGroup:
    group: AssetGroup
    name: str
    rows: list[AppendixRow] = field(default_factory=list)


def appendix_assets(school: School) -> QuerySet[Asset]:
    """The current assets in Appendix 1's order (groups, then assets as added), with what
    its rows show; the downloads read it in chunks."""
    # ``group__school``, true of every asset, lets the planner walk the school's groups in
    # order and each group's assets through its index, as ``asset_list`` does: without it
    # SQLite sorted every current asset for each page (12.6 -> 0.7 ms at 10,000 assets).
    return (Asset.objects.filter(school=school, group__school=school, archived_at__isnull=True)
            .select_related("group", "owner_person", "owner_organisation")
            .defer(*_OWNER_SECRETS).prefetch_related(_labels())
            .order_by("group__position", "group__name_key", "group_id", "pk"))


def appendix_rows(school: School) -> list[AppendixGroup]:
    """The current register as the policy's Appendix 1 lays it out: each group (in the
    register's order) with its assets in the order they were added. Two queries. For the
    downloads (Word, CSV), which hold the whole register; the page shows ``appendix_page``."""
    return appendix_groups(appendix_assets(school))


_APPENDIX_COLUMNS = ("pk", "public_id", "name", "group_id", "owner_person__full_name",
                     "owner_organisation__name", "owner_unmatched", "purpose")


def appendix_page(school: School, number: Any, per_page: int) -> tuple[Any, list[AppendixGroup]]:
    """One page of Appendix 1: ``per_page`` assets in the appendix's order, grouped, and the
    page (for its links). A group cut by a page break is headed again on the next page.
    Four queries (count, page, its groups, labels), whatever the size of the register.

    The page's assets are read as values, not models (as the register's page is): the
    same rows as ``appendix_groups`` makes from models, for a fifth of the work."""
    page = Paginator(appendix_assets(school).prefetch_related(None), per_page).get_page(number)
    values = _page_values(page, _APPENDIX_COLUMNS)
    detail = url_for_each("assets:asset-detail")
    groups_by_id = AssetGroup.objects.in_bulk({row["group_id"] for row in values})
    labels = _grouped(Asset.access_labels.through.objects
                      .filter(asset_id__in=[row["pk"] for row in values])
                      .order_by("pk").values_list("asset_id", "accesslabel__label"))
    groups: list[AppendixGroup] = []
    for row in values:
        if not groups or groups[-1].group.pk != row["group_id"]:
            group = groups_by_id[row["group_id"]]
            groups.append(AppendixGroup(group=group, name=group.name))
        groups[-1].rows.append(AppendixRow(
            public_id=row["public_id"], name=row["name"],
            owner=(row["owner_person__full_name"] or row["owner_organisation__name"]
                   or row["owner_unmatched"]),
            access=ACCESS_SEPARATOR.join(labels.get(row["pk"], [])), purpose=row["purpose"],
            url=detail(row["public_id"])))
    return page, groups


def appendix_groups(assets: Iterable[Asset]) -> list[AppendixGroup]:
    """Assets in the appendix's order, as rows under their groups' headings."""
    groups: list[AppendixGroup] = []
    for asset in assets:
        if not groups or groups[-1].group.pk != asset.group_id:
            groups.append(AppendixGroup(group=asset.group, name=asset.group.name))
        groups[-1].rows.append(AppendixRow(
            public_id=asset.public_id, name=asset.name, owner=asset.owner_label,
            access=ACCESS_SEPARATOR.join(label.label for label in asset.access_labels.all()),
            purpose=asset.purpose,
        ))
    return groups


# ---------------------------------------------------------------------------- owners


@dataclass
class AssetOwner:
    """Someone who owns assets of the school, with the groups of those assets."""

    name: str
    email: str
    is_organisation: bool
    contact: str = ""
    groups: list[str] = field(default_factory=list)


def asset_owners(school: School) -> list[AssetOwner]:
    """The people and outside organisations owning the school's current assets, by name,
    each with the groups of their assets in the register's order. One query."""
    rows = (Asset.objects.filter(school=school, archived_at__isnull=True)
            .filter(Q(owner_person__isnull=False) | Q(owner_organisation__isnull=False))
            .order_by("group__position", "group__name_key")
            .values_list("owner_person_id", "owner_person__full_name",
                         "owner_person__preferred_name", "owner_person__email",
                         "owner_person__user__email", "owner_organisation_id",
                         "owner_organisation__name", "owner_organisation__contact",
                         "group__name"))
    owners: dict[tuple[str, int], AssetOwner] = {}
    for (person_id, full_name, preferred, email, user_email, org_id, org_name, contact,
         group) in rows:
        if person_id is not None:
            key = ("person", person_id)
            owner = owners.setdefault(key, AssetOwner(
                name=preferred or full_name, email=email or user_email or "",
                is_organisation=False))
        else:
            key = ("organisation", org_id)
            owner = owners.setdefault(key, AssetOwner(
                name=org_name, email="", is_organisation=True, contact=contact))
        if group not in owner.groups:
            owner.groups.append(group)
    return sorted(owners.values(), key=lambda owner: (fold(owner.name), owner.is_organisation))


# ---------------------------------------------------------------------------- labels


def label_list(school: School) -> QuerySet[AccessLabel]:
    """The school's access labels by name, with the members linked to each (and their
    accounts) and how many current assets use each. Two queries."""
    members = Membership.objects.select_related("user").order_by("user__full_name", "pk")
    return (AccessLabel.objects.filter(school=school)
            .annotate(asset_count=Count("assets", filter=Q(assets__archived_at__isnull=True),
                                        distinct=True))
            .prefetch_related(Prefetch("members", queryset=members))
            .order_by("label_key"))


def label_for_page(*, school: School, public_id: UUID | str) -> AccessLabel:
    queryset = AccessLabel.objects.prefetch_related("members")
    return get_for_school_or_404(queryset, school=school, public_id=public_id)
