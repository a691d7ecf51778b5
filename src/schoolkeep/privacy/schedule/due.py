"""What is due for destruction, and which record types wait for their yearly review.

Schoolkeep knows the event of one kind of the school's records: a person's leaving date (the
people record). So for the assets linked to ``staff_personnel`` (employees: teaching and
support posts) or ``single_central_record`` (everyone on the record), the files of the
people who left before the type's cutoff (``rules.latest_event_on``) are due for
destruction, less those already covered by a destruction log entry of that asset and type:
an entry whose ``records_to`` is on or after a leaving date clears that leaver. Other types
(paper files, CCTV on a recorder) cannot be known here: their yearly review is the duty.

Both read a constant number of queries for any number of schools (the schools, the record
types, the assets' links, the destruction log's latest ``records_to`` per asset and type,
the leavers grouped by school, kind and leaving date; the reviews), then work in Python
over those grouped rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from uuid import UUID

from django.db.models import Count, Max, Min, Q

from schoolkeep.people.models import Person, PersonKind
from schoolkeep.privacy.destruction.models import Destruction
from schoolkeep.privacy.erasure.models import Tombstone
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import AssetRecordType, RecordType, RecordTypeReview
from schoolkeep.privacy.schedule.rules import add_months, latest_event_on, retention_ends_on
from schoolkeep.tenancy.models import School

PERSON_LABEL = "people.person"  # the tombstones of erased people (privacy.erasure.people)

EMPLOYEES = frozenset({PersonKind.TEACHING, PersonKind.SUPPORT})
# The types whose event Schoolkeep knows, and whose leavers count towards each.
KNOWN: dict[str, frozenset[str] | None] = {keys.STAFF_PERSONNEL: EMPLOYEES,
                                            keys.SINGLE_CENTRAL_RECORD: None}
REVIEW_EVERY_MONTHS = 12


@dataclass(frozen=True)
class DueGroup:
    """The records of one asset and one record type past their period, not yet destroyed."""

    school_id: int
    asset_id: int
    asset_public_id: UUID
    asset_name: str
    owner_user_id: int | None  # the asset owner's account while they are at the school
    record_type: RecordType  # the row in force
    records_from: date  # the earliest event (leaving date) of the records due
    records_to: date  # the cutoff: every event on or before it is past its period
    count: int  # how many people's records
    due_on: date  # when the earliest of them became due (the day after its period ended)


@dataclass(frozen=True)
class ReviewDue:
    school_id: int
    record_type: RecordType
    last_reviewed_on: date | None
    due_on: date


def _schools(ids: Sequence[int]) -> list[School]:
    return list(School.objects.filter(pk__in=ids).only("pk", "organisation_id", "kind"))


def _in_force(schools: list[School], key_filter: Q) -> dict[int, dict[str, RecordType]]:
    """{school id: {key: row in force}} for the keyed rows matching ``key_filter``: one
    query for every school (the shipped rows, the trusts' and the schools' own)."""
    organisations = {school.organisation_id for school in schools} - {None}
    rows = list(RecordType.objects.filter(
        key_filter, Q(school__isnull=True, organisation__isnull=True)
        | Q(school__isnull=True, organisation_id__in=organisations)
        | Q(school_id__in=[school.pk for school in schools]),
        archived_at__isnull=True).exclude(key=""))
    shipped = {row.key: row for row in rows if row.school_id is None
               and row.organisation_id is None}
    trust: dict[tuple[int, str], RecordType] = {
        (row.organisation_id, row.key): row for row in rows
        if row.school_id is None and row.organisation_id is not None}
    own = {(row.school_id, row.key): row for row in rows if row.school_id is not None}
    result: dict[int, dict[str, RecordType]] = {}
    for school in schools:
        result[school.pk] = {
            key: own.get((school.pk, key)) or trust.get((school.organisation_id or 0, key))
            or row for key, row in shipped.items()}
    return result


def _leavers(ids: list[int], *, today: date) -> list[tuple[int, str, date, int]]:
    """(school id, kind, leaving date, how many) of the people who have left: those still in
    Schoolkeep and those Schoolkeep has erased (their tombstone keeps the kind and the date,
    no name), since the school's own files of them are not erased with Schoolkeep's row.
    Two queries for any number of schools."""
    rows = list(Person.objects.filter(school_id__in=ids, leaving_date__lte=today)
                .values("school_id", "kind", "leaving_date").annotate(n=Count("pk"))
                .values_list("school_id", "kind", "leaving_date", "n").order_by())
    rows += list(Tombstone.objects.filter(school_id__in=ids, subject_type=PERSON_LABEL,
                                          event_on__lte=today)
                 .values("school_id", "person_kind", "event_on").annotate(n=Count("pk"))
                 .values_list("school_id", "person_kind", "event_on", "n").order_by())
    return [(school_id, kind, left_on, count) for school_id, kind, left_on, count in rows
            if left_on is not None]


def due_groups(school_ids: Sequence[int], *, today: date) -> dict[int, list[DueGroup]]:
    """{school id: the groups due for destruction}, oldest first."""
    schools = _schools(school_ids)
    if not schools:
        return {}
    ids = [school.pk for school in schools]
    by_id = {school.pk: school for school in schools}
    in_force = _in_force(schools, Q(key__in=list(KNOWN)))
    links = (AssetRecordType.objects
             .filter(asset__school_id__in=ids, asset__archived_at__isnull=True,
                     record_type__key__in=list(KNOWN))
             .values_list("asset_id", "asset__school_id", "asset__public_id", "asset__name",
                          "asset__owner_person__user_id", "asset__owner_person__leaving_date",
                          "record_type__key").distinct())
    destroyed = {(asset_id, key): records_to for asset_id, key, records_to in (
        Destruction.objects.filter(school_id__in=ids, asset__isnull=False,
                                   record_type__key__in=list(KNOWN),
                                   records_to__isnull=False)
        .values("asset_id", "record_type__key").annotate(last=Max("records_to"))
        .values_list("asset_id", "record_type__key", "last"))}
    leavers: dict[int, list[tuple[str, date, int]]] = defaultdict(list)
    for school_id, kind, left_on, count in _leavers(ids, today=today):
        leavers[school_id].append((kind, left_on, count))
    result: dict[int, list[DueGroup]] = defaultdict(list)
    for (asset_id, school_id, public_id, name, owner_user, owner_left, key) in links:
        school = by_id[school_id]
        record_type = in_force[school_id][key]
        cutoff = latest_event_on(record_type, today, school=school)
        after = destroyed.get((asset_id, key))
        kinds = KNOWN[key]
        dates = [(left_on, count) for kind, left_on, count in leavers[school_id]
                 if (kinds is None or kind in kinds) and left_on <= cutoff
                 and (after is None or left_on > after)]
        if not dates:
            continue
        earliest = min(left_on for left_on, _count in dates)
        owner = owner_user if owner_user and (owner_left is None or owner_left > today) \
            else None
        result[school_id].append(DueGroup(
            school_id=school_id, asset_id=asset_id, asset_public_id=public_id,
            asset_name=name, owner_user_id=owner, record_type=record_type,
            records_from=earliest, records_to=cutoff,
            count=sum(count for _left_on, count in dates),
            due_on=retention_ends_on(record_type, earliest, school=school)
            + timedelta(days=1)))
    for groups in result.values():
        groups.sort(key=lambda group: (group.due_on, group.asset_name.lower(),
                                       group.record_type.name))
    return dict(result)


def reviews_due(school_ids: Sequence[int], *, until: date) -> dict[int, list[ReviewDue]]:
    """{school id: the record types linked to a current asset whose yearly review falls due
    before ``until``}: 12 months after the last review, or, never reviewed, 12 months after
    the first current asset holding them was added."""
    schools = _schools(school_ids)
    if not schools:
        return {}
    ids = [school.pk for school in schools]
    in_force = _in_force(schools, Q())
    linked = (AssetRecordType.objects
              .filter(asset__school_id__in=ids, asset__archived_at__isnull=True,
                      record_type__schoolkeep_own=False)
              .values("asset__school_id", "record_type__key", "record_type_id")
              .annotate(first=Min("asset__created_at"))
              .values_list("asset__school_id", "record_type__key", "record_type_id", "first")
              .order_by())
    reviewed: dict[tuple[int, str | int], date] = {}
    for school_id, key, record_type_id, last in (
            RecordTypeReview.objects.filter(school_id__in=ids)
            .values("school_id", "key", "record_type_id").annotate(last=Max("reviewed_on"))
            .values_list("school_id", "key", "record_type_id", "last").order_by()):
        ident: str | int = key or record_type_id
        reviewed[(school_id, ident)] = max(last, reviewed.get((school_id, ident), last))
    own_rows = {row.pk: row for row in RecordType.objects.filter(
        pk__in={record_type_id for _s, key, record_type_id, _f in linked if not key},
        archived_at__isnull=True)} if any(not key for _s, key, _r, _f in linked) else {}
    firsts: dict[tuple[int, str | int], datetime] = {}
    for school_id, key, record_type_id, first in linked:
        ident = key or record_type_id
        held = firsts.get((school_id, ident))
        firsts[(school_id, ident)] = first if held is None else min(held, first)
    result: dict[int, list[ReviewDue]] = defaultdict(list)
    for (school_id, ident), first in firsts.items():
        row = (in_force[school_id].get(ident) if isinstance(ident, str)
               else own_rows.get(ident))
        if row is None:
            continue
        last = reviewed.get((school_id, ident))
        start = last if last is not None else first.date()
        due_on = add_months(start, REVIEW_EVERY_MONTHS)
        if due_on < until:
            result[school_id].append(ReviewDue(school_id, row, last, due_on))
    for items in result.values():
        items.sort(key=lambda item: (item.due_on, item.record_type.name.lower()))
    return dict(result)
