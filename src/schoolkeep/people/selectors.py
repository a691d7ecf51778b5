"""Reads of people: lists, a person's page, the settings of the record."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from schoolkeep.people.models import CertificateCopy, Check, PeopleSettings, Person, PersonKind
from schoolkeep.privacy.schedule import keys
from schoolkeep.privacy.schedule.models import RecordType
from schoolkeep.privacy.schedule.rules import latest_event_on
from schoolkeep.privacy.schedule.selectors import effective_record_type
from schoolkeep.tenancy.models import School, Site
from schoolkeep.tenancy.selectors import get_for_school_or_404

CURRENT = "current"
LEAVERS = "leavers"
ALL = "all"
STATUSES = (CURRENT, LEAVERS, ALL)


def people_settings_for(school: School) -> PeopleSettings:
    """The school's settings for its record, created with the defaults when missing."""
    settings, _ = PeopleSettings.objects.get_or_create(school=school)
    return settings


def people_settings_or_default(school: School) -> PeopleSettings:
    """The school's settings, or unsaved defaults when it has none (for reads: no write)."""
    found = PeopleSettings.objects.filter(school=school).first()
    return found if found is not None else PeopleSettings(school=school)


def current_q(today: date, prefix: str = "") -> Q:
    """People who have not left by ``today``: they leave the current list on their leaving
    date."""
    return Q(**{f"{prefix}leaving_date__isnull": True}) | Q(**{f"{prefix}leaving_date__gt": today})


def leavers_q(today: date, cutoff: date, prefix: str = "") -> Q:
    """Leavers still in the archive: left on or before ``today`` and after ``cutoff`` (those
    who left on or before it are past the schedule's period: ``leaver_cutoff``)."""
    return Q(**{f"{prefix}leaving_date__lte": today, f"{prefix}leaving_date__gt": cutoff})


def leaver_retention(school: School) -> RecordType:
    """How long Schoolkeep keeps a leaver's record: the retention schedule's
    ``OWN_LEAVERS`` type in force at the school (its own, its trust's or the starting one),
    which the people settings' "keep leavers for N years" became."""
    return effective_record_type(school, keys.OWN_LEAVERS)


def leaver_cutoff(school: School, today: date) -> date:
    """The latest leaving date whose period has ended by ``today`` (one query)."""
    return latest_event_on(leaver_retention(school), today, school=school)


def _people_matching(*, school: School, search: str, kind: str, site: Site | int | None,
                     status: str, today: date | None, search_details: bool) -> QuerySet[Person]:
    if status not in STATUSES:
        raise ValueError(f"Unknown status {status!r}")
    today = today or timezone.localdate()
    people = Person.objects.filter(school=school)
    if status == CURRENT:
        people = people.filter(current_q(today))
    elif status == LEAVERS:
        people = people.filter(leavers_q(today, leaver_cutoff(school, today)))
    search = " ".join(search.split())
    if search:
        condition = (Q(name_key__contains=search.lower()) | Q(preferred_name__icontains=search)
                     | Q(job_title__icontains=search))
        if search_details:
            condition |= Q(email__iexact=search) | Q(staff_number__iexact=search)
        people = people.filter(condition)
    if kind:
        people = people.filter(kind=kind)
    if site is not None:
        people = people.filter(sites=site)
    return people.order_by("name_key", "pk")


def person_list(
    *,
    school: School,
    search: str = "",
    kind: str = "",
    site: Site | int | None = None,
    status: str = CURRENT,
    today: date | None = None,
    search_details: bool = True,
) -> QuerySet[Person]:
    """The school's people, by name, with their sites (two queries to read; three when
    listing leavers, which reads the retention period).

    ``status``: "current" (not left by today), "leavers" (left, within the school's retention
    period) or "all". ``search_details``: also search e-mail and staff number (only for
    members who may see them).
    """
    people = _people_matching(school=school, search=search, kind=kind, site=site,
                              status=status, today=today, search_details=search_details)
    return people.prefetch_related(Prefetch("sites", queryset=Site.objects.order_by("name")))


PERSON_ROW_FIELDS = ("pk", "public_id", "full_name", "preferred_name", "kind", "job_title",
                     "staff_number", "start_date", "leaving_date")
KIND_LABELS = dict(PersonKind.choices)


@dataclass(frozen=True, slots=True)
class PersonRow:
    """A person as the people list shows them: values, not a model (the list's page read 50
    models, each decrypting a date of birth it never shows, and a manager per person for
    their sites)."""

    pk: int
    public_id: UUID
    full_name: str
    preferred_name: str
    kind: str
    job_title: str
    staff_number: str
    start_date: date | None
    leaving_date: date | None
    sites: tuple[str, ...]  # the names of the person's sites, in order

    @classmethod
    def from_values(cls, values: Sequence[Any], sites: tuple[str, ...]) -> PersonRow:
        """From the values of ``PERSON_ROW_FIELDS``, in that order."""
        return cls(*values, sites=sites)  # type: ignore[misc]

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.full_name

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


def person_list_page(*, school: School, search: str = "", kind: str = "",
                     site: Site | int | None = None, status: str = CURRENT,
                     today: date | None = None, search_details: bool = True,
                     page: int | str | None = 1, per_page: int = 50) -> Page:
    """One page of ``person_list`` as ``PersonRow`` (three queries: the count, the people,
    their sites; four when listing leavers)."""
    people = _people_matching(school=school, search=search, kind=kind, site=site,
                              status=status, today=today, search_details=search_details)
    found = Paginator(people.values_list(*PERSON_ROW_FIELDS), per_page).get_page(page)
    values = list(found.object_list)
    sites: dict[int, list[str]] = {}
    if values:
        for person_id, name in Person.sites.through.objects.filter(
                person_id__in=[row[0] for row in values]).order_by(
                "site__name", "site_id").values_list("person_id", "site__name"):
            sites.setdefault(person_id, []).append(name)
    found.object_list = [PersonRow.from_values(row, tuple(sites.get(row[0], ())))
                         for row in values]
    return found


def person_for_page(*, school: School, public_id: UUID | str) -> Person:
    """One person of the school with everything their page shows; another school's: 404."""
    queryset = Person.objects.select_related("user").prefetch_related(
        Prefetch("sites", queryset=Site.objects.order_by("name")),
        Prefetch("checks", queryset=Check.objects.prefetch_related(
            Prefetch("copies", queryset=CertificateCopy.objects.order_by("-uploaded_at")))),
        "overrides",
    )
    return get_for_school_or_404(queryset, school=school, public_id=public_id)


def person_for_user(*, school: School, user: Any) -> Person | None:
    """The person record linked to this user's account in this school, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(school=school, user=user).first()


def own_person_id(*, school: School, user: Any) -> UUID | None:
    """The public id of ``person_for_user``'s record (the list's link to it), read alone:
    not a model whose date of birth is decrypted on every page of the list."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Person.objects.filter(school=school, user=user).values_list(
        "public_id", flat=True).first()


def copy_for_school(*, school: School, public_id: UUID | str) -> CertificateCopy:
    """A certificate copy of the school with its check and person; another school's: 404."""
    queryset = CertificateCopy.objects.select_related("check_record__person")
    return get_for_school_or_404(queryset, school=school, public_id=public_id)
