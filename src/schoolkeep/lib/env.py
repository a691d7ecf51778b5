"""Reading settings from the environment, strictly: a bad value stops the start."""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off.")


def env_list(name: str, *, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [part.strip() for part in raw.split(",") if part.strip()]


def env_secret(name: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE (for Docker/systemd secrets)."""
    value = os.environ.get(name, "")
    path = os.environ.get(f"{name}_FILE", "")
    if value and path:
        raise ImproperlyConfigured(f"Set {name} or {name}_FILE, not both.")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE cannot be read: {exc.strerror}") from None
    return value.strip()


def load_or_create_dev_secrets(data_dir: Path) -> dict[str, str]:
    """Development only: generate the secret key and an encryption key once, mode 0600."""
    path = data_dir / "dev-secrets.json"
    if path.exists():
        return json.loads(path.read_text())
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # private, as docs/deploy.md says
    values = {
        "secret_key": secrets.token_urlsafe(50),
        "encryption_keys": Fernet.generate_key().decode(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(values, handle)
    return values


MAKE_SECRET_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"  # nosec B105
MAKE_ENCRYPTION_KEY = ("python -c 'from cryptography.fernet import Fernet; "
                       "print(Fernet.generate_key().decode())'")


def weak_secret_key_reason(key: str) -> str | None:
    """Why ``key`` is too weak to sign production sessions and links, if it is (the rule of
    Django's own deployment warning security.W009, made a refusal). The key is never quoted."""
    if key.startswith("django-insecure-"):
        return "is Django's insecure example key"
    if len(key) < 50:
        return f"is {len(key)} characters long; it needs at least 50"
    if len(set(key)) < 5:
        return "repeats too few characters; it needs at least 5 different ones"
    return None


def parse_encryption_keys(raw: str) -> list[str]:
    """The comma-separated Fernet keys of SCHOOLKEEP_ENCRYPTION_KEYS, each checked now: a key
    Fernet cannot use would otherwise fail at the first encryption, long after the start."""
    keys = [part.strip() for part in raw.split(",") if part.strip()]
    if not keys:
        raise ImproperlyConfigured("SCHOOLKEEP_ENCRYPTION_KEYS holds no key.")
    for number, key in enumerate(keys, start=1):
        if not _is_fernet_key(key):
            raise ImproperlyConfigured(
                f"SCHOOLKEEP_ENCRYPTION_KEYS: key {number} of {len(keys)} is not a Fernet key "
                f"(44 characters of url-safe base64); make one with: {MAKE_ENCRYPTION_KEY}"
            )
    return keys


def _is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode("ascii"))) == 32
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False


def base_url_problem(url: str, *, https: bool) -> str | None:
    """Why SCHOOLKEEP_BASE_URL cannot make the links Schoolkeep sends (invitations, reminders,
    calendar feeds) or be the trusted origin of its forms, if it cannot."""
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return "must be an address such as https://schoolkeep.example.sch.uk"
    if parsed.path or parsed.query or parsed.fragment or parsed.username:
        return "must be the site's address alone, with no path, query or user name"
    if https and parsed.scheme != "https":
        return "must start https:// while SCHOOLKEEP_HTTPS is on"
    return None


# Management commands that only inspect the code and never serve, read or write data.
CODE_ONLY_COMMANDS = frozenset({"makemigrations"})


def running_code_only_command(argv: list[str] | None = None) -> bool:
    """True when this process runs one of CODE_ONLY_COMMANDS (``schoolkeep makemigrations``,
    ``django-admin makemigrations``, ``python -m django makemigrations``)."""
    args = sys.argv if argv is None else argv
    return len(args) > 1 and args[1].replace("-", "_") in CODE_ONLY_COMMANDS


def throwaway_secrets() -> tuple[str, str]:
    """A secret key and an encryption key for this process only, never stored."""
    return secrets.token_urlsafe(50), Fernet.generate_key().decode()


def parse_database_url(url: str, *, sqlite_path: Path) -> dict[str, Any]:
    """PostgreSQL from DATABASE_URL, else SQLite in WAL mode in the data directory."""
    if not url:
        return {
            # Django's backend, creating the file 0600 (schoolkeep.lib.private_sqlite3).
            "ENGINE": "schoolkeep.lib.private_sqlite3",
            "NAME": str(sqlite_path),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000; "
                "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON",
                "transaction_mode": "IMMEDIATE",
            },
        }
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL.")
    name = unquote(parsed.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL must name a database.")
    options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


def parse_email_url(url: str, *, data_dir: Path, required: bool) -> dict[str, Any]:
    """Mail settings from SCHOOLKEEP_EMAIL_URL: smtp://user:pass@host:port, or console:."""
    if not url:
        if required:
            raise ImproperlyConfigured("SCHOOLKEEP_EMAIL_URL is required in production.")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(data_dir / "mail"),
        }
    if url.startswith("console:"):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parsed = urlparse(url)
    if parsed.scheme not in ("smtp", "smtps", "smtp+tls"):
        raise ImproperlyConfigured(
            "SCHOOLKEEP_EMAIL_URL must start smtp://, smtps://, smtp+tls:// or be console:."
        )
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "smtp+tls",
        "EMAIL_TIMEOUT": 20,
    }
