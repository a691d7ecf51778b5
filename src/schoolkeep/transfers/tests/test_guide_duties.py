"""The duty of the questions to the DPO (``transfer_questions.question-open``): due the day
asked, overdue after, the DPO's (the SIRO's without one), gone once answered; counts in one
query for any number of schools and equal to the list; a title that names nothing; and the
demo's open question from a teacher."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.personas import Personas

from schoolkeep.audit.actions import known_actions
from schoolkeep.demo import builder
from schoolkeep.duties.registry import provider_for
from schoolkeep.duties.selectors import holders_of, resolve_owners
from schoolkeep.duties.types import DUE, OVERDUE, Duty, DutyCounts
from schoolkeep.tenancy.models import Membership
from schoolkeep.tenancy.roles import Role
from schoolkeep.transfers.guide.demo import ORDER, build_demo_question
from schoolkeep.transfers.guide.duties import KIND, TITLE, provider
from schoolkeep.transfers.guide.services import transfer_question_answer, transfer_question_ask
from schoolkeep.transfers.models import DataKind, Recipient, TransferQuestion

pytestmark = pytest.mark.django_db

DETAILS = "Reports for A.B. and C.D."


def _ask(school, user, recipient=Recipient.SUPPLIER, days_ago: int = 0) -> TransferQuestion:
    question = transfer_question_ask(school=school, actor=user, data_kind=DataKind.SEN,
                                     recipient=recipient, details=DETAILS, send_email=False)
    if days_ago:
        TransferQuestion.objects.filter(pk=question.pk).update(
            asked_at=question.asked_at - timedelta(days=days_ago))
    return question


def _owned(school, duties: list[Duty]) -> list[Duty]:
    """The duties with their owners resolved, as the duties layer resolves them."""
    holders = holders_of([school.pk])
    return [resolve_owners(duty, school_id=school.pk, holders=holders) for duty in duties]


def _window() -> tuple[datetime, datetime]:
    now = timezone.now()
    return now, now + timedelta(days=14)


def test_an_open_question_is_the_dpos_duty_due_the_day_asked(personas: Personas) -> None:
    today = _ask(personas.school, personas.staff)
    late = _ask(personas.school, personas.staff, Recipient.HEALTH, days_ago=2)
    now, horizon = _window()
    duties = {duty.key: duty for duty in provider.for_school(personas.school.pk, now=now,
                                                               horizon=horizon)}
    fresh, old = duties[f"{KIND}:{today.public_id}"], duties[f"{KIND}:{late.public_id}"]
    assert (fresh.status, fresh.due_at) == (DUE, timezone.localdate())
    assert (old.status, old.due_at) == (OVERDUE, timezone.localdate() - timedelta(days=2))
    assert fresh.owner_role == Role.DPO and fresh.title == TITLE
    assert fresh.url == f"/transfers/questions/{today.public_id}/"
    assert fresh.subject == ("How to send SEN information to a supplier, asked by "
                             f"{personas.staff}")
    for words in ("A.B.", "SEN", "supplier", personas.staff.full_name):
        assert words not in fresh.title
    [owned] = _owned(personas.school, [fresh])
    assert owned.owner_user_ids == (personas.dpo.pk,)


def test_without_a_dpo_the_duty_falls_to_the_siro(personas: Personas) -> None:
    Membership.objects.filter(user=personas.dpo, school=personas.school).update(
        is_active=False)
    _ask(personas.school, personas.staff)
    now, horizon = _window()
    [duty] = _owned(personas.school,
                    provider.for_school(personas.school.pk, now=now, horizon=horizon))
    assert duty.owner_user_ids == (personas.siro.pk,)


def test_an_answer_ends_the_duty(personas: Personas) -> None:
    question = _ask(personas.school, personas.staff)
    transfer_question_answer(school=personas.school, question=question, actor=personas.dpo,
                             answer="Egress", send_email=False)
    now, horizon = _window()
    assert provider.for_school(personas.school.pk, now=now, horizon=horizon) == []
    assert provider.counts([personas.school.pk], now=now, horizon=horizon) == {}


def test_counts_are_one_query_for_every_school_and_match_the_lists(
        personas: Personas, django_assert_num_queries) -> None:
    schools = [personas.school]
    _ask(personas.school, personas.staff)
    _ask(personas.school, personas.staff, Recipient.HEALTH, days_ago=1)
    for index in range(3):
        school = SchoolFactory()
        user = UserFactory()
        MembershipFactory(user=user, school=school, roles=[Role.STAFF])
        for n in range(index + 1):
            _ask(school, user, list(Recipient)[n], days_ago=n)
        schools.append(school)
    now, horizon = _window()
    with django_assert_num_queries(1):
        counts = provider.counts([school.pk for school in schools], now=now, horizon=horizon)
    for school in schools:
        listed = provider.for_school(school.pk, now=now, horizon=horizon)
        expected = sum((DutyCounts.of(duty.status) for duty in listed), DutyCounts())
        assert counts[school.pk] == expected
    assert counts[personas.school.pk] == DutyCounts(due=1, overdue=1)
    assert counts[schools[-1].pk] == DutyCounts(due=1, overdue=2)
    assert provider.counts([], now=now, horizon=horizon) == {}


def test_the_list_is_one_query(personas: Personas, django_assert_num_queries) -> None:
    for recipient in list(Recipient)[:5]:
        _ask(personas.school, personas.staff, recipient)
    now, horizon = _window()
    with django_assert_num_queries(1):
        assert len(provider.for_school(personas.school.pk, now=now, horizon=horizon)) == 5


def test_the_dpos_dashboard_links_the_question(personas: Personas, login) -> None:
    question = _ask(personas.school, personas.staff)
    page = login(personas.dpo).get(reverse("duties:dashboard")).content.decode()
    assert TITLE in page
    assert reverse("transfers:question-detail", args=[question.public_id]) in page
    assert DETAILS not in page


def _demo() -> builder.DemoContext:
    """The foundation's steps (the trust and its members), then this one."""
    ctx = builder.DemoContext()
    for name, func in builder.steps():
        if builder._steps[name].order < 200:
            func(ctx)
    build_demo_question(ctx)
    return ctx


def test_the_demo_has_one_open_question_from_a_teacher() -> None:
    ctx = _demo()
    school = ctx.schools["larkspur"]
    [question] = TransferQuestion.objects.filter(school=school)
    assert question.asked_by == ctx.users["larkspur.staff"]
    assert question.answered_at is None
    now, horizon = _window()
    [duty] = _owned(school, provider.for_school(school.pk, now=now, horizon=horizon))
    assert duty.owner_user_ids == (ctx.users["larkspur.dpo"].pk,)
    build_demo_question(ctx)  # again: nothing more
    assert TransferQuestion.objects.filter(school=school).count() == 1


def test_the_part_registers_its_duties_labels_and_demo_step() -> None:
    assert provider_for("transfer_questions") is provider
    assert {"transfers.question.asked", "transfers.question.answered"} <= set(known_actions())
    assert builder._steps["transfer_questions"].order == ORDER
