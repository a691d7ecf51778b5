"""What the jobs app erases when a person is erased (``privacy.erasure``).

An export made before the erasure (a people list, the Single Central Record) may hold the
person's data, and nothing says which: every finished job of the school goes with its file
now rather than at the day's clean-up (``jobs_clean_up``); a running job is left to finish.
Jobs of theirs at other schools lose the link to their user and their name.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

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


class JobsErasure(PersonDataOnly):
    name = "jobs"
    covers = frozenset({"jobs.job"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        from schoolkeep.jobs.services import jobs_dir

        finished = Job.objects.filter(school=school, finished_at__isnull=False)
        files = [n for n in finished.values_list("stored_name", flat=True) if n]
        count = finished.delete()[0]
        if files:  # the files go once the rows are gone for good
            folder = jobs_dir()
            transaction.on_commit(lambda: delete_files(folder, files))
        jobs = Job.objects.filter(school=school)
        count += unset([(jobs, "created_by_id")], users_of(person_ids))
        count += blank_labels([(jobs, "created_by_label")], names_of(person_ids))
        return count


def register() -> None:
    register_provider(JobsErasure())
