"""The policy register: the school's policy documents, their versions and the governors'
review (/policies/, /api/v1/policies).

- ``models``, ``services``, ``selectors``, ``forms``, ``views``, ``urls``, ``api``: the usual
  layers.
- ``header`` reads a document's header; ``imports`` records a document from its text (the
  upload and ``schoolkeep import-policy``).
- ``duties``: reviews due; ``hooks``: next reviews given as a term follow the term dates;
  ``demo``: the demo's register.
"""
