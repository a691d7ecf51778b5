"""The searches part's services: the checklist made from the asset register, assigning and
recording searches, and the schedule of items, with their rules and their audit events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.utils import timezone
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.assets.models import Asset, DataSubject
from schoolkeep.assets.services import asset_archive, asset_create, group_get_or_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.inforequests.models import Kind, ScheduleItem, SearchTask, SubjectType
from schoolkeep.inforequests.searches.selectors import open_tasks_for, searches_context
from schoolkeep.inforequests.searches.services import (
    item_add,
    item_remove,
    item_update,
    place_for,
    search_add,
    search_assign,
    search_record,
    searches_generate,
)
from schoolkeep.lib.errors import DomainError, NotAllowed
from schoolkeep.systems.services import system_create

pytestmark = pytest.mark.django_db


def asset(personas: Personas, name: str, subjects: list[str], **fields: Any) -> Asset:
    group = group_get_or_create(school=personas.school, name="Records", actor=None)
    return asset_create(school=personas.school, actor=None, group=group, name=name,
                        data_subjects=subjects, **fields)


def register(personas: Personas) -> dict[str, Asset]:
    """A small register: CPOMS and the pupil records (pupils), the e-mail archive (pupils,
    parents and staff), the payroll (staff only), and an archived pupil asset."""
    cpoms = system_create(school=personas.school, actor=None, name="CPOMS")
    sims = system_create(school=personas.school, actor=None, name="SIMS")
    mail = system_create(school=personas.school, actor=None, name="Microsoft 365")
    old = asset(personas, "Old reading records", [DataSubject.PUPILS])
    asset_archive(asset=old, actor=None)
    return {
        "safeguarding": asset(personas, "Safeguarding records", [DataSubject.PUPILS],
                              systems=[cpoms]),
        "pupil_records": asset(personas, "Pupil records", [DataSubject.PUPILS],
                               systems=[sims, cpoms]),
        "email": asset(personas, "E-mail archive", [DataSubject.PUPILS, DataSubject.PARENTS,
                                                    DataSubject.STAFF], systems=[mail]),
        "payroll": asset(personas, "Payroll", [DataSubject.STAFF]),
        "archived": old,
    }


def test_the_checklist_of_a_request_about_a_pupil_lists_the_pupils_assets(
        personas: Personas) -> None:
    assets = register(personas)
    request = make_request(personas)
    added = searches_generate(school=personas.school, actor=personas.dpo, request=request)
    places = sorted(task.place for task in added)
    assert places == ["E-mail archive (in Microsoft 365)", "Pupil records (in CPOMS, SIMS)",
                      "Safeguarding records (in CPOMS)"]
    by_asset = {task.asset_id: task for task in added}
    assert assets["payroll"].pk not in by_asset  # a staff-only asset is not searched
    assert assets["archived"].pk not in by_asset
    one = by_asset[assets["safeguarding"].pk].system
    assert one is not None and one.name == "CPOMS"  # its one system
    assert by_asset[assets["pupil_records"].pk].system is None  # two systems: in the place
    event = AuditEvent.objects.filter(action="requests.search.generated").get()
    assert event.target_label == request.reference
    assert event.changes["places_added"]["after"] == 3


def test_making_the_checklist_again_adds_only_what_is_missing(personas: Personas) -> None:
    register(personas)
    request = make_request(personas)
    searches_generate(school=personas.school, actor=personas.dpo, request=request)
    assert searches_generate(school=personas.school, actor=personas.dpo, request=request) == []
    asset(personas, "Behaviour log", [DataSubject.PUPILS])
    again = searches_generate(school=personas.school, actor=personas.dpo, request=request)
    assert [task.place for task in again] == ["Behaviour log"]
    assert SearchTask.objects.filter(request=request).count() == 4
    assert AuditEvent.objects.filter(action="requests.search.generated").count() == 2


def test_a_request_about_staff_lists_the_staff_assets(personas: Personas) -> None:
    register(personas)
    request = make_request(personas, subject_type=SubjectType.FORMER_STAFF,
                           subject_name="Fay Former")
    added = searches_generate(school=personas.school, actor=personas.dpo, request=request)
    assert sorted(task.place for task in added) == ["E-mail archive (in Microsoft 365)",
                                                     "Payroll"]


def test_a_freedom_of_information_request_lists_every_current_asset(
        personas: Personas) -> None:
    register(personas)
    request = make_request(personas, kind=Kind.FOI, subject_type="", subject_name="",
                           requester_type="public")
    added = searches_generate(school=personas.school, actor=personas.dpo, request=request)
    assert len(added) == 4


def test_only_a_handler_makes_the_checklist(personas: Personas) -> None:
    register(personas)
    request = make_request(personas)
    for user in (personas.staff, personas.auditor, personas.outsider):
        with pytest.raises(NotAllowed):
            searches_generate(school=personas.school, actor=user, request=request)
    request.hidden_from.add(personas.dpo)
    with pytest.raises(NotAllowed):
        searches_generate(school=personas.school, actor=personas.dpo, request=request)
    assert not SearchTask.objects.exists()


def test_a_long_place_names_the_systems_that_fit() -> None:
    class Named:
        def __init__(self, name: str) -> None:
            self.name = name

    systems: list[Any] = [Named(f"System {n}") for n in range(10)]
    place = place_for(cast(Asset, Named("A" * 150)), systems)
    assert len(place) <= 200 and place.endswith("more)")


def test_a_place_typed_in_is_added(personas: Personas) -> None:
    request = make_request(personas)
    with pytest.raises(DomainError) as refused:
        search_add(school=personas.school, actor=personas.dpo, request=request, place=" ")
    assert refused.value.field == "place"
    task = search_add(school=personas.school, actor=personas.dpo, request=request,
                      place="The head's paper file")
    assert task.place == "The head's paper file" and task.state == SearchTask.State.OPEN
    other = system_create(school=personas.other_school, actor=None, name="Theirs")
    with pytest.raises(DomainError) as refused:
        search_add(school=personas.school, actor=personas.dpo, request=request, system=other)
    assert refused.value.field == "system"


def _task(personas: Personas, request: Any) -> SearchTask:
    return search_add(school=personas.school, actor=None, request=request,
                      place="Class teacher's notes")


def test_assigning_makes_the_search_the_members_open_task(personas: Personas) -> None:
    request = make_request(personas)
    task = _task(personas, request)
    due = timezone.localdate() + timedelta(days=7)
    search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                  assignee=personas.it_lead, due_on=due)
    assert list(open_tasks_for(school=personas.school, user=personas.it_lead)) == [task]
    assert not open_tasks_for(school=personas.school, user=personas.staff).exists()
    assert not open_tasks_for(school=personas.other_school, user=personas.it_lead).exists()
    event = AuditEvent.objects.filter(action="requests.search.assigned").get()
    assert event.changes["due_on"]["after"] == due.isoformat()
    request.hidden_from.add(personas.it_lead)
    assert not open_tasks_for(school=personas.school, user=personas.it_lead).exists()


def test_a_search_is_asked_only_of_a_member_who_may_search(personas: Personas) -> None:
    request = make_request(personas)
    task = _task(personas, request)
    due = timezone.localdate() + timedelta(days=7)
    request.hidden_from.add(personas.dsl)
    for member in (personas.auditor, personas.outsider, personas.dsl):
        with pytest.raises(DomainError) as refused:
            search_assign(school=personas.school, actor=personas.dpo, request=request,
                          task=task, assignee=member, due_on=due)
        assert refused.value.field == "assignee"
    with pytest.raises(DomainError) as refused:
        search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                      assignee=personas.staff, due_on=None)
    assert refused.value.field == "due_on"
    with pytest.raises(NotAllowed):
        search_assign(school=personas.school, actor=personas.staff, request=request,
                      task=task, assignee=personas.staff, due_on=due)


def test_the_assignee_records_the_search_and_it_leaves_their_tasks(
        personas: Personas) -> None:
    request = make_request(personas)
    task = _task(personas, request)
    search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                  assignee=personas.staff, due_on=timezone.localdate())
    with pytest.raises(NotAllowed):
        search_record(school=personas.school, actor=personas.it_lead, task=task,
                      state=SearchTask.State.FOUND, searched_on=timezone.localdate())
    recorded = search_record(school=personas.school, actor=personas.staff, task=task,
                             state=SearchTask.State.FOUND, searched_on=timezone.localdate(),
                             note="Two letters in the blue folder")
    assert recorded.searched_by == personas.staff
    assert not open_tasks_for(school=personas.school, user=personas.staff).exists()
    event = AuditEvent.objects.filter(action="requests.search.recorded").get()
    assert "blue folder" not in str(event.changes)
    with pytest.raises(DomainError, match="recorded already"):
        search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                      assignee=personas.it_lead, due_on=timezone.localdate())


def test_a_search_not_needed_says_why_and_a_search_is_not_in_the_future(
        personas: Personas) -> None:
    request = make_request(personas)
    task = _task(personas, request)
    with pytest.raises(DomainError) as refused:
        search_record(school=personas.school, actor=personas.dpo, task=task,
                      state=SearchTask.State.NOT_NEEDED, searched_on=None)
    assert refused.value.field == "note"
    with pytest.raises(DomainError) as refused:
        search_record(school=personas.school, actor=personas.dpo, task=task,
                      state=SearchTask.State.NOTHING,
                      searched_on=timezone.localdate() + timedelta(days=1))
    assert refused.value.field == "searched_on"
    with pytest.raises(DomainError) as refused:
        search_record(school=personas.school, actor=personas.dpo, task=task,
                      state=SearchTask.State.NOTHING, searched_on=None)
    assert refused.value.field == "searched_on"
    done = search_record(school=personas.school, actor=personas.dpo, task=task,
                         state=SearchTask.State.NOT_NEEDED, searched_on=None,
                         note="Sam was never in that class")
    assert done.state == SearchTask.State.NOT_NEEDED


def test_the_schedule_numbers_items_and_needs_an_exemption_to_withhold(
        personas: Personas) -> None:
    request = make_request(personas)
    task = _task(personas, request)
    first = item_add(school=personas.school, actor=personas.dpo, request=request,
                     description="Attendance record 2025 to 2026", decision="disclosed",
                     exemption="third_party", search=task)
    assert (first.number, first.source, first.exemption) == (1, task.place, "")
    with pytest.raises(DomainError) as refused:
        item_add(school=personas.school, actor=personas.dpo, request=request, source="CPOMS",
                 description="Referral to social care", decision="withheld")
    assert refused.value.field == "exemption"
    with pytest.raises(DomainError) as refused:
        item_add(school=personas.school, actor=personas.dpo, request=request, source="CPOMS",
                 description="Referral", decision="withheld", exemption="foi_s43")
    assert refused.value.field == "exemption"  # an FOI exemption on a subject access request
    with pytest.raises(DomainError) as refused:
        item_add(school=personas.school, actor=personas.dpo, request=request, source="E-mail",
                 description="E-mail from a parent", decision="redacted",
                 exemption="third_party")
    assert refused.value.field == "redactions"
    second = item_add(school=personas.school, actor=personas.dpo, request=request,
                      source="CPOMS", description="Referral to social care",
                      decision="withheld", exemption="safeguarding")
    third = item_add(school=personas.school, actor=personas.dpo, request=request,
                     source="E-mail", description="E-mail from another parent",
                     decision="redacted", exemption="third_party",
                     redactions="The other parent's name and address")
    assert (second.number, third.number) == (2, 3)
    item_remove(school=personas.school, actor=personas.dpo, request=request, item=second)
    fourth = item_add(school=personas.school, actor=personas.dpo, request=request,
                      source="SIMS", description="Reports", decision="disclosed")
    assert fourth.number == 4
    assert list(ScheduleItem.objects.filter(request=request).values_list("number", flat=True)
                ) == [1, 3, 4]
    changed = item_update(school=personas.school, actor=personas.dpo, request=request,
                          item=third, source="E-mail", description="E-mail from a parent",
                          decision="withheld", exemption="third_party")
    assert changed.number == 3 and changed.decision == "withheld"
    events = AuditEvent.objects.filter(action__startswith="requests.item.")
    assert {event.action for event in events} == {"requests.item.added",
                                                  "requests.item.changed",
                                                  "requests.item.removed"}
    for event in events:
        assert event.target_label == request.reference
        assert "parent" not in str(event.changes) and "social care" not in str(event.changes)


def test_an_item_of_another_request_is_refused(personas: Personas) -> None:
    request = make_request(personas)
    other = make_request(personas)
    item = item_add(school=personas.school, actor=None, request=other, source="SIMS",
                    description="Reports", decision="disclosed")
    with pytest.raises(NotAllowed):
        item_remove(school=personas.school, actor=personas.dpo, request=request, item=item)
    with pytest.raises(NotAllowed):
        item_add(school=personas.other_school, actor=None, request=request, source="SIMS",
                 description="Reports", decision="disclosed")


def test_the_request_page_context_takes_four_queries(
        personas: Personas, django_assert_num_queries: Any) -> None:
    request = make_request(personas)
    for n in range(5):
        task = search_add(school=personas.school, actor=None, request=request,
                          place=f"Place {n}")
        search_assign(school=personas.school, actor=None, request=request, task=task,
                      assignee=personas.staff if n % 2 else personas.it_lead,
                      due_on=timezone.localdate())
        item_add(school=personas.school, actor=None, request=request, source=f"Place {n}",
                 description="A letter", decision="withheld" if n == 0 else "disclosed",
                 exemption="references" if n == 0 else "")
    with django_assert_num_queries(4):
        context = searches_context(request, user=personas.staff)
        assert context["search_counts"].total == 5
        assert context["search_counts"].assigned_open == 5
        assert len(context["my_search_ids"]) == 2
        assert (context["schedule_counts"].total, context["schedule_counts"].withheld) == (5, 1)
        assert {str(task.assignee) for task in context["search_tasks"]} == {
            str(personas.staff), str(personas.it_lead)}
