"""Reads of reports from a read replica of PostgreSQL, when there is one (COSO_REPLICA_URL).

The settings add a database alias "replica" and `ReplicaRouter` only when COSO_REPLICA_URL is set. The
router sends a read to the replica only inside `replica_reads()` (or a view method decorated with
`reads_from_replica`): the reports' read-only pages and exports, whose figures may be a moment old. Every
other read, every write, everything inside a transaction of the primary, and the migrations stay on
"default", so a page that writes and then reads sees its own write. docs/operations.md,
docs/decisions/0017-several-nodes.md.
"""

import contextlib
import contextvars
import functools

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading = contextvars.ContextVar("coso_replica_reads", default=False)


@contextlib.contextmanager
def replica_reads():
    """Inside this block, reads outside a transaction go to the replica, when one is configured."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def reads_from_replica(method):
    """A view method (get) whose reads go to the replica: `replica_reads()` around the whole of it."""

    @functools.wraps(method)
    def wrapped(*args, **kwargs):
        with replica_reads():
            return method(*args, **kwargs)

    return wrapped


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


class ReplicaRouter:
    """DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]: reads to the replica only where asked for."""

    def db_for_read(self, model, **hints):
        if not _reading.get() or not replica_configured():
            return None
        if connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return None  # a transaction reads what it wrote, on the primary
        return REPLICA

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: a record read there may point at one from here.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica gets its schema by replication
