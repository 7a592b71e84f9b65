"""The notifications inbox: the user's own notifications, marked read one by one or all at once."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from core import services
from core.listing import paginate, query_string_without
from core.notification_selectors import get_notification_for_user, notification_list


def _back(request) -> str:
    """The inbox page the form was posted from (its page and filter kept)."""
    query = request.GET.urlencode()
    return reverse("notifications") + (f"?{query}" if query else "")


def _posted_notification(request):
    raw = request.POST.get("notification", "")
    if not raw.isdigit():
        raise Http404
    return get_notification_for_user(user=request.user, pk=int(raw))


@login_required
def notifications(request):
    """GET: the inbox, unread first (?unread=1: only unread). POST action=read|open|read_all."""
    user = request.user
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "read_all":
            count = services.notification_mark_all_read(user=user)
            messages.success(
                request,
                ngettext(
                    "{count} notification marked as read.", "{count} notifications marked as read.", count
                ).format(count=count),
            )
            return redirect(_back(request))
        if action not in ("read", "open"):
            raise Http404
        notification = _posted_notification(request)
        services.notification_mark_read(user=user, notification=notification)
        safe = url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        if action == "open" and notification.url and safe:
            return redirect(notification.url)
        return redirect(_back(request))
    only_unread = request.GET.get("unread") in ("1", "true")
    page = paginate(request, notification_list(user=user, unread=True if only_unread else None))
    context = {
        "nav": "notifications",
        "page": page,
        "only_unread": only_unread,
        "qs_page": query_string_without(request, "page"),
    }
    return render(request, "core/notifications.html", context)
