"""Assertions shared by several apps' tests."""

from __future__ import annotations

import re

from django.db.models import Model

from schoolkeep.audit.selectors import last_change
from schoolkeep.lib.stale import when_words


def assert_names_last_change(message: str, target: Model) -> None:
    """A stale-save refusal names who changed ``target`` last and when (UK time)."""
    # The member's name is sealed under their key in the trail: the selector opens it.
    last = last_change(school=target.school_id, target=target)  # type: ignore[attr-defined]
    assert last is not None
    assert last[0] in message, message
    assert when_words(last[1]) in message, message


# Random identifiers (UUIDs, tokens, fingerprints) may contain any short run of digits by
# chance, so a page is searched for a leaked value only after they are blanked out.
_RANDOM_IDENTIFIERS = re.compile(
    r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"  # UUIDs
    r"|value=\"[A-Za-z0-9_-]{32,}\""  # CSRF and similar tokens
    r"|\b[0-9a-f]{40,}\b"  # fingerprints
)


def assert_not_shown(html: str, *values: str) -> None:
    """None of ``values`` appears in the page outside its random identifiers."""
    readable = _RANDOM_IDENTIFIERS.sub("", html)
    for value in values:
        assert value not in readable, f"{value!r} is shown on the page"


def squeezed_html(html: str) -> str:
    """``html`` with its whitespace between tags removed and other runs of it made one
    space: for comparing markup written in Python with the template it replaced."""
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()
