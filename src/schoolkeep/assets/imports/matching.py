"""Who and what each row of the file is in the school's register, and what would change.

- an asset is identified by (group, name), both ignoring case and spacing;
- an owner is a person of the school (by name, as ``Person.name_key``), else an outside
  organisation the school already has, else a new outside organisation when the cell was
  marked (italics in the policy) or names a supplier (the systems catalogue's, or of the
  school's own systems), else a name not yet matched, flagged for review;
- access labels are the school's, by ``label_key``; labels that look alike (a
  ``difflib.SequenceMatcher`` ratio of at least 0.85 between their case-folded forms) are
  reported as a possible typo and never merged;
- a name the school chose at an earlier import as another name of an asset or a group
  (``AssetAlias``) is that asset or group;
- a new asset or group whose name looks like one already recorded (equal
  ``assets.look_alike`` keys, read per batch from the (school, match_key) index) is a
  look-alike: the preview asks whether it is that one (saved as an alias) or new.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from schoolkeep.assets.imports.columns import (
    ACCESS,
    CLASSIFICATION,
    DESCRIPTION,
    NAME,
    OWNER,
    PURPOSE,
    RETENTION,
)
from schoolkeep.assets.imports.parsing import AssetRow, Parsed
from schoolkeep.assets.imports.results import (
    Changed,
    Created,
    GroupReport,
    ImportResult,
    LookAlike,
)
from schoolkeep.assets.look_alike import match_key
from schoolkeep.assets.models import (
    AccessLabel,
    Asset,
    AssetAlias,
    AssetGroup,
    Classification,
    OutsideOrganisation,
)
from schoolkeep.lib.import_bounds import Deadline, Problem, ProblemList
from schoolkeep.lib.text import fold
from schoolkeep.people import derive
from schoolkeep.people.models import Person
from schoolkeep.privacy.schedule.models import LegacyRetentionText
from schoolkeep.systems.catalogue import supplier_names
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

TYPO_RATIO = 0.85
OWNERS_KEPT = 10_000  # owners resolved and remembered, at most
ROWS_NAMED = 5  # rows named in a warning about many rows; the others are counted
KEYS_PER_QUERY = 500  # names or ids in one IN (below SQLite's limit on parameters)
DETAILS_KEPT = 1_000  # created and changed assets described in the result; others counted
CANDIDATES_KEPT = 3  # recorded look-alikes offered for one name of the file
LOOK_ALIKES_KEPT = 200  # look-alikes the preview asks about; the others are counted


@dataclass(frozen=True)
class Owner:
    """An owner as the file gives it: exactly one of the three kinds."""

    person_id: int | None = None
    organisation_key: str = ""  # an outside organisation, recorded or to be made
    unmatched: str = ""


@dataclass
class Existing:
    """What comparing needs of an asset already recorded (no ORM object)."""

    pk: int
    name: str
    group_id: int
    person_id: int | None
    organisation_id: int | None
    unmatched: str
    purpose: str
    description: str
    classification: str
    note: str
    version: int
    label_ids: list[int] = field(default_factory=list)
    retention: str = ""  # the old retention text kept (privacy.LegacyRetentionText)


class Index:
    """The school's register as it is: groups, owners and labels, read once; its assets
    (not archived) only a batch of the file's names at a time (``load_assets``), so that
    what is held does not grow with the register either."""

    def __init__(self, school: School) -> None:
        today = timezone.localdate()
        self.school = school
        self.people: dict[str, list[tuple[int, str]]] = defaultdict(list)
        self.leavers: dict[str, str] = {}
        self.person_names: dict[int, str] = {}
        for pk, name, key, leaving in Person.objects.filter(school=school).values_list(
                "pk", "full_name", "name_key", "leaving_date").iterator(2000):
            self.person_names[pk] = name
            if leaving is None or leaving > today:
                self.people[key].append((pk, name))
            else:
                self.leavers[key] = name
        self.groups = {g.name_key: g for g in AssetGroup.objects.filter(school=school)}
        self.last_position = max((g.position for g in self.groups.values()), default=-1)
        self.organisations = {o.name_key: o for o in
                              OutsideOrganisation.objects.filter(school=school)}
        self.organisation_names = {o.pk: o.name for o in self.organisations.values()}
        self.labels = {label.label_key: label
                       for label in AccessLabel.objects.filter(school=school)}
        self.labels_by_id = {label.pk: label for label in self.labels.values()}
        suppliers = System.objects.filter(school=school, archived_at__isnull=True).exclude(
            supplier="").values_list("supplier", flat=True)
        self.suppliers = {fold(name) for name in [*supplier_names(), *suppliers]}
        self.assets: dict[tuple[int, str], Existing] = {}
        self.groups_of_name: dict[str, set[int]] = defaultdict(set)
        # A file's group heading (folded) chosen as another name of a recorded group.
        self.group_aliases = {alias.group_key: alias.group for alias in AssetAlias.objects
                              .filter(school=school, name_key="").select_related("group")
                              if alias.group is not None}
        # A file's (group heading, name) chosen as another name of a recorded asset: per
        # batch, as the assets (load_assets), when the school has any.
        self.aliases: dict[tuple[str, str], Existing] = {}
        self.has_aliases = AssetAlias.objects.filter(school=school,
                                                     asset__isnull=False).exists()
        # Recorded assets by look-alike key (id, public id, name, group id), and the
        # look-alike keys of the batch's rows not recorded yet: per batch.
        self.look_alikes: dict[str, list[tuple[int, str, str, int]]] = {}
        self.match_keys: dict[tuple[str, str], str] = {}

    def group_of(self, group_key: str) -> AssetGroup | None:
        """The recorded group of a file's group heading: by name, else by an alias."""
        return self.groups.get(group_key) or self.group_aliases.get(group_key)

    def group_look_alikes(self, name: str) -> list[AssetGroup]:
        key = match_key(name)
        return [group for group in self.groups.values() if key and group.match_key == key]

    def load_assets(self, name_keys: Iterable[str], batch: Iterable[AssetRow] = (), *,
                    look_alikes: bool = False) -> None:
        """Read the recorded assets (in any group) with these names, in place of those read
        before: ``assets`` by (group id, name key), ``groups_of_name``; and for the
        ``batch`` of rows, the aliases of their names (``aliases``) and, with
        ``look_alikes``, the recorded assets that look like those not recorded yet."""
        self.assets, self.groups_of_name = {}, defaultdict(set)
        self.aliases, self.look_alikes, self.match_keys = {}, {}, {}
        batch = list(batch)
        keys = sorted(set(name_keys))
        if not keys:
            return
        by_pk: dict[int, Existing] = {}
        # Archived assets are left out here, not in the SQL: by (school, name_key) alone
        # the planner takes that index; with "not archived" too SQLite chose an index by
        # (school, archived_at) and read every current asset for each batch. No order:
        # the model's default order joins the groups and sorts.
        recorded = Asset.objects.filter(school=self.school).order_by()
        for start in range(0, len(keys), KEYS_PER_QUERY):
            rows = recorded.filter(name_key__in=keys[start:start + KEYS_PER_QUERY]).values_list(
                "pk", "name", "name_key", "group_id", "owner_person_id",
                "owner_organisation_id", "owner_unmatched", "purpose", "description",
                "classification", "classification_note", "version", "archived_at")
            for (pk, name, key, group_id, person, organisation, unmatched, purpose,
                 description, classification, note, version, archived_at) in rows:
                if archived_at is not None:
                    continue
                existing = Existing(pk, name, group_id, person, organisation, unmatched,
                                    purpose, description, classification, note, version)
                self.assets[(group_id, key)] = existing
                self.groups_of_name[key].add(group_id)
                by_pk[pk] = existing
        self._load_aliases(keys, batch, recorded, by_pk)
        if look_alikes:
            self._load_look_alikes(batch)
        ids = sorted(by_pk)
        links = Asset.access_labels.through.objects.order_by("pk")
        for start in range(0, len(ids), KEYS_PER_QUERY):
            for asset_id, label_id in links.filter(
                    asset_id__in=ids[start:start + KEYS_PER_QUERY]).values_list(
                    "asset_id", "accesslabel_id"):
                by_pk[asset_id].label_ids.append(label_id)
        texts = LegacyRetentionText.objects.order_by()
        for start in range(0, len(ids), KEYS_PER_QUERY):
            for asset_id, text in texts.filter(
                    asset_id__in=ids[start:start + KEYS_PER_QUERY]).values_list(
                    "asset_id", "text"):
                by_pk[asset_id].retention = text

    def _load_aliases(self, keys: list[str], rows: list[AssetRow], recorded: Any,
                      by_pk: dict[int, Existing]) -> None:
        """The aliases of the rows' names, and the assets they name that are not read yet."""
        if not self.has_aliases:
            return
        wanted = {row.key for row in rows}
        targets: dict[tuple[str, str], int] = {}
        aliases = AssetAlias.objects.filter(school=self.school, asset__isnull=False)
        for start in range(0, len(keys), KEYS_PER_QUERY):
            for group_key, name_key, asset_id in aliases.filter(
                    name_key__in=keys[start:start + KEYS_PER_QUERY]).values_list(
                    "group_key", "name_key", "asset_id"):
                if (group_key, name_key) in wanted:
                    targets[(group_key, name_key)] = asset_id
        missing = sorted(set(targets.values()) - set(by_pk))
        for start in range(0, len(missing), KEYS_PER_QUERY):
            for (pk, name, group_id, person, organisation, unmatched, purpose, description,
                 classification, note, version) in recorded.filter(
                    pk__in=missing[start:start + KEYS_PER_QUERY],
                    archived_at__isnull=True).values_list(
                    "pk", "name", "group_id", "owner_person_id", "owner_organisation_id",
                    "owner_unmatched", "purpose", "description", "classification",
                    "classification_note", "version"):
                by_pk[pk] = Existing(pk, name, group_id, person, organisation, unmatched,
                                     purpose, description, classification, note, version)
        # An alias of an archived asset names nothing: the row is compared as any other.
        self.aliases = {key: by_pk[pk] for key, pk in targets.items() if pk in by_pk}

    def _load_look_alikes(self, rows: list[AssetRow]) -> None:
        """The current assets whose look-alike key is that of a row not recorded yet (one
        indexed query per KEYS_PER_QUERY keys; at most CANDIDATES_KEPT kept per key)."""
        self.match_keys = {}
        for row in rows:
            group = self.group_of(row.group_key)
            if row.key in self.aliases or (
                    group is not None and (group.pk, row.name_key) in self.assets):
                continue  # recorded: nothing to ask
            self.match_keys[row.key] = match_key(row.name)
        keys = sorted({key for key in self.match_keys.values() if key})
        current = Asset.objects.filter(school=self.school, archived_at__isnull=True).order_by()
        for start in range(0, len(keys), KEYS_PER_QUERY):
            for pk, public_id, name, group_id, key in current.filter(
                    match_key__in=keys[start:start + KEYS_PER_QUERY]).order_by(
                    "match_key", "pk").values_list(
                    "pk", "public_id", "name", "group_id", "match_key"):
                found = self.look_alikes.setdefault(key, [])
                if len(found) < CANDIDATES_KEPT * 2:  # some may be left out (_candidates)
                    found.append((pk, str(public_id), name, group_id))


@dataclass
class NewAsset:
    row: AssetRow
    group_key: str
    owner: Owner | None
    label_keys: list[str]


@dataclass
class ChangedAsset:
    row: AssetRow
    existing: Existing
    values: dict[str, Any]  # purpose, description, classification, classification_note
    owner: Owner | None  # the new owner, when it changes
    label_keys: list[str] | None  # the new labels, when they change
    retention: str | None = None  # the new old-style retention text, when it changes


@dataclass
class Plan:
    """What one batch of rows writes."""

    groups: dict[str, str] = field(default_factory=dict)  # new groups: key -> name
    organisations: dict[str, str] = field(default_factory=dict)  # new: key -> name
    labels: dict[str, str] = field(default_factory=dict)  # new: key -> label
    created: list[NewAsset] = field(default_factory=list)
    changed: list[ChangedAsset] = field(default_factory=list)
    people: set[int] = field(default_factory=set)  # owners of created or changed assets

    @property
    def empty(self) -> bool:
        return not (self.groups or self.organisations or self.labels or self.created
                    or self.changed)


def _shown(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    if not text:
        return "nothing"
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


CLASSIFICATION_LABELS = {value: str(label) for value, label in Classification.choices}


def _classification(value: str, note: str) -> str:
    label = CLASSIFICATION_LABELS.get(value, value)
    return f"{label} ({note})" if note else label


def _rows_text(rows: list[int], count: int) -> str:
    """The first rows of ``count`` (at most ROWS_NAMED are given)."""
    if count == 1:
        return f"row {rows[0]}"
    shown = ", ".join(str(row) for row in rows[:ROWS_NAMED])
    more = f" and {count - ROWS_NAMED} more" if count > ROWS_NAMED else ""
    return f"rows {shown}{more}"


@dataclass
class Planner:
    """Compares the file's rows with the register, a batch at a time (``batch``), and
    reports on the whole file at the end (``finish``)."""

    index: Index
    parsed: Parsed
    result: ImportResult
    deadline: Deadline
    plan: Plan = field(default_factory=Plan)
    reports: dict[str, GroupReport] = field(default_factory=dict)
    owners: dict[tuple[str, bool], Owner] = field(default_factory=dict)  # by (cell, marked)
    # by the owner's key: (its text, [rows in all, the first ROWS_NAMED rows], why)
    unmatched: dict[str, tuple[str, list[int], str]] = field(default_factory=dict)
    label_rows: dict[str, tuple[str, int]] = field(default_factory=dict)  # key -> (label, row)
    # Made by the whole file (a batch's plan has its own): key -> name, for the result.
    new_organisations: dict[str, str] = field(default_factory=dict)
    new_labels: dict[str, str] = field(default_factory=dict)
    details_kept: int = 0  # created and changed assets described so far (DETAILS_KEPT)
    warnings: ProblemList = field(default_factory=ProblemList)
    # The register's groups of a name of the file recorded in another group than its row's.
    recorded_groups: dict[str, set[int]] = field(default_factory=dict)
    # Whether to look for look-alikes (a check: the preview asks about them).
    ask: bool = True
    look_alikes: list[LookAlike] = field(default_factory=list)  # the first LOOK_ALIKES_KEPT
    look_alike_count: int = 0
    matched: dict[int, int] = field(default_factory=dict)  # recorded asset's id -> row

    def warn(self, row: int, column: str, message: str) -> None:
        self.warnings.append(Problem(row, column, message))

    def heading(self, name: str) -> str:
        assert self.parsed.layout is not None
        return self.parsed.layout.heading(name)

    # -- owners -------------------------------------------------------------------------

    def owner(self, row: AssetRow) -> Owner | None:
        if row.owner is None:
            return None
        cache_key = (row.owner, row.owner_marked)
        owner = self.owners.get(cache_key)
        if owner is None:
            if len(self.owners) >= OWNERS_KEPT:
                self.owners.clear()  # a file of ever new owners: still a bounded memory
            owner = self.owners[cache_key] = self._resolve_owner(row.owner, row.owner_marked)
        if owner.unmatched:
            rows = self.unmatched.setdefault(fold(row.owner), (row.owner, [0], ""))[1]
            rows[0] += 1  # rows[0] counts them; only the first few are named
            if len(rows) <= ROWS_NAMED:
                rows.append(row.number)
        elif owner.organisation_key and owner.organisation_key not in self.index.organisations:
            self.plan.organisations.setdefault(owner.organisation_key, row.owner)
            self.new_organisations.setdefault(owner.organisation_key, row.owner)
        return owner

    def _resolve_owner(self, text: str, marked: bool) -> Owner:
        key = fold(text)
        people = self.index.people.get(derive.name_key(text), [])
        if len(people) == 1:
            return Owner(person_id=people[0][0])
        if len(people) > 1:
            self.unmatched.setdefault(key, (text, [0], f"{len(people)} people of the school "
                                            f"are called “{people[0][1]}”"))
            return Owner(unmatched=text)
        if key in self.index.organisations or marked or key in self.index.suppliers:
            return Owner(organisation_key=key)
        leaver = self.index.leavers.get(derive.name_key(text))
        self.unmatched.setdefault(key, (text, [0], f"{leaver} has left the school" if leaver
                                        else "no person of the school has this name and it "
                                        "is not a known supplier"))
        return Owner(unmatched=text)

    def owner_changes(self, owner: Owner, existing: Existing) -> bool:
        organisation = self.index.organisations.get(owner.organisation_key)
        organisation_id = organisation.pk if organisation else None
        if owner.organisation_key and organisation is None:
            return True  # a new organisation
        return (owner.person_id, organisation_id, owner.unmatched) != (
            existing.person_id, existing.organisation_id, existing.unmatched)

    # -- labels -------------------------------------------------------------------------

    def labels(self, row: AssetRow) -> list[str] | None:
        if row.access is None:
            return None
        keys = []
        for key, label in row.access.items():
            keys.append(key)
            self.label_rows.setdefault(key, (label, row.number))
            if key not in self.index.labels:
                self.plan.labels.setdefault(key, label)
                self.new_labels.setdefault(key, label)
        return keys

    def look_alike_labels(self) -> None:
        """Warn of labels of the file that look like another label of the file or of the
        school (a possible typo); both are kept as they are."""
        known = {key: label.label for key, label in self.index.labels.items()}
        everything = sorted(set(known) | set(self.label_rows), key=len)
        for position, first in enumerate(everything):
            for second in everything[position + 1:]:
                self.deadline.tick()  # pairs of many labels take long
                if 2 * len(first) < TYPO_RATIO * (len(first) + len(second)):
                    break  # sorted by length: every later one is too long to look alike
                if first not in self.label_rows and second not in self.label_rows:
                    continue
                matcher = difflib.SequenceMatcher(None, first, second)
                if (matcher.real_quick_ratio() < TYPO_RATIO or matcher.quick_ratio()
                        < TYPO_RATIO or matcher.ratio() < TYPO_RATIO):
                    continue
                self._typo(first, second, known)

    def _typo(self, first: str, second: str, known: dict[str, str]) -> None:
        def where(key: str) -> tuple[int, str]:
            if key in self.label_rows:
                label, row = self.label_rows[key]
                return row, f"“{label}” (row {row})"
            return 0, f"“{known[key]}” (already recorded)"

        (row_a, text_a), (row_b, text_b) = sorted([where(first), where(second)])
        self.warn(row_b or row_a, self.heading(ACCESS),
                  f"{text_a} and {text_b} look alike: is one a typo? They are kept as two "
                  "labels; correct the file, or rename a label in the register.")

    # -- assets -------------------------------------------------------------------------

    def report(self, row: AssetRow) -> GroupReport:
        key = row.group_key
        if key not in self.reports:
            group = self.index.group_of(key)
            if group is None:
                self.group_look_alike(row)  # made with its first new asset (``asset``)
            self.reports[key] = GroupReport(group.name if group else row.group, group is None)
        return self.reports[key]

    # -- look-alikes --------------------------------------------------------------------

    def look_alike(self, item: LookAlike) -> None:
        self.look_alike_count += 1
        if len(self.look_alikes) < LOOK_ALIKES_KEPT:
            self.look_alikes.append(item)

    def group_look_alike(self, row: AssetRow) -> None:
        if not self.ask:
            return
        found = self.index.group_look_alikes(row.group)[:CANDIDATES_KEPT]
        if found:
            self.look_alike(LookAlike("group", row.number, row.group, row.group,
                                      row.group_key, "", [
                                          (group.pk, str(group.public_id), f"“{group.name}”")
                                          for group in found]))

    def asset_look_alike(self, row: AssetRow) -> None:
        """A new asset of the file that looks like recorded ones (not those of the very same
        name in another group: ``in_other_groups`` tells of them)."""
        if not self.ask:
            return
        recorded = [(pk, public_id, name, group_id) for pk, public_id, name, group_id in
                    self.index.look_alikes.get(self.index.match_keys.get(row.key, ""), ())
                    if fold(name) != row.name_key][:CANDIDATES_KEPT]
        if recorded:
            names = {group.pk: group.name for group in self.index.groups.values()}
            found = [(pk, public_id, f"“{name}” (in “{names.get(group_id, '')}”)")
                     for pk, public_id, name, group_id in recorded]
            self.look_alike(LookAlike("asset", row.number, row.name, row.group,
                                      row.group_key, row.name_key, found))

    def first_match(self, row: AssetRow, existing: Existing) -> bool:
        """Whether the row is the first of the file to be this recorded asset; else a
        problem (an alias names an asset another row names too)."""
        first = self.matched.setdefault(existing.pk, row.number)
        if first == row.number:
            return True
        self.parsed.problems.append(Problem(row.number, self.heading(NAME), (
            f"“{row.name}” was chosen at an earlier import as another name of "
            f"“{existing.name}”, which row {first} already gives. Give each asset once: "
            "remove one of the rows, or rename it.")))
        return False

    # -- assets (continued) -------------------------------------------------------------

    def asset(self, row: AssetRow) -> None:
        report = self.report(row)
        owner = self.owner(row)
        label_keys = self.labels(row)
        group = self.index.group_of(row.group_key)
        existing = self.index.aliases.get(row.key) or (
            self.index.assets.get((group.pk, row.name_key)) if group else None)
        # Two rows can be one recorded asset only through an alias (of the asset, or of a
        # group). The check also remembers every match, not to offer it again.
        if existing is not None and (self.ask or self.index.has_aliases
                                     or self.index.group_aliases) \
                and not self.first_match(row, existing):
            return
        if existing is None:
            if group is None:  # a new group, made with its first new asset
                self.plan.groups.setdefault(row.group_key, row.group)
            self.plan.created.append(NewAsset(row, group.name_key if group else row.group_key,
                                              owner, label_keys or []))
            self.asset_look_alike(row)
            report.created_count += 1
            if self.describe():
                report.created.append(Created(row.number, row.name, self.new_details(
                    row, owner, label_keys)))
            if owner and owner.person_id:
                self.plan.people.add(owner.person_id)
            return
        values: dict[str, Any] = {}
        details: list[tuple[str, str, str]] = []
        for name, value, recorded in (
                (PURPOSE, row.purpose, existing.purpose),
                (DESCRIPTION, row.description, existing.description)):
            if value is not None and value != recorded:
                values[name] = value
                details.append((self.heading(name), _shown(recorded), _shown(value)))
        if row.classification is not None:
            value, note = row.classification
            if (value, note) != (existing.classification, existing.note):
                values.update(classification=value, classification_note=note)
                details.append((self.heading(CLASSIFICATION),
                                _classification(existing.classification, existing.note),
                                _classification(value, note)))
        retention = None
        if row.retention is not None and row.retention != existing.retention:
            retention = row.retention
            details.append((self.heading(RETENTION), _shown(existing.retention),
                            _shown(retention)))
        new_owner = owner if owner and self.owner_changes(owner, existing) else None
        if new_owner:
            details.append((self.heading(OWNER), self.recorded_owner(existing),
                            self.owner_text(new_owner)))
            if new_owner.person_id:
                self.plan.people.add(new_owner.person_id)
        new_labels = None
        if label_keys is not None:
            old = [self.index.labels_by_id[pk] for pk in existing.label_ids]
            if [label.label_key for label in old] != label_keys:
                new_labels = label_keys
                after = [self.index.labels[key].label if key in self.index.labels
                         else self.new_labels[key] for key in label_keys]
                details.append((self.heading(ACCESS),
                                " / ".join(label.label for label in old) or "nobody",
                                " / ".join(after)))
        if not details:
            report.unchanged += 1
            return
        self.plan.changed.append(ChangedAsset(row, existing, values, new_owner, new_labels,
                                              retention))
        report.changed_count += 1
        if self.describe():
            report.changed.append(Changed(row.number, existing.name, details))

    def describe(self) -> bool:
        """Whether one more created or changed asset is described in the result (the first
        DETAILS_KEPT are; the others are counted)."""
        self.details_kept += 1
        return self.details_kept <= DETAILS_KEPT

    def new_details(self, row: AssetRow, owner: Owner | None,
                    label_keys: list[str] | None) -> list[tuple[str, str]]:
        details = []
        if owner is not None:
            details.append((self.heading(OWNER), self.owner_text(owner)))
        if label_keys:
            details.append((self.heading(ACCESS), " / ".join(
                self.index.labels[key].label if key in self.index.labels
                else self.new_labels[key] for key in label_keys)))
        if row.classification is not None:
            details.append((self.heading(CLASSIFICATION), _classification(*row.classification)))
        return details

    def recorded_owner(self, existing: Existing) -> str:
        if existing.person_id:
            return self.index.person_names.get(existing.person_id, "a person")
        if existing.organisation_id:
            return self.index.organisation_names.get(existing.organisation_id, "an organisation")
        if existing.unmatched:
            return f"{existing.unmatched} (not yet matched)"
        return "no owner"

    def owner_text(self, owner: Owner) -> str:
        if owner.person_id:
            return self.index.person_names[owner.person_id]
        if owner.organisation_key:
            known = self.index.organisations.get(owner.organisation_key)
            return known.name if known else \
                f"{self.new_organisations[owner.organisation_key]} (a new outside organisation)"
        return f"{owner.unmatched} (not yet matched)"

    def in_other_groups(self) -> None:
        """Warn of names found in more than one group (of the file or the register)."""
        names = {group.pk: group.name for group in self.index.groups.values()}
        for key, seen in self.parsed.names.items():
            rows = [seen] if isinstance(seen, tuple) else seen
            recorded = self.recorded_groups.get(key, ())
            if len(rows) == 1 and not recorded:
                continue  # the common case: one group of the file, none recorded
            groups = {group_key: f"“{group}” (row {number})"
                      for group_key, group, number, _ in rows}
            for group_id in recorded:
                name = names[group_id]
                groups.setdefault(fold(name), f"“{name}” (already recorded)")
            if len(groups) > 1:
                self.warn(rows[0][2] if len(rows) == 1 else rows[1][2], self.heading(NAME),
                          f"“{rows[0][3]}” is in {len(groups)} groups: "
                          + ", ".join(groups.values())
                          + ". They are kept apart as different assets.")

    def batch(self, rows: list[AssetRow]) -> Plan:
        """Compare a batch of the file's rows with the register: what it would write."""
        self.plan = Plan()
        self.index.load_assets((row.name_key for row in rows), rows, look_alikes=self.ask)
        for row in rows:
            self.deadline.tick()
            self.asset(row)
            recorded = self.index.groups_of_name.get(row.name_key)
            group = self.index.group_of(row.group_key)
            if recorded and (group is None or recorded != {group.pk}):
                # Recorded in another group too: in_other_groups will say so.
                self.recorded_groups.setdefault(row.name_key, set()).update(recorded)
        return self.plan

    def finish(self) -> None:
        """Once every row is compared: fill ``result`` with what would be created and
        changed per group, and the warnings of the whole file."""
        for text, rows, why in self.unmatched.values():
            count, named = rows[0], rows[1:]
            if count:
                self.warn(named[0], self.heading(OWNER),
                          f"“{text}” ({_rows_text(named, count)}) is kept as a name not yet "
                          f"matched, flagged for review: {why}. Add the person to the school's "
                          "people (or correct the name) and import again, or choose the owner "
                          "on the asset's page.")
        self.look_alike_labels()
        self.in_other_groups()
        self.result.warnings.extend(self.warnings)
        self.result.warnings.sort(key=lambda w: w.row)
        self.result.rows = self.parsed.rows
        for report in self.reports.values():
            # Every row of a new heading matched to recorded assets (by their aliases):
            # no group is made.
            report.new = report.new and report.created_count > 0
        self.result.groups = list(self.reports.values())
        self.result.organisations_created = list(self.new_organisations.values())
        self.result.labels_created = list(self.new_labels.values())
        self.result.look_alike_count = self.look_alike_count
        for item in self.look_alikes:
            # A recorded asset another row of the file is already: not offered.
            item.candidates = [candidate for candidate in item.candidates
                               if item.kind == "group" or candidate[0] not in self.matched]
            if item.candidates:
                self.result.look_alikes.append(item)
            else:
                self.result.look_alike_count -= 1
