"""Template context shared by every page: the navigation of the signed-in user.

The entries are registered by the apps (`core.registry`); see there for the shape of the navigation.
"""

from core.registry import menu_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(user)}
