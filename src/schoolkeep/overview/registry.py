"""Measure providers and the overview's areas register here, from ``overview.apps``.

Like ``duties.registry``: one provider per module (registering a module again replaces it,
so a module imported twice never counts twice), and one area per key. The overview's
sections are the registered areas in their ``order``; nothing on the page is hard-coded to
a module, so a later module (such as the compliance frameworks) adds an area and a provider.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from schoolkeep.lib.registries import only_these
from schoolkeep.overview.types import Area, MeasureProvider

_providers: dict[str, MeasureProvider] = {}
_areas: dict[str, Area] = {}


def register(provider: MeasureProvider) -> MeasureProvider:
    """Add (or replace) the provider of ``provider.module``; returns it."""
    if not getattr(provider, "module", ""):
        raise ValueError("A measure provider needs a module name.")
    for spec in provider.specs:
        if spec.area not in _areas:
            raise ValueError(f"Measure {spec.key!r} names an unknown area {spec.area!r}.")
    _providers[provider.module] = provider
    return provider


def register_area(area: Area) -> Area:
    """Add (or replace) the area of ``area.key``."""
    _areas[area.key] = area
    return area


def providers() -> list[MeasureProvider]:
    """Every provider, in the order their modules registered."""
    return list(_providers.values())


def areas() -> list[Area]:
    """Every area, in its order."""
    return sorted(_areas.values(), key=lambda area: (area.order, area.key))


@contextmanager
def only(*replacement: MeasureProvider) -> Iterator[None]:
    """For tests: exactly these providers while the block runs, then the real ones again."""
    with only_these(_providers, register, replacement):
        yield
