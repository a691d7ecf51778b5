"""The seed policy's copy in the repository is there, and no test looks for it elsewhere."""

from __future__ import annotations

import re
from pathlib import Path

from tests.seed import SEED_POLICY

REPOSITORY = Path(__file__).resolve().parents[1]
# The project's seed beside the clone, when the clone sits in the project's folder.
ORIGINAL = REPOSITORY.parent.joinpath("shared", "seed", SEED_POLICY.name)


def test_the_seed_policy_is_inside_the_repository():
    text = SEED_POLICY.read_text(encoding="utf-8")
    assert "Online Security Policy" in text
    assert len(text) > 5000


def test_the_copy_matches_the_projects_seed_where_both_are_present():
    if ORIGINAL.is_file():  # beside the project's folder; a lone clone has only the copy
        assert SEED_POLICY.read_bytes() == ORIGINAL.read_bytes()


def test_no_test_reads_the_seed_from_outside_the_repository():
    # A test that looks outside the clone would skip (or fail) wherever the clone is alone.
    outside = re.compile(r"""["']shared["']\s*/\s*["']seed["']""")
    offenders = [
        str(path.relative_to(REPOSITORY))
        for folder in ("src", "tests", "bench")
        for path in (REPOSITORY / folder).rglob("*.py")
        if outside.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
