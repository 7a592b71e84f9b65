"""What a user must act on among the incidents, at the top of the home page
(core.registry.register_action_source): those overdue, those waiting to be accepted with the time left,
and the leader's or the unit's open ones. Those who see the whole organisation (the office, the Standing
Board, the inspectors) watch every overdue incident of it; the others, their own (My incidents)."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.listing import first_rows
from incidents import selectors
from incidents.choices import OPEN_STATUSES

ROWS = 3


def _moment(value) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")


def actions(*, user, now) -> list[dict]:
    if not getattr(user, "organization_id", None) or not user.role:
        return []
    watches_all = user.sees_all
    incidents = selectors.incident_list(user=user) if watches_all else selectors.my_incidents(user=user)
    page = reverse("incidents:list") if watches_all else reverse("incidents:mine")
    overdue = selectors.overdue(now)
    waiting = Q(status__in=OPEN_STATUSES, acknowledged_at__isnull=True, ack_due_at__gte=now)
    counts = incidents.aggregate(
        overdue=Count("pk", filter=overdue),
        waiting=Count("pk", filter=waiting),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )

    def rows(condition, order, note):
        found = first_rows(incidents.filter(condition).order_by(order, "pk"), ROWS)
        return [{"text": str(i), "url": i.get_absolute_url(), "note": note(i)} for i in found]

    items = [
        {
            "key": "incidents.overdue",
            "title": _("Incidents overdue"),
            "count": counts["overdue"],
            "url": f"{page}?overdue=1",
            "tone": "danger",
            "rows": rows(overdue, "resolve_due_at", lambda i: str(i.locality or i.agency or ""))
            if counts["overdue"]
            else [],
        },
        {
            "key": "incidents.waiting",
            "title": _("Incidents waiting to be accepted"),
            "count": counts["waiting"],
            "url": f"{page}?open=1",
            "tone": "warning",
            "rows": rows(
                waiting, "ack_due_at", lambda i: _("accept by {moment}").format(moment=_moment(i.ack_due_at))
            )
            if counts["waiting"]
            else [],
        },
    ]
    if not watches_all:  # a leader's or a unit's own load; for the whole organisation the list says it
        items.append(
            {
                "key": "incidents.open",
                "title": _("My open incidents"),
                "count": counts["open"],
                "url": f"{page}?open=1",
                "tone": "info",
                "rows": rows(
                    Q(status__in=OPEN_STATUSES),
                    "resolve_due_at",
                    lambda i: (
                        _("resolve by {moment}").format(moment=_moment(i.resolve_due_at))
                        if i.resolve_due_at
                        else i.get_status_display()
                    ),
                )
                if counts["open"]
                else [],
            }
        )
    return items
