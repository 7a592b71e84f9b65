"""Template context shared by every page: the navigation of the signed-in user and how the header names them.

The entries are registered by the apps (`core.registry`); see there for the shape of the navigation.
"""

from core.registry import menu_for


def user_title(user) -> str:
    """What the header says the user is: the post of the person they are ("Bí thư Thành ủy"), else their role
    in the application ("Quản trị Văn phòng"), else nothing."""
    person = getattr(user, "person", None)
    if person is not None and person.archived_at is None and person.position.strip():
        return person.position.strip()
    return user.get_role_display() if getattr(user, "role", "") else ""


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(user), "user_title": user_title(user)}
