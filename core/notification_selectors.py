"""Reads of the notifications inbox: a user only ever sees their own notifications."""

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import Http404

from core.models import Notification


def notification_list(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's own notifications, unread first, newest first within each; `unread` filters."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(user=user)
    if unread is True:
        qs = qs.filter(read_at__isnull=True)
    elif unread is False:
        qs = qs.filter(read_at__isnull=False)
    return qs.annotate(
        unread_first=Case(
            When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
        )
    ).order_by("unread_first", "-created_at", "-id")


def get_notification_for_user(*, user, pk: int) -> Notification:
    """One of the user's own notifications: 404 for missing and for someone else's alike."""
    notification = notification_list(user=user).filter(pk=pk).first()
    if notification is None:
        raise Http404
    return notification


def unread_count(*, user) -> int:
    """How many of the user's notifications are unread: one COUNT on the inbox index."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
