"""Every app's reminder run, behind one command (`coso remind`) and one task.

An app registers a function that sends its due reminders once each and returns counts by kind.
"""

from collections.abc import Callable

ReminderRun = Callable[[], dict]
_runs: list[tuple[str, ReminderRun]] = []


def register(name: str, run: ReminderRun) -> None:
    if all(existing != name for existing, _run in _runs):
        _runs.append((name, run))


def run_all() -> dict[str, dict]:
    """Run every registered reminder run; {app name: counts}."""
    return {name: run() for name, run in _runs}
