"""Writing a planned import in bulk, in one transaction, with one audit event per record
created or changed. The derived fields are those the register's services set
(``assets.services``): names tidied, ``name_key``/``label_key`` as ``lib.text.fold`` gives, a
new group placed after the last, ``version`` 1 and then one more at each change, a new
asset's stored review date as ``assets.review_due`` gives it (an import changes no date of
an asset already recorded); the audit events record the same snapshots
(``asset_snapshot``)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

from django.db import IntegrityError, transaction
from django.utils import timezone

from schoolkeep.assets import review_due
from schoolkeep.assets.imports.matching import (
    ChangedAsset,
    Index,
    NewAsset,
    Owner,
    Plan,
    Planner,
)
from schoolkeep.assets.imports.parsing import Parsed, parse
from schoolkeep.assets.imports.reading import RegisterFile, open_register
from schoolkeep.assets.imports.results import ImportResult, Progress
from schoolkeep.assets.look_alike import match_key
from schoolkeep.assets.models import (
    AccessLabel,
    Asset,
    AssetAlias,
    AssetGroup,
    OutsideOrganisation,
)
from schoolkeep.assets.services import SNAPSHOT_FIELDS, asset_snapshot, may_manage
from schoolkeep.audit.services import Changes, audit_record_many, diff
from schoolkeep.lib.bulk import Table
from schoolkeep.lib.db_statistics import refresh_statistics_after_commit
from schoolkeep.lib.errors import NotAllowed
from schoolkeep.lib.import_bounds import Deadline
from schoolkeep.lib.tabular import ImportFileError
from schoolkeep.people.models import Person
from schoolkeep.privacy.schedule.models import LegacyRetentionText
from schoolkeep.tenancy.models import School

CHUNK = 500
ASSET_TYPE = Asset._meta.label_lower  # an asset's events' target type, as audit_record gives it
ASSET_COLUMNS = {field.name: field.attname for field in Asset._meta.concrete_fields}
T = TypeVar("T")
OWNER_FIELDS = ["owner_person", "owner_organisation", "owner_unmatched"]
# The columns a new asset's row gives (the others take their defaults).
GIVEN = frozenset({"public_id", "school_id", "group_id", "name", "name_key", "match_key",
                   "purpose",
                   "description", "version", "owner_person_id", "owner_organisation_id",
                   "owner_unmatched", "classification", "classification_note",
                   "review_due_on"})
UNCLASSIFIED = (Asset._meta.get_field("classification").get_default(), "")


# The fields of a new asset's changes in diff's order: its snapshot's fields, sorted.
CREATED_ORDER = sorted([*SNAPSHOT_FIELDS, "group", "owner_person", "owner_organisation",
                        "access_labels", "systems"])
ENTRIES_KEPT = 1_000  # a field's values whose entry is kept (_Writer._entry)


class _Changed(Exception):
    """An asset changed between reading the register and writing (another writer)."""


def _chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class _Writer:
    school: School
    actor: Any
    index: Index
    deadline: Deadline
    now: datetime = field(default_factory=timezone.now)
    people: dict[int, Person] = field(default_factory=dict)
    assets: Table = field(default_factory=lambda: Table(Asset))
    links: Table = field(default_factory=lambda: Table(Asset.access_labels.through))
    # A snapshot field's column (SNAPSHOT_FIELDS are names; a row holds attnames).
    attnames: dict[str, str] = field(default_factory=lambda: {
        name: ASSET_COLUMNS[name] for name in SNAPSHOT_FIELDS})
    group_names: dict[int, str] = field(default_factory=dict)
    organisation_names: dict[int, str] = field(default_factory=dict)
    default_changes: Changes | None = None  # the part of a new asset's changes every one has
    new_review_due_on: date | None = None  # _review_due_on's, once worked out
    entries: dict[str, dict[Any, Any]] = field(default_factory=dict)  # _entry's, by field

    def event(self, action: str, target: Any, changes: dict[str, Any]) -> dict[str, Any]:
        return {"action": action, "school": self.school, "actor": self.actor,
                "target": target, "changes": changes}

    def write(self, plan: Plan) -> None:
        """Write one batch's plan; the groups, organisations and labels it makes first.
        The school's settings row is locked before any asset's (``_review_due_on``), in the
        order the services take them."""
        self._review_due_on()
        self.people = Person.objects.only("pk", "school_id", "full_name").in_bulk(
            list(plan.people)) if plan.changed else {}
        if plan.groups or plan.organisations or plan.labels or not self.group_names:
            self._groups_organisations_labels(plan)
            self.group_names = {group.pk: group.name for group in self.index.groups.values()}
            self.organisation_names = {organisation.pk: organisation.name
                                       for organisation in self.index.organisations.values()}
        for chunk in _chunks(plan.created):
            self._create(chunk)
        for changed in _chunks(plan.changed):
            self._change(changed)

    def _groups_organisations_labels(self, plan: Plan) -> None:
        index, events = self.index, []
        groups = [AssetGroup(school=self.school, name=name, name_key=key,
                             match_key=match_key(name), position=index.last_position + number)
                  for number, (key, name) in enumerate(plan.groups.items(), start=1)]
        index.last_position += len(groups)
        AssetGroup.objects.bulk_create(groups)
        for group in groups:
            index.groups[group.name_key] = group
            events.append(self.event("assets.group.created", group, diff(
                None, {"name": group.name, "position": group.position})))
        organisations = [OutsideOrganisation(school=self.school, name=name, name_key=key)
                         for key, name in plan.organisations.items()]
        OutsideOrganisation.objects.bulk_create(organisations)
        for organisation in organisations:
            index.organisations[organisation.name_key] = organisation
            events.append(self.event("assets.organisation.created", organisation,
                                     diff(None, {"name": organisation.name})))
        labels = [AccessLabel(school=self.school, label=label, label_key=key)
                  for key, label in plan.labels.items()]
        AccessLabel.objects.bulk_create(labels)
        for label in labels:
            index.labels[label.label_key] = label
            index.labels_by_id[label.pk] = label
            events.append(self.event("assets.label.created", label,
                                     diff(None, {"label": label.label})))
        audit_record_many(events)

    def _set_owner(self, asset: Asset, owner: Owner) -> None:
        asset.owner_person = self.people[owner.person_id] if owner.person_id else None
        asset.owner_organisation = (self.index.organisations[owner.organisation_key]
                                    if owner.organisation_key else None)
        asset.owner_unmatched = owner.unmatched

    def _keep_retention(self, texts: list[tuple[int, str]]) -> None:
        """The file's retention texts, kept as the text from before the schedule (replacing
        the asset's earlier one): two queries a chunk."""
        if not texts:
            return
        LegacyRetentionText.objects.filter(asset_id__in=[pk for pk, _ in texts]).delete()
        LegacyRetentionText.objects.bulk_create(
            [LegacyRetentionText(asset_id=pk, text=text) for pk, text in texts])

    def _link_labels(self, links: list[tuple[int, list[AccessLabel]]]) -> None:
        self.links.insert([{"asset_id": asset_id, "accesslabel_id": label.pk}
                           for asset_id, labels in links for label in labels])

    def _created_changes(self, values: dict[str, Any], labels: list[AccessLabel]) -> Changes:
        """``diff(None, asset_snapshot(...))`` of a new asset, from its row's values (no model
        instance). ``diff`` treats each field on its own, so each field's entry is worked out
        once per value: once per import for the fields the file never gives (they hold
        their defaults), once per owner, group, purpose or classification for the others."""
        if self.default_changes is None:
            defaults = self.assets.row({})
            self.default_changes = diff(None, {
                name: defaults[self.attnames[name]] for name in SNAPSHOT_FIELDS
                if self.attnames[name] not in GIVEN} | {"systems": []})
        person, organisation = values["owner_person_id"], values["owner_organisation_id"]
        given = {name: values[self.attnames[name]] for name in SNAPSHOT_FIELDS
                 if self.attnames[name] in GIVEN}
        given["group"] = self.group_names[values["group_id"]]
        given["owner_person"] = self.index.person_names[person] if person else ""
        given["owner_organisation"] = (self.organisation_names[organisation]
                                       if organisation else "")
        given["access_labels"] = [label.label for label in labels]
        changes = Changes()
        put = dict.__setitem__  # the entries are diff's, in their audited form already
        for name in CREATED_ORDER:
            entry = self._entry(name, given[name]) if name in given else \
                self.default_changes.get(name)
            if entry is not None:
                put(changes, name, entry)
        return changes

    def _entry(self, name: str, value: Any) -> Any:
        """``diff(None, {name: value})[name]`` (None when it has none), kept per value."""
        if name == "name":  # every asset's own: nothing to keep
            return diff(None, {name: value}).get(name)
        kept = self.entries.setdefault(name, {})
        key = tuple(value) if type(value) is list else value
        if key not in kept:
            if len(kept) >= ENTRIES_KEPT:
                kept.clear()  # a file of ever new values: still a bounded memory
            kept[key] = diff(None, {name: value}).get(name)
        return kept[key]

    def _review_due_on(self) -> date:
        """The stored review date of every asset the import adds (``assets.review_due``'s
        rule): never reviewed, no date set, all added at ``now``: one date for them all.
        The interval is read with the school's settings row locked until the import's one
        transaction ends, so a change of the interval waits for the import (and then
        refreshes its assets) or the import waits for it."""
        if self.new_review_due_on is None:
            self.new_review_due_on = review_due.review_due(
                next_review_on=None, last_reviewed_on=None, created_at=self.now,
                interval=review_due.locked_interval(self.school))
        return self.new_review_due_on

    def _create(self, chunk: Sequence[NewAsset]) -> None:
        rows: list[dict[str, Any]] = []
        labels_of: list[list[AccessLabel]] = []
        school_id, index = self.school.pk, self.index
        due_on = self._review_due_on()
        for item in chunk:
            row = item.row
            classification, note = row.classification or UNCLASSIFIED
            values = {"public_id": uuid.uuid4(), "school_id": school_id,
                      "group_id": index.groups[item.group_key].pk, "name": row.name,
                      "name_key": row.name_key, "match_key": match_key(row.name),
                      "purpose": row.purpose or "",
                      "description": row.description or "", "version": 1,
                      "owner_person_id": None, "owner_organisation_id": None,
                      "owner_unmatched": "", "classification": classification,
                      "classification_note": note, "review_due_on": due_on}
            owner = item.owner
            if owner is not None:
                values["owner_person_id"] = owner.person_id
                if owner.organisation_key:
                    values["owner_organisation_id"] = \
                        index.organisations[owner.organisation_key].pk
                values["owner_unmatched"] = owner.unmatched
            rows.append(values)
            labels_of.append([index.labels[key] for key in item.label_keys])
        # Only the values of the file: the table prepares the others' defaults once.
        ids = self.assets.insert(rows, returning=True, now=self.now)
        self._link_labels(list(zip(ids, labels_of, strict=True)))
        texts = [item.row.retention for item in chunk]
        self._keep_retention([(pk, text) for pk, text in zip(ids, texts, strict=True)
                              if text is not None])
        audit_record_many([{
            "action": "assets.asset.created", "school": self.school, "actor": self.actor,
            "target_type": ASSET_TYPE, "target_id": str(values["public_id"]),
            "target_label": values["name"],
            "changes": _with_retention(self._created_changes(values, labels), None, text)}
            for values, labels, text in zip(rows, labels_of, texts, strict=True)])
        self.deadline.tick(len(chunk))

    def _change(self, chunk: Sequence[ChangedAsset]) -> None:
        current = (Asset.objects.select_for_update(of=("self",))
                   .select_related("group", "owner_person", "owner_organisation")
                   .in_bulk([item.existing.pk for item in chunk]))
        saved: list[Asset] = []
        changed_fields: set[str] = set()
        relabelled: list[tuple[Asset, list[AccessLabel]]] = []
        retained: list[tuple[int, str]] = []
        events = []
        for item in chunk:
            asset = current.get(item.existing.pk)
            if asset is None or asset.version != item.existing.version:
                raise _Changed
            old = [self.index.labels_by_id[pk] for pk in item.existing.label_ids]
            before = asset_snapshot(asset, labels=old, systems=[])
            for name, value in item.values.items():
                setattr(asset, name, value)
            changed_fields.update(item.values)
            if item.owner is not None:
                self._set_owner(asset, item.owner)
                changed_fields.update(OWNER_FIELDS)
            labels = old
            if item.label_keys is not None:
                labels = [self.index.labels[key] for key in item.label_keys]
                relabelled.append((asset, labels))
            changes = diff(before, asset_snapshot(asset, labels=labels, systems=[]))
            if item.retention is not None:
                retained.append((asset.pk, item.retention))
                changes = _with_retention(changes, item.existing.retention, item.retention)
            asset.version += 1
            asset.updated_at = self.now
            saved.append(asset)
            events.append(self.event("assets.asset.updated", asset, changes))
        # Only the columns some row changed are set, with the version and the time.
        columns = sorted(ASSET_COLUMNS[name] for name in changed_fields)
        self.assets.update_instances(saved, [*columns, "version", "updated_at"])
        if relabelled:
            Asset.access_labels.through.objects.filter(
                asset_id__in=[asset.pk for asset, _ in relabelled]).delete()
            self._link_labels([(asset.pk, labels) for asset, labels in relabelled])
        self._keep_retention(retained)
        audit_record_many(events)
        self.deadline.tick(len(chunk))


def _with_retention(changes: Changes, before: str | None, after: str | None) -> Changes:
    """An asset's changes with its retention text's, when the file gave one."""
    if after is None or after == (before or None):
        return changes
    changes = Changes(changes)
    changes["retention_before_schedule"] = {"before": before or None, "after": after}
    return changes


def _save_aliases(school: School, actor: Any, matches: list[dict[str, str]]) -> list[str]:
    """Save the names the preview's choices matched to recorded assets and groups as their
    aliases (each audited), so that this import and the next match them; the matches in
    words. ``matches``: the look-alikes chosen, each with the file's ``group_key``,
    ``name_key`` ("" for a group), ``name`` and the recorded one's public id (``target``).
    Raises ImportFileError when one chosen is no longer in the register."""
    if not matches:
        return []
    targets = {match["target"] for match in matches}
    assets = {str(asset.public_id): asset for asset in Asset.objects.filter(
        school=school, archived_at__isnull=True, public_id__in=targets)}
    groups = {str(group.public_id): group for group in AssetGroup.objects.filter(
        school=school, public_id__in=targets)}
    aliases = {(alias.group_key, alias.name_key): alias for alias in
               AssetAlias.objects.select_for_update().filter(
                   school=school, group_key__in={match["group_key"] for match in matches})}
    created: list[AssetAlias] = []
    events, described = [], []
    for match in matches:
        asset = assets.get(match["target"]) if match["name_key"] else None
        group = groups.get(match["target"]) if not match["name_key"] else None
        target = asset or group
        if target is None:
            raise ImportFileError(f"What you chose for “{match['name']}” is no longer in the "
                                  "register, so nothing was imported. Upload the file again.")
        alias = aliases.get((match["group_key"], match["name_key"]))
        if alias is None:
            alias = AssetAlias(school=school, group_key=match["group_key"],
                               name_key=match["name_key"], name=match["name"][:300],
                               asset=asset, group=group)
            created.append(alias)
            events.append({"action": "assets.alias.created", "school": school,
                           "actor": actor, "target": alias,
                           "changes": diff(None, {"name": alias.name, "is": target.name})})
        elif (alias.asset_id, alias.group_id) != (getattr(asset, "pk", None),
                                                  getattr(group, "pk", None)):
            before = str(alias.asset or alias.group)
            alias.asset, alias.group = asset, group
            alias.save(update_fields=["asset", "group"])
            events.append({"action": "assets.alias.changed", "school": school,
                           "actor": actor, "target": alias,
                           "changes": diff({"is": before}, {"is": target.name})})
        described.append(f"“{match['name']}” is “{target.name}”")
    AssetAlias.objects.bulk_create(created)
    audit_record_many(events)
    return described


def assets_import(path: Path | str, *, school: School, actor: Any, dry_run: bool = False,
                  progress: Progress | None = None, filename: str = "",
                  matches: list[dict[str, str]] | None = None) -> ImportResult:
    """Check a register file and, unless ``dry_run`` or any row is invalid, write it.
    ``matches``: the look-alikes the preview matched to recorded assets and groups
    (``_save_aliases``), saved as aliases in the same transaction before the rows are
    compared.

    Raises ImportFileError when the file cannot be read at all, NotAllowed when the actor
    (a signed-in member) may not manage the register. Otherwise returns the result: its
    ``problems`` (then nothing was written), its warnings, and what was (or would be)
    created and changed per group.

    The file is read once, a batch of rows at a time: each batch is compared with the
    register and written (in one transaction for the whole file) while no row so far has a
    problem. Once one has, the rest of the file is only checked, so that every problem is
    reported, and the transaction is rolled back: nothing is written.
    """
    if not may_manage(school=school, actor=actor):
        raise NotAllowed("You may not import the register.")
    result = ImportResult(dry_run=dry_run)
    register = open_register(Path(path), result.notes)
    result.file_format = register.label
    if dry_run:
        _read_and_compare(register, school, result, progress, writer=None)
        return result
    try:
        with transaction.atomic():
            result.aliases_created = _save_aliases(school, actor, matches or [])
            # The register is read inside the transaction: what is written is compared with
            # the register as it is now.
            writer = _Writer(school, actor, Index(school), register.source.deadline)
            _read_and_compare(register, school, result, progress, writer=writer)
            if not result.ok or not result.changes_anything:
                transaction.set_rollback(True)  # a problem: nothing written
                return result
            audit_record_many([{
                "action": "assets.import.applied", "school": school, "actor": actor,
                "target_type": "tenancy.school", "target_id": str(school.public_id),
                "target_label": str(school),
                "changes": diff(None, {
                    "file": filename or Path(path).name, "format": result.file_format,
                    "rows": result.rows, "created": result.created, "changed": result.changed,
                    "unchanged": result.unchanged, "groups_created": result.groups_created,
                    "organisations_created": len(result.organisations_created),
                    "labels_created": len(result.labels_created),
                    "aliases_created": len(result.aliases_created)}),
            }])
            refresh_statistics_after_commit([Asset, Asset.access_labels.through],
                                            rows=result.created + result.changed)
            result.written = True
    except (_Changed, IntegrityError):
        # Someone changed the register meanwhile (another import or an edit): nothing saved.
        raise ImportFileError("Someone changed the register while the file was being "
                              "imported, so nothing was saved. Try again.") from None
    return result


def _read_and_compare(register: RegisterFile, school: School, result: ImportResult,
                      progress: Progress | None, *, writer: _Writer | None) -> None:
    """Read the file a batch at a time; compare each batch with the register and, with a
    ``writer``, write it, as long as no problem has been found. Fills ``result``."""
    parsed = Parsed()
    index = writer.index if writer is not None else Index(school)
    planner = Planner(index, parsed, result, register.source.deadline, ask=writer is None)
    for rows in parse(register.lines(), register.kind, parsed, progress):
        if parsed.problems:
            continue  # only checked from now on: nothing will be written
        plan = planner.batch(rows)
        if writer is not None and not plan.empty:
            writer.write(plan)
    result.warnings = parsed.warnings
    if parsed.problems:
        result.problems = parsed.problems
        result.rows = parsed.rows
        return
    planner.finish()
