"""Parents and carers: the signers of the parents' acceptable use policy (their model is in
``aups.models``).

- ``services``, ``selectors``, ``forms``, ``views``, ``urls``: adding, changing and archiving
  parents, and their list with who has signed.
- ``imports``: reading, checking and writing a CSV or XLSX file of parents; ``tasks``: the
  check and the import as background jobs; ``import_views``: the import pages.
"""
