"""Every app's reminder run, behind one command (`coso remind`) and one task (core.tasks).

An app registers, in its AppConfig.ready(), a function that sends its due reminders once each and returns
how many went out, by kind; `labels` names its kinds for the command's report. A run whose function takes a
`today` argument is given the day the command or the task was asked to act on (None: today); the others
act on the real clock.
"""

import datetime as dt
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from core.models import Notification
from core.services import notify

KEY_BATCH = 500  # keys (and users) per query when looking up what was already sent: parameter limits


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


@dataclass(frozen=True)
class Reminder:
    """One reminder about one record, to several people; `key` makes it go out once to each."""

    kind: str
    key: str
    title: str
    body: str
    url: str
    users: list
    # The record reminded of: a confidential one goes only to those who may see it (core.services.notify).
    record: object = None


def already_sent(reminders: list[Reminder]) -> set[tuple[int, str]]:
    """The (user, key) pairs among these reminders that went out before: a few queries, whatever the count."""
    keys = sorted({r.key for r in reminders})
    user_ids = sorted({u.pk for r in reminders for u in r.users})
    notifications = Notification.objects.all()
    if len(user_ids) <= KEY_BATCH:
        # With the users named, the database can use the (user, key) unique index.
        notifications = notifications.filter(user_id__in=user_ids)
    sent: set[tuple[int, str]] = set()
    for start in range(0, len(keys), KEY_BATCH):
        batch = notifications.filter(key__in=keys[start : start + KEY_BATCH])
        sent.update(batch.values_list("user_id", "key"))
    return sent


def deliver(reminders: list[Reminder], kinds: Iterable[str]) -> dict[str, int]:
    """Send each reminder to each of its people who has not had it yet; how many went out, by kind.

    Each notification is its own transaction, so an interrupted run keeps what it sent and the next run
    sends the rest."""
    counts = {str(kind): 0 for kind in kinds}
    sent = already_sent(reminders)
    for reminder in reminders:
        for user in reminder.users:
            if (user.pk, reminder.key) in sent:
                continue
            created = notify(
                user=user,
                kind=reminder.kind,
                key=reminder.key,
                title=reminder.title,
                body=reminder.body,
                url=reminder.url,
                record=reminder.record,
            )
            if created is not None:
                counts[str(reminder.kind)] += 1
    return counts
