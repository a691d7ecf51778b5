"""What the training app erases when a person is erased (``privacy.erasure``): their
training records and the certificates uploaded with them; their name leaves the labels of
the records they confirmed or entered for others."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction

from schoolkeep.accounts.erasure import (
    PersonDataOnly,
    blank_labels,
    delete_files,
    names_of,
    person_subject,
)
from schoolkeep.privacy.erasure.registry import register_provider
from schoolkeep.training.models import TrainingRecord


class TrainingErasure(PersonDataOnly):
    name = "training"
    covers = frozenset({"training.trainingrecord"})

    def erase_person_data(self, school: Any, person_ids: list[int], *, now: datetime) -> int:
        from schoolkeep.lib import uploads
        from schoolkeep.training.records.services import FOLDER

        theirs = TrainingRecord.objects.filter(person_id__in=person_ids)
        files = [n for n in theirs.values_list("certificate_stored_name", flat=True) if n]
        count = theirs.delete()[0]
        if files:  # the files go once the rows are gone for good
            folder = uploads.uploads_dir(FOLDER)
            transaction.on_commit(lambda: delete_files(folder, files))
        records = TrainingRecord.objects.filter(school=school)
        count += blank_labels([(records, "confirmed_by_label"), (records, "recorded_by_label")],
                              names_of(person_ids))
        return count


def register() -> None:
    from schoolkeep.audit.subjects import register_subject

    register_provider(TrainingErasure())
    register_subject("training.trainingrecord", person_subject())
