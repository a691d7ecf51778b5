"""Owner resolution and the read side of the duties layer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta

import pytest
from tests.factories import UserFactory

from schoolkeep.duties import registry, selectors
from schoolkeep.duties.types import DUE, OVERDUE, Duty, DutyCounts, status_for
from schoolkeep.tenancy.roles import Role

from .conftest import make_member


class FakeProvider:
    """A provider with fixed duties, to test resolution apart from any SQL."""

    module = "fake"
    label = "Fake things"

    def __init__(self, duties: list[Duty]) -> None:
        self.duties = duties
        self.count_calls = 0

    def counts(self, school_ids: Sequence[int], *, now: datetime, horizon: datetime):
        self.count_calls += 1
        return {sid: DutyCounts(due=len(self.duties)) for sid in school_ids}

    def for_school(self, school_id: int, *, now: datetime, horizon: datetime) -> list[Duty]:
        return list(self.duties)


def duty(key: str, **owner) -> Duty:
    return Duty(key=key, module="fake", title="Check something", subject="A record",
                due_at=date(2030, 1, 1), status=DUE, url="/", **owner)


def resolve(personas, *duties: Duty) -> dict[str, Duty]:
    with registry.only(FakeProvider(list(duties))):
        resolved = selectors.duties_for_school(personas.school, datetime.now().astimezone())
    return {d.key: d for d in resolved}


def test_a_role_resolves_to_its_holders_in_that_school(personas):
    second_dpo = make_member(personas.school, [Role.DPO])
    resolved = resolve(personas, duty("a", owner_role=Role.DPO))
    assert set(resolved["a"].owner_user_ids) == {personas.dpo.pk, second_dpo.pk}
    assert resolved["a"].owner_label == Role.DPO.label
    assert resolved["a"].school_id == personas.school.pk


def test_a_role_nobody_holds_falls_to_the_siro(personas):
    personas.business_manager.memberships.update(is_active=False)
    resolved = resolve(personas, duty("a", owner_role=Role.BUSINESS_MANAGER))
    assert resolved["a"].owner_user_ids == (personas.siro.pk,)
    assert "nobody is Business manager" in resolved["a"].owner_label


def test_an_owner_without_an_account_here_falls_to_the_siro(personas):
    stranger = UserFactory()
    deactivated = make_member(personas.school, [Role.IAO])
    deactivated.is_active = False
    deactivated.save()
    resolved = resolve(
        personas,
        duty("none"),
        duty("stranger", owner_user_id=stranger.pk),
        duty("outsider", owner_user_id=personas.outsider.pk),
        duty("deactivated", owner_user_id=deactivated.pk),
        duty("member", owner_user_id=personas.iao.pk, owner_label="Iao"),
    )
    for key in ("none", "stranger", "outsider", "deactivated"):
        assert resolved[key].owner_user_ids == (personas.siro.pk,), key
    assert resolved["member"].owner_user_ids == (personas.iao.pk,)
    assert resolved["member"].owner_label == "Iao"


def test_owner_resolution_asks_for_role_holders_once(personas, django_assert_num_queries):
    duties = [duty(str(i), owner_role=Role.IAO) for i in range(30)]
    with registry.only(FakeProvider(duties)), django_assert_num_queries(1):
        resolved = selectors.duties_for_school(personas.school, datetime.now().astimezone())
    assert len(resolved) == 30


def test_duties_for_user_are_those_they_own(personas):
    with registry.only(FakeProvider([duty("iao", owner_role=Role.IAO), duty("siro")])):
        mine = selectors.duties_for_user(personas.iao, personas.school,
                                         datetime.now().astimezone())
    assert [d.key for d in mine] == ["iao"]


def test_overdue_come_first_then_soonest(personas):
    now = datetime.now().astimezone()
    later = duty("later")
    soon = Duty(key="soon", module="fake", title="t", subject="s", url="/",
                due_at=now + timedelta(days=1), status=DUE)
    late = Duty(key="late", module="fake", title="t", subject="s", url="/",
                due_at=date(2000, 1, 1), status=OVERDUE)
    assert list(resolve(personas, later, soon, late)) == ["late", "soon", "later"]


def test_counts_for_schools_calls_each_provider_once(personas):
    fake = FakeProvider([duty("a"), duty("b")])
    with registry.only(fake):
        counts = selectors.counts_for_schools(
            [personas.school.pk, personas.other_school.pk], datetime.now().astimezone()
        )
    assert fake.count_calls == 1
    assert counts[personas.school.pk] == {"fake": DutyCounts(due=2)}


@pytest.mark.parametrize(
    ("due_at", "status"),
    [(date(2026, 3, 1), OVERDUE), (date(2026, 3, 2), DUE), (date(2026, 3, 3), DUE)],
)
def test_an_all_day_duty_is_overdue_once_its_day_is_over_in_london(due_at, status):
    from datetime import UTC

    # 00:30 on 2 March in London (GMT) is still 1 March nowhere else that matters here.
    assert status_for(due_at, datetime(2026, 3, 2, 0, 30, tzinfo=UTC)) == status


def test_registering_a_module_again_replaces_it():
    first, second = FakeProvider([]), FakeProvider([])
    with registry.only(first):
        registry.register(second)
        assert registry.providers() == [second]
    assert all(p.module != "fake" for p in registry.providers())
