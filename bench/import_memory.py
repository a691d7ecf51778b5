"""Benchmark: the peak memory of one import, by the size of its file.

Not a test. For each import (assets, people, parents) and each size (default 10,000 and
100,000 rows) it writes a generated CSV file (the generators of bench/import_<kind>.py),
then imports it into an empty school in a new process of its own, and prints that
process's peak resident memory (ru_maxrss) before and after the import: the difference is
what the import added at its peak. A new process each time, so that one import's peak does
not hide the next one's.

An import refuses more than 20,000 rows (``MAX_ROWS``) and more than
``lib.import_bounds.MAX_FILE_CHARS`` characters, and stops after ``DEADLINE_SECONDS``: for
this measurement only, the child process raises those bounds, so that the memory of a file
five times the largest accepted shows how memory grows with the file.

    .venv/bin/python bench/import_memory.py [--kinds assets people parents]
        [--rows 10000 100000]
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KINDS = ("assets", "people", "parents")
BOUNDS = {"assets": ("schoolkeep.assets.imports.parsing", "MAX_ROWS"),
          "people": ("schoolkeep.people.imports.reading", "MAX_ROWS"),
          "parents": ("schoolkeep.agreements.parents.imports", "MAX_ROWS")}


def write_file(kind: str, rows: int, folder: Path) -> Path:
    """The generated file of ``rows`` rows, in a process of its own (the generators hold the
    whole table)."""
    path = folder / f"{kind}-{rows}.csv"
    subprocess.run([sys.executable, __file__, "--write", kind, str(rows), str(path)],
                   check=True)
    return path


def _write(kind: str, rows: int, path: Path) -> None:
    module = importlib.import_module(f"import_{kind}")
    try:
        if kind == "people":
            headings, data = module.generate(rows)
            table = [headings, *data]
        else:
            table = module.generate(rows)
        if kind == "assets":
            module.write_csv(path, table)
        else:
            import csv

            with open(path, "w", encoding="utf-8", newline="") as handle:
                csv.writer(handle).writerows(table)
    finally:
        shutil.rmtree(module.DATA_DIR, ignore_errors=True)


def _child(kind: str, path: Path) -> None:
    """Import ``path`` into an empty school; print the peak RSS before and after."""
    module = importlib.import_module(f"import_{kind}")  # sets Django up (harness.start)
    import harness

    try:
        harness.migrate()
        from schoolkeep.lib import import_bounds

        bound_module, bound = BOUNDS[kind]
        setattr(importlib.import_module(bound_module), bound, 10_000_000)
        import_bounds.MAX_FILE_CHARS = 10 ** 9
        import_bounds.DEADLINE_SECONDS = 24 * 3600
        importer = {"assets": "schoolkeep.assets.imports:assets_import",
                    "people": "schoolkeep.people.imports:people_import",
                    "parents": "schoolkeep.agreements.parents.imports:parents_import"}[kind]
        module_name, name = importer.split(":")
        function = getattr(importlib.import_module(module_name), name)
        school = module.make_school(f"memory-{kind}")
        before = harness.maxrss_mb()
        cpu = time.process_time()
        _, result = harness.timed_import(function, path, school)
        cpu = time.process_time() - cpu
        after = harness.maxrss_mb()
        print(f"  {kind:8s} {result.rows:7d} rows: peak RSS {before:5.0f} MB before, "
              f"{after:5.0f} MB after (+{after - before:4.0f} MB); {cpu:6.1f} s CPU, "
              f"{result.rows / cpu:6.0f} rows/s", flush=True)
    finally:
        shutil.rmtree(module.DATA_DIR, ignore_errors=True)


def main() -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    if len(sys.argv) > 1 and sys.argv[1] == "--write":
        _write(sys.argv[2], int(sys.argv[3]), Path(sys.argv[4]))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        _child(sys.argv[2], Path(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--rows", nargs="+", type=int, default=[10_000, 100_000])
    options = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="schoolkeep-bench-files-"))
    try:
        print("Peak resident memory of one CSV import, each in a new process "
              "(bounds raised for this measurement)")
        for kind in options.kinds:
            for rows in options.rows:
                path = write_file(kind, rows, folder)
                subprocess.run([sys.executable, __file__, "--child", kind, str(path)],
                               check=True)
                path.unlink()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
