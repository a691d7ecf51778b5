"""Acceptable use policies (AUPs): one per audience, their texts, versions and signatures.

- ``models``: the AUP data model (also the parents, links, reminders and kiosks a signature
  points to; they are used by ``signing`` and ``parents`` but are one set of relations).
- ``audience``: who must sign an AUP, and whether they have (as SQL).
- ``markdown`` and ``starting_texts``: the small Markdown subset a text is written in, and
  the text each audience starts from.
- ``services``, ``selectors``, ``forms``, ``views``, ``urls``, ``api``: setting up, drafting,
  publishing and signing in the application; the pages under /agreements/ and /api/v1/aups.
- ``duties``: unsigned AUPs on the dashboard; ``demo``: the demo's AUPs; ``hooks``: the
  section on a person's page.
"""
