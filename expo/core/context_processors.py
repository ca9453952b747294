"""What every page's menu needs to know about who is looking."""

from django.utils.functional import SimpleLazyObject

from expo.core.permissions import EXHIBITOR, EXPO_STAFF, GATE_STAFF, is_scan_only, user_roles


def role_menu(request):
    """`menu.<place>`: which of the role places (exhibitor portal, staff desk, admin,
    gate) the menu links to. Lazy: pages that never render the menu ask nothing, and the
    roles are read once per request (`expo.core.permissions` keeps them on the user)."""
    user = request.user

    def places() -> dict:
        roles = set(user_roles(user))
        scan_only = is_scan_only(user)
        return {
            "scan_only": scan_only,
            "exhibitor": EXHIBITOR in roles,
            "staff": EXPO_STAFF in roles,
            "admin": bool(user.is_authenticated and user.is_staff and not scan_only),
            "gate": GATE_STAFF in roles or EXPO_STAFF in roles,
        }

    return {"menu": SimpleLazyObject(places)}
