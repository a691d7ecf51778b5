"""What the jobs app erases when a person is erased (``privacy.erasure``).

A finished job the person started goes with its file now, and so does every finished job
of the school of a kind whose file lists people (people lists and the Single Central Record,
the asset register with its owners, the audit trail, imports of people, parents, users and
loans...): it may hold their data. Other finished jobs are left to the day's clean-up
(``jobs_clean_up``); a running job is left to finish. The jobs left lose the link to their
user and their name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    delete_files,
    names_of,
    unset,
    users_of,
)
from schoolkeep.jobs.models import Job
from schoolkeep.privacy.erasure.registry import register_provider

# Kinds (by their start) of jobs whose file may hold people's data.
PEOPLE_DATA_KINDS = ("people.", "assets.export", "assets.import.", "audit.",
                     "incidents.breach_log.", "agreements.letters", "agreements.parents_import.",
                     "access.user_list.", "training.import.", "equipment.import.",
                     "compliance.governor_pack", "disposals.")


def _holding_people(user_ids: list[int]) -> Q:
    found = Q(created_by_id__in=user_ids) if user_ids else Q(pk__in=[])
    for prefix in PEOPLE_DATA_KINDS:
        found |= Q(kind__startswith=prefix)
    return found


class JobsErasure(PersonDataOnly):
    name = "jobs"
    covers = frozenset({"jobs.job"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        from schoolkeep.jobs.services import jobs_dir

        user_ids = users_of(person_ids)
        finished = Job.objects.filter(_holding_people(user_ids), school=school,
                                      finished_at__isnull=False)
        files = [n for n in finished.values_list("stored_name", flat=True) if n]
        count = finished.delete()[0]
        if files:  # the files go once the rows are gone for good
            folder = jobs_dir()
            transaction.on_commit(lambda: delete_files(folder, files))
        jobs = Job.objects.filter(school=school)
        count += unset([(jobs, "created_by_id")], user_ids)
        count += blank_labels([(jobs, "created_by_label")], names_of(person_ids))
        return count


def register() -> None:
    register_provider(JobsErasure())
