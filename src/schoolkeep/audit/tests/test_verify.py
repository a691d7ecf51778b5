"""`schoolkeep audit verify`: intact chains pass; an edited, deleted or re-hashed row fails,
naming the first broken event."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from tests.factories import SchoolFactory

from schoolkeep.audit.hashing import event_hash, hashed_fields
from schoolkeep.audit.models import AuditChainHead, AuditEvent
from schoolkeep.audit.services import audit_record
from schoolkeep.audit.tests.helpers import tamper
from schoolkeep.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


def run_verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def trail() -> dict[str, list[AuditEvent]]:
    """Two school chains and the global one: 4 + 2 + 1 events."""
    oak, hill = SchoolFactory(), SchoolFactory()
    return {
        "oak": [audit_record(action=f"tests.oak.{n}", school=oak,
                             changes={"n": {"before": n, "after": n + 1}}) for n in range(4)],
        "hill": [audit_record(action=f"tests.hill.{n}", school=hill) for n in range(2)],
        "global": [audit_record(action="tests.global")],
    }


def test_intact_chains_pass(trail: dict[str, list[AuditEvent]]) -> None:
    code, out, err = run_verify()
    assert code == 0
    assert out.strip() == "All 3 chains intact (7 events)."
    assert err == ""


def test_an_empty_trail_is_intact() -> None:
    code, out, _ = run_verify()
    assert (code, out.strip()) == (0, "All 0 chains intact (0 events).")


def test_a_row_edited_by_raw_sql_fails_naming_that_event(
    trail: dict[str, list[AuditEvent]],
) -> None:
    victim = trail["oak"][1]
    assert tamper("UPDATE audit_auditevent SET actor_label = %s WHERE id = %s",
                  ["Someone Else", victim.pk]) == 1

    code, out, err = run_verify()

    assert code == 1 and out == ""
    first_line = err.splitlines()[0]
    assert f"chain {victim.chain}, sequence 2, event {victim.public_id}" in first_line
    assert "does not match its hash" in first_line
    assert "1 of 3 chains broken" in err


def test_edited_changes_json_fail_too(trail: dict[str, list[AuditEvent]]) -> None:
    victim = trail["oak"][3]
    tamper("UPDATE audit_auditevent SET changes = %s WHERE id = %s",
           ['{"n": {"before": 3, "after": 99}}', victim.pk])
    broken = audit_verify().first_broken
    assert broken is not None
    assert (broken.chain, broken.sequence, broken.public_id) == (
        victim.chain, 4, str(victim.public_id))


def test_a_row_edited_and_rehashed_breaks_the_next_link(
    trail: dict[str, list[AuditEvent]],
) -> None:
    victim, following = trail["oak"][1], trail["oak"][2]
    forged = AuditEvent.objects.get(pk=victim.pk)
    forged.actor_label = "Someone Else"
    new_hash = event_hash(hashed_fields(forged), forged.previous_hash)
    tamper("UPDATE audit_auditevent SET actor_label = %s, hash = %s WHERE id = %s",
           ["Someone Else", new_hash, victim.pk])

    code, _, err = run_verify()

    assert code == 1
    assert f"sequence 3, event {following.public_id}" in err
    assert "previous hash does not match the hash of sequence 2" in err


def test_a_row_deleted_by_raw_sql_is_detected(trail: dict[str, list[AuditEvent]]) -> None:
    deleted, following = trail["oak"][1], trail["oak"][2]
    assert tamper("DELETE FROM audit_auditevent WHERE id = %s", [deleted.pk]) == 1

    code, _, err = run_verify()

    assert code == 1
    assert f"chain {following.chain}, sequence 3, event {following.public_id}" in err
    assert "sequence 2 missing before it" in err


def test_the_last_row_deleted_is_detected_through_the_chain_head(
    trail: dict[str, list[AuditEvent]],
) -> None:
    last = trail["hill"][-1]
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])

    result = audit_verify()

    assert not result.ok
    assert [(b.chain, b.sequence) for b in result.broken] == [(last.chain, 2)]
    assert "events deleted from its end" in result.broken[0].problem


def test_a_whole_chain_deleted_is_detected(trail: dict[str, list[AuditEvent]]) -> None:
    chain = trail["hill"][0].chain
    tamper("DELETE FROM audit_auditevent WHERE chain = %s", [chain])
    result = audit_verify()
    assert [(b.chain, b.problem) for b in result.broken] == [
        (chain, "the head records 2 events but none are left (deleted?)")]


def test_every_broken_chain_is_reported_once(trail: dict[str, list[AuditEvent]]) -> None:
    for victim in (trail["oak"][0], trail["oak"][2], trail["global"][0]):
        tamper("UPDATE audit_auditevent SET action = %s WHERE id = %s", ["x.y", victim.pk])
    result = audit_verify()
    assert sorted((b.chain, b.sequence) for b in result.broken) == sorted(
        [(trail["oak"][0].chain, 1), ("global", 1)])
    assert (result.chains, result.events) == (3, 7)


def test_the_walk_reads_in_small_chunks(trail: dict[str, list[AuditEvent]]) -> None:
    result = audit_verify(chunk_size=2)
    assert result.ok and (result.chains, result.events) == (3, 7)


def test_a_bad_or_missing_subcommand_is_refused() -> None:
    with pytest.raises(CommandError, match="unknown subcommand 'frobnicate'"):
        call_command("audit", "frobnicate")
    with pytest.raises(CommandError, match="missing subcommand"):
        call_command("audit")


def test_the_console_script_prints_one_line_for_a_bad_subcommand(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("schoolkeep")
    env = {**os.environ, "SCHOOLKEEP_ENV": "development", "SCHOOLKEEP_DATA_DIR": str(tmp_path),
           "DJANGO_SETTINGS_MODULE": "schoolkeep.settings"}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([str(script), "audit", "frobnicate", "--skip-checks"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    assert done.stderr.strip().count("\n") == 0
    assert "unknown subcommand 'frobnicate'" in done.stderr


def test_a_tampered_head_record_is_detected(trail: dict[str, list[AuditEvent]]) -> None:
    chain = trail["oak"][0].chain
    AuditChainHead.objects.filter(chain=chain).update(last_hash="f" * 64)
    result = audit_verify()
    assert [(b.chain, b.sequence, b.public_id) for b in result.broken] == [(chain, 4, "")]
    assert "head record does not match the event at sequence 4" in result.broken[0].problem


def test_events_appended_during_the_walk_do_not_look_broken(
    trail: dict[str, list[AuditEvent]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The heads are read first; events written after that (and a chain begun after that)
    are still checked link by link, and the older head must match the event at its place."""
    stale_heads = list(AuditChainHead.objects.all())
    school = trail["oak"][0].school_id
    audit_record(action="tests.oak.late", school=school)
    audit_record(action="tests.new.chain", school=SchoolFactory())
    monkeypatch.setattr(AuditChainHead.objects, "all", lambda: stale_heads)

    result = audit_verify()

    assert result.ok, result.broken
    assert (result.chains, result.events) == (4, 9)
