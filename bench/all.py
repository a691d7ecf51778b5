"""``make bench``: every benchmark in bench/, on SQLite, and on PostgreSQL as well when
``SCHOOLKEEP_BENCH_POSTGRES`` holds a server's URL (every script that can take PostgreSQL;
the others say they run on SQLite only); then one summary.

Each script runs as its own process with its own throwaway database, and its report is
printed as it runs. The summary that follows has three parts: every run with its time and
whether it ran to its end; a table of the figures the scripts hand over through
bench/results.py (for pages: median, 95th percentile, queries, size and ratios to the bare
views; for imports: rows a second and peak memory);
and the headline lines of every report (timings, rows per second, memory).

A new script in bench/ is run without being listed here. Figures never fail the command:
the exit status is 1 only when a script could not run to its end (it crashed, or a page it
times answered an error), and the summary names it.

    .venv/bin/python bench/all.py [--only NAME ...]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess  # nosec B404
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import results

HERE = Path(__file__).resolve().parent
HELPERS = {"all.py", "harness.py", "results.py"}  # modules, not benchmarks
# The order reports are printed in (pages first: the issue's evidence); others follow.
ORDER = ["pages.py", "dashboard.py", "register_view.py", "record_view.py", "overview.py",
         "api_lists.py", "import_assets.py", "import_people.py", "import_parents.py",
         "import_memory.py", "export_appendix.py", "aup_links.py", "backup.py",
         "hostile_import.py"]
# Scripts run more than once, with these arguments (one run each); others run once, bare.
ARGUMENTS = {"pages.py": [["--scale", "small"], ["--scale", "school"]]}
POSTGRES = "SCHOOLKEEP_BENCH_POSTGRES"
HEADLINE = re.compile(r"median|rows/s|rows a second|per second|\bMB\b|\bMiB\b|x bare|/ bare",
                      re.IGNORECASE)


@dataclass
class Run:
    script: str
    arguments: list[str]
    database: str
    seconds: float = 0.0
    status: int = 0
    headlines: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return " ".join([self.script, *self.arguments])


def scripts(only: list[str]) -> list[str]:
    found = sorted(p.name for p in HERE.glob("*.py") if p.name not in HELPERS)
    ordered = [name for name in ORDER if name in found] + [n for n in found if n not in ORDER]
    return [name for name in ordered if not only or any(o in name for o in only)]


def databases() -> list[tuple[str, dict[str, str]]]:
    """(label, environment) of each pass: SQLite always, PostgreSQL when asked for. Scripts
    that make their own throwaway database on a server read DATABASE_URL (aup_links,
    backup), the others SCHOOLKEEP_BENCH_POSTGRES through harness.start()."""
    plain = {k: v for k, v in os.environ.items() if k not in (POSTGRES, "DATABASE_URL")}
    passes = [("SQLite", plain)]
    url = os.environ.get(POSTGRES, "")
    if url:
        passes.append(("PostgreSQL", {**plain, POSTGRES: url, "DATABASE_URL": url}))
    return passes


def takes_postgres(script: str) -> bool:
    """Whether the script can run on PostgreSQL: it reads the server's URL itself, or it
    starts through harness.start() and the harness takes SCHOOLKEEP_BENCH_POSTGRES."""
    source = (HERE / script).read_text(encoding="utf-8")
    if POSTGRES in source or 'os.environ.get("DATABASE_URL"' in source:
        return True
    harness = (HERE / "harness.py").read_text(encoding="utf-8")
    return "harness.start(" in source and POSTGRES in harness


def run(one: Run, environment: dict[str, str]) -> None:
    print(f"\n===== {one.label} on {one.database} =====", flush=True)
    started = time.perf_counter()
    process = subprocess.Popen(  # nosec B603: our own scripts, run by our own interpreter
        [sys.executable, str(HERE / one.script), *one.arguments], env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    assert process.stdout is not None
    for line in process.stdout:
        print(line, end="", flush=True)
        if HEADLINE.search(line):
            one.headlines.append(line.rstrip())
    one.status = process.wait()
    one.seconds = time.perf_counter() - started


def summary(runs: list[Run], figures: list[dict[str, object]]) -> None:
    print("\n===== Summary =====")
    print(f"{'run':<34}{'database':<12}{'seconds':>8}  result")
    for one in runs:
        result = "ran to its end" if one.status == 0 else f"FAILED (exit {one.status})"
        print(f"{one.label:<34}{one.database:<12}{one.seconds:8.0f}  {result}")
    figures_table(figures)
    with_headlines = [one for one in runs if one.headlines]
    if with_headlines:
        print("\nHeadlines of each report:")
    for one in with_headlines:
        print(f"  {one.label} ({one.database}):")
        for line in one.headlines:
            print(f"    {line.strip()}")


def figures_table(figures: list[dict[str, object]]) -> None:
    """The figures the scripts handed over (bench/results.py), one row each."""
    if not figures:
        return
    print("\nFigures handed over by the scripts (x base: against base.html with 50 rows from "
          "one query; x bare: against a fixed page; both through the same middleware):")
    print(f"  {'bench':<16}{'database':<12}{'scale':<8}{'name':<26}{'median ms':>10}"
          f"{'p95 ms':>9}{'queries':>8}{'bytes':>10}{'x base':>8}{'x bare':>8}"
          f"{'rows/s':>9}{'peak MB':>8}")
    for row in figures:
        print(f"  {row['bench']!s:<16}{row['database']!s:<12}{row['scale']!s:<8}"
              f"{row['name']!s:<26}{cell(row, 'median_ms', 10, '.2f')}"
              f"{cell(row, 'p95_ms', 9, '.2f')}{cell(row, 'queries', 8, 'd')}"
              f"{cell(row, 'bytes', 10, ',d')}{cell(row, 'x_base', 8, '.1f')}"
              f"{cell(row, 'x_bare', 8, '.1f')}{cell(row, 'rows_per_s', 9, ',.0f')}"
              f"{cell(row, 'peak_mb', 8, '.0f')}")


def cell(row: dict[str, object], key: str, width: int, spec: str) -> str:
    value = row.get(key)
    return f"{'':>{width}}" if value is None else f"{value:>{width}{spec}}"


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[],
                        help="run only the scripts whose names contain one of these")
    options = parser.parse_args()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="schoolkeep-bench-results-") as folder:
        figures_file = str(Path(folder) / "figures.jsonl")
        for database, environment in databases():
            for script in scripts(options.only):
                if database == "PostgreSQL" and not takes_postgres(script):
                    print(f"\n===== {script}: SQLite only (it cannot take a PostgreSQL "
                          "database), not run again =====")
                    continue
                for arguments in ARGUMENTS.get(script, [[]]):
                    one = Run(script, arguments, database)
                    run(one, {**environment, results.RESULTS: figures_file})
                    runs.append(one)
        summary(runs, results.read(figures_file))
    failed = [one for one in runs if one.status != 0]
    if failed:
        print("\nbench: these did not run to their end (a failure, not a timing): "
              + "; ".join(f"{one.label} on {one.database}" for one in failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
