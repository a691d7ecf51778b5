"""Duties of the school's suppliers (module ``processors``), computed when read. Every duty
falls to the DPO (to the SIRO when the school has none, as the duties layer resolves roles).

- ``processors.agreement-missing``: a current system that holds personal data (one of the
  kinds that always do, such as the MIS or CCTV, or linked to a current asset recording
  personal data) with no supplier recorded, or whose processor has no agreement on file.
  UK GDPR Article 28(3) requires the contract before the processor handles the data, so it
  is due the day the system was added.
- ``processors.agreement-review``: a current supplier's agreement whose review or expiry date
  has come. Due on that date.
- ``processors.certification-expired``: a current supplier's Cyber Essentials or ISO 27001
  certificate that expires. Due on its expiry date (one duty per certificate).
- ``processors.review-due``: a current supplier's yearly review, due a year after the last
  one (never reviewed: a year after it was recorded; one recorded before Schoolkeep tracked
  agreements, at once).

Titles name the supplier or the system, never a person. Queries: two for any number of
schools (the suppliers; the systems with what is linked to them, as EXISTS columns); the
counts are the statuses of the same duties.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from schoolkeep.assets.models import Asset
from schoolkeep.duties.registry import register as register_provider
from schoolkeep.duties.types import Duty, DutyCounts, is_before_horizon, local_date, status_for
from schoolkeep.systems.models import System
from schoolkeep.tenancy.roles import Role

from .models import Processor, ProcessorRole
from .selectors import review_due_on

MODULE = "processors"
MISSING = f"{MODULE}.agreement-missing"
AGREEMENT_REVIEW = f"{MODULE}.agreement-review"
CERTIFICATE = f"{MODULE}.certification-expired"
REVIEW = f"{MODULE}.review-due"

# Systems of these kinds hold personal data whatever the register links to them.
PERSONAL_DATA_KINDS = frozenset({
    System.Kind.MIS, System.Kind.FINANCE, System.Kind.IDENTITY, System.Kind.SAFEGUARDING,
    System.Kind.FILE_TRANSFER, System.Kind.BACKUP, System.Kind.LEARNING_PLATFORM,
    System.Kind.MESSAGING, System.Kind.CCTV,
})
CERTIFICATES = (("ce", "Cyber Essentials", "cyber_essentials_expires_on"),
                ("iso", "ISO 27001", "iso27001_expires_on"))


def personal_data_asset() -> Q:
    """A current asset of the register that records personal data."""
    return Q(archived_at__isnull=True) & (
        ~Q(personal_data="") | Q(special_category_data=True) | Q(children_data=True)
        | ~Q(data_subjects=[]))


def systems_missing_agreements(school_ids: Sequence[int]) -> list[System]:
    """Current systems holding personal data with no current supplier, or with a current
    processor whose agreement is not on file. Each has ``waiting_processor``: the public id
    of that processor (the first by name), or None when no supplier is recorded. ONE query
    for any number of schools."""
    links = Processor.systems.through.objects.filter(
        system_id=OuterRef("pk"), processor__archived_at__isnull=True)
    waiting = links.filter(processor__role=ProcessorRole.PROCESSOR,
                           processor__agreement_on_file=False)
    asset_rows = Asset.objects.filter(personal_data_asset(), systems=OuterRef("pk"))
    return list(
        System.objects.filter(school_id__in=list(school_ids), archived_at__isnull=True)
        .filter(Q(kind__in=PERSONAL_DATA_KINDS) | Q(Exists(asset_rows)))
        .filter(~Q(Exists(links)) | Q(Exists(waiting)))
        .annotate(waiting_processor=Subquery(
            waiting.order_by("processor__name_key", "processor_id")
            .values("processor__public_id")[:1]))
        .order_by("school_id", "created_at", "pk"))


def missing_agreement_link(system: System) -> tuple[str, str]:
    """Where the duty of a system with no agreement leads, and what it asks: the agreement
    page of its processor already recorded, else the add form filled in from the system."""
    waiting = getattr(system, "waiting_processor", None)
    if waiting:
        return (reverse("processors:processor-agreement", args=[waiting]),
                "Upload the signed agreement")
    return (reverse("processors:processor-add") + "?" + urlencode({"system": system.public_id}),
            "Record the supplier and its agreement")


class ProcessorDuties:
    module = MODULE
    label = "Suppliers and their agreements"
    view_permission = "processors.view"
    kind_labels = {MISSING: "Systems with no supplier's agreement on file",
                   AGREEMENT_REVIEW: "Suppliers' agreements to review",
                   CERTIFICATE: "Suppliers' certificates expired",
                   REVIEW: "Suppliers' yearly reviews"}

    def _duty(self, *, kind: str, key: str, school_id: int, title: str, subject: str,
              due: date, now: datetime, url: str, action: str) -> Duty:
        return Duty(key=f"{kind}:{key}", module=MODULE, title=title, subject=subject,
                    due_at=due, status=status_for(due, now), url=url,
                    permission="processors.manage",
                    oversight_url=reverse("processors:processor-list"),
                    oversight_permission="processors.view", owner_role=Role.DPO.value,
                    action=action, school_id=school_id)

    def _duties(self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
                ) -> dict[int, list[Duty]]:
        ids = sorted(set(school_ids))
        found: dict[int, list[Duty]] = defaultdict(list)
        if not ids:
            return found
        for system in systems_missing_agreements(ids):
            due = local_date(system.created_at)
            url, action = missing_agreement_link(system)
            found[system.school_id].append(self._duty(
                kind=MISSING, key=str(system.public_id), school_id=system.school_id,
                title=f"Record the agreement with the supplier of {system.name}",
                subject=f"{system.name}: it holds personal data, and no supplier's "
                        "agreement is on file", due=due, now=now, url=url, action=action))
        for processor in Processor.objects.filter(school_id__in=ids,
                                                  archived_at__isnull=True).order_by("pk"):
            for duty in self._processor_duties(processor, now=now):
                if is_before_horizon(duty.due_at, horizon):
                    found[processor.school_id].append(duty)
        return found

    def _processor_duties(self, processor: Processor, *, now: datetime) -> list[Duty]:
        name, key, school_id = processor.name, str(processor.public_id), processor.school_id
        duties = []
        if processor.agreement_review_on is not None:
            duties.append(self._duty(
                kind=AGREEMENT_REVIEW, key=key, school_id=school_id,
                title=f"Review the agreement with {name}",
                subject=f"{name}: its agreement's review or expiry date",
                due=processor.agreement_review_on, now=now,
                url=reverse("processors:processor-agreement", args=[processor.public_id]),
                action="Upload the renewed agreement"))
        held = {"ce": bool(processor.cyber_essentials), "iso": processor.iso27001}
        for code, label, field in CERTIFICATES:
            expires = getattr(processor, field)
            if held[code] and expires is not None:
                duties.append(self._duty(
                    kind=CERTIFICATE, key=f"{key}:{code}", school_id=school_id,
                    title=f"{name}'s {label} certificate expires",
                    subject=f"{name}: ask for its renewed {label} certificate",
                    due=expires, now=now,
                    url=reverse("processors:processor-edit", args=[processor.public_id]),
                    action="Record the renewed certificate"))
        duties.append(self._duty(
            kind=REVIEW, key=key, school_id=school_id, title=f"Review the supplier {name}",
            subject=f"{name}: the yearly check of its agreement, where it keeps the data and "
                    "its security", due=review_due_on(processor), now=now,
            url=reverse("processors:processor-review", args=[processor.public_id]),
            action="Record the yearly review"))
        return duties

    def counts(self, school_ids: Sequence[int], *, now: datetime, horizon: datetime
               ) -> dict[int, DutyCounts]:
        return {school_id: sum((DutyCounts.of(d.status) for d in duties), DutyCounts())
                for school_id, duties in self._duties(school_ids, now=now,
                                                      horizon=horizon).items()}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return sorted(self._duties([school_id], now=now, horizon=horizon).get(school_id, []),
                      key=Duty.sort_key)


provider = ProcessorDuties()


def register() -> None:
    register_provider(provider)
