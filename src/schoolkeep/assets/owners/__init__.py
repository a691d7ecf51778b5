"""Choosing owners together: every current asset that needs an owner (none, a name not yet
matched, or an owner who has left: the ``owner-missing`` duty's assets), 50 to a page, each
with an owner box that offers the school's people and outside organisations from one list
written once per page (a ``<datalist>``), saved in one service call.

- ``selectors``: the assets that need an owner, and the owners that can be chosen;
- ``forms``: one box and the version read per row; a name not in the list is an error;
- ``services``: ``asset_owners_choose``, one audit event per asset whose owner changes;
- ``views``, ``urls``: the page (``assets:choose-owners``).
"""
