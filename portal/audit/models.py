"""The audit log: who viewed or exported which customer's data, who changed whose access, and
every change to employees' answers. Rows are only ever added; the retention task is the one way
they go (``services.audit_events_expire``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.access import Role


class AuditAction(models.TextChoices):
    """What happened, in dotted domain words. Other apps may send actions not listed here (they
    are stored as given and shown raw); add them here to give them a label and a filter."""

    STATISTICS_VIEW = "statistics.view", _("Statistics viewed")
    STATISTICS_EXPORT = "statistics.export", _("Statistics exported")
    HEALTH_VIEW = "health.view", _("Health figures viewed")
    COMMENTS_VIEW = "comments.view", _("Comments viewed")
    REPORT_VIEW = "report.view", _("Report viewed")
    REPORT_EXPORT = "report.export", _("Report exported")
    CUSTOMER_VIEW = "customer.view", _("Customer viewed")
    CUSTOMER_LIST = "customer.list", _("Customers listed")
    API_LIST = "api.list", _("API list read")
    API_VIEW = "api.view", _("API object read")
    USER_CREATE = "user.create", _("User created")
    USER_ROLE_CHANGE = "user.role_change", _("Role or company changed")
    USER_PERMISSION_CHANGE = "user.permission_change", _("Permissions changed")
    USER_DELETE = "user.delete", _("User deleted")
    GROUP_PERMISSION_CHANGE = "group.permission_change", _("Group permissions changed")
    ANSWER_CHANGE = "answer.change", _("Answer changed")
    ANSWER_DELETE = "answer.delete", _("Answer deleted")
    ANSWER_ERASE = "answer.erase", _("Answers erased or anonymised")
    FEEDBACK_CASE_CHANGE = "feedback_case.change", _("Feedback case changed")


class AuditEventQuerySet(models.QuerySet):
    """Append-only through the ORM's default manager: bulk changes and deletes raise. (Django's
    own cascades use the base manager, so deleting a user or customer still nulls the link and
    keeps the copies of email and business ID.)"""

    def update(self, **kwargs):
        raise TypeError("Audit events are never changed.")

    def delete(self):
        raise TypeError("Audit events are removed only by audit_events_expire().")

    def _expire(self) -> int:
        """The retention's delete (portal.audit.services.audit_events_expire)."""
        return super().delete()[0]


class AuditEvent(models.Model):
    occurred_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Copies taken at the time, so the trail outlives the user and shows the role they acted in.
    actor_email = models.CharField(_("actor's email"), max_length=254, blank=True)
    actor_role = models.CharField(_("actor's role"), max_length=20, choices=Role.choices, blank=True)
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices)
    customer = models.ForeignKey(
        "cooperation.CorporateCustomer",
        verbose_name=_("customer"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    customer_business_id = models.CharField(_("customer's business ID"), max_length=20, blank=True)
    target = models.CharField(_("target"), max_length=200, blank=True, help_text=_("The page, endpoint or object."))
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["action", "occurred_at"], name="audit_action_time")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.actor_email or '-'} {self.action} {self.target}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are removed only by audit_events_expire().")
