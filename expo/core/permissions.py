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
    names = {group.name for group in user.groups.all()}
    if user.is_superuser:
        names.add(EXPO_STAFF)
    return [role for role in ROLES if role in names]


def is_expo_staff(user) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or _in_group(user, EXPO_STAFF)))


def is_gate_staff(user) -> bool:
    return bool(user.is_authenticated and (is_expo_staff(user) or _in_group(user, GATE_STAFF)))


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


class ReadOnlyOrExpoStaff(permissions.BasePermission):
    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_expo_staff(request.user)
