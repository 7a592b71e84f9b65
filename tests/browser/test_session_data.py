"""The browser tests flush the database as they end; the tests that follow still find the session's units,
and can write (on PostgreSQL, the sequences have moved past the restored rows).

This test asks for the test database but not for the `db` fixture, so the test runner orders it after the
transactional tests.
"""

from django.db import transaction

from conftest import HANOI, HOAN_KIEM, unit
from core.services import create_record
from org.models import AdministrativeUnit, PartyCommittee


def test_the_units_survive_the_browser_tests(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        assert AdministrativeUnit.objects.filter(level=2, code=HOAN_KIEM).exists()
        assert AdministrativeUnit.objects.count() > 100
        committee = PartyCommittee(code="hanoi", name="Thành ủy Hà Nội", root_unit=unit(HANOI, level=1))
        create_record(actor=None, instance=committee)  # a committee and an audit entry
        assert committee.pk is not None
        transaction.set_rollback(True)
