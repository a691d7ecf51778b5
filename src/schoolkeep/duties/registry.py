"""Providers register here when their module is imported (usually from the app's ``ready()``).

``register`` keeps one provider per module: registering a module again replaces its
provider, so importing a module twice (tests, autoreload) never counts its duties twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from schoolkeep.duties.types import DutyProvider
from schoolkeep.lib.registries import only_these

_providers: dict[str, DutyProvider] = {}


def register(provider: DutyProvider) -> DutyProvider:
    """Add (or replace) the provider of ``provider.module``; returns it, so it can decorate."""
    if not getattr(provider, "module", ""):
        raise ValueError("A duty provider needs a module name.")
    if not getattr(provider, "label", ""):
        raise ValueError(f"The duty provider of {provider.module!r} needs a label.")
    _providers[provider.module] = provider
    return provider


def providers() -> list[DutyProvider]:
    """Every registered provider, in the order their modules registered."""
    return list(_providers.values())


def provider_for(module: str) -> DutyProvider | None:
    """The provider of ``module``, or None when no provider has registered it."""
    return _providers.get(module)


def view_permission_for(module: str) -> str:
    """The permission needed to see someone else's duties of ``module`` (the provider's
    ``view_permission``; by default every member's ``school.view``). A member always sees
    their own duties."""
    provider = _providers.get(module)
    return str(getattr(provider, "view_permission", "school.view"))


def label_for(module: str) -> str:
    provider = _providers.get(module)
    return provider.label if provider is not None else module


def module_of_kind(kind: str) -> str:
    """``assets`` for the kind ``assets.owner-missing``."""
    return kind.split(".", 1)[0]


def kind_label(kind: str) -> str:
    """Plain English for a kind of duty: the provider's ``kind_labels`` entry when it gives
    one, else its label and the kind's own words ("Information assets and systems: owner
    missing")."""
    module = module_of_kind(kind)
    provider = _providers.get(module)
    labels: dict[str, str] = getattr(provider, "kind_labels", None) or {}
    if kind in labels:
        return labels[kind]
    words = kind.split(".", 1)[1].replace("-", " ") if "." in kind else kind
    return f"{label_for(module)}: {words}"


def is_known_kind(kind: str) -> bool:
    """A kind of a registered module, written as ``<module>.<words>``."""
    module, _dot, rest = kind.partition(".")
    return module in _providers and bool(rest)


@contextmanager
def only(*replacement: DutyProvider) -> Iterator[None]:
    """For tests: exactly these providers while the block runs, then the real ones again."""
    with only_these(_providers, register, replacement):
        yield
