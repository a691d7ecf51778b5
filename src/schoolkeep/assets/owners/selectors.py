"""What the page of owners to choose reads: the assets that need an owner, a page at a time,
and the owners that can be chosen, each under a name that tells it apart."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from schoolkeep.assets.models import Asset, AssetGroup, OutsideOrganisation
from schoolkeep.people.models import Person, PersonKind
from schoolkeep.tenancy.models import School


def needing_owners(school: School, *, today: date,
                   group: AssetGroup | None = None) -> QuerySet[Asset]:
    """The school's current assets that need an owner, as the ``owner-missing`` duty counts
    them (nobody, a name not yet matched, or an owner whose leaving date has come), in the
    register's order."""
    assets = (Asset.objects.filter(school=school, archived_at__isnull=True)
              .filter(Q(owner_person__isnull=True, owner_organisation__isnull=True)
                      | Q(owner_person__leaving_date__lte=today))
              .select_related("group", "owner_person")
              .only("public_id", "name", "version", "owner_unmatched", "group__name",
                    "group__position", "owner_person__full_name",
                    "owner_person__leaving_date")
              .order_by("group__position", "group__name_key", "name_key", "pk"))
    return assets.filter(group=group) if group is not None else assets


def why(asset: Asset) -> str:
    """Why the asset needs an owner, in words."""
    if asset.owner_person is not None:
        return f"{asset.owner_person.full_name} has left the school"
    if asset.owner_unmatched:
        return f"“{asset.owner_unmatched}” is not yet matched to a person or organisation"
    return "No owner"


@dataclass(frozen=True)
class Owner:
    """An owner that can be chosen, under the name the page's list offers."""

    label: str
    person: Person | None = None
    organisation: OutsideOrganisation | None = None


KIND_LABELS = dict(PersonKind.choices)


def owner_options(school: School, *, today: date) -> list[Owner]:
    """The school's people still at the school and its outside organisations, by name; two
    people of one name are told apart by their job (or kind), then by a number."""
    people = list(Person.objects.filter(school=school)
                  .filter(Q(leaving_date__isnull=True) | Q(leaving_date__gt=today))
                  .only("public_id", "school_id", "full_name", "job_title", "kind")
                  .order_by("name_key", "pk"))
    names = Counter(person.full_name.casefold() for person in people)
    labels = [person.full_name if names[person.full_name.casefold()] == 1 else
              f"{person.full_name} ({person.job_title or KIND_LABELS.get(person.kind, '')})"
              for person in people]
    again = Counter(label.casefold() for label in labels)
    seen: Counter[str] = Counter()
    options = []
    for person, label in zip(people, labels, strict=True):
        if again[label.casefold()] > 1:
            seen[label.casefold()] += 1
            label = f"{label} {seen[label.casefold()]}"
        options.append(Owner(label, person=person))
    options += [Owner(f"{organisation.name} (outside organisation)", organisation=organisation)
                for organisation in OutsideOrganisation.objects.filter(school=school)
                .only("public_id", "school_id", "name").order_by("name_key", "pk")]
    return options
