"""Reads of the school's processors and other controllers.

``agreement_states`` is what the registers show in place of the old "DPA on file" tick: for
each system or asset, the state of the agreement with the organisation that handles its data
(in one query, whatever the number of rows). ``processors_for_record`` feeds the Article 30
record of processing.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Value
from django.urls import reverse
from django.utils import timezone

from schoolkeep.assets.models import Asset, OutsideOrganisation
from schoolkeep.duties.types import local_date
from schoolkeep.lib.text import fold, tidy
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

from .models import Processor, ProcessorRole

# The columns of a processor an agreement state is made of, read through a join.
_FIELDS = ("public_id", "name", "role", "agreement_on_file", "agreement_review_on",
           "cyber_essentials", "cyber_essentials_expires_on", "iso27001",
           "iso27001_expires_on", "transfer_mechanism")


@dataclass(frozen=True)
class AgreementState:
    processor_public_id: uuid.UUID
    processor_name: str
    role: str
    on_file: bool
    review_on: date | None
    expired_certification: bool
    transfer_mechanism: str
    url: str

    @property
    def role_label(self) -> str:
        return ProcessorRole(self.role).label

    def review_past(self, today: date) -> bool:
        return self.review_on is not None and self.review_on < today


def certification_expired(*, cyber_essentials: str, cyber_essentials_expires_on: date | None,
                          iso27001: bool, iso27001_expires_on: date | None,
                          today: date) -> bool:
    """A certificate the supplier relies on whose expiry date has passed."""
    return bool(
        (cyber_essentials and cyber_essentials_expires_on
         and cyber_essentials_expires_on < today)
        or (iso27001 and iso27001_expires_on and iso27001_expires_on < today))


def processor_url(public_id: uuid.UUID) -> str:
    return reverse("processors:processor-detail", args=[public_id])


def agreement_states(
    *, system_ids: Iterable[int] = (), asset_ids: Iterable[int] = (),
    today: date | None = None,
) -> dict[tuple[str, int], AgreementState | None]:
    """For each system and asset asked for (keyed ``("system", id)`` or ``("asset", id)``,
    as ``dpias.selectors.dpia_summaries``), the agreement with the organisation that handles
    its data, or None when no current processor or controller is linked.

    A system's organisations are the ones linked to it; an asset's are its outside owner's and
    its systems'. When several are linked, the one that most needs attention is shown (a
    processor before a controller, then no agreement, an agreement past review, an expired
    certificate), so the register never hides a gap behind a record in order. One query."""
    system_ids = list(system_ids)
    asset_ids = list(asset_ids)
    today = today or timezone.localdate()
    result: dict[tuple[str, int], AgreementState | None] = {
        **{("system", pk): None for pk in system_ids},
        **{("asset", pk): None for pk in asset_ids},
    }
    if not system_ids and not asset_ids:
        return result
    rows: list[tuple] = []
    for part in _link_queries(system_ids, asset_ids):
        rows.extend(part)
    candidates: dict[tuple[str, int], list[tuple]] = {}
    for kind, object_id, *fields in rows:
        candidates.setdefault((kind, object_id), []).append(tuple(fields))
    for key, linked in candidates.items():
        states = {_state(fields, today) for fields in linked}
        result[key] = min(states, key=lambda state: _attention_order(state, today))
    return result


def _link_queries(system_ids: list[int], asset_ids: list[int]) -> list[QuerySet]:
    """The (kind, object id, processor fields...) rows, as one UNION query. Every column is
    a named annotation, so that each branch lists them in the same order."""
    through = Processor.systems.through
    parts = []

    def columns(queryset: QuerySet, kind: str, object_id: str, prefix: str) -> QuerySet:
        named = {f"p_{name}": F(f"{prefix}{name}") for name in _FIELDS}
        return queryset.order_by().annotate(
            kind=Value(kind), object_id=F(object_id), **named,
        ).values_list("kind", "object_id", *named)

    if system_ids:
        parts.append(columns(through.objects.filter(
            system_id__in=system_ids, processor__archived_at__isnull=True),
            "system", "system_id", "processor__"))
    if asset_ids:
        parts.append(columns(Asset.systems.through.objects.filter(
            asset_id__in=asset_ids, system__processors__isnull=False,
            system__processors__archived_at__isnull=True),
            "asset", "asset_id", "system__processors__"))
        parts.append(columns(Asset.objects.filter(
            id__in=asset_ids, owner_organisation__processors__isnull=False,
            owner_organisation__processors__archived_at__isnull=True),
            "asset", "id", "owner_organisation__processors__"))
    first, *rest = parts
    return [first.union(*rest, all=True) if rest else first]


def _state(fields: tuple, today: date) -> AgreementState:
    (public_id, name, role, on_file, review_on, cyber_essentials, ce_expires, iso27001,
     iso_expires, mechanism) = fields
    if not isinstance(public_id, uuid.UUID):  # a UNION on SQLite returns the stored text
        public_id = uuid.UUID(str(public_id))
    return AgreementState(
        processor_public_id=public_id, processor_name=name, role=role, on_file=bool(on_file),
        review_on=_as_date(review_on),
        expired_certification=certification_expired(
            cyber_essentials=cyber_essentials, cyber_essentials_expires_on=_as_date(ce_expires),
            iso27001=bool(iso27001), iso27001_expires_on=_as_date(iso_expires), today=today),
        transfer_mechanism=mechanism or "", url=processor_url(public_id))


def _as_date(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _attention_order(state: AgreementState, today: date) -> tuple:
    return (state.role != ProcessorRole.PROCESSOR, state.on_file, not state.review_past(today),
            not state.expired_certification, state.processor_name.casefold(),
            str(state.processor_public_id))


def processors_for_record(school: School) -> list[Processor]:
    """Every current processor and controller of the school, by name, with its systems, for
    the Article 30 record of processing (recipients, the agreement and the transfer
    mechanism). Two queries."""
    return list(Processor.objects.filter(school=school, archived_at__isnull=True)
                .prefetch_related("systems").order_by("name_key", "id"))


# ---------------------------------------------------------------------------- the list


REVIEW_EVERY_DAYS = 365
NAME_KEY_LENGTH = 200  # Processor.name_key's max_length


def name_key(name: str) -> str:
    """The key a supplier's name is compared by: folded, cut to the column's length (as the
    slot 0003 cut the keys it made), so a name that grows when folded ("ß" → "ss") fits."""
    return fold(name)[:NAME_KEY_LENGTH]


def review_cutoff(today: date) -> date:
    """A supplier last reviewed (or, never reviewed, recorded) on or before this day is due
    its yearly review."""
    return today - timedelta(days=REVIEW_EVERY_DAYS)


def review_due_on(processor: Processor) -> date:
    """When a supplier's yearly review falls due: a year after the last one; never reviewed,
    a year after it was recorded; recorded before Schoolkeep tracked agreements (legacy)
    and never reviewed, at once. The list, the page's reasons and the duty all use this."""
    if processor.last_reviewed_on is not None:
        return processor.last_reviewed_on + timedelta(days=REVIEW_EVERY_DAYS)
    recorded = local_date(processor.created_at)
    return recorded if processor.legacy else recorded + timedelta(days=REVIEW_EVERY_DAYS)


def review_due_q(today: date) -> Q:
    """``review_due_on(processor) <= today``, in SQL."""
    cutoff = review_cutoff(today)
    # Recorded on or before the cutoff day, in the school's time zone.
    recorded_by = timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))
    never = Q(last_reviewed_on__isnull=True)
    return (Q(last_reviewed_on__lte=cutoff) | (never & Q(legacy=True))
            | (never & Q(created_at__lt=recorded_by)))


def needs_attention_q(today: date) -> Q:
    """What the list's "needs attention" filter looks for, in SQL: a processor with no
    agreement on file; an agreement past its review date; an expired certificate; the yearly
    review due (``review_due_on``)."""
    return (
        Q(role=ProcessorRole.PROCESSOR, agreement_on_file=False)
        | Q(agreement_review_on__lt=today)
        | Q(cyber_essentials__gt="", cyber_essentials_expires_on__lt=today)
        | Q(iso27001=True, iso27001_expires_on__lt=today)
        | review_due_q(today)
    )


def processor_list(*, school: School, role: str = "", attention: bool = False,
                   include_archived: bool = False, today: date | None = None
                   ) -> QuerySet[Processor]:
    """The school's suppliers by name, with the number of systems each provides."""
    today = today or timezone.localdate()
    rows = Processor.objects.filter(school=school)
    if not include_archived:
        rows = rows.filter(archived_at__isnull=True)
    if role:
        rows = rows.filter(role=role)
    if attention:
        rows = rows.filter(needs_attention_q(today))
    return rows.annotate(system_count=Count("systems", distinct=True)).order_by("name_key", "id")


def attention_reasons(processor: Processor, today: date) -> list[str]:
    """Why a supplier needs attention, in plain words (none: in order)."""
    reasons = []
    if processor.role == ProcessorRole.PROCESSOR and not processor.agreement_on_file:
        reasons.append("No agreement on file")
    if processor.agreement_review_on and processor.agreement_review_on < today:
        reasons.append("Agreement past its review date")
    if certification_expired(
            cyber_essentials=processor.cyber_essentials,
            cyber_essentials_expires_on=processor.cyber_essentials_expires_on,
            iso27001=processor.iso27001, iso27001_expires_on=processor.iso27001_expires_on,
            today=today):
        reasons.append("Certificate expired")
    if review_due_on(processor) <= today:
        reasons.append("Yearly review due")
    return reasons


@dataclass(frozen=True)
class Suggestion:
    """An organisation the registers name that is not yet recorded as a supplier."""

    name: str
    source: str  # "organisation" (an asset's outside owner) or "supplier" (a system's)
    organisation: OutsideOrganisation | None
    systems: tuple[System, ...]

    @property
    def key(self) -> str:
        if self.organisation is not None:
            return f"organisation:{self.organisation.public_id}"
        return f"supplier:{fold(self.name)}"

    @property
    def source_label(self) -> str:
        if self.organisation is not None:
            return "Owns information assets in the register"
        names = ", ".join(system.name for system in self.systems)
        return f"Supplies {names}"


def suggestions(*, school: School) -> list[Suggestion]:
    """The register's outside organisations and the systems' suppliers not yet recorded as
    current suppliers, by name. Left out: a name already recorded, an organisation already
    linked to a supplier (whatever it was renamed to), and a system's supplier whose
    systems are all linked to a supplier already (or who is such an organisation). A
    supplier's suggestion brings only its systems not linked yet. Three queries."""
    taken: set[str] = set()
    linked_organisations: set[int] = set()
    for key, organisation_id in Processor.objects.filter(
            school=school, archived_at__isnull=True).values_list(
            "name_key", "outside_organisation_id"):
        taken.add(key)
        if organisation_id is not None:
            linked_organisations.add(organisation_id)
    by_name: dict[str, Suggestion] = {}
    for organisation in OutsideOrganisation.objects.filter(school=school).order_by("name_key"):
        key = name_key(organisation.name)
        if organisation.pk in linked_organisations:
            taken.add(key)  # its name in the systems' suppliers is the same organisation
        elif key not in taken:
            by_name[key] = Suggestion(organisation.name, "organisation", organisation, ())
    links = Processor.systems.through.objects.filter(system_id=OuterRef("pk"),
                                                     processor__archived_at__isnull=True)
    supplied: dict[str, list[System]] = {}
    for system in System.objects.filter(
            school=school, archived_at__isnull=True).exclude(supplier="").exclude(
            Exists(links)).order_by("name_key", "id"):
        supplied.setdefault(name_key(system.supplier), []).append(system)
    for key, systems in supplied.items():
        if key in taken:
            continue
        known = by_name.get(key)
        by_name[key] = Suggestion(known.name if known else tidy(systems[0].supplier),
                                  "supplier", known.organisation if known else None,
                                  tuple(systems))
    return [by_name[key] for key in sorted(by_name)]


def suggestion_for(*, school: School, key: str) -> Suggestion | None:
    return next((found for found in suggestions(school=school) if found.key == key), None)
