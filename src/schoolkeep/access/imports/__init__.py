"""Reconciling a system's exported user list (CSV or XLSX: a Microsoft 365 or Google
Workspace admin export, a SIMS user list, or any file with a username) with the accounts
Schoolkeep records for that system.

- ``columns``: the facts read and the headings each is known by; ``reading``: cells and
  rows (formats, encodings and bounds: ``schoolkeep.lib.tabular``); ``matching``: the
  person of each account (e-mail, then name); ``writing``: the comparison and the writes in
  bulk, all or nothing, one audit event; ``results``: the counts and the preview's
  sections; ``template``: the template files; ``tasks``, ``views`` and ``urls``: the pages
  and the background check and apply (``jobs.import_flow``). The command is
  ``import-accounts`` (access/management/commands/import_accounts.py).

``docs/imports.md`` describes the headings, values and matching for users.
"""

from schoolkeep.access.imports.results import ReconcileResult
from schoolkeep.access.imports.writing import ACTION, ACTION_LABELS, user_list_reconcile

__all__ = ["ACTION", "ACTION_LABELS", "ReconcileResult", "user_list_reconcile"]
