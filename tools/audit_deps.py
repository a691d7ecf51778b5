"""`make audit-deps`: pip-audit the pinned dependencies, and fail unless every one was checked.

pip-audit reports a package it could not look up (the vulnerability database unreachable,
a proxy answering 404, a package unknown to PyPI) as "skipped" and can still end with "No
known vulnerabilities found" and exit 0: a pass when nothing was checked. This runs it with
JSON output and decides itself: every package audited and none vulnerable, or a failure
that says which packages were vulnerable or could not be audited.

    python tools/audit_deps.py -r requirements/constraints.txt [--pip-audit PATH]
"""

from __future__ import annotations

import argparse
import json
import subprocess  # nosec B404
import sys
from pathlib import Path
from typing import Any

SHOWN = 5  # packages named in a message; the rest are counted


def run_pip_audit(pip_audit: str, requirements: Path) -> dict[str, Any]:
    command = [pip_audit, "--format", "json", "--progress-spinner", "off", "--no-deps",
               "--disable-pip", "-r", str(requirements)]
    # pip-audit with a fixed argument list, no shell.
    done = subprocess.run(command, capture_output=True, text=True,  # noqa: S603  # nosec B603
                          check=False)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
        raise SystemExit(f"audit-deps: FAILED, nothing was checked: pip-audit did not finish "
                         f"({last})") from None
    if not isinstance(report, dict) or not isinstance(report.get("dependencies"), list):
        raise SystemExit("audit-deps: FAILED, nothing was checked: pip-audit's report has no "
                         "list of dependencies")
    return report


def _names(items: list[str]) -> str:
    more = f" and {len(items) - SHOWN} more" if len(items) > SHOWN else ""
    return ", ".join(items[:SHOWN]) + more


def verdict(report: dict[str, Any]) -> tuple[bool, list[str]]:
    """(passed, the lines to print) for pip-audit's JSON report."""
    dependencies = report["dependencies"]
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = [d for d in dependencies if not d.get("skip_reason")]
    vulnerable = [d for d in audited if d.get("vulns")]
    lines = []
    for dep in vulnerable:
        ids = ", ".join(v.get("id", "?") for v in dep["vulns"])
        lines.append(f"  {dep['name']} {dep.get('version', '')}: {ids}")
    if skipped:
        reasons = sorted({str(d["skip_reason"]).split(":")[0] for d in skipped})
        lines.append(f"audit-deps: {len(skipped)} of {len(dependencies)} packages could not be "
                     f"audited, so nothing is known of them: {_names([d['name'] for d in skipped])}"
                     f" ({'; '.join(reasons)})")
    if vulnerable:
        lines.append(f"audit-deps: {len(vulnerable)} package(s) with known vulnerabilities "
                     "(listed above)")
    if not dependencies:
        lines.append("audit-deps: pip-audit found no packages to audit")
    passed = bool(dependencies) and not skipped and not vulnerable
    if passed:
        lines.append(f"audit-deps: all {len(audited)} packages audited; "
                     "no known vulnerabilities")
    else:
        lines.append("audit-deps: FAILED")
    return passed, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-r", "--requirements", type=Path, required=True)
    parser.add_argument("--pip-audit", default=str(Path(sys.executable).with_name("pip-audit")))
    args = parser.parse_args(argv)
    passed, lines = verdict(run_pip_audit(args.pip_audit, args.requirements))
    print("\n".join(lines))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
