"""Forgetting keeps every chain verifying, and a chain head copied before it still in its
chain: ``schoolkeep audit heads`` and ``schoolkeep audit verify --heads FILE``."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.factories import SchoolFactory, UserFactory

from schoolkeep.audit.sealing import forget
from schoolkeep.audit.services import audit_record, audit_record_many
from schoolkeep.audit.tests.helpers import tamper
from schoolkeep.audit.verify import audit_verify, check_heads, current_heads, parse_heads

pytestmark = pytest.mark.django_db

PERSON = ("people.person", "77")


def heads_text() -> str:
    out = StringIO()
    call_command("audit", "heads", stdout=out)
    return out.getvalue()


def test_heads_copied_before_forgetting_are_still_in_the_chains(tmp_path: Path) -> None:
    school = SchoolFactory()
    user = UserFactory(full_name="Priya Shah")
    for n in range(3):
        audit_record(action="tests.person.updated", school=school, actor=user,
                     target_label="Ann Lee", subject=PERSON, changes={"n": n})
    audit_record(action="tests.global")
    copied = tmp_path / "heads.txt"
    copied.write_text(heads_text(), encoding="utf-8")
    assert len(parse_heads(copied.read_text(encoding="utf-8"))) == 2

    forget([PERSON, ("accounts.user", str(user.pk))])
    audit_record_many([{"action": "tests.after", "school": school, "subject": PERSON,
                        "changes": {"name": "Ann"}} for _ in range(3)])
    audit_record(action="erasure.erased", school=school, subject=PERSON)

    assert audit_verify().ok
    assert check_heads(parse_heads(copied.read_text(encoding="utf-8"))) == []
    out = StringIO()
    call_command("audit", "verify", "--heads", str(copied), stdout=out)
    assert "Every copied head is still in its chain." in out.getvalue()
    assert [head.sequence for head in current_heads()] == [1, 7]


def test_a_rewritten_chain_does_not_hold_the_copied_head(tmp_path: Path) -> None:
    school = SchoolFactory()
    for n in range(2):
        audit_record(action="tests.thing", school=school, changes={"n": n})
    copied = parse_heads(heads_text())
    tamper("UPDATE audit_auditevent SET hash = %s WHERE sequence = 2", ["f" * 64])
    assert check_heads(copied) == [f"chain school:{school.pk}: the event at sequence 2 no "
                                   "longer carries the copied hash (the chain was rewritten)"]
    tamper("DELETE FROM audit_auditevent WHERE sequence = 2")
    assert "no event at sequence 2" in check_heads(copied)[0]
    path = tmp_path / "heads.txt"
    path.write_text("\n".join(head.line() for head in copied), encoding="utf-8")
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--heads", str(path), stdout=StringIO(),
                     stderr=StringIO())


def test_a_heads_file_that_is_not_one_is_named(tmp_path: Path) -> None:
    path = tmp_path / "heads.txt"
    path.write_text("school:1 two abc\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 1 is not 'chain sequence hash'"):
        call_command("audit", "verify", "--heads", str(path))
    with pytest.raises(CommandError, match="cannot read the heads file"):
        call_command("audit", "verify", "--heads", str(tmp_path / "missing.txt"))
