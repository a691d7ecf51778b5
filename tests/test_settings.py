"""Settings fail closed: run the real ``schoolkeep`` command in a clean environment."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

SCHOOLKEEP = str(Path(sys.executable).with_name("schoolkeep"))


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run([SCHOOLKEEP, *args], env={**keep, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def test_production_refuses_to_start_without_its_keys(tmp_path):
    result = run("check", env={"SCHOOLKEEP_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode != 0
    assert "SCHOOLKEEP_SECRET_KEY and SCHOOLKEEP_ENCRYPTION_KEYS are required" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_value_is_refused_with_its_name(tmp_path):
    result = run("check", env={"SCHOOLKEEP_ENV": "development", "SCHOOLKEEP_HTTPS": "maybe",
                               "SCHOOLKEEP_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode != 0 and "SCHOOLKEEP_HTTPS" in result.stderr


def test_makemigrations_check_needs_no_secrets(tmp_path):
    result = run("makemigrations", "--check", "--dry-run",
                 env={"SCHOOLKEEP_DATA_DIR": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_development_makes_its_secrets_once_with_mode_0600(tmp_path):
    env = {"SCHOOLKEEP_ENV": "development", "SCHOOLKEEP_DATA_DIR": str(tmp_path)}
    assert run("check", env=env, cwd=tmp_path).returncode == 0
    secrets_file = tmp_path / "dev-secrets.json"
    first = secrets_file.read_text()
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert run("check", env=env, cwd=tmp_path).returncode == 0
    assert secrets_file.read_text() == first


def test_production_with_https_passes_the_deployment_checks(tmp_path):
    env = {
        "SCHOOLKEEP_DATA_DIR": str(tmp_path),
        "SCHOOLKEEP_SECRET_KEY": "k" * 60 + "-production-test-secret",
        "SCHOOLKEEP_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SCHOOLKEEP_ALLOWED_HOSTS": "school.example",
        "SCHOOLKEEP_BASE_URL": "https://school.example",
        "SCHOOLKEEP_EMAIL_URL": "console:",
    }
    result = run("check", "--deploy", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
