"""Where the backup passphrase comes from, and the refusals of a key file others may read or
of a passphrase configured wrongly (in development too: no silent fallback)."""

from __future__ import annotations

import pytest

from schoolkeep.backups.errors import BackupError
from schoolkeep.backups.passphrase import resolve_passphrase


@pytest.fixture(autouse=True)
def unset(monkeypatch):
    monkeypatch.delenv("SCHOOLKEEP_BACKUP_PASSPHRASE", raising=False)
    monkeypatch.delenv("SCHOOLKEEP_BACKUP_KEY_FILE", raising=False)


def test_a_private_key_file_is_read(tmp_path, monkeypatch):
    key = tmp_path / "backup.key"
    key.write_text("a long passphrase from a file\n")
    key.chmod(0o600)
    monkeypatch.setenv("SCHOOLKEEP_BACKUP_KEY_FILE", str(key))
    assert resolve_passphrase() == b"a long passphrase from a file"


def test_a_key_file_others_can_read_is_refused(tmp_path, monkeypatch):
    key = tmp_path / "backup.key"
    key.write_text("a long passphrase from a file\n")
    key.chmod(0o644)
    monkeypatch.setenv("SCHOOLKEEP_BACKUP_KEY_FILE", str(key))
    with pytest.raises(BackupError, match=f"can be read by other users: run chmod 600 {key}"):
        resolve_passphrase()


@pytest.mark.parametrize("problem", ["missing", "empty", "both"])
def test_a_passphrase_configured_wrongly_is_an_error_in_development_too(
        problem, tmp_path, monkeypatch, settings):
    settings.DEVELOPMENT = True
    key = tmp_path / "backup.key"
    if problem != "missing":
        key.write_text("" if problem == "empty" else "secret")
        key.chmod(0o600)
    monkeypatch.setenv("SCHOOLKEEP_BACKUP_KEY_FILE", str(key))
    if problem == "both":
        monkeypatch.setenv("SCHOOLKEEP_BACKUP_PASSPHRASE", "also this")
    with pytest.raises(BackupError):
        resolve_passphrase()
    assert not (settings.DATA_DIR / "backup-passphrase.dev").exists()


def test_development_without_configuration_keeps_its_own(settings):
    settings.DEVELOPMENT = True
    first = resolve_passphrase()
    assert first and resolve_passphrase() == first
