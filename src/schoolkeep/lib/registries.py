"""What the registries of providers (duties, measures) share."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

Provider = TypeVar("Provider")


@contextmanager
def only_these(store: dict[str, Provider], register: Callable[[Provider], Any],
               replacement: tuple[Provider, ...]) -> Iterator[None]:
    """For tests: exactly ``replacement`` in ``store`` while the block runs (each added
    through ``register``, so its checks apply), then the real ones again."""
    saved = dict(store)
    store.clear()
    try:
        for provider in replacement:
            register(provider)
        yield
    finally:
        store.clear()
        store.update(saved)
