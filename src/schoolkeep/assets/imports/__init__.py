"""Importing the information asset register: the policy's Appendix 1 table from a whole
policy document (plain text), or a CSV, TSV or XLSX file with a heading row.

The file is read once, a batch of rows at a time (what is held does not grow with the
file), in one transaction: each batch's groups, outside organisations, access labels and
assets are compared with the register and what changes is written in bulk, with one audit
event per record created or changed; importing the same file again writes nothing. Every
problem is collected with its row (as the file numbers it), its column and what is wrong;
after the first, the rest of the file is only checked, and the transaction is rolled back:
if there is any problem, nothing is written.

- ``reading``: formats, encodings, markup; ``columns``: headings and classifications;
  ``parsing``: heading rows, group headings and rows; ``matching``: owners, labels, assets,
  aliases and look-alikes, and what would change; ``writing``: the bulk writes (and the
  aliases chosen); ``results``: what is reported;
- the page: ``views`` and ``urls`` (upload, preview with its questions, confirm, result);
  ``tasks``: the check and import jobs (also importable from ``assets.tasks_import``, the
  path jobs queued earlier name).

``docs/imports.md`` describes the files, the rules and the errors for users.
"""

from schoolkeep.assets.imports.columns import COLUMNS, parse_classification
from schoolkeep.assets.imports.results import ImportResult
from schoolkeep.assets.imports.writing import assets_import
from schoolkeep.lib.import_bounds import Problem
from schoolkeep.lib.tabular import ImportFileError

__all__ = ["COLUMNS", "ImportFileError", "ImportResult", "Problem", "assets_import",
           "parse_classification"]
