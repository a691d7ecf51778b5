"""The erasure page and the DPO's holds: who sees what, the form's errors, another school's
hold, and a query count that does not grow with the rows."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.people.models import Person
from schoolkeep.privacy.erasure.models import ErasureHold, HoldReason
from schoolkeep.privacy.erasure.services import hold_add, hold_release
from schoolkeep.privacy.tests.erasure_support import (  # noqa: F401
    make_leaver,
    only_people,
    years_ago,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("only_people")]
LIST = reverse("erasure:erasure-list")
ADD = reverse("erasure:hold-add")


def test_the_page_lists_what_is_due_and_what_waits_without_names(
        personas: Personas, login: Any) -> None:
    make_leaver(personas.school, name="Due Person", left=years_ago(9))
    held = make_leaver(personas.school, name="Held Person")
    hold_add(school=personas.school, actor=personas.dpo, person=held,
             reason=HoldReason.ALLEGATION, note="Case LADO-7")
    html = login(personas.iao).get(LIST).content.decode()
    assert "A leaver who left on" in html and "Erased at the next nightly run" in html
    assert "Held by the DPO: an allegation about a member of staff." in html
    assert "Due Person" not in html and "Held Person" not in html
    assert "The DPO has 1 hold in force" in html and "LADO-7" not in html


def test_the_dpo_sees_whose_erasure_is_held_and_releases_it(
        personas: Personas, login: Any) -> None:
    held = make_leaver(personas.school, name="Held Person")
    hold = hold_add(school=personas.school, actor=personas.dpo, person=held,
                    reason=HoldReason.REQUEST, note="SAR-2026-004")
    client = login(personas.dpo)
    html = client.get(LIST).content.decode()
    assert "Held Person" in html and "SAR-2026-004" in html
    response = client.post(reverse("erasure:hold-release", args=[hold.public_id]))
    assert response.status_code == 302
    hold.refresh_from_db()
    assert hold.released_at is not None
    event = AuditEvent.objects.get(action="erasure.hold-released")
    assert "Held Person" not in event.target_label


def test_the_hold_form_names_the_field_at_fault(personas: Personas, login: Any) -> None:
    client = login(personas.dpo)
    response = client.post(ADD, {"reason": "weather"})
    errors = response.context["form"].errors
    assert set(errors) == {"person", "reason"}
    assert errors["person"] == ["Choose the person"]
    theirs = make_leaver(personas.other_school, name="Other School Person")
    response = client.post(ADD, {"person": str(theirs.public_id), "reason": "litigation"})
    assert response.context["form"].errors["person"] == ["Choose a person from the list"]
    ours = make_leaver(personas.school)
    response = client.post(ADD, {"person": str(ours.public_id), "reason": "litigation",
                                 "until_0": "1", "until_1": "1", "until_2": "2020"})
    assert "until" in response.context["form"].errors
    assert not ErasureHold.objects.exists()
    response = client.post(ADD, {"person": str(ours.public_id), "reason": "litigation",
                                 "note": "Claim 88"})
    assert response.status_code == 302
    hold = ErasureHold.objects.get()
    assert (hold.person_id, hold.note, hold.created_by_label) == (
        ours.pk, "Claim 88", str(personas.dpo))


def test_another_schools_hold_is_a_404(personas: Personas, login: Any) -> None:
    theirs = make_leaver(personas.other_school)
    hold = ErasureHold.objects.create(school=personas.other_school, person=theirs,
                                      reason=HoldReason.LITIGATION)
    response = login(personas.dpo).post(reverse("erasure:hold-release", args=[hold.public_id]))
    assert response.status_code == 404
    hold.refresh_from_db()
    assert hold.released_at is None


def test_the_services_refuse_what_is_not_allowed(personas: Personas) -> None:
    ours = make_leaver(personas.school)
    with pytest.raises(NotAllowed):
        hold_add(school=personas.school, actor=personas.siro, person=ours,
                 reason=HoldReason.LITIGATION)
    theirs = make_leaver(personas.other_school)
    with pytest.raises(DomainError) as caught:
        hold_add(school=personas.school, actor=personas.dpo, person=theirs,
                 reason=HoldReason.LITIGATION)
    assert caught.value.field == "person"
    hold = hold_add(school=personas.school, actor=None, person=ours, reason="litigation")
    hold_release(hold=hold, actor=None)
    with pytest.raises(DomainError, match="already been released"):
        hold_release(hold=hold, actor=None)


def test_the_page_s_query_count_does_not_grow(personas: Personas, login: Any,
                                              django_assert_num_queries: Any,
                                              steady_session: None) -> None:
    client = login(personas.dpo)

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            person = make_leaver(personas.school, name=f"Leaver {n:02}",
                                 left=years_ago(7, days=n))
            if n % 3 == 0:
                ErasureHold.objects.create(school=personas.school, person=person,
                                           reason=HoldReason.LITIGATION)

    grow(0, 3)
    client.get(LIST)  # the session's first request may write
    with CaptureQueriesContext(connection) as few:
        assert client.get(LIST).status_code == 200
    grow(3, 37)
    with django_assert_num_queries(len(few)):
        html = client.get(LIST).content.decode()
    assert "Leaver 39" in html
    assert Person.objects.filter(school=personas.school).count() == 40
