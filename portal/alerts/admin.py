from django.contrib import admin

from portal.alerts.models import Alert, AlertDigest


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "subject", "raised_at", "acknowledged_at", "snoozed_until", "cleared_at"]
    list_filter = ["kind"]
    search_fields = ["customer__name", "customer__business_id"]
    list_select_related = ["customer"]
    raw_id_fields = ["customer", "acknowledged_by"]
    readonly_fields = ["customer", "kind", "subject", "params", "raised_at", "cleared_at"]


@admin.register(AlertDigest)
class AlertDigestAdmin(admin.ModelAdmin):
    list_display = ["recipient", "week", "status", "attempts", "sent_at", "next_attempt_at"]
    list_filter = ["status", "week"]
    list_select_related = ["recipient"]
    readonly_fields = [f.name for f in AlertDigest._meta.fields]
