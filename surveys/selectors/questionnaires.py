"""Questionnaires: the answer page's questions, and the results per customer, across the
portfolio and by segment, by year (the year an answer was given, in Helsinki time)."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone

from surveys.models import (
    KIND_RANGE,
    InvitationStatus,
    QuestionAnswer,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireVersion,
    SurveyInvitation,
)


def questionnaire_invitation_closed(token_hash: str) -> SurveyInvitation | None:
    """A questionnaire link whose round has closed (its link expired unanswered): the page says so."""
    invitation = (
        SurveyInvitation.objects.filter(token_hash=token_hash, nps_round__questionnaire_version__isnull=False)
        .only("language", "status", "expires_at")
        .first()
    )
    if invitation is None:
        return None
    if invitation.status == InvitationStatus.EXPIRED or (
        invitation.status == InvitationStatus.SENT and invitation.expires_at and invitation.expires_at <= timezone.now()
    ):
        return invitation
    return None


def questionnaire_page_questions(version: QuestionnaireVersion, *, language: str, values: dict, errors: dict):
    """The version's questions as the answer page shows them, grouped by theme."""
    groups, by_theme = [], {}
    for question in version.questions.select_related("theme").order_by("position", "pk"):
        theme = question.theme
        key = theme.pk if theme else None
        if key not in by_theme:
            by_theme[key] = {"name": theme.localized_name(language) if theme else "", "questions": []}
            groups.append(by_theme[key])
        if question.kind in KIND_RANGE:
            low, high = KIND_RANGE[question.kind]
            options = [(str(n), str(n)) for n in range(low, high + 1)]
        elif question.kind == QuestionKind.YES_NO:
            from django.utils.translation import gettext as _

            options = [("yes", _("Yes")), ("no", _("No"))]
        elif question.kind == QuestionKind.CHOICE:
            options = question.localized_options(language)
        else:
            options = []
        by_theme[key]["questions"].append(
            {
                "code": question.code,
                "kind": question.kind,
                "text": question.localized_text(language),
                "required": question.required,
                "low_label": question.localized_low_label(language),
                "high_label": question.localized_high_label(language),
                "options": options,
                "value": values.get(question.code, ""),
                "error": errors.get(question.code, ""),
            }
        )
    return groups


def _responses(customer_filter: Q) -> QuerySet[QuestionnaireResponse]:
    return QuestionnaireResponse.objects.filter(customer_filter)


def _scale_answers(responses: QuerySet[QuestionnaireResponse]) -> QuerySet[QuestionAnswer]:
    return QuestionAnswer.objects.filter(
        response__in=responses, question__kind=QuestionKind.SCALE, number__isnull=False
    ).annotate(year=ExtractYear("response__answered_at", tzinfo=timezone.get_default_timezone()))


def theme_averages_by_year(responses: QuerySet[QuestionnaireResponse]) -> dict[int, dict[str, dict]]:
    """``{year: {theme code: {"average", "n", "respondents", "name"}}}``: the mean of every scale
    answer in the theme that year, and how many people gave them."""
    rows = (
        _scale_answers(responses)
        .values("year", "question__theme__code")
        .annotate(average=Avg("number"), n=Count("pk"), respondents=Count("response", distinct=True))
    )
    result: dict[int, dict[str, dict]] = defaultdict(dict)
    for row in rows:
        result[row["year"]][row["question__theme__code"]] = {
            "average": round(float(row["average"]), 2),
            "n": row["n"],
            "respondents": row["respondents"],
        }
    return dict(result)


def theme_names(language: str | None = None) -> dict[str, str]:
    """Theme code → its name, from the newest version that has it."""
    from surveys.models import QuestionnaireTheme

    names = {}
    for theme in QuestionnaireTheme.objects.order_by("version__number", "position"):
        names[theme.code] = theme.localized_name(language)
    return names


def _nps(scores: list[int]) -> int | None:
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores))


def customer_questionnaire_results(customer, *, year: int | None = None, language: str | None = None) -> dict:
    """A customer's questionnaire results for ``year`` (the latest year answered by default):
    each theme's average with its change from the year before, the NPS, and the answers per
    person — the decision-makers are named business contacts — except those of anonymous
    rounds. Averages that include anonymous answers of fewer than MIN_GROUP_SIZE people are
    hidden (``suppressed``), since they would show those people's answers."""
    responses = _responses(Q(customer=customer))
    years = sorted(
        {
            r.year
            for r in responses.annotate(year=ExtractYear("answered_at", tzinfo=timezone.get_default_timezone())).only(
                "pk"
            )
        }
    )
    if not years:
        return {"year": None, "years": [], "themes": [], "people": [], "nps": None, "respondents": 0}
    year = year if year in years else years[-1]
    tz = timezone.get_default_timezone()
    in_year = responses.annotate(year=ExtractYear("answered_at", tzinfo=tz)).filter(year=year)
    respondents = in_year.count()
    has_anonymous = in_year.filter(anonymous=True).exists()
    suppressed = has_anonymous and respondents < settings.MIN_GROUP_SIZE
    by_year = theme_averages_by_year(responses)
    names = theme_names(language)
    themes = []
    for code, figures in sorted(by_year.get(year, {}).items(), key=lambda kv: list(names).index(kv[0])):
        before = by_year.get(year - 1, {}).get(code)
        themes.append(
            {
                "code": code,
                "name": names.get(code, code),
                "average": None if suppressed else figures["average"],
                "change": None if suppressed or before is None else round(figures["average"] - before["average"], 2),
                "respondents": figures["respondents"],
            }
        )
    nps_scores = list(
        QuestionAnswer.objects.filter(
            response__in=in_year, question__kind=QuestionKind.NPS, number__isnull=False
        ).values_list("number", flat=True)
    )
    people = []
    for response in in_year.filter(anonymous=False).select_related("invitation__contact").order_by("answered_at"):
        contact = response.invitation.contact
        answers = response.answers.select_related("question").order_by("question__position")
        people.append(
            {
                "name": contact.name if contact else "",
                "answered_at": response.answered_at,
                "answers": [
                    {
                        "question": a.question.localized_text(language),
                        "kind": a.question.kind,
                        "value": a.number if a.number is not None else a.text,
                    }
                    for a in answers
                ],
            }
        )
    return {
        "year": year,
        "years": years,
        "respondents": respondents,
        "suppressed": suppressed,
        "themes": themes,
        "nps": None if suppressed else _nps(nps_scores),
        "people": people,
    }


def portfolio_questionnaire_results(customer_filter: Q, *, year: int, language: str | None = None) -> dict:
    """Theme averages across the customers of ``customer_filter`` (a customer_scope filter with no
    prefix, applied to the response's customer) and by segment, for ``year`` and the year before.
    Any figure from fewer than MIN_GROUP_SIZE respondents is None with ``suppressed`` set."""
    from cooperation.models import Segment

    min_size = settings.MIN_GROUP_SIZE
    ids = _customer_ids(customer_filter)
    base = QuestionnaireResponse.objects.filter(customer_id__in=ids)
    names = theme_names(language)

    def block(responses):
        by_year = theme_averages_by_year(responses)
        rows = []
        for code in names:
            now, before = by_year.get(year, {}).get(code), by_year.get(year - 1, {}).get(code)
            if now is None:
                continue
            hidden = now["respondents"] < min_size
            before_ok = before is not None and before["respondents"] >= min_size
            rows.append(
                {
                    "code": code,
                    "name": names[code],
                    "average": None if hidden else now["average"],
                    "change": None if hidden or not before_ok else round(now["average"] - before["average"], 2),
                    "suppressed": hidden,
                }
            )
        return rows

    return {
        "year": year,
        "min_size": min_size,
        "all": block(base),
        "segments": [
            {"segment": value, "label": label, "themes": block(base.filter(segment=value))}
            for value, label in Segment.choices
        ],
    }


def _customer_ids(customer_filter: Q) -> list[int]:
    from cooperation.models import CorporateCustomer

    return list(CorporateCustomer.objects.filter(customer_filter).values_list("pk", flat=True))


def theme_series(responses: QuerySet[QuestionnaireResponse], *, min_size: int | None = None) -> dict:
    """``{"years": [...], "themes": {code: [average or None per year]}}`` for a chart across the
    years; with ``min_size``, a year's figure from fewer respondents is None."""
    by_year = theme_averages_by_year(responses)
    years = sorted(by_year)
    codes = [c for c in theme_names() if any(c in by_year[y] for y in years)]
    series = {}
    for code in codes:
        values = []
        for y in years:
            figures = by_year[y].get(code)
            hidden = figures is None or (min_size is not None and figures["respondents"] < min_size)
            values.append(None if hidden else figures["average"])
        series[code] = values
    return {"years": years, "themes": series}


def weak_questionnaire_items(*, year: int, threshold: float | None = None) -> list[dict]:
    """Scale questions whose average at a customer in ``year`` is below the threshold
    (QUESTIONNAIRE_WEAK_ITEM_AVERAGE): ``[{"customer_id", "code", "average", "year"}]``. An
    average that includes anonymous answers of fewer than MIN_GROUP_SIZE people is left out:
    it would show what those people answered."""
    threshold = settings.QUESTIONNAIRE_WEAK_ITEM_AVERAGE if threshold is None else threshold
    rows = (
        _scale_answers(QuestionnaireResponse.objects.all())
        .filter(year=year)
        .values("response__customer_id", "question__code")
        .annotate(
            average=Avg("number"),
            respondents=Count("response", distinct=True),
            anonymous=Count("response", filter=Q(response__anonymous=True)),
        )
        .filter(average__lt=threshold)
        .order_by("response__customer_id", "question__code")
    )
    return [
        {
            "customer_id": r["response__customer_id"],
            "code": r["question__code"],
            "average": round(float(r["average"]), 2),
            "year": year,
        }
        for r in rows
        if not (r["anonymous"] and r["respondents"] < settings.MIN_GROUP_SIZE)
    ]


def questionnaire_customers_answered(*, year: int) -> list[int]:
    """The customers with questionnaire answers given in ``year``."""
    return list(
        QuestionnaireResponse.objects.annotate(year=ExtractYear("answered_at", tzinfo=timezone.get_default_timezone()))
        .filter(year=year)
        .values_list("customer_id", flat=True)
        .distinct()
    )
