"""Settings fail closed: run the real ``schoolkeep`` command in a clean environment."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

SCHOOLKEEP = str(Path(sys.executable).with_name("schoolkeep"))


def run(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run([SCHOOLKEEP, *args], env={**keep, **env}, cwd=cwd,
                          capture_output=True, text=True, timeout=120, check=False)


def production(data_dir: Path, **overrides: str) -> dict[str, str]:
    """A complete production environment, with HTTPS, that passes ``check --deploy``."""
    env = {
        "SCHOOLKEEP_DATA_DIR": str(data_dir),
        "SCHOOLKEEP_SECRET_KEY": "k" * 60 + "-production-test-secret",
        "SCHOOLKEEP_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "SCHOOLKEEP_ALLOWED_HOSTS": "school.example",
        "SCHOOLKEEP_BASE_URL": "https://school.example",
        "SCHOOLKEEP_EMAIL_URL": "console:",
        "SCHOOLKEEP_BACKUP_PASSPHRASE": "a long passphrase for the production test",
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value}


def one_line_refusal(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


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
    result = run("check", "--deploy", env=production(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# --- broken production settings stop every command, `check --deploy` among them ------------

@pytest.mark.parametrize("keys", ["notakey", "Zm9v", "a good key first,oops"],
                         ids=["not-base64", "too-short", "second-key-bad"])
def test_an_encryption_key_fernet_cannot_use_is_refused(tmp_path, keys):
    keys = keys.replace("a good key first", Fernet.generate_key().decode())
    result = run("check", "--deploy", env=production(tmp_path, SCHOOLKEEP_ENCRYPTION_KEYS=keys),
                 cwd=tmp_path)
    line = one_line_refusal(result)
    assert "SCHOOLKEEP_ENCRYPTION_KEYS" in line and "not a Fernet key" in line
    assert "oops" not in line and "notakey" not in line  # a key is never echoed


def test_an_encryption_key_fernet_cannot_use_is_refused_in_development_too(tmp_path):
    env = {"SCHOOLKEEP_ENV": "development", "SCHOOLKEEP_DATA_DIR": str(tmp_path),
           "SCHOOLKEEP_ENCRYPTION_KEYS": "notakey"}
    assert "SCHOOLKEEP_ENCRYPTION_KEYS" in one_line_refusal(run("check", env=env, cwd=tmp_path))


@pytest.mark.parametrize("key", ["short-secret", "x" * 80, "django-insecure-" + "a1b2c3d4e5" * 6],
                         ids=["short", "one-character", "django-insecure"])
def test_a_weak_secret_key_is_refused_in_production(tmp_path, key):
    result = run("check", "--deploy", env=production(tmp_path, SCHOOLKEEP_SECRET_KEY=key),
                 cwd=tmp_path)
    line = one_line_refusal(result)
    assert "SCHOOLKEEP_SECRET_KEY" in line and key not in line


def test_a_missing_backup_passphrase_is_a_deployment_error(tmp_path):
    result = run("check", "--deploy",
                 env=production(tmp_path, SCHOOLKEEP_BACKUP_PASSPHRASE=""), cwd=tmp_path)
    assert result.returncode != 0
    assert "schoolkeep.E011" in result.stderr and "no backup passphrase" in result.stderr


def test_a_backup_key_file_others_can_read_is_a_deployment_error(tmp_path):
    key_file = tmp_path / "backup.key"
    key_file.write_text("a long passphrase kept in a file\n")
    key_file.chmod(0o644)
    env = production(tmp_path, SCHOOLKEEP_BACKUP_PASSPHRASE="",
                     SCHOOLKEEP_BACKUP_KEY_FILE=str(key_file))
    result = run("check", "--deploy", env=env, cwd=tmp_path)
    assert result.returncode != 0 and "schoolkeep.E011" in result.stderr
    assert "chmod 600" in result.stderr


@pytest.fixture(scope="module")
def upgraded_production(tmp_path_factory):
    """A production data folder prepared by `schoolkeep upgrade` (once for these tests)."""
    root = tmp_path_factory.mktemp("production")
    data_dir = root / "data"
    result = run("upgrade", env=production(data_dir), cwd=root)
    assert result.returncode == 0, result.stderr
    return root, data_dir


@pytest.mark.own_databases
@pytest.mark.parametrize("command", [["worker"], ["serve", "--port", "8765"]])
def test_serve_and_worker_refuse_to_start_without_a_backup_passphrase(upgraded_production,
                                                                      command):
    root, data_dir = upgraded_production
    env = production(data_dir, SCHOOLKEEP_BACKUP_PASSPHRASE="")
    line = one_line_refusal(run(*command, env=env, cwd=root))
    assert "refusing to start" in line and "schoolkeep.E011" in line


@pytest.mark.own_databases
@pytest.mark.parametrize("command", [["worker"], ["serve", "--port", "8765"]])
def test_serve_and_worker_refuse_to_start_with_a_database_others_can_read(upgraded_production,
                                                                          command):
    root, data_dir = upgraded_production
    database = data_dir / "schoolkeep.sqlite3"
    database.chmod(0o644)
    try:
        result = run(*command, env=production(data_dir), cwd=root)
    finally:
        for path in data_dir.glob("schoolkeep.sqlite3*"):  # SQLite gave its companions 0644
            path.chmod(0o600)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert "refusing to start" in lines[0] and f"chmod 600 {database}`" in lines[0]
    assert all("schoolkeep.E010" in line for line in lines)  # one line for each open file


@pytest.mark.own_databases
def test_the_wsgi_application_refuses_to_load_without_a_backup_passphrase(upgraded_production):
    """gunicorn started on its own (not through `schoolkeep serve`) loads schoolkeep.wsgi:
    it refuses the same errors."""
    root, data_dir = upgraded_production
    keep = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    load = [sys.executable, "-c", "import schoolkeep.wsgi"]
    refused = subprocess.run(load, env={**keep, **production(
        data_dir, SCHOOLKEEP_BACKUP_PASSPHRASE="")}, cwd=root, capture_output=True, text=True,
        timeout=120, check=False)
    assert refused.returncode != 0 and "refusing to start" in refused.stderr
    assert "schoolkeep.E011" in refused.stderr
    loaded = subprocess.run(load, env={**keep, **production(data_dir)}, cwd=root,
                            capture_output=True, text=True, timeout=120, check=False)
    assert loaded.returncode == 0, loaded.stderr


@pytest.mark.parametrize(("name", "value", "words"), [
    ("SCHOOLKEEP_ALLOWED_HOSTS", "", "SCHOOLKEEP_ALLOWED_HOSTS is required in production"),
    ("SCHOOLKEEP_BASE_URL", "school.example", "SCHOOLKEEP_BASE_URL must be an address"),
    ("SCHOOLKEEP_BASE_URL", "https://school.example/schoolkeep", "no path"),
    ("SCHOOLKEEP_BASE_URL", "http://school.example", "must start https://"),
], ids=["no-allowed-host", "base-url-no-scheme", "base-url-with-path", "base-url-http"])
def test_settings_that_would_break_every_request_or_link_are_refused(tmp_path, name, value,
                                                                     words):
    result = run("check", "--deploy", env=production(tmp_path, **{name: value}), cwd=tmp_path)
    assert words in one_line_refusal(result)
