"""API of the notifications inbox: the caller's own notifications, marked read one by one or all at once."""

import datetime as dt

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from core import services
from core.notification_selectors import get_notification_for_user, notification_list
from core.pagination import PageNumberPagination

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None
    is_read: bool

    @staticmethod
    def resolve_is_read(obj):
        return obj.read_at is not None


class InboxQuery(Schema):
    unread: bool | None = Field(None, description="true: only unread; false: only read; absent: all")


class MarkedOut(Schema):
    marked: int


@router.get("/", response=list[NotificationOut], summary="My notifications")
@paginate(PageNumberPagination, page_size=50)
def list_notifications(request, filters: Query[InboxQuery]):
    """The caller's own notifications, unread first, newest first within each."""
    return notification_list(user=request.user, unread=filters.unread)


@router.post("/read-all", response=MarkedOut, summary="Mark all my notifications read")
def read_all(request):
    """Every unread notification of the caller is marked read; `marked` says how many."""
    return {"marked": services.notification_mark_all_read(user=request.user)}


@router.post("/{id:notification_id}/read", response=NotificationOut, summary="Mark one notification read")
def read_one(request, notification_id: int):
    """One of the caller's own notifications (404 for anyone else's); reading twice keeps the first time."""
    notification = get_notification_for_user(user=request.user, pk=notification_id)
    return services.notification_mark_read(user=request.user, notification=notification)
