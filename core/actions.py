"""The imports a user started (the office: its organisation's) that wait, run or were refused in the last
week, at the top of the home page (core.registry.register_action_source): a refused sheet is to be corrected
and sent again."""

import datetime as dt

from django.db.models import Count, Q
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from core.models import ImportJob, ImportStatus

ROWS = 3
RECENT = dt.timedelta(days=7)


def _moment(value) -> str:
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT")


def actions(*, user, now) -> list[dict]:
    if not getattr(user, "organization_id", None) or not user.role:
        return []
    jobs = ImportJob.objects.filter(organization_id=user.organization_id, created_at__gte=now - RECENT)
    if not user.is_office:
        jobs = jobs.filter(created_by=user)
    waiting = Q(status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING))
    refused = Q(status__in=(ImportStatus.REFUSED, ImportStatus.FAILED))
    counts = jobs.aggregate(waiting=Count("pk", filter=waiting), refused=Count("pk", filter=refused))
    items = []
    for key, condition, title, tone in (
        ("refused", refused, _("Imports refused this week, to correct"), "warning"),
        ("waiting", waiting, _("Imports waiting or running"), "info"),
    ):
        if not counts[key]:
            continue
        found = list(jobs.filter(condition).order_by("-created_at", "-pk")[:ROWS])
        rows = [
            {
                "text": job.file_name,
                "url": job.get_absolute_url(),
                "note": f"{job.get_status_display()} · {_moment(job.created_at)}",
            }
            for job in found
        ]
        items.append(
            {
                "key": f"imports.{key}",
                "title": title,
                "count": counts[key],
                "url": rows[0]["url"],
                "tone": tone,
                "rows": rows,
            }
        )
    return items
