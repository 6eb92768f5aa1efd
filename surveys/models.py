from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from cooperation.dates import EARLIEST, LATEST
from cooperation.models import Contact, CorporateCustomer, Employee, Language, Segment


class UnitType(models.TextChoices):
    CARE = "care", _("Care unit")
    EMERGENCY = "emergency", _("Emergency unit")
    DIGITAL = "digital", _("Digital service")


#: NPS targets seen in practice (DOMAIN.md): care units 70, emergency units 50.
DEFAULT_NPS_TARGETS = {UnitType.CARE: 70, UnitType.EMERGENCY: 50}


class Channel(models.TextChoices):
    VISIT = "visit", _("Visit")
    REMOTE = "remote", _("Remote appointment")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")


class RespondentGroup(models.TextChoices):
    PATIENT = "patient", _("Employees (patients)")
    SUPERVISOR = "supervisor", _("Supervisors")
    DECISION_MAKER = "decision-maker", _("Decision-makers")


NAME_LANGUAGES = ("fi", "sv", "en")


class NamedInThreeLanguages(models.Model):
    """A name in Finnish, Swedish and English: ``name`` is the English one (what the API has
    always called ``name``), and shown in any language whose own name is missing."""

    name = models.CharField(_("name in English"), max_length=200, help_text=_("Shown where no translation is given."))
    name_fi = models.CharField(_("name in Finnish"), max_length=200, blank=True)
    name_sv = models.CharField(_("name in Swedish"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def localized_name(self, language: str | None = None) -> str:
        """The name in ``language`` (by default the active one), else the English name."""
        language = (language or get_language() or "en")[:2]
        if language in ("fi", "sv"):
            return getattr(self, f"name_{language}") or self.name
        return self.name

    @property
    def display_name(self) -> str:
        return self.localized_name()


class Unit(NamedInThreeLanguages):
    code = models.CharField(_("code"), max_length=40, unique=True)
    type = models.CharField(_("type"), max_length=10, choices=UnitType.choices)
    nps_target = models.SmallIntegerField(
        _("NPS target"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-100), MaxValueValidator(100)],
        help_text=_("Defaults to 70 for care units and 50 for emergency units."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"

    def save(self, *args, **kwargs):
        if self.nps_target is None and self._state.adding:
            self.nps_target = DEFAULT_NPS_TARGETS.get(self.type)
        super().save(*args, **kwargs)


class Practitioner(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="practitioners")

    class Meta:
        ordering = ["code"]
        verbose_name = _("practitioner")
        verbose_name_plural = _("practitioners")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Service(NamedInThreeLanguages):
    code = models.CharField(_("code"), max_length=40, unique=True)
    collects_feedback = models.BooleanField(_("collects feedback"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"


class Visit(models.Model):
    external_id = models.CharField(_("external ID"), max_length=64, unique=True)
    customer = models.ForeignKey(CorporateCustomer, on_delete=models.PROTECT, related_name="visits")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="visits")
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="visits")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    ended_at = models.DateTimeField(_("ended at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-ended_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")

    def __str__(self) -> str:
        return self.external_id

    def survey_facts(self) -> dict:
        """What the visit's patient survey carries for the statistics (see INVITATION_FACTS)."""
        return {
            "customer": self.customer,
            "segment": self.customer.segment,
            "unit": self.unit,
            "unit_type": self.unit.type,
            "practitioner": self.practitioner,
            "service": self.service,
            "channel": self.channel,
        }


class NpsRound(models.Model):
    """A round of NPS surveys to the customers' supervisors or decision-makers."""

    respondent_group = models.CharField(
        _("respondent group"),
        max_length=20,
        choices=[
            (RespondentGroup.SUPERVISOR.value, RespondentGroup.SUPERVISOR.label),
            (RespondentGroup.DECISION_MAKER.value, RespondentGroup.DECISION_MAKER.label),
        ],
    )
    customers = models.ManyToManyField(CorporateCustomer, related_name="nps_rounds")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    # A questionnaire round: the survey page shows this version's questions instead of the NPS question.
    questionnaire_version = models.ForeignKey(
        "surveys.QuestionnaireVersion",
        verbose_name=_("questionnaire"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="rounds",
    )
    # Anonymous: the results are never shown per person, only aggregated.
    anonymous = models.BooleanField(_("anonymous"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("NPS round")
        verbose_name_plural = _("NPS rounds")

    def __str__(self) -> str:
        return f"{self.get_respondent_group_display()} {self.started_at:%Y-%m-%d}"


class InvitationStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    SKIPPED = "skipped", _("Skipped")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    ANSWERED = "answered", _("Answered")
    FAILED = "failed", _("Failed")
    EXPIRED = "expired", _("Expired")


class SkipReason(models.TextChoices):
    NO_FEEDBACK_SERVICE = "service-collects-no-feedback", _("The service collects no feedback")
    OPTED_OUT = "opted-out", _("The person opted out of surveys")
    NO_EMAIL = "no-email", _("No email address")
    THROTTLED = "surveyed-recently", _("Surveyed recently")
    TOO_OLD = "visit-too-old", _("The visit is too old for a valid link")


class SurveyInvitation(models.Model):
    """The outbox: one row per survey to send, written with the visit (or round) that causes it."""

    respondent_group = models.CharField(max_length=20, choices=RespondentGroup.choices)
    visit = models.OneToOneField(Visit, on_delete=models.CASCADE, null=True, blank=True, related_name="invitation")
    # Each index of this table is written at every claim and every send record (neither can be a
    # heap-only update): references that a wider index already leads with have none of their
    # own, and those only rounds carry are indexed where set (see Meta.indexes).
    nps_round = models.ForeignKey(
        NpsRound, on_delete=models.CASCADE, null=True, blank=True, related_name="invitations", db_index=False
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False
    )
    employee = models.ForeignKey(Employee, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    email = models.EmailField(blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.FINNISH)
    # Denormalised facts of the visit, so statistics never join through the chain.
    customer = models.ForeignKey(CorporateCustomer, on_delete=models.CASCADE, related_name="+", db_index=False)
    segment = models.CharField(max_length=5, choices=Segment.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False)
    unit_type = models.CharField(max_length=10, choices=UnitType.choices, blank=True)
    practitioner = models.ForeignKey(
        Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)

    status = models.CharField(max_length=10, choices=InvitationStatus.choices, default=InvitationStatus.SCHEDULED)
    skip_reason = models.CharField(max_length=40, choices=SkipReason.choices, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # A claim holds the row until lease_until; a worker that dies lets the lease run out.
    lease_until = models.DateTimeField(null=True, blank=True)
    # Which pass holds the claim: the conditional UPDATE writes it, the pass reads its rows back.
    lease_owner = models.CharField(max_length=32, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Unique by a constraint (Meta), not unique=True: that adds a pattern index no query uses.
    token_hash = models.CharField(max_length=64, null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # The one reminder (SURVEY_REMINDER_DAYS): due when set at the first send's record, claimed
    # with the same lease columns while the row stays sent, cleared when it went (or never can).
    reminder_due_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_attempts = models.PositiveSmallIntegerField(default=0)
    # The first email's token sealed under a key derived from SECRET_KEY (surveys/link_seal.py),
    # so the reminder carries the same link: the database alone still yields no link.
    link_sealed = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        indexes = [
            # Exactly the dispatcher's query: due rows still waiting.
            models.Index(
                fields=["scheduled_for"], name="invitation_due", condition=Q(status__in=["scheduled", "sending"])
            ),
            # The dispatcher's other query: claims whose worker died, by when their lease ran out.
            models.Index(fields=["lease_until"], name="invitation_lapsed", condition=Q(status="sending")),
            models.Index(fields=["customer", "sent_at"], name="invitation_customer_sent"),
            models.Index(fields=["sent_at"], name="invitation_sent"),
            models.Index(fields=["email", "sent_at"], name="invitation_email_sent"),
            # The dispatcher's reminder query: sent, unanswered rows whose reminder waits.
            models.Index(
                fields=["reminder_due_at"],
                name="invitation_reminder_due",
                condition=Q(status="sent", reminder_due_at__isnull=False),
            ),
            # Answers that came after a reminder, for the response rate without reminders.
            models.Index(fields=["sent_at"], name="invitation_reminded", condition=Q(reminder_sent_at__isnull=False)),
            # Customer, unit and practitioner lead the statistics indexes (migration 0002) and
            # invitation_customer_sent; contacts and rounds only the rounds' invitations have.
            models.Index(fields=["contact"], name="invitation_contact", condition=Q(contact__isnull=False)),
            models.Index(fields=["nps_round"], name="invitation_nps_round", condition=Q(nps_round__isnull=False)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="invitation_token_hash_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.respondent_group} survey {self.pk} ({self.status})"

    def facts(self) -> dict:
        """The denormalised facts its response carries for the statistics."""
        return {name: getattr(self, name) for name in INVITATION_FACTS}


#: What an invitation knows of its visit and customer, copied to the response.
INVITATION_FACTS = (
    "customer_id",
    "segment",
    "unit_id",
    "unit_type",
    "practitioner_id",
    "service_id",
    "channel",
)


class SendAttempt(models.Model):
    """Written before a send and finished after it, so every send leaves a trace; an attempt
    that was never finished (its worker died) is why a person may, rarely, get two emails.
    A batch writes its attempts at once as queued; each turns pending just before its message
    goes out (in the record of the message before), so at most one of a batch is pending."""

    class Outcome(models.TextChoices):
        QUEUED = "queued", _("Queued: not sent yet")
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        ERROR = "error", _("Error")
        UNKNOWN = "unknown", _("Unknown: the worker stopped mid-send")

    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE, related_name="send_attempts")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    error = models.TextField(blank=True)
    worker = models.CharField(max_length=200, blank=True)
    possible_duplicate = models.BooleanField(default=False)
    # The invitation's one reminder rather than its first email.
    reminder = models.BooleanField(default=False)

    class Meta:
        ordering = ["invitation", "started_at"]

    def __str__(self) -> str:
        return f"attempt {self.pk}: {self.outcome}"


class SurveyOptOut(models.Model):
    """An email address that asked for no more surveys. Once the person is erased, or the
    opt-out is older than SURVEY_RETENTION_MONTHS, only keyed hashes remain (surveys/privacy.py):
    enough to recognise the address, or the person's id at their employer, when they come again."""

    email = models.EmailField(unique=True, null=True, blank=True)
    email_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    # Set when the person was erased: their (customer, external id), so a new address is no way back in.
    person_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self) -> str:
        return self.email or gettext("(address kept only as a hash)")

    def save(self, *args, **kwargs):
        if self.email and not self.email_hash:
            from surveys.privacy import address_hash  # privacy reads these models

            self.email = self.email.strip().lower()
            self.email_hash = address_hash(self.email)
        super().save(*args, **kwargs)


class CopingAnswer(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")
    NOT_APPLICABLE = "na", _("Not applicable")


class Response(models.Model):
    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="response")
    respondent_group = models.CharField(max_length=20, choices=RespondentGroup.choices)
    score = models.PositiveSmallIntegerField(validators=[MaxValueValidator(10)])
    coping = models.CharField(max_length=6, choices=CopingAnswer.choices, blank=True)
    comment = models.TextField(blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    answered_at = models.DateTimeField()
    # Denormalised facts the statistics filter on.
    customer = models.ForeignKey(CorporateCustomer, on_delete=models.CASCADE, related_name="+")
    segment = models.CharField(max_length=5, choices=Segment.choices)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit_type = models.CharField(max_length=10, choices=UnitType.choices, blank=True)
    practitioner = models.ForeignKey(Practitioner, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    channel = models.CharField(max_length=10, choices=Channel.choices, blank=True)

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [models.CheckConstraint(condition=Q(score__lte=10), name="response_score_0_10")]
        indexes = [
            models.Index(fields=["respondent_group", "answered_at"], name="response_group_time"),
            models.Index(fields=["customer", "respondent_group", "answered_at"], name="response_customer_time"),
            models.Index(fields=["unit", "respondent_group", "answered_at"], name="response_unit_time"),
        ]

    def __str__(self) -> str:
        return f"{self.respondent_group} {self.score}"


# --- Statistics ---


class UnitQualityStaff(models.Model):
    """Quality staff who follow a unit's feedback: they read its comments, routed to practitioners."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="quality_staff_links")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quality_units")
    # The unit's lead gets the email about its overdue feedback cases (surveys/services/feedback_cases.py).
    lead = models.BooleanField(_("unit lead"), default=False)

    class Meta:
        verbose_name = _("unit quality staff")
        verbose_name_plural = _("unit quality staff")
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="unit_quality_staff_once"),
            models.UniqueConstraint(fields=["unit"], condition=Q(lead=True), name="unit_one_lead"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit.code}"


class TargetScope(models.TextChoices):
    ORGANISATION = "organisation", _("Organisation")
    UNIT = "unit", _("Unit")
    CUSTOMER = "customer", _("Corporate customer")


class BindingTarget(models.Model):
    """A binding yearly NPS target; when a year misses it, the report's explanation and
    corrective actions are filed here (the city unit whose year came out at 67 against 70)."""

    # The statistics of a year outside the span the portal computes dates in cannot be worked out.
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(EARLIEST.year), MaxValueValidator(LATEST.year)]
    )
    scope = models.CharField(_("scope"), max_length=12, choices=TargetScope.choices)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True)
    customer = models.ForeignKey(
        CorporateCustomer, verbose_name=_("customer"), on_delete=models.CASCADE, null=True, blank=True
    )
    respondent_group = models.CharField(
        _("respondent group"), max_length=20, choices=RespondentGroup.choices, default=RespondentGroup.PATIENT
    )
    target = models.SmallIntegerField(_("target NPS"), validators=[MinValueValidator(-100), MaxValueValidator(100)])
    explanation = models.TextField(_("explanation of the result"), blank=True)
    corrective_actions = models.TextField(_("corrective actions"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "scope", "pk"]
        verbose_name = _("binding target")
        verbose_name_plural = _("binding targets")
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=EARLIEST.year, year__lte=LATEST.year), name="binding_target_year_supported"
            ),
            models.CheckConstraint(
                condition=(Q(scope="organisation") & Q(unit__isnull=True) & Q(customer__isnull=True))
                | (Q(scope="unit") & Q(unit__isnull=False) & Q(customer__isnull=True))
                | (Q(scope="customer") & Q(customer__isnull=False) & Q(unit__isnull=True)),
                name="binding_target_scope_matches",
            ),
            models.UniqueConstraint(
                fields=["year", "respondent_group"],
                condition=Q(scope="organisation"),
                name="binding_target_once_for_organisation",
            ),
            models.UniqueConstraint(
                fields=["year", "unit", "respondent_group"],
                condition=Q(scope="unit"),
                name="binding_target_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["year", "customer", "respondent_group"],
                condition=Q(scope="customer"),
                name="binding_target_once_per_customer",
            ),
        ]

    def __str__(self) -> str:
        subject = self.unit or self.customer or self.get_scope_display()
        return f"{self.year} {subject}: NPS ≥ {self.target}"


class AnswerCounters(models.Model):
    """The answer counters every rollup keeps: NPS classes and coping answers."""

    n = models.IntegerField(default=0)
    promoters = models.IntegerField(default=0)
    passives = models.IntegerField(default=0)
    detractors = models.IntegerField(default=0)
    coping_yes = models.IntegerField(default=0)
    coping_partly = models.IntegerField(default=0)
    coping_no = models.IntegerField(default=0)
    coping_na = models.IntegerField(default=0)

    class Meta:
        abstract = True


class StatsRollup(AnswerCounters):
    """Daily counts by the statistics' filter dimensions (Helsinki days). Answer counters are
    keyed by the day of the answer, invitation counters by the day the invitation was sent.
    ``unit_key`` and ``service_key`` are ids, 0 for none, so the key has no NULLs to upsert on."""

    day = models.DateField()
    respondent_group = models.CharField(max_length=20, choices=RespondentGroup.choices)
    segment = models.CharField(max_length=5, choices=Segment.choices)
    unit_type = models.CharField(max_length=10, blank=True)
    invitations_sent = models.IntegerField(default=0)
    invitations_answered = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.respondent_group}: {self.n} answers"


class StatsDailyByUnit(StatsRollup):
    """The fine rollup: per unit, service and channel (customer and practitioner filters read raw rows)."""

    unit_key = models.BigIntegerField(default=0)
    service_key = models.BigIntegerField(default=0)
    channel = models.CharField(max_length=10, blank=True)

    DIMENSIONS = ("day", "respondent_group", "segment", "unit_type", "unit_key", "service_key", "channel")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "respondent_group", "segment", "unit_type", "unit_key", "service_key", "channel"],
                name="stats_daily_by_unit_key",
            )
        ]
        indexes = [models.Index(fields=["unit_key", "respondent_group", "day"], name="stats_daily_unit_day")]


class StatsDaily(StatsRollup):
    """The coarse rollup for organisation-wide, segment and unit-type questions: a few rows a day."""

    DIMENSIONS = ("day", "respondent_group", "segment", "unit_type")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "respondent_group", "segment", "unit_type"], name="stats_daily_key")
        ]


class StatsMonthlyByCustomer(AnswerCounters):
    """Answer counters per customer, respondent group and Helsinki month (``month`` is its first
    day): for lists of many customers at once (the portfolio sorts 14,000 customers by NPS),
    which the daily rollups, having no customer, cannot answer. Kept like them: each answer adds
    to its row, ``stats_rollups_rebuild`` recounts whole months."""

    month = models.DateField()
    respondent_group = models.CharField(max_length=20, choices=RespondentGroup.choices)
    customer = models.ForeignKey(CorporateCustomer, on_delete=models.CASCADE, related_name="+")

    DIMENSIONS = ("month", "respondent_group", "customer_id")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "respondent_group", "customer"], name="stats_monthly_by_customer_key"
            )
        ]
        indexes = [models.Index(fields=["respondent_group", "month"], name="stats_monthly_customer_month")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.customer_id} {self.respondent_group}: {self.n} answers"


class StatsRollupState(models.Model):
    """Whether the rollups are complete and kept up to date: set by ``rebuild_stats_rollups``;
    until then the statistics read raw rows, so a fresh or partly loaded database is still exact."""

    live = models.BooleanField(default=False)
    rebuilt_at = models.DateTimeField(null=True, blank=True)
    first_day = models.DateField(null=True, blank=True)
    last_day = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"rollups {'live' if self.live else 'off'}"


# --- Feedback cases: a follow-up on every detractor (surveys/feedback_case_models.py) ---
from surveys.feedback_case_models import (  # noqa: E402, F401
    FeedbackCase,
    FeedbackCaseEvent,
    FeedbackCaseStatus,
    FeedbackCause,
)

# --- Questionnaires: the decision-makers' yearly questionnaire (surveys/questionnaire_models.py) ---
from surveys.questionnaire_models import (  # noqa: E402, F401
    KIND_RANGE,
    Question,
    QuestionAnswer,
    QuestionKind,
    Questionnaire,
    QuestionnaireResponse,
    QuestionnaireTheme,
    QuestionnaireVersion,
)

# --- Service contacts: chat and phone response delay (surveys/service_contact_models.py) ---
from surveys.service_contact_models import (  # noqa: E402, F401
    ContactChannel,
    ServiceContact,
)
