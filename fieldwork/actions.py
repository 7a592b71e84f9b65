"""What a user must act on among the field visits, at the top of the home page
(core.registry.register_action_source): the visits whose day has come and that still wait for what was
found, and those of the next seven days. A leader's own (led or joined); the office's, all."""

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from fieldwork.choices import VisitStatus
from fieldwork.models import Visit
from fieldwork.selectors.visits import visit_list

ROWS = 3
AHEAD = dt.timedelta(days=7)


def actions(*, user, now) -> list[dict]:
    if not getattr(user, "organization_id", None) or not user.role:
        return []
    person = getattr(user, "person", None)
    visits = visit_list(user=user).filter(status=VisitStatus.PLANNED)
    url = reverse("fieldwork:visit_list")
    if not user.is_office:
        if person is None:
            return []
        joined = Visit.participants.through.objects.filter(person_id=person.pk).values("visit_id")
        visits = visits.filter(Q(leader_id=person.pk) | Q(pk__in=joined))
        url += f"?leader={person.pk}&"
    else:
        url += "?"
    to_report = Q(starts_at__lte=now)
    coming = Q(starts_at__gt=now, starts_at__lte=now + AHEAD)
    counts = visits.aggregate(to_report=Count("pk", filter=to_report), coming=Count("pk", filter=coming))

    def rows(condition, order):
        found = visits.prefetch_related(None).filter(condition).order_by(order, "pk")[:ROWS]
        return [
            {
                "text": v.purpose,
                "url": v.get_absolute_url(),
                "note": date_format(timezone.localtime(v.starts_at), "SHORT_DATETIME_FORMAT"),
            }
            for v in found
        ]

    today = timezone.localdate(now)
    return [
        {
            "key": "fieldwork.to_report",
            "title": _("Field visits waiting for what was found"),
            "count": counts["to_report"],
            "url": f"{url}status=planned&date_to={today:%d/%m/%Y}",
            "tone": "warning",
            "rows": rows(to_report, "starts_at") if counts["to_report"] else [],
        },
        {
            "key": "fieldwork.coming",
            "title": _("Field visits in the next seven days"),
            "count": counts["coming"],
            "url": f"{url}status=planned&date_from={today:%d/%m/%Y}",
            "tone": "info",
            "rows": rows(coming, "starts_at") if counts["coming"] else [],
        },
    ]
