"""The cooperation domain in Django admin, for the provider's staff. History (phase transitions,
goal changes) is shown read-only: it is the record of what was agreed, by whom."""

from django.contrib import admin
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation import models


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ContactInline(admin.TabularInline):
    model = models.Contact
    extra = 0
    fields = ["name", "role", "title", "email", "phone", "language", "active"]


class AgreementInline(admin.TabularInline):
    model = models.ResponsibilityAgreement
    extra = 0
    fields = ["title", "period_start", "period_end", "phase"]
    readonly_fields = ["phase"]
    show_change_link = True


@admin.register(models.CorporateCustomer)
class CorporateCustomerAdmin(admin.ModelAdmin):
    list_display = ["name", "business_id", "segment", "headcount", "industry", "account_manager"]
    # Only people who have a portfolio, not every user of the portal.
    list_filter = ["segment", "industry", ("account_manager", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "business_id", "account_manager__email"]
    list_select_related = ["account_manager"]
    readonly_fields = ["segment", "created_at", "updated_at"]
    autocomplete_fields = ["account_manager"]
    inlines = [ContactInline, AgreementInline]


@admin.register(models.CustomerNote)
class CustomerNoteAdmin(admin.ModelAdmin):
    """Notes are a record of the customer relationship: read here, written on the customer page."""

    list_display = ["customer", "author", "created_at"]
    list_select_related = ["customer", "author"]
    search_fields = ["customer__name", "customer__business_id", "author__email"]
    readonly_fields = ["customer", "author", "text", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "role", "customer", "email", "language", "active"]
    list_filter = ["role", "language", "active"]
    search_fields = ["name", "email", "customer__name", "customer__business_id"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer", "user"]


class SickLeaveInline(admin.TabularInline):
    model = models.SickLeave
    extra = 0
    fields = ["start", "end"]


@admin.register(models.Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["external_id", "customer", "email", "language", "employed_from", "employed_until"]
    list_filter = ["language"]
    search_fields = ["external_id", "email", "customer__name", "customer__business_id"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    inlines = [SickLeaveInline]

    def save_formset(self, request, form, formset, change):
        # A sick leave's customer is its employee's (denormalised for the indicators).
        for leave in formset.save(commit=False):
            leave.customer_id = form.instance.customer_id
            leave.save()
        for obj in formset.deleted_objects:
            obj.delete()


@admin.register(models.SickLeave)
class SickLeaveAdmin(admin.ModelAdmin):
    list_display = ["employee", "customer", "start", "end", "days"]
    list_filter = [("start", admin.DateFieldListFilter)]
    search_fields = ["employee__external_id", "customer__name", "customer__business_id"]
    list_select_related = ["employee__customer", "customer"]
    autocomplete_fields = ["employee"]
    exclude = ["customer"]
    date_hierarchy = "start"

    @admin.display(description=_("days"))
    def days(self, obj) -> int:
        return obj.days

    def save_model(self, request, obj, form, change):
        obj.customer_id = obj.employee.customer_id
        super().save_model(request, obj, form, change)


class GoalInline(admin.StackedInline):
    model = models.Goal
    extra = 0
    fields = [("theme", "indicator", "custom_indicator"), "description", ("baseline", "target", "due_date")]
    show_change_link = True


class PhaseTransitionInline(ReadOnlyInline):
    model = models.PhaseTransition
    fields = ["at", "from_phase", "to_phase", "by", "note"]
    readonly_fields = fields


@admin.register(models.ResponsibilityAgreement)
class ResponsibilityAgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "customer", "phase", "period_start", "period_end", "agreed_at"]
    list_filter = ["phase", ("period_start", admin.DateFieldListFilter)]
    search_fields = ["title", "customer__name", "customer__business_id"]
    list_select_related = ["customer"]
    autocomplete_fields = ["customer"]
    # The phase moves only through agreement_advance (the API), which keeps the history.
    readonly_fields = ["phase", "agreed_at", "created_at", "updated_at"]
    inlines = [GoalInline, PhaseTransitionInline]


class GoalChangeInline(ReadOnlyInline):
    model = models.GoalChange
    fields = ["at", "by", "changes"]
    readonly_fields = fields


class MeasurementInline(admin.TabularInline):
    model = models.Measurement
    extra = 0
    fields = ["measured_on", "value", "source", "note"]


@admin.register(models.Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "agreement", "customer", "theme", "indicator", "baseline", "target", "due_date"]
    list_filter = ["theme", "indicator", "agreement__phase"]
    search_fields = ["description", "custom_indicator", "agreement__title", "agreement__customer__name"]
    list_select_related = ["agreement__customer"]
    autocomplete_fields = ["agreement"]
    inlines = [MeasurementInline, GoalChangeInline]

    @admin.display(description=_("customer"), ordering="agreement__customer__name")
    def customer(self, obj):
        return obj.agreement.customer


@admin.register(models.Measurement)
class MeasurementAdmin(admin.ModelAdmin):
    list_display = ["goal", "measured_on", "value", "source"]
    list_filter = ["source", ("measured_on", admin.DateFieldListFilter)]
    search_fields = ["goal__agreement__customer__name", "goal__agreement__title", "note"]
    list_select_related = ["goal__agreement__customer"]
    autocomplete_fields = ["goal"]


@admin.register(models.PhaseTransition)
class PhaseTransitionAdmin(admin.ModelAdmin):
    list_display = ["agreement", "from_phase", "to_phase", "by", "at"]
    list_filter = ["to_phase"]
    search_fields = ["agreement__title", "agreement__customer__name", "by__email", "note"]
    list_select_related = ["agreement__customer", "by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.GoalChange)
class GoalChangeAdmin(admin.ModelAdmin):
    list_display = ["goal", "by", "at"]
    search_fields = ["goal__agreement__title", "goal__agreement__customer__name", "by__email"]
    list_select_related = ["goal__agreement__customer", "by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ActionItemInline(admin.TabularInline):
    model = models.ActionItem
    extra = 0
    fields = ["description", "owner", "due_date", "done", "done_at"]
    readonly_fields = ["done_at"]


@admin.register(models.SteeringGroupMeeting)
class SteeringGroupMeetingAdmin(admin.ModelAdmin):
    list_display = ["customer", "date", "agreement", "open_items"]
    list_filter = [("date", admin.DateFieldListFilter)]
    search_fields = ["customer__name", "customer__business_id", "minutes", "decisions"]
    list_select_related = ["customer", "agreement__customer"]
    autocomplete_fields = ["customer", "agreement"]
    date_hierarchy = "date"
    inlines = [ActionItemInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(_open_items=Count("action_items", filter=Q(action_items__done=False)))
        )

    @admin.display(description=_("open action items"), ordering="_open_items")
    def open_items(self, obj) -> int:
        return obj._open_items


@admin.register(models.ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["description", "meeting", "owner", "due_date", "done", "done_at"]
    list_filter = ["done", ("due_date", admin.DateFieldListFilter)]
    search_fields = ["description", "owner", "meeting__customer__name"]
    list_select_related = ["meeting__customer"]
    readonly_fields = ["done_at"]
    autocomplete_fields = ["meeting"]

    def save_model(self, request, obj, form, change):
        # Same rule as the API: done stamps when, undone clears it.
        if "done" in form.changed_data:
            obj.done_at = timezone.now() if obj.done else None
        super().save_model(request, obj, form, change)


# The work-health matrices' admin lives with the rest of the economics.
from cooperation.economics import admin as economics_admin  # noqa: E402, F401
