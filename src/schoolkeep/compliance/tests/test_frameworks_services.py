"""A school's own wording of a framework: edits, added clauses, withdrawals and putting
back, each a row of the school's own (the published rows never change), audited, refused
when stale, by a role that may not manage, or with another school's controls."""

from __future__ import annotations

from typing import Any

import pytest
from tests.personas import Personas

from schoolkeep.audit.models import AuditEvent
from schoolkeep.compliance.frameworks import services
from schoolkeep.compliance.models import Control, Framework, Requirement
from schoolkeep.compliance.state.requirements import requirements_for, withdrawn_for
from schoolkeep.compliance.tests.state_records import attested, computed, framework
from schoolkeep.lib.errors import DomainError, NotAllowed, StaleVersion

pytestmark = pytest.mark.django_db


def published(fw: Framework, number: int = 1) -> Requirement:
    return Requirement.objects.get(framework=fw, school__isnull=True, code=f"{fw.code}.r{number}")


def shown(school, fw: Framework) -> list[tuple[str, bool, bool]]:  # type: ignore[no-untyped-def]
    """(title, edited, added) of each requirement the school has, in order."""
    return [(each.requirement.title, each.edited, each.added)
            for each in requirements_for(school.pk, [fw])[fw.pk]]


def actions(school) -> list[str]:  # type: ignore[no-untyped-def]
    return list(AuditEvent.objects.filter(school=school, action__startswith="compliance.")
                .order_by("sequence").values_list("action", flat=True))


@pytest.fixture
def fw(personas: Personas) -> Framework:
    return framework("test-fw", requirements=[[computed(when_empty="met")], [attested()]])


def edit(personas: Personas, requirement: Requirement, **fields):  # type: ignore[no-untyped-def]
    values = {"section": "Passwords", "title": "Passwords are long",
              "text": "Staff choose long passwords.", "met_means": "", "controls": [],
              "version": requirement.version, **fields}
    return services.requirement_edit(school=personas.school, actor=personas.siro,
                                     requirement=requirement, **values)


def test_an_edit_is_the_schools_own_row_and_the_published_one_is_untouched(
        personas: Personas, fw: Framework) -> None:
    original = published(fw)
    control = attested("own-check", school=personas.school)
    row = edit(personas, original, controls=[control])
    assert (row.school, row.replaces_code, row.code, row.framework) == (
        personas.school, original.code, original.code, fw)
    assert list(row.controls.all()) == [control]
    assert shown(personas.school, fw) == [("Passwords are long", True, False),
                                          ("Requirement 2", False, False)]
    again = published(fw)
    assert (again.title, again.version, list(again.controls.all())) == (
        "Requirement 1", 1, list(original.controls.all()))
    # Another school still sees the published wording.
    assert shown(personas.other_school, fw)[0] == ("Requirement 1", False, False)
    assert actions(personas.school) == ["compliance.requirement.edited"]
    event = AuditEvent.objects.get(action="compliance.requirement.edited")
    assert event.changes["title"] == {"before": "Requirement 1", "after": "Passwords are long"}
    assert event.changes["controls"]["after"] == ["own-check"]


def test_a_second_edit_changes_the_schools_row_and_a_stale_one_is_refused(
        personas: Personas, fw: Framework) -> None:
    row = edit(personas, published(fw))
    again = edit(personas, row, title="Passwords are three random words")
    assert again.pk == row.pk and again.version == 2
    with pytest.raises(StaleVersion):
        edit(personas, row, version=1, title="Read before the change")
    # The published row opened before someone else's edit is stale too.
    with pytest.raises(StaleVersion):
        edit(personas, published(fw), title="Opened before the edit")
    assert Requirement.objects.filter(school=personas.school).count() == 1
    assert Requirement.objects.get(pk=row.pk).title == "Passwords are three random words"


def test_broken_rules_name_their_field(personas: Personas, fw: Framework) -> None:
    Requirement.objects.filter(pk=published(fw).pk).update(text="Staff choose passwords.")
    elsewhere = attested("theirs", school=personas.other_school)
    cases: list[tuple[dict[str, Any], str]] = [({"title": " "}, "title"), ({"text": ""}, "text"),
             ({"title": "x" * 301}, "title"), ({"controls": [elsewhere]}, "controls"),
             ({"text": "a\x00b"}, "text")]
    for fields, field in cases:
        with pytest.raises(DomainError) as caught:
            edit(personas, published(fw), **fields)
        assert caught.value.field == field
    archived = computed(when_empty="met")
    Control.objects.filter(pk=archived.pk).update(archived_at="2026-01-01T00:00:00Z")
    with pytest.raises(DomainError) as caught:
        edit(personas, published(fw), controls=[archived])
    assert caught.value.field == "controls"
    assert not Requirement.objects.filter(school__isnull=False).exists()


def test_a_role_that_may_not_manage_is_refused(personas: Personas, fw: Framework) -> None:
    for actor in (personas.governor, personas.it_lead, personas.auditor):
        with pytest.raises(NotAllowed):
            services.requirement_withdraw(school=personas.school, actor=actor,
                                          requirement=published(fw))
    with pytest.raises(NotAllowed):
        services.requirement_add(school=personas.school, actor=personas.outsider,
                                 framework=fw, section="", title="t", text="t")
    # The DPO and the business manager may.
    services.requirement_withdraw(school=personas.school, actor=personas.dpo,
                                  requirement=published(fw))


def test_another_schools_row_is_refused(personas: Personas, fw: Framework) -> None:
    theirs = services.requirement_add(school=personas.other_school, actor=personas.outsider,
                                      framework=fw, section="", title="Theirs", text="Theirs")
    with pytest.raises(DomainError):
        services.requirement_withdraw(school=personas.school, actor=personas.siro,
                                      requirement=theirs)
    with pytest.raises(DomainError):
        edit(personas, theirs)


def test_an_added_clause_comes_last_in_its_framework(personas: Personas, fw: Framework) -> None:
    control = computed(when_empty="met")
    manager = personas.business_manager
    row = services.requirement_add(school=personas.school, actor=manager, framework=fw,
                                   section="Paper", title="Visitors sign in",
                                   text="Visitors sign in at the office.",
                                   met_means="The book is kept.", controls=[control])
    assert row.code.startswith("test-fw.school-") and row.replaces_code == ""
    assert row.order == 3 and list(row.controls.all()) == [control]
    assert shown(personas.school, fw)[-1] == ("Visitors sign in", False, True)
    assert shown(personas.other_school, fw) == [("Requirement 1", False, False),
                                                ("Requirement 2", False, False)]
    second = services.requirement_add(school=personas.school, actor=manager, framework=fw,
                                      section="", title="Another", text="x")
    assert second.order == 4 and second.code != row.code
    assert actions(personas.school) == ["compliance.requirement.added"] * 2


def test_withdraw_and_put_back_a_published_requirement(personas: Personas,
                                                       fw: Framework) -> None:
    original = published(fw)
    row = services.requirement_withdraw(school=personas.school, actor=personas.siro,
                                        requirement=original)
    assert row.withdrawn and row.replaces_code == original.code
    assert row.title == original.title  # a copy of the published wording
    assert shown(personas.school, fw) == [("Requirement 2", False, False)]
    assert withdrawn_for(personas.school.pk, fw) == [original]
    # Withdrawn twice: nothing more is recorded.
    services.requirement_withdraw(school=personas.school, actor=personas.siro,
                                  requirement=original)
    back = services.requirement_restore(school=personas.school, actor=personas.siro,
                                        requirement=original)
    assert back == original
    assert not Requirement.objects.filter(school=personas.school).exists()
    assert shown(personas.school, fw)[0] == ("Requirement 1", False, False)
    assert actions(personas.school) == ["compliance.requirement.withdrawn",
                                        "compliance.requirement.restored"]
    assert Requirement.objects.get(pk=original.pk).withdrawn is False


def test_an_edit_put_back_returns_to_the_published_wording_and_controls(
        personas: Personas, fw: Framework) -> None:
    original = published(fw)
    controls = list(original.controls.all())
    row = edit(personas, original, controls=[])
    # Withdrawing an edited one marks the school's row (the wording kept for putting back).
    services.requirement_withdraw(school=personas.school, actor=personas.siro, requirement=row)
    assert Requirement.objects.get(pk=row.pk).withdrawn
    with pytest.raises(DomainError):
        edit(personas, Requirement.objects.get(pk=row.pk), version=2)
    services.requirement_restore(school=personas.school, actor=personas.siro, requirement=row)
    [first, _] = requirements_for(personas.school.pk, [fw])[fw.pk]
    assert first.requirement == original and list(first.requirement.controls.all()) == controls
    event = AuditEvent.objects.filter(action="compliance.requirement.restored").get()
    assert event.changes["title"] == {"before": "Passwords are long", "after": "Requirement 1"}
    assert event.target_id == str(row.public_id)


def test_an_added_clause_withdrawn_and_put_back(personas: Personas, fw: Framework) -> None:
    row = services.requirement_add(school=personas.school, actor=personas.siro, framework=fw,
                                   section="", title="Ours", text="Our clause")
    services.requirement_withdraw(school=personas.school, actor=personas.siro, requirement=row)
    assert [title for title, *_ in shown(personas.school, fw)] == ["Requirement 1",
                                                                   "Requirement 2"]
    back = services.requirement_restore(school=personas.school, actor=personas.siro,
                                        requirement=row)
    assert back is not None and back.pk == row.pk and not back.withdrawn
    assert shown(personas.school, fw)[-1] == ("Ours", False, True)
    # Putting back what was never withdrawn or edited changes nothing.
    assert services.requirement_restore(school=personas.school, actor=personas.siro,
                                        requirement=published(fw, 2)) == published(fw, 2)
    assert actions(personas.school).count("compliance.requirement.restored") == 1


def test_edits_join_the_current_version_and_survive_a_new_one(personas: Personas,
                                                              fw: Framework) -> None:
    row = edit(personas, published(fw))
    Framework.objects.filter(pk=fw.pk).update(is_current=False)
    newer = Framework.objects.create(code="test-fw", version="2", title="Framework v2",
                                     short_title="test-fw", publisher="Test", order=1)
    Requirement.objects.create(framework=newer, code="test-fw.r1", order=1, title="New r1")
    assert shown(personas.school, newer) == [("Passwords are long", True, False)]
    # The school's row is edited again in place; a new clause joins the current version.
    again = edit(personas, row, title="Changed once more")
    assert again.pk == row.pk
    added = services.requirement_add(school=personas.school, actor=personas.siro,
                                     framework=fw, section="", title="New", text="New")
    assert added.framework == newer


def test_the_wording_may_be_left_empty_only_where_the_published_one_quotes_none(
        personas: Personas, fw: Framework) -> None:
    # The RPA's conditions quote no wording: the school may change only their controls.
    control = attested("own-check", school=personas.school)
    row = edit(personas, published(fw), text="", controls=[control])
    assert (row.text, list(row.controls.all())) == ("", [control])
    assert edit(personas, row, text="  ").text == ""
    # A published requirement that quotes a wording keeps asking for one.
    Requirement.objects.filter(pk=published(fw, 2).pk).update(text="Screens are locked.")
    with pytest.raises(DomainError) as caught:
        edit(personas, published(fw, 2), text="")
    assert caught.value.field == "text"
    # A clause the school adds always needs its wording, when added and when changed.
    with pytest.raises(DomainError) as caught:
        services.requirement_add(school=personas.school, actor=personas.siro, framework=fw,
                                 section="", title="Ours", text=" ")
    assert caught.value.field == "text"
    added = services.requirement_add(school=personas.school, actor=personas.siro,
                                     framework=fw, section="", title="Ours", text="Ours")
    with pytest.raises(DomainError) as caught:
        edit(personas, added, text="")
    assert caught.value.field == "text"


def test_a_new_versions_advice_and_order_reach_a_requirement_the_school_reworded(
        personas: Personas, fw: Framework) -> None:
    Requirement.objects.filter(pk=published(fw).pk).update(advice="Old advice.",
                                                            advice_source="Old source")
    row = edit(personas, published(fw))
    withdrawn = services.requirement_withdraw(school=personas.school, actor=personas.siro,
                                              requirement=published(fw, 2))
    # The school's rows hold its wording only: the advice stays Schoolkeep's.
    assert (row.advice, row.advice_source, withdrawn.advice) == ("", "", "")
    Framework.objects.filter(pk=fw.pk).update(is_current=False)
    newer = Framework.objects.create(code="test-fw", version="2", title="Framework v2",
                                     short_title="test-fw", publisher="Test", order=1)
    Requirement.objects.create(framework=newer, code="test-fw.r0", order=1, title="First now")
    Requirement.objects.create(framework=newer, code="test-fw.r1", order=5, title="New r1",
                               advice="The NCSC advises against forced changes.",
                               advice_source="NCSC: Password policy")
    found = requirements_for(personas.school.pk, [newer])[newer.pk]
    assert [(each.requirement.title, each.requirement.order) for each in found] == [
        ("First now", 1), ("Passwords are long", 5)]
    ours = found[1]
    assert ours.edited and ours.requirement.text == "Staff choose long passwords."
    assert (ours.requirement.advice, ours.requirement.advice_source) == (
        "The NCSC advises against forced changes.", "NCSC: Password policy")
    # Nothing of the school's was written to show it.
    assert Requirement.objects.get(pk=row.pk).advice == ""
