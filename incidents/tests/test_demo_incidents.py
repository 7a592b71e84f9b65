"""`coso demo` gives both cities a year of believable incidents, routed by the demo's real assignments."""

import datetime as dt
import time

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from accounts.demo import HANDOVER_ON, demo_load
from accounts.models import User
from core.models import Notification
from incidents.choices import OPEN_STATUSES, IncidentStatus, RejectReason, Severity
from incidents.models import Incident
from incidents.reminders import OVERDUE, OVERDUE_ACK, send_incident_reminders
from incidents.selectors import incident_list, my_incidents
from org.models import PartyCommittee
from org.selectors import responsible_leader

CITIES = ("hanoi", "hcmc")
# Around each city centre, wide enough for Ho Chi Minh City since it absorbed Bình Dương and Bà Rịa–Vũng Tàu.
BOUNDS = {"hanoi": ((20.8, 21.3), (105.6, 106.1)), "hcmc": ((10.4, 11.2), (106.3, 107.1))}


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    """Load the demo once for the module, in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started, clock = time.perf_counter(), timezone.now()
            context = demo_load(steps=("incidents",))  # only the steps these tests read
            print(f"\ndemo loaded in {time.perf_counter() - started:.1f} s")
            context.incidents_loaded_from = clock
            yield context
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def demo(loaded, db):
    return loaded


def incidents_of(city: str):
    return Incident.objects.filter(organization__code=city)


@pytest.mark.parametrize("city", CITIES)
def test_a_year_of_incidents_routed_to_real_leaders(demo, city):
    qs = incidents_of(city)
    now = timezone.now()
    assert 300 <= qs.count() <= 600
    assert not qs.filter(responsible_leader__isnull=True).exists()
    assert set(qs.values_list("routed_via", flat=True)) <= {"direct", "parent"}  # never the fallback
    assert not qs.filter(Q(reported_at__gt=now) | Q(occurred_at__gt=F("reported_at"))).exists()
    oldest = qs.order_by("occurred_at").first().occurred_at
    assert now - oldest > dt.timedelta(days=100)  # spread over the past months (a year at most)
    assert now - oldest <= dt.timedelta(days=366)
    # Frozen on the leader who answered for the ward on the day it occurred
    committee = PartyCommittee.objects.get(code=city)
    for incident in qs.select_related("locality").order_by("pk")[::15]:
        answer = responsible_leader(incident.locality, at=incident.occurred_at, organization=committee)
        assert incident.responsible_leader_id == answer.leader.pk, incident


def test_a_handed_over_ward_keeps_its_old_incidents_on_the_old_leader(demo):
    """Phường Ba Đình passed from the Office chief to lanhdao on the demo's handover day."""
    qs = incidents_of("hanoi").filter(locality__code=4)
    before = qs.filter(occurred_at__date__lt=HANDOVER_ON)
    after = qs.filter(occurred_at__date__gte=HANDOVER_ON)
    assert set(after.values_list("responsible_leader__full_name", flat=True)) <= {"Lương Đức Thịnh"}
    assert set(before.values_list("responsible_leader__full_name", flat=True)) <= {"Lại Văn Khiêm"}
    assert qs.count() >= 3


@pytest.mark.parametrize("city", CITIES)
def test_mostly_routine_some_urgent_and_complex_several_of_public_concern(demo, city):
    qs = incidents_of(city)
    total = qs.count()
    severities = dict(qs.values_list("severity").annotate(n=Count("id")))
    assert severities[Severity.NORMAL] > total / 2
    assert severities[Severity.URGENT] >= total * 0.05 and severities[Severity.COMPLEX] >= total * 0.05
    assert qs.filter(is_public_concern=True).count() >= 10
    assert len(set(qs.values_list("field", flat=True))) >= 8
    assert len(set(qs.values_list("source", flat=True))) >= 6
    assert len(set(qs.values_list("locality", flat=True))) >= 40  # many wards, not a handful


@pytest.mark.parametrize("city", CITIES)
def test_most_are_resolved_on_time_some_late_some_open_and_overdue(demo, city):
    qs = incidents_of(city)
    resolved = qs.filter(resolved_at__isnull=False)
    on_time = resolved.filter(resolved_at__lte=F("resolve_due_at")).count()
    late = resolved.filter(resolved_at__gt=F("resolve_due_at")).count()
    assert resolved.count() > qs.count() / 2
    assert on_time > 3 * late and late >= 5
    assert qs.filter(status=IncidentStatus.CLOSED).count() >= qs.count() / 4
    office = User.objects.get(username={"hanoi": "vanphong", "hcmc": "vanphonghcm"}[city])
    listed = incident_list(user=office)
    assert listed.filter(is_overdue=True).count() >= 5
    assert listed.filter(is_overdue=True, acknowledged_at__isnull=True).exists()  # never acknowledged
    assert listed.filter(status__in=OPEN_STATUSES, is_overdue=False).exists()  # recent, within deadline
    duplicates = qs.filter(reject_reason=RejectReason.DUPLICATE).select_related("duplicate_of")
    assert duplicates.count() >= 3
    for incident in duplicates:
        assert incident.status == IncidentStatus.REJECTED
        assert incident.duplicate_of.locality_id == incident.locality_id
        assert incident.duplicate_of.title == incident.title


@pytest.mark.parametrize("city", CITIES)
def test_the_times_of_the_workflow_are_in_the_past_and_in_order(demo, city):
    now = timezone.now()
    for incident in incidents_of(city):
        steps = [incident.reported_at, incident.acknowledged_at, incident.resolved_at, incident.closed_at]
        present = [s for s in steps if s is not None]
        assert present == sorted(present) and present[-1] <= now, incident
        assert incident.status_changed_at <= now
        if incident.status == IncidentStatus.CLOSED:
            assert incident.closed_at == incident.status_changed_at
        if incident.status in (IncidentStatus.HANDLING, IncidentStatus.RESOLVED, IncidentStatus.CLOSED):
            assert incident.acknowledged_at is not None
        if incident.status == IncidentStatus.RECEIVED:
            assert incident.acknowledged_at is None


def test_hoan_kiem_has_open_incidents_for_lanhdao_and_hoankiem(demo):
    hk = incidents_of("hanoi").filter(locality__code=70)
    assert hk.count() >= 8
    for login in ("lanhdao", "hoankiem"):
        mine = my_incidents(user=User.objects.get(username=login))
        open_ones = mine.filter(status__in=OPEN_STATUSES, locality__code=70)
        assert open_ones.count() >= 3, login
        assert open_ones.filter(is_overdue=True).exists(), login
        assert open_ones.filter(is_overdue=False).exists(), login
    assert hk.filter(focal_point__username="hoankiem").count() == hk.count()


@pytest.mark.parametrize("city", CITIES)
def test_the_map_has_points_around_the_city(demo, city):
    qs = incidents_of(city)
    placed = qs.filter(latitude__isnull=False)
    assert placed.count() >= qs.count() * 0.8
    (lat_min, lat_max), (lon_min, lon_max) = BOUNDS[city]
    assert not placed.exclude(
        latitude__gte=lat_min, latitude__lte=lat_max, longitude__gte=lon_min, longitude__lte=lon_max
    ).exists()
    assert placed.values("latitude", "longitude").distinct().count() == placed.count()


def test_overdue_incidents_were_escalated_once(demo):
    bithu = User.objects.get(username="bithu")
    escalated = Notification.objects.filter(user=bithu, kind__in=(OVERDUE, OVERDUE_ACK))
    overdue = incident_list(user=bithu).filter(is_overdue=True)
    assert escalated.count() >= overdue.count() > 0
    # Whatever was overdue when the demo was loaded has been sent: a second run sends nothing.
    assert send_incident_reminders(now=demo.incidents_loaded_from) == {OVERDUE_ACK: 0, OVERDUE: 0}
    # Old reports were announced when they came in: nobody's inbox holds the whole year.
    assert Notification.objects.filter(kind="incident_new").count() < 40
