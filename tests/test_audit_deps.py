"""`make audit-deps` (tools/audit_deps.py) fails unless every package was audited, with a fake
pip-audit standing in for the real one (which needs the network)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "tools" / "audit_deps.py"

CLEAN = {"name": "django", "version": "5.2", "vulns": []}
UNREACHABLE = "Dependency not found on PyPI and could not be audited: {name} (1.0)"


def audit(tmp_path: Path, *, stdout: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    fake = tmp_path / "pip-audit"
    fake.write_text(f"#!{sys.executable}\nimport sys\nsys.stdout.write({stdout!r})\n"
                    f"sys.stderr.write('ERROR: could not connect\\n')\nsys.exit({code})\n")
    fake.chmod(0o700)
    requirements = tmp_path / "constraints.txt"
    requirements.write_text("django==5.2\n")
    return subprocess.run([sys.executable, str(TOOL), "-r", str(requirements),
                           "--pip-audit", str(fake)],
                          capture_output=True, text=True, timeout=60, check=False)


def report(*dependencies: dict) -> str:
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def test_every_package_audited_and_none_vulnerable_passes(tmp_path):
    done = audit(tmp_path, stdout=report(CLEAN, {**CLEAN, "name": "rules"}))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "all 2 packages audited; no known vulnerabilities" in done.stdout


def test_nothing_checked_because_the_database_was_unreachable_fails(tmp_path):
    skipped = [{"name": name, "skip_reason": UNREACHABLE.format(name=name)}
               for name in ("django", "rules", "openpyxl", "gunicorn", "argon2-cffi", "ninja")]
    done = audit(tmp_path, stdout=report(*skipped))
    assert done.returncode == 1
    assert "6 of 6 packages could not be audited" in done.stdout
    assert "and 1 more" in done.stdout and "FAILED" in done.stdout


def test_one_package_not_checked_fails_though_the_rest_are_clean(tmp_path):
    done = audit(tmp_path, stdout=report(
        CLEAN, {"name": "rules", "skip_reason": UNREACHABLE.format(name="rules")}))
    assert done.returncode == 1
    assert "1 of 2 packages could not be audited" in done.stdout and "rules" in done.stdout


def test_a_vulnerable_package_fails_and_is_named(tmp_path):
    vulnerable = {"name": "django", "version": "5.2", "vulns": [{"id": "PYSEC-2099-1"}]}
    done = audit(tmp_path, stdout=report(vulnerable, {**CLEAN, "name": "rules"}), code=1)
    assert done.returncode == 1
    assert "django 5.2: PYSEC-2099-1" in done.stdout


@pytest.mark.parametrize("stdout", ["", "not json", "[]", report()])
def test_no_report_or_an_empty_one_fails(tmp_path, stdout):
    done = audit(tmp_path, stdout=stdout, code=1 if not stdout else 0)
    assert done.returncode == 1
    assert "FAILED" in done.stdout + done.stderr
