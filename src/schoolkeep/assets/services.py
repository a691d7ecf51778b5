"""Writes for the information asset register. Pages, the API, the import and the demo all
call these functions; each runs in one transaction and audits every record it changes.

Who may write: a member holding ``assets.manage`` (SIRO, DPO, data administrator) changes
anything; an asset's owner (the person linked to the signed-in account, in a role that is not
read-only) may change their own asset with ``asset_update`` but not give it to someone else.
The command line and the system (an actor that is not a signed-in user) may do everything.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.assets.look_alike import match_key
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
from schoolkeep.assets.record_types import in_force
from schoolkeep.assets.review_due import locked_interval, refresh_review_due
from schoolkeep.audit.services import audit_record, diff, snapshot
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion
from schoolkeep.lib.stale import stale_error
from schoolkeep.lib.text import fold, tidy
from schoolkeep.lib.validation import full_clean_or_error
from schoolkeep.lib.values import as_date
from schoolkeep.people.models import Person
from schoolkeep.privacy.destruction.services import visible_record_types
from schoolkeep.privacy.schedule.models import AssetRecordType, RecordType
from schoolkeep.systems.models import System
from schoolkeep.tenancy.guards import require_permission
from schoolkeep.tenancy.models import Membership, MembershipRole, School
from schoolkeep.tenancy.roles import PERMISSIONS, READ_ONLY_ROLES

# ---------------------------------------------------------------------------- fields

# One-line text, tidied (single-spaced, trimmed).
LINE_FIELDS = ["owner_unmatched", "classification_note", "held_elsewhere", "destruction_method",
               "lawful_basis", "article9_condition", "classification"]
# Free text, trimmed.
TEXT_FIELDS = ["description", "purpose", "personal_data", "recipients", "transfers_outside_uk",
               "transfer_safeguards", "security_measures"]
BOOLEAN_FIELDS = ["special_category_data", "children_data", "held_on_paper"]
DATE_FIELDS = ["last_reviewed_on", "next_review_on"]
# Every field of an asset a caller may give, besides ``name`` and ``group``.
ASSET_FIELDS = [
    "description", "owner_person", "owner_organisation", "owner_unmatched", "access_labels",
    "purpose", "lawful_basis", "article9_condition", "data_subjects", "personal_data",
    "special_category_data", "children_data", "classification", "classification_note",
    "systems", "held_on_paper", "held_elsewhere", "destruction_method",
    "recipients", "transfers_outside_uk", "transfer_safeguards", "security_measures",
    "last_reviewed_on", "next_review_on",
]
# Given to ``asset_create``/``asset_update`` besides ASSET_FIELDS: the record types the asset
# holds (RecordTypes of the school's schedule), kept as ``privacy.AssetRecordType`` links.
RECORD_TYPES = "record_types"
OWNER_FIELDS = ("owner_person", "owner_organisation", "owner_unmatched")
# The fields kept as they are in an audit snapshot (relations are added by name).
SNAPSHOT_FIELDS = ["name", *[f for f in ASSET_FIELDS if f not in (
    "owner_person", "owner_organisation", "access_labels", "systems")]]
SETTINGS_FIELDS = ["controller_name", "controller_contact", "dpo_contact",
                   "review_interval_months"]


ACTION_LABELS = {
    "assets.import.applied": "Register imported from a file",
    "assets.asset.created": "Information asset added",
    "assets.asset.updated": "Information asset changed",
    "assets.asset.archived": "Information asset archived",
    "assets.group.created": "Asset group added",
    "assets.alias.created": "Another name for an asset or group saved (import)",
    "assets.alias.changed": "Another name for an asset or group changed (import)",
    "assets.alias.removed": "Another name for an asset or group removed",
    "assets.organisation.created": "Outside organisation added",
    "assets.label.created": "Access label added",
    "assets.label.updated": "Access label changed",
    "assets.settings.changed": "Register settings changed",
}


# ---------------------------------------------------------------------------- permission


def _is_user(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def may_manage(*, school: School | int, actor: Any) -> bool:
    """Whether the actor may change any asset of the school (the CLI and system may)."""
    if not _is_user(actor):
        return True
    _, roles = PERMISSIONS["assets.manage"]
    return MembershipRole.objects.filter(
        membership__school=school, membership__user=actor, membership__is_active=True,
        role__in=list(roles),
    ).exists()


def _require_manager(*, school: School | int, actor: Any, what: str) -> None:
    if not may_manage(school=school, actor=actor):
        raise NotAllowed(f"You may not {what}.")


def is_owner(*, asset: Asset, actor: Any) -> bool:
    """Whether the actor is the asset's owner: the person it names is linked to their account,
    and they are an active member of the school in a role that may write."""
    if not _is_user(actor) or not asset.owner_person_id:
        return False
    if not Person.objects.filter(pk=asset.owner_person_id, user=actor).exists():
        return False
    roles = set(MembershipRole.objects.filter(
        membership__school_id=asset.school_id, membership__user=actor,
        membership__is_active=True,
    ).values_list("role", flat=True))
    return bool(roles - set(READ_ONLY_ROLES))


# ---------------------------------------------------------------------------- cleaning


def _data_subjects(value: Any) -> list[str]:
    """DataSubject values, each once, in the order of the choices."""
    if value in (None, ""):
        return []
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise DomainError("Choose the categories of data subjects from the list.",
                          field="data_subjects")
    given = {str(item) for item in value}
    unknown = sorted(given - set(DataSubject.values))
    if unknown:
        raise DomainError(f"Unknown category of data subjects: {', '.join(unknown)}.",
                          field="data_subjects")
    return [subject for subject in DataSubject.values if subject in given]


def _clean_value(name: str, value: Any) -> Any:
    if name in LINE_FIELDS:
        return tidy(str(value or ""))
    if name in TEXT_FIELDS:
        return str(value or "").strip()
    if name in BOOLEAN_FIELDS:
        return bool(value)
    if name in DATE_FIELDS:
        return as_date(name, value)
    if name == "data_subjects":
        return _data_subjects(value)
    return value


def _refuse_unknown(fields: Iterable[str], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    for name in fields:
        if name not in allowed:
            raise DomainError(f"An asset has no field {name!r}.", field=name)


def _group_of(school: School, group: Any) -> AssetGroup:
    if not isinstance(group, AssetGroup) or group.school_id != school.pk:
        raise DomainError("Choose a group of this school's register.", field="group")
    return group


def _apply_owner(asset: Asset, fields: dict[str, Any]) -> None:
    """Set the owner from whichever of the three owner fields are given: they replace the
    owner as a whole, so giving one clears the other two."""
    given = {name: fields.pop(name) for name in OWNER_FIELDS if name in fields}
    if not given:
        return
    person = given.get("owner_person") or None
    organisation = given.get("owner_organisation") or None
    unmatched = tidy(str(given.get("owner_unmatched") or ""))
    if sum(bool(x) for x in (person, organisation, unmatched)) > 1:
        raise DomainError("Give one owner: a person, an outside organisation or a name.",
                          field="owner")
    if person is not None and (not isinstance(person, Person)
                               or person.school_id != asset.school_id):
        raise DomainError("Choose a person of this school as the owner.", field="owner_person")
    if organisation is not None and (not isinstance(organisation, OutsideOrganisation)
                                     or organisation.school_id != asset.school_id):
        raise DomainError("Choose an outside organisation of this school as the owner.",
                          field="owner_organisation")
    asset.owner_person = person
    asset.owner_organisation = organisation
    asset.owner_unmatched = unmatched


def _systems_for(school_id: int, systems: Iterable[Any]) -> list[System]:
    items = list(systems or [])
    if any(not isinstance(item, System) for item in items):
        raise DomainError("Choose systems from this school's register of systems.",
                          field="systems")
    if any(item.school_id != school_id for item in items):
        raise DomainError("Choose systems from this school's register of systems.",
                          field="systems")
    unique = {item.pk: item for item in items}
    return sorted(unique.values(), key=lambda item: item.name_key)


def _labels_for(school: School, labels: Iterable[Any], actor: Any) -> list[AccessLabel]:
    """AccessLabels of the school (given as labels or as text, created when new), each once,
    in the order given."""
    items = list(labels or [])
    texts = [item for item in items if isinstance(item, str)]
    resolved = {fold(label.label): label for label in _resolve_labels(school, texts, actor)}
    result: list[AccessLabel] = []
    seen: set[int] = set()
    for item in items:
        if isinstance(item, str):
            if not fold(item):
                continue
            item = resolved[fold(item)]
        elif not isinstance(item, AccessLabel) or item.school_id != school.pk:
            raise DomainError("Choose access labels of this school.", field="access_labels")
        if item.pk not in seen:
            seen.add(item.pk)
            result.append(item)
    return result


def _validate_asset(asset: Asset) -> None:
    if not asset.name:
        raise DomainError("Enter the name of the asset.", field="name")
    if asset.article9_condition and not asset.special_category_data:
        raise DomainError("Choose an Article 9 condition only for special category data.",
                          field="article9_condition")
    if asset.lawful_basis and asset.lawful_basis not in LawfulBasis.values:
        raise DomainError("Choose a lawful basis from the list.", field="lawful_basis")
    if asset.article9_condition and asset.article9_condition not in Article9Condition.values:
        raise DomainError("Choose an Article 9 condition from the list.",
                          field="article9_condition")
    if asset.classification not in Classification.values:
        raise DomainError("Choose OFFICIAL, OFFICIAL-SENSITIVE or not yet classified.",
                          field="classification")
    today = timezone.localdate()
    value = asset.last_reviewed_on
    if isinstance(value, date) and value > today:
        raise DomainError("The date cannot be in the future.", field="last_reviewed_on")
    if (asset.last_reviewed_on and asset.next_review_on
            and asset.next_review_on < asset.last_reviewed_on):
        raise DomainError("The next review must be on or after the last review.",
                          field="next_review_on")
    full_clean_or_error(asset, exclude=["school", "group"])
    clash = Asset.objects.filter(
        school_id=asset.school_id, group_id=asset.group_id, name_key=asset.name_key,
        archived_at__isnull=True,
    ).exclude(pk=asset.pk).exists()
    if clash:
        raise DomainError(f"There is already an asset called “{asset.name}” in the group "
                          f"“{asset.group}”.", field="name")


def _save_unique(asset: Asset) -> None:
    """Save; a clash only the database saw (a concurrent writer) is the same DomainError."""
    try:
        with transaction.atomic():
            asset.save()
    except IntegrityError:
        raise DomainError(f"There is already an asset called “{asset.name}” in the group "
                          f"“{asset.group}”.", field="name") from None


def asset_snapshot(asset: Asset, *, labels: Sequence[AccessLabel],
                   systems: Sequence[System]) -> dict[str, Any]:
    """What an audit event records of an asset: its fields, and its relations by name."""
    values = snapshot(asset, SNAPSHOT_FIELDS)
    values["group"] = asset.group.name if asset.group_id else ""
    person, organisation = asset.owner_person, asset.owner_organisation
    values["owner_person"] = person.full_name if person is not None else ""
    values["owner_organisation"] = organisation.name if organisation is not None else ""
    values["access_labels"] = [label.label for label in labels]
    values["systems"] = [system.name for system in systems]
    return values


def _set_labels(asset: Asset, labels: list[AccessLabel]) -> None:
    """Link the labels in the order given (the order the register shows them in)."""
    through = Asset.access_labels.through
    through.objects.filter(asset_id=asset.pk).delete()
    through.objects.bulk_create(
        [through(asset_id=asset.pk, accesslabel_id=label.pk) for label in labels])


def current_labels(asset: Asset) -> list[AccessLabel]:
    """An asset's access labels in the order they were entered (one query)."""
    through = Asset.access_labels.through
    links = through.objects.filter(asset_id=asset.pk).select_related("accesslabel").order_by("id")
    return [link.accesslabel for link in links]


# ------------------------------------------------------------------ groups, owners, labels


def group_get_or_create(*, school: School, name: str, actor: Any) -> AssetGroup:
    """The school's group of this name (ignoring case and spacing), created at the end of the
    register when new."""
    name = tidy(name)
    if not name:
        raise DomainError("Enter the name of the group.", field="group")
    key = fold(name)
    with transaction.atomic():
        found = AssetGroup.objects.filter(school=school, name_key=key).first()
        if found is not None:
            return found
        _require_manager(school=school, actor=actor, what="add groups to the register")
        last = (AssetGroup.objects.filter(school=school).order_by("-position")
                .values_list("position", flat=True).first())
        group = AssetGroup(school=school, name=name, name_key=key, match_key=match_key(name),
                           position=0 if last is None else last + 1)
        full_clean_or_error(group, exclude=["school"])
        group.save()
        audit_record(action="assets.group.created", school=school, actor=actor, target=group,
                     changes=diff(None, {"name": name, "position": group.position}))
    return group


def organisation_get_or_create(*, school: School, name: str, actor: Any,
                               permission: str = "assets.manage") -> OutsideOrganisation:
    """The school's outside organisation of this name (ignoring case), created when new.
    A new one needs ``permission`` (the register's managers by default; a disposal company
    may be added by those who record disposals, ``equipment.manage``)."""
    name = tidy(name)
    if not name:
        raise DomainError("Enter the name of the organisation.", field="owner_organisation")
    key = fold(name)
    with transaction.atomic():
        found = OutsideOrganisation.objects.filter(school=school, name_key=key).first()
        if found is not None:
            return found
        require_permission(school=school, actor=actor, permission=permission,
                           message="You may not add outside organisations.")
        organisation = OutsideOrganisation(school=school, name=name, name_key=key)
        full_clean_or_error(organisation, exclude=["school"])
        organisation.save()
        audit_record(action="assets.organisation.created", school=school, actor=actor,
                     target=organisation, changes=diff(None, {"name": name}))
    return organisation


def _resolve_labels(school: School, labels: Iterable[str], actor: Any) -> list[AccessLabel]:
    wanted: dict[str, str] = {}
    for text in labels:
        text = tidy(str(text or ""))
        if text and fold(text) not in wanted:
            wanted[fold(text)] = text
    if not wanted:
        return []
    found = {label.label_key: label
             for label in AccessLabel.objects.filter(school=school, label_key__in=list(wanted))}
    for key, text in wanted.items():
        if key in found:
            continue
        # Labels are the school's: an asset's owner may use them but not add to them.
        _require_manager(school=school, actor=actor, what="add access labels")
        label = AccessLabel(school=school, label=text, label_key=key)
        full_clean_or_error(label, exclude=["school"])
        label.save()
        audit_record(action="assets.label.created", school=school, actor=actor, target=label,
                     changes=diff(None, {"label": text}))
        found[key] = label
    return [found[key] for key in wanted]


def labels_resolve(*, school: School, labels: list[str], actor: Any) -> list[AccessLabel]:
    """The school's access labels for these texts, in the order given, each once: labels
    differing only in case or spacing are one label (the first spelling is kept); new ones
    are created."""
    with transaction.atomic():
        return _resolve_labels(school, labels, actor)


def label_update(*, label: AccessLabel, actor: Any, label_text: str,
                 members: Iterable[Membership], version: int | None = None) -> AccessLabel:
    """Rename an access label and set the members of the school who hold it. ``version``:
    the label's version the form was opened with (a newer one raises StaleVersion), or None
    to skip the comparison."""
    text = tidy(label_text)
    if not text:
        raise DomainError("Enter the label.", field="label_text")
    chosen = list(members or [])
    with transaction.atomic():
        current = AccessLabel.objects.select_for_update().select_related("school").get(
            pk=label.pk)
        _require_manager(school=current.school_id, actor=actor, what="change access labels")
        if version is not None and current.version != version:
            raise stale_error(school=current.school, target=current, what="this label")
        ids = {member.pk for member in chosen}
        valid = list(Membership.objects.filter(school_id=current.school_id, pk__in=ids,
                                               is_active=True).select_related("user"))
        if len(valid) != len(ids):
            raise DomainError("Choose active members of this school.", field="members")
        key = fold(text)
        if AccessLabel.objects.filter(school_id=current.school_id, label_key=key).exclude(
                pk=current.pk).exists():
            raise DomainError(f"There is already a label “{text}”.", field="label_text")
        old_members = sorted(str(m.user) for m in current.members.select_related("user"))
        old_ids = set(current.members.values_list("pk", flat=True))
        before = {"label": current.label, "members": old_members}
        current.label, current.label_key = text, key
        full_clean_or_error(current, exclude=["school"])
        after = {"label": text, "members": sorted(str(m.user) for m in valid)}
        changes = diff(before, after)
        if not changes:
            return current
        current.version += 1
        current.save()
        if old_ids != ids:
            current.members.set(valid)
        audit_record(action="assets.label.updated", school=current.school_id, actor=actor,
                     target=current, changes=changes)
    return current


# ---------------------------------------------------------------------------- record types


def _record_types_for(school: School, given: Iterable[Any]) -> list[RecordType]:
    """RecordTypes of the school's schedule (shipped, the trust's or its own), each once,
    by name."""
    items = list(given or [])
    if any(not isinstance(item, RecordType) for item in items):
        raise DomainError("Choose record types from the school's retention schedule.",
                          field=RECORD_TYPES)
    unique = {item.pk: item for item in items}
    if len(unique) != visible_record_types(school).filter(pk__in=list(unique)).count():
        raise DomainError("Choose record types from the school's retention schedule.",
                          field=RECORD_TYPES)
    return sorted(unique.values(), key=lambda item: (item.name, item.pk))


def linked_record_types(asset: Asset) -> list[RecordType]:
    """The rows an asset's links point at, by name (one query)."""
    return list(RecordType.objects.filter(asset_links__asset_id=asset.pk).order_by("name", "pk"))


def current_record_types(asset: Asset) -> list[RecordType]:
    """The record types an asset holds, each as the row of its key in force for the school
    (a school's adjustment of a shipped type, not the row it replaced): two queries."""
    return in_force(asset.school, linked_record_types(asset))


def _set_record_types(asset: Asset, record_types: list[RecordType]) -> None:
    AssetRecordType.objects.filter(asset_id=asset.pk).delete()
    AssetRecordType.objects.bulk_create(
        [AssetRecordType(asset_id=asset.pk, record_type=item) for item in record_types])


def _record_type_change(before: list[RecordType], after: list[RecordType]) -> dict[str, Any]:
    old, new = [item.name for item in before], [item.name for item in after]
    return {} if old == new else {RECORD_TYPES: {"before": old, "after": new}}


# ---------------------------------------------------------------------------- assets


def _apply_fields(asset: Asset, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        setattr(asset, name, _clean_value(name, value))


def asset_create(*, school: School, actor: Any, group: AssetGroup, name: str,
                 **fields: Any) -> Asset:
    """Add an asset to a group of the school's register. ``fields``: any of ASSET_FIELDS;
    the owner as ``owner_person`` (a Person of the school), ``owner_organisation`` or
    ``owner_unmatched`` (a name not yet matched); ``access_labels`` as AccessLabels (or
    texts, resolved with ``labels_resolve``); ``systems`` as Systems of the school."""
    _refuse_unknown(fields, [*ASSET_FIELDS, RECORD_TYPES])
    fields = dict(fields)
    record_types_given = fields.pop(RECORD_TYPES, None) or []
    labels_given = fields.pop("access_labels", None) or []
    systems_given = fields.pop("systems", None) or []
    with transaction.atomic():
        _require_manager(school=school, actor=actor, what="add assets to the register")
        asset = Asset(school=school, group=_group_of(school, group))
        asset.name = tidy(name)
        asset.name_key = fold(name)
        asset.match_key = match_key(asset.name)
        _apply_owner(asset, fields)
        _apply_fields(asset, fields)
        _validate_asset(asset)
        systems = _systems_for(school.pk, systems_given)
        labels = _labels_for(school, labels_given, actor)
        record_types = _record_types_for(school, record_types_given)
        _save_unique(asset)
        refresh_review_due(school, [asset.pk])
        if labels:
            _set_labels(asset, labels)
        if systems:
            asset.systems.set(systems)
        if record_types:
            _set_record_types(asset, record_types)
        changes = diff(None, asset_snapshot(asset, labels=labels, systems=systems))
        changes.update(_record_type_change([], record_types))
        audit_record(action="assets.asset.created", school=school, actor=actor, target=asset,
                     changes=changes)
    return asset


def asset_update(*, asset: Asset, actor: Any, version: int, **fields: Any) -> Asset:
    """Change an asset. ``version`` is the one the editor read: a newer one in the database
    raises StaleVersion. ``fields``: ``name``, ``group`` and any of ASSET_FIELDS; fields not
    given keep their values. The owner may change their own asset, but not its owner."""
    _refuse_unknown(fields, ["name", "group", *ASSET_FIELDS, RECORD_TYPES])
    fields = dict(fields)
    with transaction.atomic():
        # The settings row before the asset's, as an import and a change of the review
        # interval take them (review_due.locked_interval): one order, no deadlock.
        locked_interval(asset.school_id)
        current = (Asset.objects.select_for_update(of=("self",))
                   .select_related("school", "group", "owner_person", "owner_organisation")
                   .get(pk=asset.pk))
        manager = may_manage(school=current.school_id, actor=actor)
        if not manager and not is_owner(asset=current, actor=actor):
            raise NotAllowed("You may change only the assets you own.")
        if current.version != version:
            raise stale_error(school=current.school, target=current, what="this asset")
        if current.archived_at is not None:
            raise DomainError("This asset is archived: it can no longer be changed.")
        old_labels = current_labels(current)
        old_systems = list(current.systems.order_by("name_key"))
        before = asset_snapshot(current, labels=old_labels, systems=old_systems)
        if "group" in fields:
            current.group = _group_of(current.school, fields.pop("group"))
        if "name" in fields:
            current.name = tidy(str(fields["name"] or ""))
            current.name_key = fold(current.name)
            current.match_key = match_key(current.name)
            fields.pop("name")
        labels_given = fields.pop("access_labels", None)
        systems_given = fields.pop("systems", None)
        record_types_given = fields.pop(RECORD_TYPES, None)
        _apply_owner(current, fields)
        _apply_fields(current, fields)
        _validate_asset(current)
        systems = (old_systems if systems_given is None
                   else _systems_for(current.school_id, systems_given))
        labels = (old_labels if labels_given is None
                  else _labels_for(current.school, labels_given, actor))
        after = asset_snapshot(current, labels=labels, systems=systems)
        changes = diff(before, after)
        # Compared as the rows in force: an unchanged form keeps the asset's types even
        # after the school adjusted one (the link then moves to the adjusted row).
        linked = linked_record_types(current)
        old_record_types = in_force(current.school, linked)
        record_types = (old_record_types if record_types_given is None
                        else _record_types_for(current.school, record_types_given))
        changes.update(_record_type_change(old_record_types, record_types))
        moved = (record_types_given is not None and not changes.get(RECORD_TYPES)
                 and {item.pk for item in linked} != {item.pk for item in record_types})
        if moved:
            changes["record_type_links"] = {"before": "as first linked",
                                            "after": "the school's schedule in force"}
        if not changes:
            return current
        if not manager and any(name in changes for name in OWNER_FIELDS):
            raise NotAllowed("Only the SIRO, the DPO or a data administrator can give an "
                             "asset another owner.", field="owner")
        current.version += 1
        _save_unique(current)
        refresh_review_due(current.school_id, [current.pk])
        if "access_labels" in changes:
            _set_labels(current, labels)
        if "systems" in changes:
            current.systems.set(systems)
        if RECORD_TYPES in changes or moved:
            _set_record_types(current, record_types)
        audit_record(action="assets.asset.updated", school=current.school_id, actor=actor,
                     target=current, changes=changes)
    return current


def asset_archive(*, asset: Asset, actor: Any) -> Asset:
    """Take an asset off the register. Its row and history stay; its name is free again."""
    with transaction.atomic():
        current = Asset.objects.select_for_update().get(pk=asset.pk)
        _require_manager(school=current.school_id, actor=actor,
                         what="archive assets of the register")
        if current.archived_at is not None:
            raise DomainError("This asset is already archived.")
        current.archived_at = timezone.now()
        current.version += 1
        current.save(update_fields=["archived_at", "version", "updated_at"])
        audit_record(action="assets.asset.archived", school=current.school_id, actor=actor,
                     target=current, changes=diff({"archived_at": None},
                                                  {"archived_at": current.archived_at}))
    return current


# ---------------------------------------------------------------------------- settings


def asset_settings_update(*, school: School, actor: Any, version: int,
                          **fields: Any) -> AssetSettings:
    """Change the register's settings: the controller's and the DPO's details for the
    record of processing, and how often assets are reviewed."""
    unknown = sorted(set(fields) - set(SETTINGS_FIELDS))
    if unknown:
        raise DomainError(f"Unknown settings: {', '.join(unknown)}.", field=unknown[0])
    with transaction.atomic():
        _require_manager(school=school, actor=actor, what="change the register's settings")
        AssetSettings.objects.get_or_create(school=school)
        current = AssetSettings.objects.select_for_update().get(school=school)
        if current.version != version:
            raise StaleVersion("Someone else changed these settings while you were editing. "
                               "The form now shows their changes; make yours again.",
                               field="version")
        before = snapshot(current, SETTINGS_FIELDS)
        for name, value in fields.items():
            if name == "controller_name":
                value = tidy(str(value or ""))
            elif name in ("controller_contact", "dpo_contact"):
                value = str(value or "").strip()
            setattr(current, name, value)
        full_clean_or_error(current, exclude=["school"])
        changes = diff(before, snapshot(current, SETTINGS_FIELDS))
        if not changes:
            return current
        current.version += 1
        current.save(update_fields=[*SETTINGS_FIELDS, "version"])
        if "review_interval_months" in changes:
            refresh_review_due(school)
        audit_record(action="assets.settings.changed", school=school, actor=actor,
                     target=current, changes=changes)
    return current
