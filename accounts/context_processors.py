from . import navigation, permissions


def navigation_context(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "current_appointments": []}
    return {
        "nav_items": navigation.nav_for(user),
        "current_appointments": permissions.active_appointments(user),
    }
