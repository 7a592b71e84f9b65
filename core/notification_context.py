"""Template context: the signed-in user's unread notification count, for the bell in the navigation."""

from core.notification_selectors import unread_count


def notifications(request):
    """{"unread_notifications": n}: one COUNT query for a signed-in user, none for anyone else."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": unread_count(user=user)}
