"""Benchmark: what the outside review's hostile spreadsheets cost now (issue 12, finding 2).

Not a test. It builds the review's two files, then checks each with
``schoolkeep import-people --dry-run`` (the same reading and checking as the import job) in a
child process of its own on a throwaway SQLite data directory, and prints the child's peak
resident memory, its CPU time and what it printed:

1. 12 KB, 60 rows whose 9 cells all refer to one 10-million-character shared string (before
   the fix: the worker grew from 115 MB to 4.1 GB and kept 600 MB of problems);
2. about 300 KB, one 150-million-character name shared by 60 rows (before: about 2.7 s of CPU
   per row in the name clean-up).

An honest file of 60 people is checked the same way, as the baseline.

    .venv/bin/python bench/hostile_import.py
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # tests.hostile_files writes the files by hand

from tests.hostile_files import Repeat, shared_xlsx, write_csv  # noqa: E402

SCHOOLKEEP = str(Path(sys.executable).with_name("schoolkeep"))
COLUMNS = ["Full name", "Preferred name", "Date of birth", "Kind", "Job title", "Email",
           "Staff number", "Sites", "DBS evidence"]


# A fresh parent for each command, so that its children's peak memory is that command's own.
MEASURE = (
    "import resource, subprocess, sys\n"
    "result = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "sys.stdout.write(result.stdout + result.stderr)\n"
    "print(f'\\n@@ {result.returncode} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss}')\n"
)


def run(env: dict[str, str], *args: str) -> tuple[str, int, float, float, float]:
    """The command in a child of its own: (what it printed, exit status, wall seconds,
    CPU seconds, peak resident MiB)."""
    started = time.perf_counter()
    measured = subprocess.run([sys.executable, "-c", MEASURE, SCHOOLKEEP, *args], env=env,
                              capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    printed, _, figures = measured.stdout.rpartition("\n@@ ")
    status, cpu, peak_kib = figures.split()
    return printed, int(status), wall, float(cpu), int(peak_kib) / 1024


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="schoolkeep-bench-hostile-"))
    env = {**os.environ, "SCHOOLKEEP_ENV": "development",
           "SCHOOLKEEP_DATA_DIR": str(folder / "data")}
    env.pop("DATABASE_URL", None)
    try:
        subprocess.run([SCHOOLKEEP, "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([SCHOOLKEEP, "init", "--school-name", "Hostile Primary",
                        "--email", "siro@hostile.example"], env=env, check=True,
                       capture_output=True)
        slug = "hostile-primary"
        honest = write_csv(folder / "honest.csv", "Full name,Kind,Staff number",
                           (f"Person {n},support,S{n:05d}" for n in range(60)))
        files = [
            ("honest file, 60 people (CSV)", honest),
            ("10-million-character shared string in every cell", shared_xlsx(
                folder / "shared.xlsx", COLUMNS, 60, long=Repeat("Ab cd", 2_000_000),
                columns=COLUMNS)),
            ("150-million-character name in 60 rows", shared_xlsx(
                folder / "name.xlsx", ["Full name", "Kind"], 60,
                long=Repeat("x", 150_000_000), columns=["Full name"])),
        ]
        print(f"{'file':52} {'size':>9} {'exit':>4} {'wall s':>7} {'CPU s':>6} "
              f"{'peak MiB':>8} {'printed':>8}")
        for label, path in files:
            printed, status, wall, cpu, peak = run(env, "import-people", str(path),
                                                   "--school", slug, "--dry-run")
            print(f"{label:52} {path.stat().st_size / 1024:7.0f}KB {status:4} {wall:7.2f} "
                  f"{cpu:6.2f} {peak:8.0f} {len(printed):8,}")
            last = printed.strip().splitlines()[-1:]
            print(f"  last line: {last[0][:110] if last else ''}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
