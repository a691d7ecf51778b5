"""When each backup set last had a successful check: what the 3-2-1 rule, the duties and the
pages read.

A set recorded by the school counts its people's checks (``BackupCheck`` with the outcome
"succeeded"). A set kept by the install (Schoolkeep's nightly archive and its copy folder)
counts the install's nightly runs: a run is recorded as good only when its archive was
verified and copied, so both sets share the last good run's day.

Three queries whatever the number of schools and sets.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db.models import Max
from django.utils import timezone

from schoolkeep.backups.models import BackupRun
from schoolkeep.continuity.models import BackupCheck, BackupSet


def last_install_success() -> date | None:
    """The local day of the install's last good nightly run, or None."""
    finished = (BackupRun.objects.filter(ok=True, finished_at__isnull=False)
                .order_by("-finished_at").values_list("finished_at", flat=True).first())
    return timezone.localdate(finished) if finished is not None else None


def last_success_by_set(school_ids: Sequence[int]) -> dict[int, date]:
    """{backup set id: the day of its last successful check} for the sets of these schools
    that have one (retired sets included; callers leave them out)."""
    ids = list(school_ids)
    if not ids:
        return {}
    found: dict[int, date] = dict(
        BackupCheck.objects.filter(school_id__in=ids, outcome=BackupCheck.Outcome.SUCCEEDED)
        .order_by().values("backup_set_id").annotate(last=Max("checked_on"))
        .values_list("backup_set_id", "last"))
    install_day = last_install_success()
    if install_day is not None:
        for set_id in (BackupSet.objects.filter(school_id__in=ids).exclude(install_copy="")
                       .values_list("pk", flat=True)):
            found[set_id] = max(found.get(set_id, install_day), install_day)
    return found
