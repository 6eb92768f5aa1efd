"""Feedback cases: every patient's detractor answer (0–6), or an answer that asks to be
contacted, opens a case that the unit's quality staff close within FEEDBACK_CASE_HOURS
(surveys/services/feedback_cases.py). Imported by surveys.models, where Django finds them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class FeedbackCaseStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class FeedbackCause(models.Model):
    """A root-cause category a case is closed with; administrators may add more in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fi = models.CharField(_("name in Finnish"), max_length=100)
    name_sv = models.CharField(_("name in Swedish"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    active = models.BooleanField(_("in use"), default=True, help_text=_("Causes no longer in use stay on old cases."))

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("root cause")
        verbose_name_plural = _("root causes")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fi")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class FeedbackCase(models.Model):
    """The follow-up of one answer. Who answered is never shown: only the contact the person
    gave, and only when they asked to be contacted (``contact_requested``)."""

    response = models.OneToOneField("surveys.Response", on_delete=models.CASCADE, related_name="feedback_case")
    unit = models.ForeignKey("surveys.Unit", on_delete=models.PROTECT, related_name="feedback_cases")
    practitioner = models.ForeignKey(
        "surveys.Practitioner", on_delete=models.PROTECT, null=True, blank=True, related_name="feedback_cases"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    answered_at = models.DateTimeField(_("answered at"))
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=12, choices=FeedbackCaseStatus.choices, default=FeedbackCaseStatus.OPEN
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="feedback_cases",
    )
    contact_requested = models.BooleanField(_("asked to be contacted"), default=False)
    contact = models.CharField(_("contact"), max_length=254, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    cause = models.ForeignKey(
        FeedbackCause, verbose_name=_("root cause"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # Set when the unit's lead was told the case is overdue: the email goes once.
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("feedback case")
        verbose_name_plural = _("feedback cases")
        indexes = [
            models.Index(fields=["unit", "status", "due_at"], name="feedback_case_unit_queue"),
            models.Index(fields=["owner", "status", "due_at"], name="feedback_case_owner_queue"),
            models.Index(fields=["unit", "answered_at"], name="feedback_case_unit_time"),
            # Exactly the escalation task's query: overdue cases not yet escalated.
            models.Index(
                fields=["due_at"],
                name="feedback_case_to_escalate",
                condition=Q(escalated_at__isnull=True) & ~Q(status="closed"),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False, cause__isnull=False)
                | (~Q(status="closed") & Q(closed_at__isnull=True)),
                name="feedback_case_closed_with_cause",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.unit.code} {self.get_status_display()}"

    def is_overdue(self, now=None) -> bool:
        return self.status != FeedbackCaseStatus.CLOSED and self.due_at < (now or timezone.now())

    @property
    def overdue(self) -> bool:
        return self.is_overdue()


class FeedbackCaseEvent(models.Model):
    """The case's history: who did what, when."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        TAKEN = "taken", _("Taken")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status changed")
        CLOSED = "closed", _("Closed")
        ESCALATED = "escalated", _("Escalated to the unit lead")

    case = models.ForeignKey(FeedbackCase, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("what"), max_length=12, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=12, choices=FeedbackCaseStatus.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("feedback case event")
        verbose_name_plural = _("feedback case events")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"
