"""Reads of the digital housekeeping campaigns: who a launch would ask (the audience), the
school's campaigns with their figures, completion per group (kind of person, site), the
people who have not confirmed (a page at a time), and a member's own open confirmations.

Every figure is an SQL aggregate: a campaign's page costs the same few queries whether 3 or
3,000 people were asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from schoolkeep.housekeeping.models import Campaign, Confirmation
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.people.selectors import current_q
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.selectors import get_for_school_or_404

# "All staff": every kind of person who works at the school (not governors, trustees or
# members, whose housekeeping the school does not ask for unless chosen).
STAFF_KINDS = ("teaching", "support", "agency", "contractor", "volunteer")
KIND_LABELS = dict(PersonKind.choices)
NO_SITE = "No site recorded"


def audience(*, school: Any, today: date, kinds: Sequence[str] = (),
             site_ids: Sequence[int] = (), label_ids: Sequence[int] = ()) -> QuerySet[Person]:
    """The people a campaign asks: of these kinds (none: every staff kind), not left by
    ``today``, at any of these sites (none: any), whose linked account's membership of the
    school holds any of these access labels (none: anyone)."""
    people = Person.objects.filter(current_q(today), school=school,
                                   kind__in=list(kinds or STAFF_KINDS))
    if site_ids:
        people = people.filter(Exists(Person.sites.through.objects.filter(
            person_id=OuterRef("pk"), site_id__in=list(site_ids))))
    if label_ids:
        holders = Membership.objects.filter(
            school=school, user_id=OuterRef("user_id"), is_active=True,
            access_labels__in=list(label_ids))
        people = people.filter(user__isnull=False).filter(Exists(holders))
    return people.order_by("name_key", "pk")


def campaign_list(*, school: Any) -> QuerySet[Campaign]:
    """The school's campaigns, newest first, each with ``asked`` and ``confirmed`` counted
    in the same query."""
    return (Campaign.objects.filter(school=school)
            .annotate(asked=Count("confirmations"),
                      confirmed=Count("confirmations",
                                      filter=Q(confirmations__confirmed_at__isnull=False)))
            .order_by("-launched_at", "-id"))


def campaign_for_page(*, school: Any, public_id: UUID | str) -> Campaign:
    """One campaign of the school; another school's: 404."""
    return get_for_school_or_404(Campaign, school=school, public_id=public_id)


@dataclass(frozen=True)
class Group:
    label: str
    asked: int
    confirmed: int

    @property
    def percent(self) -> int:
        return round(100 * self.confirmed / self.asked) if self.asked else 0

    def as_dict(self) -> dict[str, Any]:
        return {"label": self.label, "asked": self.asked, "confirmed": self.confirmed}


@dataclass(frozen=True)
class Figures:
    asked: int
    confirmed: int
    by_kind: list[Group]
    by_site: list[Group]

    @property
    def percent(self) -> int:
        return round(100 * self.confirmed / self.asked) if self.asked else 0

    def as_dict(self) -> dict[str, Any]:
        return {"asked": self.asked, "confirmed": self.confirmed,
                "groups": [{"group": "kind", **g.as_dict()} for g in self.by_kind]
                + [{"group": "site", **g.as_dict()} for g in self.by_site]}


def _counted(rows: QuerySet[Any]) -> QuerySet[Any]:
    return rows.annotate(asked=Count("pk", distinct=True),
                         confirmed=Count("pk", distinct=True,
                                         filter=Q(confirmed_at__isnull=False)))


def campaign_figures(campaign: Campaign) -> Figures:
    """Asked and confirmed overall, per kind of person and per site (a person at two sites
    counts at both; one with none under "No site recorded"): three aggregate queries."""
    mine = Confirmation.objects.filter(campaign=campaign).order_by()
    total = mine.aggregate(asked=Count("pk"),
                           confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)))
    kinds = _counted(mine.values("person__kind")).order_by("person__kind")
    sites = _counted(mine.values("person__sites__name")).order_by("person__sites__name")
    by_kind = [Group(KIND_LABELS.get(row["person__kind"], row["person__kind"]),
                     row["asked"], row["confirmed"]) for row in kinds]
    by_site = [Group(row["person__sites__name"] or NO_SITE, row["asked"], row["confirmed"])
               for row in sites]
    by_site.sort(key=lambda group: (group.label == NO_SITE, group.label))
    return Figures(total["asked"], total["confirmed"], by_kind, by_site)


def figures_of(campaign: Campaign) -> Figures:
    """A closed campaign's kept figures (they never change), an open one's as they are."""
    if campaign.closed_at is None or not campaign.figures:
        return campaign_figures(campaign)
    kept = campaign.figures
    groups = kept.get("groups", [])
    return Figures(kept.get("asked", 0), kept.get("confirmed", 0),
                   [Group(g["label"], g["asked"], g["confirmed"]) for g in groups
                    if g.get("group") == "kind"],
                   [Group(g["label"], g["asked"], g["confirmed"]) for g in groups
                    if g.get("group") == "site"])


def pending(campaign: Campaign) -> QuerySet[Confirmation]:
    """Who has not confirmed, by name, with their person."""
    return (Confirmation.objects.filter(campaign=campaign, confirmed_at__isnull=True)
            .select_related("person").order_by("person__name_key", "pk"))


def confirmed(campaign: Campaign) -> QuerySet[Confirmation]:
    return (Confirmation.objects.filter(campaign=campaign, confirmed_at__isnull=False)
            .select_related("person").order_by("-confirmed_at", "pk"))


def page_of(rows: QuerySet[Confirmation], number: Any, per_page: int = 50) -> Page:
    """One page of confirmations (two queries: the count and the rows)."""
    return Paginator(rows, per_page).get_page(number)


def my_confirmation(*, schools: Sequence[Any], user: Any,
                    public_id: UUID | str) -> Confirmation:
    """The member's own confirmation (through their person record) in any of ``schools``
    (those they may confirm in: an e-mail's link may be for a school other than the one
    they are looking at); anyone else's, or a school not theirs: 404."""
    ids = [getattr(school, "pk", school) for school in schools]
    found = (Confirmation.objects.select_related("campaign", "person", "school")
             .filter(person__user=user, school_id__in=ids, public_id=public_id).first())
    if found is None:
        raise Http404("Not found")
    return found


def my_open_confirmations(*, school: Any, user: Any) -> list[Confirmation]:
    """The member's confirmations still to give in the school's open campaigns."""
    return list(Confirmation.objects.filter(
        school=school, person__user=user, confirmed_at__isnull=True,
        campaign__closed_at__isnull=True).select_related("campaign")
        .order_by("campaign__closes_on", "pk"))
