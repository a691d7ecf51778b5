"""The searches part's services: the checklist made from the asset register, assigning and
recording searches, and the schedule of items, with their rules and their audit events."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.factories import MembershipFactory, UserFactory
from tests.matrix_parts.requests_intake import make_request
from tests.personas import Personas

from schoolkeep.assets.models import Asset, DataSubject
from schoolkeep.assets.services import asset_archive, asset_create, group_get_or_create
from schoolkeep.audit.models import AuditEvent
from schoolkeep.audit.services import CHANGED
from schoolkeep.inforequests.models import (
    Exemption,
    Kind,
    Request,
    ScheduleItem,
    SearchTask,
    SubjectType,
)
from schoolkeep.inforequests.progress.services import request_respond, request_withdraw
from schoolkeep.inforequests.searches.forms import exemption_choices
from schoolkeep.inforequests.searches.selectors import (
    open_tasks_for,
    searches_context,
    subject_words,
)
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
from schoolkeep.systems.services import system_archive, system_create
from schoolkeep.tenancy.roles import Role

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


# ---------------------------------------------------------------------------- members told apart


def _namesake(personas: Personas, of: Any, role: Role = Role.STAFF) -> Any:
    """Another member of the school with the same full name as ``of``."""
    user = UserFactory(email=f"namesake.{role.value}@oakfield.example", full_name=of.full_name)
    MembershipFactory(user=user, school=personas.school, roles=[role])
    assert str(user) == str(of)
    return user


def _events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_a_search_asked_again_of_a_namesake_goes_to_the_namesake(personas: Personas) -> None:
    request = make_request(personas)
    task = _task(personas, request)
    namesake = _namesake(personas, personas.staff)
    due = timezone.localdate() + timedelta(days=7)
    search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                  assignee=personas.staff, due_on=due)
    moved = search_assign(school=personas.school, actor=personas.dpo, request=request,
                          task=task, assignee=namesake, due_on=due)
    task.refresh_from_db()
    assert moved.assignee_id == task.assignee_id == namesake.pk
    assert list(open_tasks_for(school=personas.school, user=namesake)) == [task]
    assert not open_tasks_for(school=personas.school, user=personas.staff).exists()
    last = _events("requests.search.assigned")[-1]
    assert last.changes["assignee_id"] == {"before": str(personas.staff.public_id),
                                           "after": str(namesake.public_id)}
    assert last.changes["assignee"]["after"] == str(namesake)  # members are named
    # Asked again of the same member by the same date: nothing to record.
    search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                  assignee=namesake, due_on=due)
    assert len(_events("requests.search.assigned")) == 2


def test_a_search_recorded_again_by_another_member_says_who_recorded_it(
        personas: Personas) -> None:
    request = make_request(personas)
    task = _task(personas, request)
    namesake = _namesake(personas, personas.staff, role=Role.DPO)
    today = timezone.localdate()
    search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                  assignee=personas.staff, due_on=today)
    values: dict[str, Any] = {"state": SearchTask.State.FOUND, "searched_on": today,
                              "note": "Two letters"}
    search_record(school=personas.school, actor=personas.staff, task=task, **values)
    again = search_record(school=personas.school, actor=namesake, task=task, **values)
    task.refresh_from_db()
    assert again.searched_by_id == task.searched_by_id == namesake.pk
    last = _events("requests.search.recorded")[-1]
    assert last.changes["searched_by_id"] == {"before": str(personas.staff.public_id),
                                              "after": str(namesake.public_id)}
    assert set(last.changes) == {"search", "searched_by", "searched_by_id"}


# ---------------------------------------------------------------------------- the history


def test_typed_places_and_sources_are_in_the_history_only_as_changed(
        personas: Personas) -> None:
    assets = register(personas)
    request = make_request(personas)
    searches_generate(school=personas.school, actor=personas.dpo, request=request)
    task = search_add(school=personas.school, actor=personas.dpo, request=request,
                      place="Mrs Hargreaves's desk drawer")
    today = timezone.localdate()
    search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                  assignee=personas.staff, due_on=today)
    search_record(school=personas.school, actor=personas.staff, task=task,
                  state=SearchTask.State.FOUND, searched_on=today, note="A letter")
    item = item_add(school=personas.school, actor=personas.dpo, request=request,
                    source="E-mail from Mr Okonkwo", description="A letter",
                    decision="disclosed")
    item_update(school=personas.school, actor=personas.dpo, request=request, item=item,
                source="Letter from Mr Okonkwo", description="A letter", decision="disclosed")
    item_remove(school=personas.school, actor=personas.dpo, request=request, item=item)
    events = AuditEvent.objects.filter(target_label=request.reference,
                                       action__regex=r"^requests\.(search|item)\.")
    assert events.count() == 7
    text = str([event.changes for event in events])
    for typed in ("Hargreaves", "Okonkwo", "Safeguarding records", "Microsoft 365"):
        assert typed not in text
    generated = AuditEvent.objects.get(action="requests.search.generated")
    assert sorted(generated.changes["assets"]["after"]) == sorted(
        str(assets[name].public_id) for name in ("safeguarding", "pupil_records", "email"))
    added = AuditEvent.objects.get(action="requests.search.added")
    assert added.changes["place"] == {"before": CHANGED, "after": CHANGED}
    assert added.changes["search"]["after"] == task.pk
    changed = AuditEvent.objects.get(action="requests.item.changed")
    assert changed.changes["source"] == {"before": CHANGED, "after": CHANGED}


# ---------------------------------------------------------------------------- closed requests


def _close(personas: Personas, request: Request, how: str) -> None:
    if how == "answered":
        request_respond(school=personas.school, actor=personas.dpo, request=request,
                        responded_on=timezone.localdate(), outcome="full",
                        response_channel="email")
    else:
        request_withdraw(school=personas.school, actor=personas.dpo, request=request,
                         withdrawn_on=timezone.localdate(), reason="The parent withdrew it")


@pytest.mark.parametrize("how", ["answered", "withdrawn"])
def test_an_answered_or_withdrawn_request_refuses_searches_and_schedule_changes(
        personas: Personas, how: str) -> None:
    register(personas)
    request = make_request(personas)
    task = _task(personas, request)
    today = timezone.localdate()
    search_assign(school=personas.school, actor=personas.dpo, request=request, task=task,
                  assignee=personas.staff, due_on=today)
    item = item_add(school=personas.school, actor=personas.dpo, request=request,
                    source="SIMS", description="Reports", decision="disclosed")
    _close(personas, request, how)
    school, dpo = personas.school, personas.dpo
    item_fields: dict[str, Any] = {"source": "SIMS", "description": "Reports",
                                   "decision": "disclosed"}
    writes = [
        lambda: searches_generate(school=school, actor=dpo, request=request),
        lambda: search_add(school=school, actor=dpo, request=request, place="Cupboard"),
        lambda: search_assign(school=school, actor=dpo, request=request, task=task,
                              assignee=personas.it_lead, due_on=today),
        lambda: search_record(school=school, actor=personas.staff, task=task,
                              state="nothing", searched_on=today),
        lambda: search_record(school=school, actor=dpo, task=task, state="nothing",
                              searched_on=today),
        lambda: item_add(school=school, actor=dpo, request=request, **item_fields),
        lambda: item_update(school=school, actor=dpo, request=request, item=item,
                            **{**item_fields, "description": "School reports"}),
        lambda: item_remove(school=school, actor=dpo, request=request, item=item),
    ]
    for write in writes:
        with pytest.raises(DomainError, match=f"was {how} on {today:%-d %B %Y}"):
            write()
    task.refresh_from_db()
    assert (task.state, task.assignee_id) == ("open", personas.staff.pk)
    assert SearchTask.objects.filter(request=request).count() == 1
    assert list(ScheduleItem.objects.filter(request=request)
                .values_list("description", flat=True)) == ["Reports"]


# ---------------------------------------------------------------------------- item numbers


def test_an_item_number_is_never_given_again_after_the_last_item_is_removed(
        personas: Personas) -> None:
    request = make_request(personas)

    def add() -> ScheduleItem:
        return item_add(school=personas.school, actor=personas.dpo, request=request,
                        source="SIMS", description="Reports", decision="disclosed")

    first, second = add(), add()
    item_remove(school=personas.school, actor=personas.dpo, request=request, item=second)
    third = add()
    assert third.number == 3
    item_remove(school=personas.school, actor=personas.dpo, request=request, item=third)
    item_remove(school=personas.school, actor=personas.dpo, request=request, item=first)
    assert add().number == 4
    request.refresh_from_db()
    assert request.last_item_number == 4


# ---------------------------------------------------------------------------- the checklist


def test_someone_else_is_looked_for_among_others_visitors_and_contractors(
        personas: Personas) -> None:
    asset(personas, "Visitor sign-in book", [DataSubject.VISITORS])
    asset(personas, "Contractor vetting", [DataSubject.CONTRACTORS])
    asset(personas, "Complaints log", [DataSubject.PARENTS, DataSubject.OTHERS])
    asset(personas, "Payroll", [DataSubject.STAFF])
    request = make_request(personas, subject_type=SubjectType.OTHER,
                           subject_name="Vic Visitor")
    added = searches_generate(school=personas.school, actor=personas.dpo, request=request)
    assert sorted(task.place for task in added) == ["Complaints log", "Contractor vetting",
                                                     "Visitor sign-in book"]
    assert subject_words(request) == "others, visitors or contractors and suppliers"


def test_an_archived_system_is_never_named_nor_linked_on_the_checklist(
        personas: Personas) -> None:
    sims = system_create(school=personas.school, actor=None, name="SIMS")
    old = system_create(school=personas.school, actor=None, name="Old MIS")
    gone = system_create(school=personas.school, actor=None, name="Retired tracker")
    records = asset(personas, "Pupil records", [DataSubject.PUPILS], systems=[sims, old])
    tracker = asset(personas, "Reading tracking", [DataSubject.PUPILS], systems=[gone])
    system_archive(system=old, actor=None)
    system_archive(system=gone, actor=None)
    added = searches_generate(school=personas.school, actor=personas.dpo,
                              request=make_request(personas))
    by_asset = {task.asset_id: task for task in added}
    assert by_asset[records.pk].place == "Pupil records (in SIMS)"
    assert by_asset[records.pk].system_id == sims.pk  # its one current system
    assert by_asset[tracker.pk].place == "Reading tracking"
    assert by_asset[tracker.pk].system_id is None


def test_making_the_checklist_reads_the_same_queries_for_3_and_30_assets(
        personas: Personas, django_assert_num_queries: Any) -> None:
    sims = system_create(school=personas.school, actor=None, name="SIMS")
    cpoms = system_create(school=personas.school, actor=None, name="CPOMS")

    def grow(start: int, count: int) -> None:
        for n in range(start, start + count):
            asset(personas, f"Asset {n:02}", [DataSubject.PUPILS],
                  systems=[sims] if n % 2 else [sims, cpoms])

    grow(0, 3)
    warm_up, few_request, many_request = (make_request(personas) for _ in range(3))
    # The DPO's first audited event makes their audit key once (audit.sealing): not per asset
    searches_generate(school=personas.school, actor=personas.dpo, request=warm_up)
    with CaptureQueriesContext(connection) as few:
        assert len(searches_generate(school=personas.school, actor=personas.dpo,
                                     request=few_request)) == 3
    grow(3, 27)
    with django_assert_num_queries(len(few)):
        added = searches_generate(school=personas.school, actor=personas.dpo,
                                  request=many_request)
    assert len(added) == 30
    assert SearchTask.objects.filter(request=many_request, system=sims).count() == 15


# ---------------------------------------------------------------------------- exemptions


def _withhold(personas: Personas, request: Request, exemption: str) -> ScheduleItem:
    return item_add(school=personas.school, actor=personas.dpo, request=request,
                    source="Finance records", description="A contract", decision="withheld",
                    exemption=exemption, redactions="Under the exemption named")


@pytest.mark.parametrize(("kind", "prefix", "fits", "refused"), [
    (Kind.FOI, "foi_", ["foi_s42", "foi_s44", "other"], ["eir_12_5_e", "third_party"]),
    (Kind.EIR, "eir_", ["eir_12_4_b", "eir_13", "other"], ["foi_s43", "foi_s40",
                                                           "third_party"]),
    (Kind.SUBJECT_ACCESS, "", ["third_party", "safeguarding", "other"],
     ["foi_s40", "eir_13"]),
])
def test_each_kind_offers_and_accepts_only_its_own_laws_exemptions(
        personas: Personas, kind: str, prefix: str, fits: list[str],
        refused: list[str]) -> None:
    fields: dict[str, Any] = {"subject_type": "", "subject_name": "",
                              "requester_type": "public"} if prefix else {}
    request = make_request(personas, kind=kind, **fields)
    offered = {value for value, _ in exemption_choices(request)} - {""}
    expected = {value for value in Exemption.values if value and value != "other"
                and (value.startswith(prefix) if prefix
                     else not value.startswith(("foi_", "eir_")))}
    assert offered == expected | {"other"}
    for exemption in fits:
        assert _withhold(personas, request, exemption).exemption == exemption
    for exemption in refused:
        with pytest.raises(DomainError) as refusal:
            _withhold(personas, request, exemption)
        assert refusal.value.field == "exemption"
