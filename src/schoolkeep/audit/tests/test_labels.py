"""The trail in plain words: every action code the services write has a label and an area,
and the actors recorded without a signed-in member are named as people read them."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import get_resolver

from schoolkeep.audit.actions import AREAS, area_of, known_actions
from schoolkeep.audit.actors import actor_name

SOURCE = Path(__file__).resolve().parents[2]  # src/schoolkeep
CODE = re.compile(r"^([a-z_]+)(\.[a-z_0-9]+)+$")
# Names that hold an action code where it is written.
HOLDERS = {"action", "ACTION", "action_code"}
# Codes known to have no label yet (none): a code here fails the test once it is labelled.
AWAITING_LABELS: set[str] = set()


def _texts(node: ast.AST) -> Iterator[str]:
    """The string literals an expression may give: itself, either branch of ``a if c else
    b``, each of a tuple (``action, before = "x", None``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _texts(node.body)
        yield from _texts(node.orelse)
    elif isinstance(node, ast.Tuple):
        for element in node.elts:
            yield from _texts(element)


def _function_name(call: ast.Call) -> str:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id
    return function.attr if isinstance(function, ast.Attribute) else ""


def _assigned_names(target: ast.expr) -> list[str]:
    targets = target.elts if isinstance(target, ast.Tuple) else [target]
    return [name.id for name in targets if isinstance(name, ast.Name)]


def _candidates(tree: ast.AST) -> Iterator[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for keyword in node.keywords:
                if keyword.arg in HOLDERS:
                    yield from _texts(keyword.value)
            if "audit" in _function_name(node):  # audit_record("x.y", ...), _audit(...)
                for argument in node.args:
                    yield from _texts(argument)
        elif isinstance(node, ast.Assign):
            names = [name for target in node.targets for name in _assigned_names(target)]
            if any(name in HOLDERS or name.endswith("_ACTION") for name in names):
                yield from _texts(node.value)
        elif isinstance(node, ast.Dict):  # {"action": "x.y", ...} rows written in bulk
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in HOLDERS:
                    yield from _texts(value)


def written_codes() -> dict[str, str]:
    """Each action code the application's source writes, with where it is first seen."""
    app_labels = {config.label for config in apps.get_app_configs()}
    found: dict[str, str] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if {"tests", "migrations"} & set(path.parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for text in _candidates(tree):
            match = CODE.match(text)
            if match and match.group(1) in app_labels:
                found.setdefault(text, str(path.relative_to(SOURCE)))
    return found


@pytest.fixture(scope="module")
def labels() -> dict[str, str]:
    get_resolver().url_patterns  # noqa: B018  # every view's module, as on a first request
    return known_actions()


def test_every_code_the_services_write_has_a_label(labels: dict[str, str]) -> None:
    codes = written_codes()
    # The scan finds codes where they are written (a sanity check on the scan itself).
    assert {"tenancy.term.created", "tenancy.term.updated", "people.check.updated",
            "incidents.decision.recorded", "audit.trail.exported"} <= set(codes)
    assert len(codes) > 100
    unlabelled = {code: where for code, where in codes.items() if code not in labels}
    assert set(unlabelled) == AWAITING_LABELS, (
        "Action codes without a label (add them to their app's ACTION_LABELS; remove from "
        f"AWAITING_LABELS those now labelled): {unlabelled}")


def test_every_labelled_code_is_in_an_area(labels: dict[str, str]) -> None:
    assert [code for code in labels if not area_of(code)] == []
    keys = [area.key for area in AREAS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("recorded", "shown"), [
    ("cli:root", "Schoolkeep command line (root)"),
    ("cli:unknown", "Schoolkeep command line"),
    ("system", "Schoolkeep (scheduled)"),
    ("scheduler", "Schoolkeep (scheduled)"),
    ("", "Schoolkeep (scheduled)"),
    ("anonymous", "Someone not signed in"),
    ("kiosk: Ann Lee", "The signing kiosk opened by Ann Lee"),
    ("kiosk: cli:root", "The signing kiosk opened by Schoolkeep command line (root)"),
    ("signing link: Bo Chen", "Bo Chen, through a signing link"),
    ("Ann Lee", "Ann Lee"),  # a member: their name as it is
    ("Clifford Systems", "Clifford Systems"),
])
def test_actors_are_named_as_people_read_them(recorded: str, shown: str) -> None:
    assert actor_name(recorded) == shown
