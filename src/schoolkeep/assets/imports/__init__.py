"""Importing the information asset register: the policy's Appendix 1 table from a whole
policy document (plain text), or a CSV, TSV or XLSX file with a heading row.

The whole file is read and checked first; every problem is collected with its row (as the
file numbers it), its column and what is wrong, and if there is any, nothing is written.
Otherwise the groups, outside organisations, access labels and assets are compared with the
register and what changes is written in bulk in one transaction, with one audit event per
record created or changed: importing the same file again writes nothing.

- ``reading``: formats, encodings, markup; ``columns``: headings and classifications;
  ``parsing``: heading rows, group headings and rows; ``matching``: owners, labels, assets
  and what would change; ``writing``: the bulk writes; ``results``: what is reported.

``docs/imports.md`` describes the files, the rules and the errors for users.
"""

from schoolkeep.assets.imports.columns import COLUMNS, parse_classification
from schoolkeep.assets.imports.results import ImportResult
from schoolkeep.assets.imports.writing import assets_import
from schoolkeep.lib.import_bounds import Problem
from schoolkeep.lib.tabular import ImportFileError

__all__ = ["COLUMNS", "ImportFileError", "ImportResult", "Problem", "assets_import",
           "parse_classification"]
