"""The names an import matched to the register ("Names matched on import"): each saved
alias with the asset or group it names and who saved it, 50 to a page, and removing one so
that the next import asks about that name again.

- ``selectors``: the school's aliases a page at a time, and who saved each (from the audit);
- ``services``: ``alias_remove``, one audit event;
- ``views``, ``urls``: the page (``assets:alias-list``) and its Remove button
  (``assets:alias-remove``).
"""
