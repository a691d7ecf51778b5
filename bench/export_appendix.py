"""Benchmark: the register's downloads at 10,000 assets, as the background job makes them:
time and peak memory of each file.

Not a test. For each register size (1,000 and 10,000 assets by default) it builds a throwaway
SQLite database with bench/register_view.py's generator (a second school of 1,000 assets that
must not be exported), then, for each download (Appendix 1 as DOCX and CSV, the register as
XLSX and CSV, the record of processing activities as XLSX; there is no PDF of the register),
runs the job exactly as the worker does (``export_jobs.export_start`` then ``export_run``)
in a fresh process, and prints:

- seconds for the job, and assets per second;
- the process's peak resident memory (``resource.getrusage``) and how much it rose during the
  job above what Django and the database connection already held;
- the file's size.

CSV and XLSX are written while the assets are read, so their memory should stay flat from
1,000 to 10,000 assets; DOCX is built whole by python-docx, so its memory grows.

    .venv/bin/python bench/export_appendix.py [--sizes 1000,10000] [--exports appendix-csv,...]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import harness

EXPORTS = ["appendix-csv", "appendix-docx", "register-csv", "register-xlsx",
           "processing-record-xlsx"]


def build(size: int) -> None:
    """Child: build a register of ``size`` assets; print the data directory's path."""
    import register_view  # sets Django up in its own throwaway data directory

    harness.migrate()
    register_view.build(size)
    print(register_view.DATA_DIR)


def measure(data_dir: str, code: str) -> None:
    """Child: make one download of the register in ``data_dir`` as its job does; print the
    figures as JSON."""
    stray = harness.start(SCHOOLKEEP_DATA_DIR=data_dir, SCHOOLKEEP_DEBUG="false")
    shutil.rmtree(stray, ignore_errors=True)  # start() made one; the built one is used
    from schoolkeep.assets import export_jobs
    from schoolkeep.audit.context import audit_context
    from schoolkeep.jobs.models import Job
    from schoolkeep.jobs.services import job_file_path
    from schoolkeep.tenancy.models import School

    school = School.objects.get(slug="alder")
    rows = export_jobs.register_size(school)
    before = harness.maxrss_mb()
    started = time.perf_counter()
    with audit_context(actor_label="bench"):
        job = export_jobs.export_start(school=school, actor=None, code=code)
        export_jobs.export_run(str(job.public_id), code)
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    path = job_file_path(job)
    if job.status != Job.Status.DONE or path is None:
        sys.exit(f"bench: the {code} job ended {job.status}: {job.message}")
    print(json.dumps({"rows": rows, "seconds": elapsed, "peak_mb": harness.maxrss_mb(),
                      "rise_mb": harness.maxrss_mb() - before, "bytes": path.stat().st_size}))


def child(*arguments: str) -> str:
    done = subprocess.run([sys.executable, __file__, *arguments], check=True,
                          capture_output=True, text=True)
    return done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--exports", default=",".join(EXPORTS))
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=2, metavar=("DATA_DIR", "EXPORT"),
                        help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.build:
        return build(options.build)
    if options.measure:
        return measure(*options.measure)

    codes = options.exports.split(",")
    print(f"Python {sys.version.split()[0]}, SQLite; each job in its own process, "
          "as the worker runs it")
    for size in (int(text) for text in options.sizes.split(",")):
        started = time.perf_counter()
        data_dir = child("--build", str(size))
        print(f"\n{size:,} assets (built in {time.perf_counter() - started:.1f}s; another "
              f"school's 1,000 not exported)")
        try:
            for code in codes:
                figures = json.loads(child("--measure", data_dir, code))
                print(f"  {code:<24} {figures['seconds']:7.2f} s  "
                      f"{figures['rows'] / figures['seconds']:8,.0f} assets/s  "
                      f"peak RSS {figures['peak_mb']:6.1f} MB (+{figures['rise_mb']:5.1f} MB "
                      f"during the job)  file {figures['bytes'] / 1024:8,.0f} KB")
        finally:
            shutil.rmtree(Path(data_dir), ignore_errors=True)


if __name__ == "__main__":
    main()
