"""Reports that arrive at the same moment all get in, each with its own code (PostgreSQL, real transactions).

The load script found it: two workers read the same last code, and the second report was refused.
"""

import threading

import pytest
from django.db import connection, connections

from incidents.models import Incident

from .conftest import report

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite takes the write lock as a transaction begins"
)

THREADS, EACH = 6, 4


@pytest.fixture
def units(transactional_db):
    """The real units, loaded again if a transactional test (a browser test) on this worker flushed them and
    the serialized rollback did not bring them back: the load is idempotent, and one query when they are
    there. A flush also recreates the content types under new ids: the cached ones are dropped first."""
    from django.contrib.contenttypes.models import ContentType

    from conftest import HANOI, HCMC
    from org.models import AdministrativeUnit
    from org.services import units_import

    ContentType.objects.clear_cache()
    if not AdministrativeUnit._base_manager.filter(level=1, code=HANOI).exists():
        units_import(actor=None, province_codes=[HANOI, HCMC])


def test_simultaneous_reports_are_numbered_one_after_another(
    transactional_db, django_db_serialized_rollback, units, hanoi, routed, office
):
    barrier = threading.Barrier(THREADS)
    errors = []

    def reporter(n: int):
        try:
            barrier.wait(timeout=10)
            for i in range(EACH):
                report(hanoi, office, title=f"Phản ánh đồng thời {n}-{i}")
        except Exception as exc:  # collected and asserted below, in the main thread
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reporter, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    codes = sorted(Incident.objects.filter(organization=hanoi).values_list("code", flat=True))
    assert codes == [f"VV-2026-{n:05d}" for n in range(1, THREADS * EACH + 1)]
