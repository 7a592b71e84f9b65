"""What a user must act on in the follow-up loop, at the top of the home page
(core.registry.register_action_source): their directives overdue and due this week, the re-supervisions due,
the obstacles open. The same "mine" as the My items page (followup.selectors.my_items)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.listing import first_rows
from followup import selectors

ROWS = 3  # the first few of each item; the rest on the My items page


def _due(day) -> str:
    return _("due {day}").format(day=date_format(day, "SHORT_DATE_FORMAT"))


def actions(*, user, now) -> list[dict]:
    if not getattr(user, "organization_id", None) or not user.role:
        return []
    today = timezone.localdate(now)
    items = selectors.my_items(user=user, today=today)
    counts = items["directive_counts"]  # the directive sections, counted in one query
    page = reverse("followup:my_items")

    def directive_rows(key):
        if not counts[key]:
            return []
        rows = first_rows(items[key].prefetch_related(None).order_by("deadline", "id"), ROWS)
        return [
            {
                "text": d.content,
                "url": d.get_absolute_url(),
                "note": f"{d.lead_unit.name} · {_due(d.deadline)}",
            }
            for d in rows
        ]

    checks = list(items["checks_due"].order_by("due_on", "id")[: ROWS + 1])
    check_count = len(checks) if len(checks) <= ROWS else items["checks_due"].count()
    obstacles = items["obstacles"].order_by("deadline", "id")
    obstacle_rows = first_rows(obstacles, ROWS + 1)
    obstacle_count = len(obstacle_rows) if len(obstacle_rows) <= ROWS else obstacles.count()
    return [
        {
            "key": "followup.overdue",
            "title": _("Directives overdue"),
            "count": counts["overdue"],
            "url": f"{page}#overdue",
            "tone": "danger",
            "rows": directive_rows("overdue"),
        },
        {
            "key": "followup.due_this_week",
            "title": _("Directives due this week"),
            "count": counts["due_this_week"],
            "url": f"{page}#due_this_week",
            "tone": "warning",
            "rows": directive_rows("due_this_week"),
        },
        {
            "key": "followup.checks_due",
            "title": _("Re-supervision due"),
            "count": check_count,
            "url": f"{page}#checks_due",
            "tone": "warning",
            "rows": [
                {"text": str(c.item), "url": c.get_absolute_url(), "note": _due(c.due_on)}
                for c in checks[:ROWS]
            ],
        },
        {
            "key": "followup.obstacles",
            "title": _("Open obstacles"),
            "count": obstacle_count,
            "url": f"{page}#obstacles",
            "tone": "info",
            "rows": [
                {
                    "text": o.title,
                    "url": o.get_absolute_url(),
                    "note": _due(o.deadline) if o.deadline else o.get_status_display(),
                }
                for o in obstacle_rows[:ROWS]
            ],
        },
    ]
