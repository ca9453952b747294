"""Role checks: one place that says what each role may do."""

from rest_framework import permissions

VISITOR = "visitor"
EXHIBITOR = "exhibitor"
GATE_STAFF = "gate_staff"
EXPO_STAFF = "expo_staff"
ROLES = (VISITOR, EXHIBITOR, GATE_STAFF, EXPO_STAFF)


def user_roles(user) -> list[str]:
    if not user.is_authenticated:
        return []
    return [
        role
        for role in ROLES
        if _in_group(user, role) or (role == EXPO_STAFF and user.is_superuser)
    ]


def is_scan_only(user) -> bool:
    """Gate staff accounts scan and nothing else (no bookings, no exhibitor pages)."""
    return user_roles(user) == [GATE_STAFF]


def is_expo_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or _in_group(user, EXPO_STAFF)))


def is_gate_staff(user) -> bool:
    return bool(user.is_authenticated and (is_expo_staff(user) or _in_group(user, GATE_STAFF)))


def roles_preload(user, group_names: set[str]) -> None:
    """Tell the checks here which groups `user` is in, when they were read with it."""
    user._expo_group_names = set(group_names)


def _in_group(user, name: str) -> bool:
    cache = getattr(user, "_expo_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user._expo_group_names = cache
    return name in cache


class IsExpoStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        return is_expo_staff(request.user)


class IsGateStaff(permissions.BasePermission):
    """Gate staff and expo staff: scanning and what scanning needs."""

    def has_permission(self, request, view):
        return is_gate_staff(request.user)


class IsVisitor(permissions.BasePermission):
    """Anyone logged in who books seats: visitors, exhibitors and expo staff alike."""

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and not is_scan_only(request.user))
