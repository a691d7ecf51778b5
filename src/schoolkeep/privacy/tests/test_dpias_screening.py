"""Screening outcomes: Article 35(3) and the ICO's list require a DPIA on one yes (with the
list's own conditions); the nine criteria require two; children's data alone does not."""

from __future__ import annotations

import pytest

from schoolkeep.privacy.dpias import screening
from schoolkeep.privacy.dpias.screening import ART35_3, EDPB, ICO_LIST, decide


def test_nothing_applies_no_dpia() -> None:
    decision = decide({})
    assert decision.required is False
    assert decision.reasons == ["None of the criteria applies."]


def test_childrens_data_alone_does_not_require_one() -> None:
    decision = decide({"edpb_vulnerable": True})
    assert decision.required is False
    assert "two are needed" in decision.reasons[0]


def test_two_criteria_require_one_and_name_them() -> None:
    decision = decide({"edpb_vulnerable": True, "edpb_sensitive": True})
    assert decision.required is True
    assert decision.reasons == [
        "2 of the nine criteria apply: sensitive or highly personal data, vulnerable people "
        "(children count here)."]


@pytest.mark.parametrize("key", [q.key for q in screening.QUESTIONS if q.group == ART35_3])
def test_any_article_35_3_case_requires_one(key: str) -> None:
    assert decide({key: True}).required is True


@pytest.mark.parametrize("key", [q.key for q in screening.QUESTIONS
                                 if q.group == ICO_LIST and not q.needs_criterion])
def test_any_plain_ico_list_type_requires_one(key: str) -> None:
    assert decide({key: True}).required is True


def test_the_types_the_ico_lists_only_with_another_criterion() -> None:
    conditioned = {q.key for q in screening.QUESTIONS if q.needs_criterion}
    assert conditioned == {"ico_innovative", "ico_biometric", "ico_genetic", "ico_invisible",
                           "ico_tracking"}
    assert decide({"ico_tracking": True}).required is False
    assert decide({"ico_tracking": True, "edpb_vulnerable": True}).required is True


def test_biometrics_need_another_criterion() -> None:
    alone = decide({"ico_biometric": True})
    assert alone.required is False and "on its own" in alone.reasons[0]
    with_children = decide({"ico_biometric": True, "edpb_vulnerable": True})
    assert with_children.required is True
    assert with_children.reasons[0].startswith("ICO list: biometric data, together with")


def test_innovative_technology_does_not_count_its_own_criterion() -> None:
    # The same idea answered twice is one criterion, not the ICO's condition met.
    same = decide({"ico_innovative": True, "edpb_innovative": True})
    assert same.required is False
    assert decide({"ico_innovative": True, "edpb_monitoring": True}).required is True


def test_no_answers_is_no_and_unknown_keys_are_ignored() -> None:
    assert decide({"edpb_vulnerable": False, "made_up": True}).required is False


def test_every_question_names_its_source_and_the_groups_are_complete() -> None:
    keys = [q.key for q in screening.QUESTIONS]
    assert len(keys) == len(set(keys))
    assert all(q.source for q in screening.QUESTIONS)
    groups = [q.group for q in screening.QUESTIONS]
    assert (groups.count(ART35_3), groups.count(ICO_LIST), groups.count(EDPB)) == (3, 10, 9)
