"""Admin of questionnaires: versions with their themes and questions inline; a published version
is read-only (the action "make a new version to edit" copies it)."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from surveys import models
from surveys.services import questionnaire_new_version, questionnaire_publish


class _FrozenWhenPublished:
    """Inlines and fields of a published version can be read, not changed."""

    def _frozen(self, obj) -> bool:
        version = obj if isinstance(obj, models.QuestionnaireVersion) else None
        return version is not None and version.is_published

    def has_change_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_change_permission(request, obj)

    def has_add_permission(self, request, obj=None):
        if obj is not None and self._frozen(obj):
            return False
        return super().has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._frozen(obj) and super().has_delete_permission(request, obj)


class ThemeInline(_FrozenWhenPublished, admin.TabularInline):
    model = models.QuestionnaireTheme
    fields = ["position", "code", "name", "name_fi", "name_sv"]
    extra = 0


class QuestionInline(_FrozenWhenPublished, admin.StackedInline):
    model = models.Question
    fields = [
        ("position", "code", "kind", "required", "theme"),
        ("text", "text_fi", "text_sv"),
        ("low_label", "low_label_fi", "low_label_sv"),
        ("high_label", "high_label_fi", "high_label_sv"),
        ("options", "options_fi", "options_sv"),
    ]
    extra = 0

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "theme":
            version_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = models.QuestionnaireTheme.objects.filter(version_id=version_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(models.Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_fi", "name_sv"]


@admin.register(models.QuestionnaireVersion)
class QuestionnaireVersionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "number", "published_at"]
    list_filter = ["questionnaire"]
    readonly_fields = ["published_at"]
    inlines = [ThemeInline, QuestionInline]
    actions = ["new_version", "publish"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_published:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Make a new version to edit"), permissions=["add"])
    def new_version(self, request, queryset):
        for version in queryset:
            new = questionnaire_new_version(version=version)
            self.message_user(request, _("Version %(n)s made: edit it, then publish it.") % {"n": new.number})

    @admin.action(description=_("Publish (freeze) the selected versions"), permissions=["add"])
    def publish(self, request, queryset):
        for version in queryset:
            try:
                questionnaire_publish(version=version)
            except ValidationError as error:
                self.message_user(request, f"{version}: {' '.join(error.messages)}", messages.ERROR)
                return
        self.message_user(request, _("Published: the versions can now be sent and no longer edited."), messages.SUCCESS)
