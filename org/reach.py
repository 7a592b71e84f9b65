"""Who reaches what, as the organisation knows it: registered with core's scoping at start-up.

- a leader reaches the localities and units they are currently assigned, and everything below them;
- a focal point reaches their own unit (and its sub-units) and that unit's locality.

The user's role is read through the user object (`is_focal_point`, `person`), so this module names no
app above org.
"""

from django.db.models import Q
from django.utils import timezone

from core.scoping import Reach


def assignment_reach(user, reach: Reach) -> None:
    """A leader's current assignments (a focal point's reach is their unit, never an assignment)."""
    from org.models import AdministrativeUnit, Agency, Assignment

    if user.is_focal_point:
        return
    person = getattr(user, "person", None)
    if person is None:
        return
    today = timezone.localdate()
    current = (
        Assignment.objects.active()
        .filter(leader=person, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    )
    unit_paths = list(current.filter(locality__isnull=False).values_list("locality__path", flat=True))
    agency_paths = list(current.filter(agency__isnull=False).values_list("agency__path", flat=True))
    if unit_paths:
        q = Q()
        for p in unit_paths:
            q |= Q(path__startswith=p)
        reach.locality_ids |= set(AdministrativeUnit.objects.filter(q).values_list("id", flat=True))
    if agency_paths:
        q = Q()
        for p in agency_paths:
            q |= Q(path__startswith=p)
        reach.agency_ids |= set(
            Agency.objects.filter(organization_id=user.organization_id).filter(q).values_list("id", flat=True)
        )


def focal_point_reach(user, reach: Reach) -> None:
    """A focal point's unit, its sub-units, and the unit's locality with everything below it."""
    from org.models import AdministrativeUnit, Agency

    if not user.is_focal_point or not user.agency_id:
        return
    agency = Agency.objects.select_related("locality").get(pk=user.agency_id)
    reach.agency_ids |= set(
        Agency.objects.filter(organization_id=user.organization_id, path__startswith=agency.path).values_list(
            "id", flat=True
        )
    )
    if agency.locality_id:
        reach.locality_ids |= set(
            AdministrativeUnit.objects.filter(path__startswith=agency.locality.path).values_list(
                "id", flat=True
            )
        )
