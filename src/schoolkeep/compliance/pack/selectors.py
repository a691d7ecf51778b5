"""Reads of the governor packs: a school's packs (newest term first) and one pack."""

from __future__ import annotations

from uuid import UUID

from django.db.models import QuerySet

from schoolkeep.compliance.models import GovernorPack
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


def shown_status(pack: GovernorPack) -> str:
    """The pack's status as its page shows it: a pack whose job failed or whose worker
    stopped is "failed", even before anything marks the pack itself (reading changes
    nothing)."""
    job = pack.job
    stopped = (Job.Status.FAILED, Job.Status.INTERRUPTED)
    if pack.status in (GovernorPack.Status.QUEUED, GovernorPack.Status.BUILDING) \
            and job is not None and job.status in stopped:
        return GovernorPack.Status.FAILED
    return pack.status
