"""A person being erased leaves the destruction log's entries they recorded, did or
witnessed: the entry stays (the school's proof), their name goes; another's name stays."""

from __future__ import annotations

from datetime import date

import pytest

from schoolkeep.privacy.destruction.models import Destruction
from schoolkeep.privacy.destruction.services import destruction_record
from schoolkeep.privacy.erasure.registry import provider
from schoolkeep.privacy.tests.providers_support import LEAVER_NAME, erase, make_person

pytestmark = pytest.mark.django_db


def test_an_erased_persons_name_leaves_the_log(personas) -> None:
    school = personas.school
    leaver = make_person(school)
    assert provider("privacy.destruction") is not None  # registered when Django starts
    theirs = destruction_record(
        school=school, actor=None, description="Leavers' files shredded",
        method="shredding", destroyed_on=date(2026, 3, 1), destroyed_by_label=LEAVER_NAME,
        witnessed_by_label=LEAVER_NAME)
    kept = destruction_record(
        school=school, actor=None, description="Old registers shredded", method="shredding",
        destroyed_on=date(2026, 3, 2), destroyed_by_label="Kept Colleague",
        witnessed_by_label="Office manager")
    # Recorded by them (as the service labels a user: their name).
    Destruction.objects.filter(pk=theirs.pk).update(recorded_by_label=LEAVER_NAME)
    other = destruction_record(
        school=personas.other_school, actor=None, description="Theirs", method="shredding",
        destroyed_on=date(2026, 3, 3), destroyed_by_label=LEAVER_NAME)

    assert erase("privacy.destruction", school, leaver) == 3

    theirs.refresh_from_db()
    assert (theirs.recorded_by_label, theirs.destroyed_by_label,
            theirs.witnessed_by_label) == ("", "", "")
    assert theirs.description == "Leavers' files shredded"  # the entry itself stays
    kept.refresh_from_db()
    assert (kept.destroyed_by_label, kept.witnessed_by_label) == (
        "Kept Colleague", "Office manager")
    assert Destruction.objects.get(pk=other.pk).destroyed_by_label == LEAVER_NAME
    assert not Destruction.objects.filter(school=school, destroyed_by_label=LEAVER_NAME,
                                          ).exists()
