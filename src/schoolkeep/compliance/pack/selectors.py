"""Reads of the governor packs: a school's packs (newest term first) and one pack."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from schoolkeep.compliance.models import GovernorPack
from schoolkeep.compliance.pack.services import STALE_AFTER
from schoolkeep.jobs.models import Job
from schoolkeep.tenancy.models import School
from schoolkeep.tenancy.selectors import get_for_school_or_404


def pack_list(school: School) -> QuerySet[GovernorPack]:
    """The school's packs, newest term first, with their jobs (one query)."""
    return (GovernorPack.objects.filter(school=school).select_related("job")
            .defer("figures").order_by("-term_starts_on", "-created_at"))


def pack_for_school_or_404(school: School, public_id: UUID | str) -> GovernorPack:
    return get_for_school_or_404(GovernorPack.objects.select_related("job"), school=school,
                                 public_id=public_id)


def shown_status(pack: GovernorPack, *, now: datetime | None = None) -> str:
    """The pack's status as its page shows it: a pack still queued or being built whose job
    failed or was interrupted, or that has no job (its row removed a day after it stopped)
    and was asked for over ``services.STALE_AFTER`` (an hour) ago, is "failed" (not built),
    even before anything marks the pack itself (reading changes nothing)."""
    if pack.status not in (GovernorPack.Status.QUEUED, GovernorPack.Status.BUILDING):
        return pack.status
    job = pack.job
    if job is None:
        moment = now or timezone.now()
        if pack.created_at < moment - STALE_AFTER:
            return GovernorPack.Status.FAILED
        return pack.status
    if job.status in (Job.Status.FAILED, Job.Status.INTERRUPTED):
        return GovernorPack.Status.FAILED
    return pack.status
