"""Reaching PostgreSQL for a backup or a restore exactly as Django does: one libpq conninfo
(TLS settings included, password excluded) for pg_dump, pg_restore and the snapshot connection,
and a minimal environment for the tools."""

from __future__ import annotations

import os
import shutil
from typing import Any

from schoolkeep.backups.errors import BackupError

# Django's own OPTIONS for its PostgreSQL backend: they do not change which server is reached,
# how, or what is read, so the tools do not need them.
DJANGO_ONLY_OPTIONS = frozenset({"isolation_level", "server_side_binding", "pool"})
# What the PostgreSQL tools inherit of the environment; everything else (the backup passphrase,
# the application's keys) stays out of their /proc/<pid>/environ.
TOOL_ENVIRONMENT = ("PATH", "HOME", "LANG", "LC_ALL", "TZ")


def _libpq_parameters(settings_dict: dict[str, Any]) -> dict[str, str]:
    """Django's connection settings as libpq parameters, password excluded, in Django's order
    of precedence (NAME, then OPTIONS, then USER/HOST/PORT)."""
    params: dict[str, str] = {}
    if settings_dict.get("NAME"):
        params["dbname"] = str(settings_dict["NAME"])
    for key, value in (settings_dict.get("OPTIONS") or {}).items():
        if key not in DJANGO_ONLY_OPTIONS and key != "password" and value is not None:
            params[key] = str(value)
    for key, name in (("USER", "user"), ("HOST", "host"), ("PORT", "port")):
        if settings_dict.get(key):
            params[name] = str(settings_dict[key])
    return params


def _postgres_password(settings_dict: dict[str, Any]) -> str:
    options = settings_dict.get("OPTIONS") or {}
    return str(settings_dict.get("PASSWORD") or options.get("password") or "")


def postgres_conninfo(settings_dict: dict[str, Any]) -> str:
    """One quoted libpq conninfo (no password) for ``--dbname`` of pg_dump and pg_restore, so
    the tools reach the server exactly as Django does (TLS settings included)."""
    from psycopg import ProgrammingError
    from psycopg.conninfo import make_conninfo

    try:
        return make_conninfo("", **_libpq_parameters(settings_dict))
    except ProgrammingError as exc:  # libpq's own check: an option it does not know
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "invalid option"
        raise BackupError(f"the database settings cannot be given to the PostgreSQL tools: "
                          f"{reason}") from None


def postgres_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """A minimal environment for pg_dump/pg_restore: no password on a command line, and none
    of Schoolkeep's own secrets inherited."""
    env = {name: os.environ[name] for name in TOOL_ENVIRONMENT if name in os.environ}
    env.setdefault("PATH", os.defpath)
    password = _postgres_password(settings_dict)
    if password:
        env["PGPASSWORD"] = password
    return env


def postgres_tool(name: str) -> str:
    """The full path of pg_dump or pg_restore, which must be those of the server's version."""
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt install postgresql-client)")
    return found


def postgres_connect(settings_dict: dict[str, Any]) -> Any:
    """A plain psycopg connection made as the tools' (same conninfo), with the password."""
    import psycopg

    conninfo = postgres_conninfo(settings_dict)
    password = _postgres_password(settings_dict)
    if password:
        return psycopg.connect(conninfo, password=password)
    return psycopg.connect(conninfo)
