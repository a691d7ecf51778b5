"""What the two document commands (``governor-pack``, ``policy-document``) share: the school
and format they were given, and a new file that is never written over an existing one and
is removed again when making the document fails. Every refusal is one line, status 2."""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO

from django.core.management.base import CommandError

from schoolkeep.audit.context import audit_context, cli_actor_label
from schoolkeep.lib.errors import DomainError
from schoolkeep.tenancy.models import School

STATUS = 2


def school_and_format(options: dict[str, Any], formats: Collection[str]) -> tuple[School, str]:
    """The school named by ``--school`` and the ``--format`` (any case), or a one-line error."""
    school = School.objects.filter(slug=options["school"]).first()
    if school is None:
        raise CommandError(f"No school has the short name {options['school']!r}.",
                           returncode=STATUS)
    fmt = str(options["format"]).lower()
    if fmt not in formats:
        raise CommandError(f"The format must be pdf or docx, not {options['format']!r}.",
                           returncode=STATUS)
    return school, fmt


@contextmanager
def new_file(out: str) -> Iterator[BinaryIO]:
    """``out`` opened for writing as the command line's actor: created here, never over a
    file that is already there, and removed again if the block fails (a broken rule of the
    services is its one-line message)."""
    path = Path(out)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise CommandError(f"{path}: cannot be written ({exc.strerror}).",
                           returncode=STATUS) from None
    try:
        with os.fdopen(fd, "wb") as handle, audit_context(actor_label=cli_actor_label()):
            yield handle
    except DomainError as exc:
        path.unlink(missing_ok=True)
        raise CommandError(exc.message, returncode=STATUS) from None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
