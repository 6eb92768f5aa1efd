from rest_framework.permissions import SAFE_METHODS, BasePermission

from cooperation.access import Role, is_admin


class MasterDataAccess(BasePermission):
    """Units, practitioners, services: read by the provider's own staff and the integration,
    written by admins and the integration (API.md, "Who may do what")."""

    READ_ROLES = frozenset({Role.ADMIN, Role.ACCOUNT_MANAGER, Role.QUALITY, Role.INTEGRATION})
    WRITE_ROLES = frozenset({Role.ADMIN, Role.INTEGRATION})

    def has_permission(self, request, view) -> bool:
        user = request.user
        if is_admin(user):
            return True
        roles = self.READ_ROLES if request.method in SAFE_METHODS else self.WRITE_ROLES
        return user.role in roles


class VisitAccess(BasePermission):
    """Visits come from the patient-record system: admins and the integration only."""

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user) or request.user.role == Role.INTEGRATION


class NpsRoundAccess(BasePermission):
    """Admins, and account managers for customers in their portfolio."""

    def has_permission(self, request, view) -> bool:
        return is_admin(request.user) or request.user.role == Role.ACCOUNT_MANAGER
