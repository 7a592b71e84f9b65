"""Every app's reminder run, behind one command (`coso remind`) and one task (core.tasks).

An app registers, in its AppConfig.ready(), a function that sends its due reminders once each and returns
how many went out, by kind; `labels` names its kinds for the command's report. A run whose function takes a
`today` argument is given the day the command or the task was asked to act on (None: today); the others
act on the real clock.
"""

import datetime as dt
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ReminderRun:
    name: str
    run: Callable[..., dict]
    labels: Mapping[str, object] = field(default_factory=dict)

    @property
    def takes_today(self) -> bool:
        return "today" in inspect.signature(self.run).parameters


_runs: dict[str, ReminderRun] = {}


def register(name: str, run: Callable[..., dict], *, labels: Mapping[str, object] | None = None) -> None:
    """Add an app's run (once: a second registration under the same name is ignored)."""
    _runs.setdefault(name, ReminderRun(name, run, dict(labels or {})))


def registered() -> list[ReminderRun]:
    return list(_runs.values())


def run_all(*, today: dt.date | None = None) -> dict[str, dict[str, int]]:
    """Run every registered reminder run; {app name: {kind: count}}."""
    return {r.name: r.run(today=today) if r.takes_today else r.run() for r in _runs.values()}


def label(kind: str) -> str:
    """A kind of reminder in words, as the app that sends it names it."""
    for r in _runs.values():
        if kind in r.labels:
            return str(r.labels[kind])
    return kind
