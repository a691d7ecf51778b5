"""Requests at the same moment, each thread on its own database connection, as the web
server's workers would be.

On PostgreSQL each thread simply opens its own connection to the test database. SQLite's
test database is in memory, where a second connection reports "locked" at once instead of
waiting as a database file does (``busy_timeout``): the test's rows are copied into a
temporary database file and every thread connects to that file, so the race runs against
SQLite as deployed (a file, WAL, IMMEDIATE transactions).
"""

from __future__ import annotations

import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, connections

T = TypeVar("T")


class Race:
    def __init__(self, settings_dict: dict[str, Any] | None) -> None:
        self._settings = settings_dict  # None: the test database itself (PostgreSQL)

    def _bind(self) -> None:
        if self._settings is not None:
            wrapper_class = type(connections["default"])
            connections["default"] = wrapper_class(self._settings, "default")

    def run(self, count: int, work: Callable[[int], T], timeout: float = 120) -> list[T]:
        """``work(i)`` in ``count`` threads released together; their results in order."""
        barrier = threading.Barrier(count)
        results: list[Any] = [None] * count
        errors: list[BaseException] = []

        def thread_main(index: int) -> None:
            try:
                self._bind()
                barrier.wait(timeout=timeout)
                results[index] = work(index)
            except BaseException as exc:  # reported below
                errors.append(exc)
            finally:
                connections["default"].close()

        threads = [threading.Thread(target=thread_main, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
        if errors:
            raise errors[0]
        assert not [thread for thread in threads if thread.is_alive()], "a thread hung"
        return results

    def read(self, query: Callable[[], T]) -> T:
        """``query()`` on the database the racing threads used."""
        return self.run(1, lambda _: query())[0]


@contextmanager
def racing_database() -> Iterator[Race]:
    """Use inside a ``transaction=True`` test, after making its rows."""
    if connection.vendor != "sqlite":
        yield Race(None)
        return
    with tempfile.TemporaryDirectory(prefix="schoolkeep-race-") as folder:
        path = Path(folder) / "race.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        yield Race({**connections.settings["default"], "NAME": str(path)})
