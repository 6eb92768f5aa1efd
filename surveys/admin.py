from django.contrib import admin
from django.contrib.admin import helpers
from django.db import transaction
from django.db.models import Q
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cooperation.admin import EmployeeAdmin as RosterEmployeeAdmin
from cooperation.models import Employee
from surveys import models
from surveys.privacy import ErasureResult, address_hash, employee_erase

# --- Erasure on the roster's employee admin ---
# Erasure reaches into survey data, and cooperation may not import surveys: the surveys app
# registers the employee admin again with the action added.
admin.site.unregister(Employee)


@admin.register(Employee)
class EmployeeAdmin(RosterEmployeeAdmin):
    actions = [*(RosterEmployeeAdmin.actions or []), "erase_personal_data"]

    @admin.action(description=_("Erase the personal data of the selected employees"), permissions=["delete"])
    def erase_personal_data(self, request, queryset):
        """A confirmation page first (as Django's own delete); the erasure on its POST."""
        if request.POST.get("confirmed") == "yes":
            total = ErasureResult()
            with transaction.atomic():
                for employee in queryset.order_by("pk"):
                    total.add(employee_erase(employee=employee, actor=request.user))
            self.message_user(
                request,
                ngettext(
                    "Erased the personal data of %(count)d employee: %(invitations)d invitations and "
                    "%(comments)d comments anonymised; the statistics are unchanged.",
                    "Erased the personal data of %(count)d employees: %(invitations)d invitations and "
                    "%(comments)d comments anonymised; the statistics are unchanged.",
                    total.employees,
                )
                % {
                    "count": total.employees,
                    "invitations": total.invitations_anonymised,
                    "comments": total.comments_removed,
                },
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase personal data?"),
            "opts": self.model._meta,
            "employees": queryset.select_related("customer").order_by("pk"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "action": "erase_personal_data",
        }
        return TemplateResponse(request, "admin/surveys/erase_confirmation.html", context)


NAME_FIELDS = ["name_fi", "name_sv", "name"]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", *NAME_FIELDS, "type", "nps_target"]
    list_filter = ["type"]
    search_fields = ["code", *NAME_FIELDS]
    fields = ["code", *NAME_FIELDS, "type", "nps_target"]


@admin.register(models.Practitioner)
class PractitionerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "unit"]
    list_filter = ["unit"]
    search_fields = ["code", "name"]


@admin.register(models.Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", *NAME_FIELDS, "collects_feedback"]
    list_filter = ["collects_feedback"]
    search_fields = ["code", *NAME_FIELDS]
    fields = ["code", *NAME_FIELDS, "collects_feedback"]


@admin.register(models.Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["external_id", "customer", "unit", "channel", "ended_at"]
    list_filter = ["channel", "unit"]
    search_fields = ["external_id"]
    raw_id_fields = ["customer", "employee", "unit", "practitioner", "service"]
    date_hierarchy = "ended_at"


class SendAttemptInline(admin.TabularInline):
    model = models.SendAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["started_at", "finished_at", "outcome", "error", "worker", "possible_duplicate"]


@admin.register(models.SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin):
    # No email addresses or tokens in the list: the admin is for following the outbox.
    list_display = [
        "pk",
        "respondent_group",
        "customer",
        "status",
        "skip_reason",
        "scheduled_for",
        "sent_at",
        "attempts",
    ]
    list_filter = ["status", "respondent_group", "skip_reason"]
    raw_id_fields = ["visit", "nps_round", "contact", "employee", "customer", "unit", "practitioner", "service"]
    exclude = ["token_hash"]
    inlines = [SendAttemptInline]


@admin.register(models.NpsRound)
class NpsRoundAdmin(admin.ModelAdmin):
    list_display = ["pk", "respondent_group", "questionnaire_version", "anonymous", "started_by", "started_at"]
    filter_horizontal = ["customers"]


@admin.register(models.SurveyOptOut)
class SurveyOptOutAdmin(admin.ModelAdmin):
    list_display = ["__str__", "created_at"]
    search_fields = ["email"]

    def get_search_results(self, request, queryset, search_term):
        # An address kept only as a hash is still found by the whole address.
        if "@" in search_term:
            found = Q(email__iexact=search_term.strip()) | Q(email_hash=address_hash(search_term))
            return queryset.filter(found), False
        return super().get_search_results(request, queryset, search_term)


@admin.register(models.Response)
class ResponseAdmin(admin.ModelAdmin):
    """Answers are the employees' own words: read here (by whom may read them today), never
    added, changed or deleted; every reading of one is in the audit log."""

    list_display = ["pk", "respondent_group", "score", "coping", "customer", "unit", "answered_at"]
    list_filter = ["respondent_group", "unit_type", "channel"]
    raw_id_fields = ["invitation", "customer", "unit", "practitioner", "service"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


# --- Statistics ---


@admin.register(models.BindingTarget)
class BindingTargetAdmin(admin.ModelAdmin):
    list_display = ["year", "scope", "unit", "customer", "respondent_group", "target"]
    list_filter = ["year", "scope", "respondent_group"]
    autocomplete_fields = ["customer"]
    raw_id_fields = ["unit"]


@admin.register(models.UnitQualityStaff)
class UnitQualityStaffAdmin(admin.ModelAdmin):
    list_display = ["unit", "user", "lead"]
    list_filter = ["unit"]
    raw_id_fields = ["unit", "user"]


# --- Feedback cases ---


@admin.register(models.FeedbackCause)
class FeedbackCauseAdmin(admin.ModelAdmin):
    """Root causes a feedback case is closed with: administrators add their own; a cause in use
    is retired (``active`` off) rather than deleted."""

    list_display = ("code", "name_fi", "name_sv", "name_en", "order", "active")
    list_editable = ("order", "active")


class FeedbackCaseEventInline(admin.TabularInline):
    model = models.FeedbackCaseEvent
    extra = 0
    can_delete = False
    fields = ("at", "actor", "kind", "status", "owner", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.FeedbackCase)
class FeedbackCaseAdmin(admin.ModelAdmin):
    """Read-only: cases are worked on the quality staff's pages, which keep their history. The
    answer is shown by its number only, never who answered."""

    list_display = ("pk", "unit", "score", "status", "owner", "due_at", "escalated_at")
    list_filter = ("status", "unit")
    fields = (
        "unit",
        "practitioner",
        "score",
        "answered_at",
        "due_at",
        "status",
        "owner",
        "contact_requested",
        "contact",
        "resolution",
        "cause",
        "closed_at",
        "escalated_at",
    )
    readonly_fields = fields
    inlines = [FeedbackCaseEventInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# --- Questionnaires (surveys/questionnaire_admin.py) ---
from surveys import questionnaire_admin  # noqa: E402, F401
