"""Providers register here from their app's ``ready()``."""

from __future__ import annotations

from schoolkeep.duties.types import DutyProvider

_providers: dict[str, DutyProvider] = {}


def register(provider: DutyProvider) -> None:
    _providers[provider.module] = provider


def providers() -> list[DutyProvider]:
    return list(_providers.values())
