"""Questionnaires: versioned sets of questions in three languages, grouped in themes, sent in an
NPS round (surveys.NpsRound.questionnaire_version) and answered on the survey page.

A published version is frozen: answers point at the question row they answered, so the text
they answered never changes; editing makes a new version (services.questionnaire_new_version)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from surveys.models import NamedInThreeLanguages, SurveyInvitation


class TextInThreeLanguages(models.Model):
    text = models.CharField(_("text in English"), max_length=500)
    text_fi = models.CharField(_("text in Finnish"), max_length=500, blank=True)
    text_sv = models.CharField(_("text in Swedish"), max_length=500, blank=True)

    class Meta:
        abstract = True

    def localized_text(self, language: str | None = None) -> str:
        language = (language or get_language() or "en")[:2]
        if language in ("fi", "sv"):
            return getattr(self, f"text_{language}") or self.text
        return self.text


class Questionnaire(NamedInThreeLanguages):
    """A questionnaire with its versions; ``code`` names it for people and data migrations."""

    code = models.SlugField(_("code"), max_length=60, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.localized_name()


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["questionnaire", "-number"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "number"], name="questionnaire_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class QuestionnaireTheme(NamedInThreeLanguages):
    """A theme of a version's questions; results are averaged per theme, across years by ``code``."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="themes")
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("questionnaire theme")
        verbose_name_plural = _("questionnaire themes")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="questionnaire_theme_once")]

    def __str__(self) -> str:
        return self.localized_name()


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("Scale 1–5")
    NPS = "nps", _("NPS 0–10")
    YES_NO = "yes_no", _("Yes or no")
    CHOICE = "choice", _("Choice")
    TEXT = "text", _("Free text")


#: The numeric range of each kind whose answers are numbers.
KIND_RANGE = {QuestionKind.SCALE: (1, 5), QuestionKind.NPS: (0, 10)}


class Question(TextInThreeLanguages):
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.CASCADE, related_name="questions")
    theme = models.ForeignKey(
        QuestionnaireTheme, on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    code = models.SlugField(_("code"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    # The labels of a scale's two ends; for a choice, the options one a line (same order in each language).
    low_label = models.CharField(_("label of the low end"), max_length=100, blank=True)
    low_label_fi = models.CharField(_("label of the low end in Finnish"), max_length=100, blank=True)
    low_label_sv = models.CharField(_("label of the low end in Swedish"), max_length=100, blank=True)
    high_label = models.CharField(_("label of the high end"), max_length=100, blank=True)
    high_label_fi = models.CharField(_("label of the high end in Finnish"), max_length=100, blank=True)
    high_label_sv = models.CharField(_("label of the high end in Swedish"), max_length=100, blank=True)
    options = models.TextField(_("options (one a line)"), blank=True)
    options_fi = models.TextField(_("options in Finnish (one a line)"), blank=True)
    options_sv = models.TextField(_("options in Swedish (one a line)"), blank=True)

    class Meta:
        ordering = ["version", "position", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="question_code_once")]

    def __str__(self) -> str:
        return self.localized_text()

    def clean(self):
        if self.theme_id and self.version_id and self.theme.version_id != self.version_id:
            raise ValidationError({"theme": _("The theme must belong to the same questionnaire version.")})
        if self.kind == QuestionKind.CHOICE and not self.options.strip():
            raise ValidationError({"options": _("A choice question needs at least one option.")})

    def _localized(self, field: str, language: str | None) -> str:
        language = (language or get_language() or "en")[:2]
        if language in ("fi", "sv"):
            return getattr(self, f"{field}_{language}") or getattr(self, field)
        return getattr(self, field)

    def localized_low_label(self, language=None) -> str:
        return self._localized("low_label", language)

    def localized_high_label(self, language=None) -> str:
        return self._localized("high_label", language)

    def localized_options(self, language=None) -> list[str]:
        """``[(value, label)]``: the value is the English option, stored with the answer."""
        values = [o.strip() for o in self.options.splitlines() if o.strip()]
        labels = [o.strip() for o in self._localized("options", language).splitlines() if o.strip()]
        if len(labels) != len(values):
            labels = values
        return list(zip(values, labels, strict=True))

    @property
    def is_numeric(self) -> bool:
        return self.kind in KIND_RANGE


class QuestionnaireResponse(models.Model):
    """One person's answers to a questionnaire round (all saved in one transaction)."""

    invitation = models.OneToOneField(SurveyInvitation, on_delete=models.CASCADE, related_name="questionnaire_response")
    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="responses")
    customer = models.ForeignKey("cooperation.CorporateCustomer", on_delete=models.CASCADE, related_name="+")
    segment = models.CharField(max_length=5)
    respondent_group = models.CharField(max_length=20)
    # The round's anonymity at answer time: an anonymous answer is never shown per person.
    anonymous = models.BooleanField(default=False)
    language = models.CharField(max_length=2)
    answered_at = models.DateTimeField()

    class Meta:
        ordering = ["-answered_at"]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")
        indexes = [models.Index(fields=["customer", "answered_at"], name="questionnaire_resp_customer")]

    def __str__(self) -> str:
        return f"{self.version} {self.answered_at:%Y-%m-%d}"


class QuestionAnswer(models.Model):
    response = models.ForeignKey(QuestionnaireResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    number = models.SmallIntegerField(null=True, blank=True)  # scale, NPS; yes/no as 1/0
    text = models.TextField(blank=True)  # free text, the choice made

    class Meta:
        ordering = ["response", "question__position"]
        verbose_name = _("answer to a question")
        verbose_name_plural = _("answers to questions")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="question_answered_once"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(number__gte=0, number__lte=10), name="question_answer_0_10"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.number if self.number is not None else self.text}"
