"""The scheduler enqueues the daily reminders at 07:00 London and a tick every ten minutes,
once per slot, across restarts; the worker and serve commands run and stop their parts."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from io import StringIO
from unittest import mock

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django_tasks import default_task_backend

from schoolkeep.duties import scheduler
from schoolkeep.duties.models import SchedulerState

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def queue(settings, transactional_db):
    """A task backend that only records what was enqueued."""
    settings.TASKS = DUMMY
    default_task_backend.clear()  # type: ignore[attr-defined]
    return default_task_backend


def enqueued(queue) -> list[str]:
    return [result.task.name for result in queue.results]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def run_at(moment: datetime) -> list[str]:
    with time_machine.travel(moment, tick=False):
        return scheduler.run_due_jobs()


def test_daily_slot_is_seven_in_london_winter_and_summer():
    assert scheduler.daily_slot(at(2026, 1, 15, 6, 59)) == at(2026, 1, 14, 7)
    assert scheduler.daily_slot(at(2026, 1, 15, 7, 0)) == at(2026, 1, 15, 7)
    # British Summer Time: 07:00 in London is 06:00 UTC.
    assert scheduler.daily_slot(at(2026, 7, 15, 5, 59)) == at(2026, 7, 14, 6)
    assert scheduler.daily_slot(at(2026, 7, 15, 6, 0)) == at(2026, 7, 15, 6)
    # The day the clocks go forward (29 March 2026, at 01:00 UTC).
    assert scheduler.daily_slot(at(2026, 3, 29, 6, 30)) == at(2026, 3, 29, 6)


def test_tick_slots_are_on_the_tens():
    assert scheduler.every_slot(at(2026, 1, 15, 9, 59, 59)) == at(2026, 1, 15, 9, 50)
    assert scheduler.every_slot(at(2026, 1, 15, 10, 0)) == at(2026, 1, 15, 10, 0)


def test_scheduler_enqueues_each_job_at_the_right_moments(queue):
    # First start at 06:59: a tick now; yesterday's reminders are too old to catch up.
    assert run_at(at(2026, 1, 15, 6, 59)) == ["tick"]
    assert run_at(at(2026, 1, 15, 6, 59, 40)) == []
    assert run_at(at(2026, 1, 15, 7, 0)) == ["send_reminders", "tick"]
    assert run_at(at(2026, 1, 15, 7, 5)) == []
    assert run_at(at(2026, 1, 15, 7, 10)) == ["tick"]
    assert run_at(at(2026, 1, 15, 12, 0)) == ["tick"]
    assert run_at(at(2026, 1, 16, 7, 0, 20)) == ["send_reminders", "tick"]
    assert enqueued(queue) == ["tick", "send_reminders", "tick", "tick", "tick",
                               "send_reminders", "tick"]


def test_a_restart_does_not_repeat_a_run(queue):
    assert run_at(at(2026, 7, 15, 6, 1)) == ["send_reminders", "tick"]
    # A new scheduler (a restarted worker) reads the last slots from the database.
    with time_machine.travel(at(2026, 7, 15, 6, 2), tick=False):
        assert scheduler.Scheduler().run_once() == []
    state = SchedulerState.objects.get(job="send_reminders")
    assert state.last_slot == at(2026, 7, 15, 6)
    assert enqueued(queue) == ["send_reminders", "tick"]


def test_a_missed_morning_is_caught_up_the_same_morning_only(queue):
    run_at(at(2026, 1, 15, 7, 0))
    # The worker was down over the next 07:00 and comes back at 09:30: send now.
    assert "send_reminders" in run_at(at(2026, 1, 16, 9, 30))
    # Down again until the evening: skip, and do not try again until tomorrow.
    assert "send_reminders" not in run_at(at(2026, 1, 17, 20, 0))
    assert "send_reminders" not in run_at(at(2026, 1, 17, 20, 10))
    assert "send_reminders" in run_at(at(2026, 1, 18, 7, 0))


def test_jobs_are_enqueued_only_when_the_claim_commits(queue):
    from django.db import transaction

    with time_machine.travel(at(2026, 1, 15, 7, 0), tick=False), transaction.atomic():
        scheduler.run_due_jobs()
        assert enqueued(queue) == []
    assert enqueued(queue) == ["send_reminders", "tick"]


def test_ticks_run_every_registered_clock_even_if_one_fails(monkeypatch):
    calls = []
    monkeypatch.setattr(scheduler, "_ticks", {})
    scheduler.register_tick("a", lambda now: calls.append(("a", now)))
    scheduler.register_tick("broken", lambda now: 1 / 0)
    scheduler.register_tick("b", lambda now: calls.append(("b", now)))
    moment = at(2026, 1, 15, 7, 10)
    assert scheduler.run_ticks(moment) == {"ran": ["a", "b"], "failed": ["broken"]}
    assert calls == [("a", moment), ("b", moment)]


def test_the_tick_task_runs_the_clocks(db, monkeypatch):
    from schoolkeep.duties.tasks import tick

    monkeypatch.setattr(scheduler, "_ticks", {})
    seen = []
    scheduler.register_tick("probe", seen.append)
    result = tick.enqueue()  # the immediate backend in tests
    assert result.return_value == {"ran": ["probe"], "failed": []}
    assert len(seen) == 1


def test_scheduler_thread_stops_when_asked(queue):
    beat = scheduler.Scheduler(interval=0.01)
    thread = beat.start_thread()
    beat.stop()
    thread.join(timeout=5)
    assert not thread.is_alive()


# --- the commands --------------------------------------------------------------------


def test_worker_runs_db_worker_with_the_scheduler_and_stops_both(db):
    beat = threading.Event()
    worked = threading.Event()

    def fake_db_worker(name, **options):
        assert name == "db_worker" and options["reload"] is False
        assert beat.wait(5)  # the scheduler runs beside the worker
        worked.set()
        raise SystemExit(0)  # what db_worker does on SIGTERM

    with (
        mock.patch("schoolkeep.duties.management.commands.worker.call_command",
                   side_effect=fake_db_worker),
        mock.patch.object(scheduler.Scheduler, "run_once", side_effect=lambda: beat.set()),
        pytest.raises(SystemExit),
    ):
        call_command("worker")
    assert worked.is_set()
    assert not [t for t in threading.enumerate() if t.name == "schoolkeep-scheduler"]


def test_worker_refuses_a_bad_interval():
    with pytest.raises(CommandError, match="--interval"):
        call_command("worker", interval=0)


@pytest.mark.parametrize("port", ["http", "0", "70000"])
def test_serve_refuses_a_bad_port(port):
    with pytest.raises(CommandError, match="--port"):
        call_command("serve", port=port)


def test_serve_uses_runserver_in_development_and_gunicorn_in_production(settings):
    from schoolkeep.duties.management.commands.serve import web_command

    settings.DEVELOPMENT = True
    assert web_command("localhost", 8000)[-3:] == ["runserver", "--noreload", "localhost:8000"]
    settings.DEVELOPMENT = False
    command = web_command("::1", 9000)
    assert "gunicorn" in command and "schoolkeep.wsgi:application" in command
    assert command[command.index("--bind") + 1] == "[::1]:9000"


class FakeProcess:
    def __init__(self, exits_with=None):
        self.code = exits_with
        self.signals = []

    def poll(self):
        return self.code

    def send_signal(self, sig):
        self.signals.append(sig)
        self.code = -sig

    def wait(self, timeout=None):
        return self.code

    def kill(self):
        self.code = -9


def test_serve_stops_everything_when_one_part_dies():
    web, worker = FakeProcess(), FakeProcess(exits_with=1)
    with (
        mock.patch("subprocess.Popen", side_effect=[web, worker]),
        pytest.raises(CommandError, match="worker stopped unexpectedly"),
    ):
        call_command("serve", stdout=StringIO())
    assert web.signals == [signal.SIGTERM] and worker.signals == []


def test_serve_stops_both_on_ctrl_c():
    web, worker = FakeProcess(), FakeProcess()

    def popen(*args, **kwargs):
        process = [web, worker][popen.calls]
        popen.calls += 1
        if popen.calls == 2:
            signal.raise_signal(signal.SIGINT)  # Ctrl-C once both have started
        return process

    popen.calls = 0
    out = StringIO()
    with mock.patch("subprocess.Popen", side_effect=popen):
        call_command("serve", stdout=out)
    assert web.signals == [signal.SIGTERM] and worker.signals == [signal.SIGTERM]
    assert "Stopped." in out.getvalue()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
