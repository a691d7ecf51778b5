"""Reads of parents: the list with each parent's signing state, and one parent."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import BooleanField, Q, QuerySet, Value
from django.utils import timezone

from schoolkeep.agreements.aups import audience
from schoolkeep.agreements.aups.models import Audience, Aup, Parent
from schoolkeep.lib.text import fold
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404

SIGNED = "signed"
NOT_SIGNED = "not_signed"


def parents_aup(school: School) -> Aup | None:
    """The school's AUP for parents, or None when it has none yet."""
    return Aup.objects.filter(school=school, audience=Audience.PARENTS).first()


def parent_list(*, school: School, search: str = "", state: str = "",
                aup: Aup | None = None, today: date | None = None) -> QuerySet[Any]:
    """The school's parents (not archived) by name, each annotated with ``has_signed`` (the
    parents' AUP's current signatures; False for all while it is unpublished). One query for
    a page of any length, one for its count."""
    if aup is not None and aup.is_published:
        parents = audience.signers(aup=aup, today=today or timezone.localdate())
    else:
        parents = Parent.objects.filter(school=school, archived_at__isnull=True).annotate(
            has_signed=Value(False, output_field=BooleanField()))
    search = " ".join(search.split())
    if search:
        parents = parents.filter(Q(name_key__contains=fold(search))
                                 | Q(email_key__contains=search.lower())
                                 | Q(classes__icontains=search))
    if state == SIGNED:
        parents = parents.filter(has_signed=True)
    elif state == NOT_SIGNED:
        parents = parents.filter(has_signed=False)
    return parents.order_by("name_key", "pk")


def parent_for_school(*, school: School, public_id: UUID | str) -> Parent:
    """One parent of the school; another school's is a 404."""
    return get_for_school_or_404(Parent, school=school, public_id=public_id)
