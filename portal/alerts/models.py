"""Account alerts: a customer's figures turned, a task for its account manager.

An alert stores its kind and the figures behind it (``params``); the reason is written out in
the reader's language when shown (portal.alerts.reasons). One open alert per customer, kind and
subject (a goal or an action item; "" for the customer as a whole), enforced by the database,
so the daily computation may run again and again."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cooperation.models import CorporateCustomer


class AlertKind(models.TextChoices):
    NPS_BELOW_TARGET = "nps-below-target", _("Employee NPS below target")
    HEALTH_DROP = "health-drop", _("Health percentage dropped")
    ACTION_ITEM_OVERDUE = "action-item-overdue", _("Action item overdue")
    NO_MEETING = "no-meeting", _("No steering-group meeting")
    GOAL_OFF_TRACK = "goal-off-track", _("Goal off track")
    QUESTIONNAIRE_WEAK_ITEM = "questionnaire-weak-item", _("Weak item in the decision-makers' questionnaire")


class Alert(models.Model):
    customer = models.ForeignKey(
        CorporateCustomer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="alerts"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=AlertKind.choices)
    #: What the alert is about within the customer: "goal:12", "action-item:7", or "".
    subject = models.CharField(_("subject"), max_length=40, blank=True, default="")
    #: The figures of the reason, refreshed by each run while the alert stays open.
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    raised_at = models.DateTimeField(_("raised"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    snoozed_until = models.DateField(_("snoozed until"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared"), null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("account alert")
        verbose_name_plural = _("account alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "subject"],
                condition=Q(cleared_at__isnull=True),
                name="one_open_alert_per_customer_kind_subject",
            )
        ]
        indexes = [models.Index(fields=["customer", "cleared_at"]), models.Index(fields=["cleared_at", "-raised_at"])]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.kind} {self.subject}".strip()

    @property
    def is_open(self) -> bool:
        return self.cleared_at is None


class DigestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class AlertDigest(models.Model):
    """The outbox of the weekly alert email: one row per account manager and ISO week, claimed
    with a lease by a sender, recorded as sent, retried after a failure, never sent twice."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="+"
    )
    #: ISO week, "2026-W49".
    week = models.CharField(_("week"), max_length=8)
    status = models.CharField(_("status"), max_length=10, choices=DigestStatus.choices, default=DigestStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    lease_owner = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-week", "recipient"]
        verbose_name = _("alert digest")
        verbose_name_plural = _("alert digests")
        constraints = [models.UniqueConstraint(fields=["recipient", "week"], name="one_alert_digest_per_week")]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.week}"
