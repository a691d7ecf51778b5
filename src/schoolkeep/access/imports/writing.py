"""Reconciling a system's user list: read the file, match each account to a person, compare
with what is recorded, and, unless it is a dry run, write every change at once.

All or nothing, as every import: any problem (a bad value, a username twice) and nothing is
written. Writes are in bulk (``bulk_create`` and ``bulk_update`` a chunk at a time) with one
audit event for the whole list (``access.user_list.applied``, with its counts), none per row.
A file whose accounts are all recorded as it says writes nothing and records no event, so
uploading the same file again changes nothing.

What a file does not say leaves what is recorded as it is (a new account: unknown, never
"no"). An account's person chosen by hand, and a shared account, are never re-matched.
Accounts recorded but missing from the file are marked (``missing_from_list_at``), never
deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from schoolkeep.access.imports.matching import PeopleIndex
from schoolkeep.access.imports.reading import AccountRow, rows_of
from schoolkeep.access.imports.results import STALE_DAYS, ReconcileResult
from schoolkeep.access.models import SystemAccount
from schoolkeep.audit.services import audit_record, diff
from schoolkeep.lib.import_bounds import Problem
from schoolkeep.lib.tabular import open_source
from schoolkeep.systems.models import System
from schoolkeep.tenancy.models import School

ACTION = "access.user_list.applied"
ACTION_LABELS = {ACTION: "User list of a system reconciled"}
CHUNK = 1000
PROGRESS_EVERY = 500
# What a user list may change on an account, besides the person it is matched to.
LIST_FIELDS = ("display_name", "email", "enabled", "is_admin", "mfa_on", "last_sign_in_at")
UPDATE_FIELDS = [*LIST_FIELDS, "person", "matched_by", "disabled_on", "source", "listed_at",
                 "missing_from_list_at", "updated_at", "version"]
LOADED = ["pk", "username", "username_key", "person_id", "matched_by", "is_shared",
          *LIST_FIELDS, "disabled_on", "missing_from_list_at", "listed_at", "version"]

Progress = Callable[[int, int, str], None]


@dataclass
class _Pass:
    """One reconciliation's state: what is recorded, what the file says, what changes."""

    school: School
    system: System
    result: ReconcileResult
    today: date
    now: datetime
    new: list[SystemAccount]
    changed: list[SystemAccount]
    missing: list[int]


def _say(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _read(path: Path, result: ReconcileResult, progress: Progress | None,
          expected_rows: int) -> tuple[list[AccountRow], bool]:
    """Every account of the file, and whether the file has an e-mail column; a username
    given twice is a problem naming both rows."""
    source = open_source(path, result.notes)
    result.file_format = source.file_format
    rows: list[AccountRow] = []
    first: dict[str, AccountRow] = {}
    for row in rows_of(source, result.problems, result.notes):
        earlier = first.setdefault(row.key, row)
        if earlier is not row:
            result.problems.append(Problem(
                row.number, "Username", f"The username “{row.username}” is also on row "
                f"{earlier.number}: each account may be in the list once. Remove one of "
                f"rows {earlier.number} and {row.number}."))
            continue
        rows.append(row)
        if progress and len(rows) % PROGRESS_EVERY == 0:
            progress(len(rows), expected_rows, "Reading the list")
    result.rows = len(rows)  # accounts read (a duplicate is a problem instead)
    return rows, any(row.email for row in rows)


def _compare(state: _Pass, rows: list[AccountRow], index: PeopleIndex,
             email_from_username: bool, progress: Progress | None) -> set[int]:
    """Each row against what is recorded: new and changed accounts, and the sections.
    Returns the people the file's accounts belong to."""
    result, sections = state.result, state.result.sections
    recorded = {account.username_key: account for account in SystemAccount.objects.filter(
        school=state.school, system=state.system).only(*LOADED).order_by()}
    stale_before = state.now - timedelta(days=STALE_DAYS)
    people_in_file: set[int] = set()
    for done, row in enumerate(rows, start=1):
        account = recorded.pop(row.key, None)
        fixed = account is not None and (
            account.is_shared or account.matched_by == SystemAccount.MatchedBy.HAND)
        match = None if fixed else index.match(row, email_from_username=email_from_username)
        if account is None:
            assert match is not None
            account = SystemAccount(
                school=state.school, system=state.system, username=row.username,
                username_key=row.key, display_name=row.display_name, email=row.email,
                person_id=match.person, matched_by=match.by, enabled=row.enabled,
                is_admin=row.is_admin, mfa_on=row.mfa_on,
                last_sign_in_at=row.last_sign_in_at,
                disabled_on=state.today if row.enabled is False else None,
                source=SystemAccount.Source.USER_LIST, listed_at=state.now)
            state.new.append(account)
            result.added += 1
        elif _apply(account, row, match, state):
            state.changed.append(account)
            result.updated += 1
        else:
            result.unchanged += 1
        _sections(state, row, account, match, index, stale_before)
        if account.person_id is not None:
            people_in_file.add(account.person_id)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, len(rows), "Comparing with the accounts recorded")
    for account in sorted(recorded.values(), key=lambda a: a.username_key):
        if account.missing_from_list_at is None:
            state.missing.append(account.pk)
        else:
            result.still_missing += 1
        sections["missing_from_file"].add(
            row=None, username=account.username, name=account.display_name,
            detail=("Already missing from an earlier list" if account.missing_from_list_at
                    else "Not in this list: it will be marked as missing, not deleted"))
    return people_in_file


def _apply(account: SystemAccount, row: AccountRow, match: Any, state: _Pass) -> bool:
    """Put the row's facts on a recorded account; whether anything changed."""
    changed = False
    for name in LIST_FIELDS:
        value = getattr(row, name)
        if value in (None, "") or getattr(account, name) == value:
            continue
        if name == "enabled":
            account.disabled_on = (account.disabled_on or state.today) if value is False \
                else None
        setattr(account, name, value)
        changed = True
    if match is not None and (account.person_id, account.matched_by) != (match.person,
                                                                          match.by):
        account.person_id, account.matched_by = match.person, match.by
        changed = True
    if account.missing_from_list_at is not None:
        account.missing_from_list_at = None
        changed = True
    if changed:
        account.source = SystemAccount.Source.USER_LIST
        account.listed_at = account.updated_at = state.now
        account.version += 1
    return changed


def _sections(state: _Pass, row: AccountRow, account: SystemAccount, match: Any,
              index: PeopleIndex, stale_before: datetime) -> None:
    sections = state.result.sections
    person = index.people.get(account.person_id) if account.person_id else None
    name = person.full_name if person else (account.display_name or row.display_name)
    seen = {"row": row.number, "username": row.username, "name": name}
    enabled = account.enabled is not False
    if person and person.leaving_date and person.leaving_date <= state.today and enabled:
        sections["leavers_enabled"].add(**seen, detail=f"Left on {_say(person.leaving_date)}"
                                        + ("" if account.enabled else "; the list does not "
                                           "say whether the account is enabled"))
    if person is None and not account.is_shared:
        sections["unmatched"].add(**seen, detail=(match.why_not if match else
                                                  "No person is recorded for it"))
    if account.is_admin and account.mfa_on is not True and enabled:
        sections["admin_without_mfa"].add(**seen, detail="Two-factor is off" if
                                          account.mfa_on is False else "The list does not "
                                          "say whether two-factor is on")
    if enabled and account.last_sign_in_at and account.last_sign_in_at < stale_before:
        last = timezone.localtime(account.last_sign_in_at).date()
        sections["not_used"].add(**seen, detail=f"Last signed in on {_say(last)}")
    elif enabled and row.never_signed_in and account.last_sign_in_at is None:
        sections["not_used"].add(**seen, detail="Never signed in")


def _expected(state: _Pass, people_in_file: set[int]) -> None:
    from schoolkeep.access.accounts.expected import expected_people

    section = state.result.sections["expected_missing"]
    people = expected_people(school=state.school, system=state.system, today=state.today)
    for pk, full_name, job_title in people.values_list("pk", "full_name", "job_title"):
        if pk not in people_in_file:
            section.add(row=None, username="", name=full_name, detail=job_title)


def _chunks(items: list[Any]) -> Iterable[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]


def _write(state: _Pass, actor: Any, filename: str) -> None:
    for chunk in _chunks(state.new):
        SystemAccount.objects.bulk_create(chunk)
    for chunk in _chunks(state.changed):
        SystemAccount.objects.bulk_update(chunk, UPDATE_FIELDS)
    for chunk in _chunks(state.missing):
        SystemAccount.objects.filter(pk__in=chunk).update(missing_from_list_at=state.now,
                                                          updated_at=state.now)
    result = state.result
    audit_record(action=ACTION, school=state.school, actor=actor, target=state.system,
                 changes=diff(None, {"file": filename, "rows": result.rows,
                                     "added": result.added, "updated": result.updated,
                                     "unchanged": result.unchanged,
                                     "marked_missing": result.newly_missing}))
    result.written = True


def user_list_reconcile(path: Path, *, school: School, system: System, actor: Any,
                        dry_run: bool = False, progress: Progress | None = None,
                        filename: str = "", expected_rows: int = 0,
                        today: date | None = None,
                        now: datetime | None = None) -> ReconcileResult:
    """Reconcile the user list at ``path`` with ``system``'s recorded accounts; with
    ``dry_run``, only say what would change. Raises ImportFileError when the file cannot be
    read at all; problems of its rows are in the result (and nothing is written)."""
    if system.school_id != school.pk:
        raise ValueError("The system is not the school's.")
    now = now or timezone.now()
    result = ReconcileResult(system=system.name, system_id=str(system.public_id),
                             dry_run=dry_run)
    rows, has_email = _read(path, result, progress, expected_rows)
    if not result.ok:
        return result
    state = _Pass(school, system, result, today or timezone.localdate(now), now, [], [], [])
    with transaction.atomic():  # compared and written against the same records
        index = PeopleIndex(school)
        people_in_file = _compare(state, rows, index, not has_email, progress)
        _expected(state, people_in_file)
        if not dry_run and result.changes:
            _write(state, actor, filename or Path(path).name)
    if progress:
        progress(result.rows, result.rows, "Done")
    return result
