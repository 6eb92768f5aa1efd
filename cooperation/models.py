from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cooperation.business_id import validate_business_id
from cooperation.industries import industry_choices, industry_name
from cooperation.progress import GoalProgress, goal_progress

#: From this headcount on a customer counts as a large company (EU size class).
LARGE_COMPANY_HEADCOUNT = 250


class Language(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")
    ENGLISH = "en", _("English")


class Segment(models.TextChoices):
    LARGE = "large", _("Large company")
    SME = "sme", _("SME")


def segment_for_headcount(headcount: int | None) -> str:
    return Segment.LARGE if (headcount or 0) >= LARGE_COMPANY_HEADCOUNT else Segment.SME


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class CorporateCustomer(TimeStamped):
    business_id = models.CharField(_("business ID"), max_length=9, unique=True, validators=[validate_business_id])
    name = models.CharField(_("name"), max_length=200)
    headcount = models.PositiveIntegerField(_("headcount"), default=0)
    segment = models.CharField(_("segment"), max_length=5, choices=Segment.choices, editable=False)
    segment_override = models.CharField(
        _("segment override"),
        max_length=5,
        choices=Segment.choices,
        blank=True,
        help_text=_("Leave empty to derive the segment from the headcount."),
    )
    industry = models.CharField(
        _("industry"),
        max_length=1,
        choices=industry_choices,
        blank=True,
        help_text=_("The section of Statistics Finland's industrial classification TOL 2008."),
    )
    account_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account manager"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="portfolio",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("corporate customer")
        verbose_name_plural = _("corporate customers")
        indexes = [models.Index(fields=["account_manager", "name"]), models.Index(fields=["segment"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.business_id})"

    def save(self, *args, **kwargs):
        # Invariant: the stored segment is the override if one is set, else derived.
        self.segment = self.segment_override or segment_for_headcount(self.headcount)
        if "update_fields" in kwargs and kwargs["update_fields"] is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "segment"}
        super().save(*args, **kwargs)

    @property
    def industry_name(self) -> str:
        """The industry's official name in the active language (empty if none is set)."""
        return industry_name(self.industry)


class Contact(TimeStamped):
    class ContactRole(models.TextChoices):
        DECISION_MAKER = "decision-maker", _("Decision-maker")
        SUPERVISOR = "supervisor", _("Supervisor")
        HR = "hr", _("HR")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(CorporateCustomer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FINNISH)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["customer", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"


class Employee(TimeStamped):
    """A customer's employee: the provider's "private customer", known from the roster or visits."""

    customer = models.ForeignKey(CorporateCustomer, on_delete=models.CASCADE, related_name="employees")
    external_id = models.CharField(_("external ID"), max_length=64)
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.FINNISH)
    employed_from = models.DateField(_("employed from"), null=True, blank=True)
    employed_until = models.DateField(_("employed until"), null=True, blank=True)

    class Meta:
        ordering = ["customer", "external_id"]
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        constraints = [
            models.UniqueConstraint(fields=["customer", "external_id"], name="employee_unique_per_customer"),
            models.CheckConstraint(
                condition=Q(employed_until__isnull=True)
                | Q(employed_from__isnull=True)
                | Q(employed_until__gte=F("employed_from")),
                name="employee_employment_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.external_id} @ {self.customer.business_id}"


class SickLeave(TimeStamped):
    employee = models.ForeignKey(Employee, on_delete=models.CASCADE, related_name="sick_leaves")
    # Denormalised from the employee so per-customer indicators need no join.
    customer = models.ForeignKey(CorporateCustomer, on_delete=models.CASCADE, related_name="sick_leaves")
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    class Meta:
        ordering = ["employee", "start"]
        verbose_name = _("sick leave")
        verbose_name_plural = _("sick leaves")
        indexes = [models.Index(fields=["customer", "start", "end"])]
        constraints = [models.CheckConstraint(condition=Q(end__gte=F("start")), name="sick_leave_dates_in_order")]

    def __str__(self) -> str:
        return f"{self.employee.external_id}: {self.start} – {self.end}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Theme(models.TextChoices):
    EMPLOYEE_WELLBEING = "employee-wellbeing", _("Employee well-being")
    PERSONNEL_COMPETENCE = "personnel-competence", _("Personnel competence")
    PERSONNEL_MANAGEMENT = "personnel-management", _("Personnel management")


class Phase(models.TextChoices):
    ORIENTATION = "orientation", _("Orientation")
    IDENTIFICATION = "identification", _("Discussion and identification")
    PLANNING = "planning", _("Planning and agreement")
    AGREED = "agreed", _("Agreed")
    FOLLOW_UP = "follow-up", _("Follow-up")
    CLOSED = "closed", _("Closed")


#: The only way forward: each phase to the next, none skipped.
PHASE_ORDER = [Phase.ORIENTATION, Phase.IDENTIFICATION, Phase.PLANNING, Phase.AGREED, Phase.FOLLOW_UP, Phase.CLOSED]


class ResponsibilityAgreement(TimeStamped):
    """The responsibility-goal agreement worked out with a customer in three phases, then
    followed up in steering-group meetings."""

    customer = models.ForeignKey(CorporateCustomer, on_delete=models.CASCADE, related_name="agreements")
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, default=Phase.ORIENTATION)
    # 1. Orientation: the customer's own responsibility themes and goals.
    customer_responsibility_goals = models.TextField(_("customer's responsibility themes and goals"), blank=True)
    themes = models.JSONField(_("themes"), default=list, blank=True)
    # 2. Discussion and identification: which themes concern personnel well-being and work ability.
    identified_themes = models.JSONField(_("identified themes"), default=list, blank=True)
    identification_notes = models.TextField(_("identification notes"), blank=True)
    # 3. Planning and agreement.
    support_actions = models.TextField(_("agreed support actions"), blank=True)
    agreed_at = models.DateTimeField(_("agreed at"), null=True, blank=True)
    agreed_by_provider = models.CharField(_("agreed by (provider)"), max_length=200, blank=True)
    agreed_by_customer = models.CharField(_("agreed by (customer)"), max_length=200, blank=True)

    class Meta:
        ordering = ["customer", "-period_start"]
        verbose_name = _("responsibility agreement")
        verbose_name_plural = _("responsibility agreements")
        constraints = [
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="agreement_period_in_order")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.customer.name})"

    @property
    def next_phase(self) -> str | None:
        index = PHASE_ORDER.index(self.phase)
        return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


class PhaseTransition(models.Model):
    """Every step of an agreement, kept with who and when: people change on both sides."""

    agreement = models.ForeignKey(
        ResponsibilityAgreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_phase = models.CharField(_("from phase"), max_length=20, choices=Phase.choices)
    to_phase = models.CharField(_("to phase"), max_length=20, choices=Phase.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["agreement", "at", "pk"]
        verbose_name = _("phase transition")
        verbose_name_plural = _("phase transitions")

    def __str__(self) -> str:
        return f"{self.from_phase} → {self.to_phase}"


class Indicator(models.TextChoices):
    HEALTH_PERCENTAGE = "health-percentage", _("Health percentage")
    NPS_EMPLOYEES = "nps-employees", _("NPS of employees")
    NPS_SUPERVISORS = "nps-supervisors", _("NPS of supervisors")
    NPS_DECISION_MAKERS = "nps-decision-makers", _("NPS of decision-makers")
    MANAGER_SATISFACTION = "manager-satisfaction", _("Manager satisfaction %")
    SICK_LEAVE_DAYS = "sick-leave-days", _("Sick-leave days per person-year")
    CUSTOM = "custom", _("Custom")


#: Indicators where a smaller value is the better one.
LOWER_IS_BETTER = frozenset({Indicator.SICK_LEAVE_DAYS})


class Goal(TimeStamped):
    agreement = models.ForeignKey(ResponsibilityAgreement, on_delete=models.CASCADE, related_name="goals")
    theme = models.CharField(_("theme"), max_length=30, choices=Theme.choices)
    indicator = models.CharField(_("indicator"), max_length=30, choices=Indicator.choices)
    custom_indicator = models.CharField(_("custom indicator"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    due_date = models.DateField(_("due date"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        constraints = [
            models.CheckConstraint(
                condition=~Q(indicator="custom") | ~Q(custom_indicator=""), name="goal_custom_indicator_named"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_label}: {self.target}"

    @property
    def indicator_label(self) -> str:
        return self.custom_indicator if self.indicator == Indicator.CUSTOM else self.get_indicator_display()

    @property
    def lower_is_better(self) -> bool:
        """A goal of a lower-is-better indicator, or one set below its baseline."""
        if self.baseline is not None and self.target != self.baseline:
            return self.target < self.baseline
        return self.indicator in LOWER_IS_BETTER

    def progress_at(self, current) -> GoalProgress:
        """The goal's progress at ``current`` by the one rule of cooperation.progress."""
        return goal_progress(
            baseline=self.baseline, target=self.target, current=current, lower_is_better=self.lower_is_better
        )

    def target_reached(self, current: Decimal | None) -> bool:
        return self.progress_at(current).target_reached

    def progress(self, current: Decimal | None) -> float | None:
        """Share of the way from baseline to target reached by ``current``, in per cent (0–100:
        at or past the target 100, moved away from it 0)."""
        return self.progress_at(current).percent


class GoalChange(models.Model):
    """A later change of a goal: what changed, by whom, when."""

    goal = models.ForeignKey(Goal, verbose_name=_("goal"), on_delete=models.CASCADE, related_name="changes")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("at"), auto_now_add=True)
    # {field: {"before": …, "after": …}} with JSON-safe values (decimals and dates as strings).
    changes = models.JSONField(_("changes"), default=dict)

    class Meta:
        ordering = ["goal", "at", "pk"]
        verbose_name = _("goal change")
        verbose_name_plural = _("goal changes")

    def __str__(self) -> str:
        return f"{self.goal_id} changed {self.at:%Y-%m-%d}"


class Measurement(TimeStamped):
    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        COMPUTED = "computed", _("Computed by the portal")
        CUSTOMER = "customer", _("Reported by the customer")

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("measured on"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["goal", "measured_on"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            # One computed snapshot per goal and date, so the monthly task can run again safely.
            models.UniqueConstraint(
                fields=["goal", "measured_on"], condition=Q(source="computed"), name="one_computed_measurement_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.value} on {self.measured_on}"


class SteeringGroupMeeting(TimeStamped):
    """A steering-group meeting of the provider and the customer: who came from each side, the
    agenda, the minutes, the decisions (one a line) and the action items agreed."""

    customer = models.ForeignKey(CorporateCustomer, on_delete=models.CASCADE, related_name="meetings")
    agreement = models.ForeignKey(
        ResponsibilityAgreement, on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    date = models.DateField(_("date"))
    # Participants who have a login (provider) or a contact row (customer) are linked, so they can
    # own action items; the text fields name anyone else who came.
    provider_attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participants (provider)"),
        blank=True,
        related_name="meetings_attended",
    )
    customer_attendees = models.ManyToManyField(
        Contact, verbose_name=_("participants (customer)"), blank=True, related_name="meetings_attended"
    )
    provider_participants = models.TextField(_("other participants (provider)"), blank=True)
    customer_participants = models.TextField(_("other participants (customer)"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    # Text, one decision a line: decisions are read with the minutes and never change on their own.
    decisions = models.TextField(_("decisions"), blank=True)

    class Meta:
        ordering = ["customer", "-date"]
        verbose_name = _("steering-group meeting")
        verbose_name_plural = _("steering-group meetings")
        indexes = [models.Index(fields=["customer", "date"])]

    def __str__(self) -> str:
        return f"{self.customer.name} {self.date}"

    @property
    def decision_list(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


def action_item_overdue(*, today, prefix: str = "") -> Q:
    """The one rule for "overdue": not done and due before ``today`` (a Helsinki date); ``prefix``
    points at the action item from another model (``"meetings__action_items__"``)."""
    return Q(**{f"{prefix}done": False, f"{prefix}due_date__lt": today})


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done=False)

    def overdue(self, *, today):
        return self.filter(action_item_overdue(today=today))

    def with_overdue(self, *, today):
        """Each item with ``is_overdue``, so pages show the flag without computing it again."""
        return self.annotate(
            is_overdue=models.ExpressionWrapper(action_item_overdue(today=today), output_field=models.BooleanField())
        )


class ActionItem(TimeStamped):
    meeting = models.ForeignKey(SteeringGroupMeeting, on_delete=models.CASCADE, related_name="action_items")
    description = models.TextField(_("description"))
    # The owner's name as shown; kept when the linked person later leaves either side.
    owner = models.CharField(_("owner"), max_length=200)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (provider)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    owner_contact = models.ForeignKey(
        Contact,
        verbose_name=_("owner (customer)"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["done", "due_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=True) | Q(owner_contact__isnull=True), name="action_item_one_owner"
            )
        ]

    def __str__(self) -> str:
        return self.description[:60]

    @property
    def owner_side(self) -> str:
        """Which side owns the item: "provider", "customer", or "" when only a name is known."""
        if self.owner_user_id:
            return "provider"
        if self.owner_contact_id:
            return "customer"
        return ""


#: The longest note an account manager can add: a few paragraphs, not a document.
CUSTOMER_NOTE_MAX_LENGTH = 4000


class CustomerNote(models.Model):
    """A note the account manager adds to the customer's timeline: a call, an email, a remark.
    Notes are a record: kept with their author and time, never edited or deleted in the portal."""

    customer = models.ForeignKey(
        CorporateCustomer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("text"), max_length=CUSTOMER_NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["customer", "-created_at", "-pk"]
        verbose_name = _("customer note")
        verbose_name_plural = _("customer notes")
        indexes = [models.Index(fields=["customer", "created_at"])]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="customer_note_not_empty")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.created_at:%Y-%m-%d}: {self.text[:40]}"


# The work-health matrices live with the rest of the economics, in cooperation/economics/.
from cooperation.economics.models import EconomicAssumptions, MatrixIndicator, WorkHealthMatrix  # noqa: E402, F401
