"""The audit log in the admin: for administrators, read-only, filterable. Nobody adds, changes or
deletes an event here, superusers included; the retention task is the only deletion."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cooperation.access import is_admin
from portal.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "actor_email", "actor_role", "action", "customer_business_id", "customer", "target"]
    list_filter = ["action", "actor_role", ("customer", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "occurred_at"
    search_fields = ["actor_email", "=customer_business_id", "target"]
    search_help_text = _("An actor's email, a customer's business ID (exact) or a target.")
    list_select_related = ["customer"]
    # The log grows without end (until it expires): no full COUNT(*) beside the filtered one.
    show_full_result_count = False
    actions = None
    fields = [
        "occurred_at",
        "actor",
        "actor_email",
        "actor_role",
        "action",
        "customer",
        "customer_business_id",
        "target",
        "detail",
        "client_address",
    ]
    readonly_fields = fields

    def has_module_permission(self, request) -> bool:
        return is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
