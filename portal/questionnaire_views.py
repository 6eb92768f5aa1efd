"""Questionnaire results: a customer's decision-makers' answers (per person unless the round was
anonymous) with each theme's change from last year, and the portfolio by segment, where any
figure from fewer than MIN_GROUP_SIZE respondents is hidden. A chart per theme across the years."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cooperation import selectors as cooperation_selectors
from cooperation.access import customer_scope, is_customer_user
from cooperation.models import CorporateCustomer
from portal.components import Chart, Series
from surveys import selectors as survey_selectors
from surveys.models import QuestionnaireResponse
from surveys.selectors.questionnaires import theme_names


def _staff_scope(request) -> Q:
    scope = customer_scope(request.user)
    if scope is None or is_customer_user(request.user):
        raise PermissionDenied
    return scope


def _theme_chart(chart_id: str, responses, *, min_size: int | None) -> Chart:
    series = survey_selectors.theme_series(responses, min_size=min_size)
    names = theme_names(translation.get_language())
    hidden = []
    if min_size is not None:
        by_year = survey_selectors.theme_averages_by_year(responses)
        hidden = [str(y) for y in series["years"] if any(f["respondents"] < min_size for f in by_year[y].values())]
    chart_series = [Series(names.get(code, code), values) for code, values in series["themes"].items()]
    every_year_hidden = bool(hidden) and len(hidden) == len(series["years"])
    return Chart(
        id=chart_id,
        suppressed=every_year_hidden,
        kind="line",
        labels=[str(y) for y in series["years"]],
        series=chart_series,
        caption=_("Average of each theme by year (1 = strongly disagree, 5 = strongly agree)"),
        y_min=1,
        y_max=5,
        hidden_labels=hidden,
    )


def _year(request) -> int | None:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return None


@login_required
def customer_questionnaire(request, business_id: str):
    _staff_scope(request)
    customer = cooperation_selectors.customer_get(user=request.user, business_id=business_id)
    results = survey_selectors.customer_questionnaire_results(
        customer, year=_year(request), language=translation.get_language()
    )
    responses = QuestionnaireResponse.objects.filter(customer=customer)
    # Anonymous answers only in aggregates of at least MIN_GROUP_SIZE people.
    min_size = settings.MIN_GROUP_SIZE if responses.filter(anonymous=True).exists() else None
    context = {
        "customer": customer,
        "results": results,
        "chart": _theme_chart("questionnaire-themes", responses, min_size=min_size),
        "weak_threshold": settings.QUESTIONNAIRE_WEAK_ITEM_AVERAGE,
        "min_size": settings.MIN_GROUP_SIZE,
    }
    return render(request, "portal/questionnaire_customer.html", context)


@login_required
def portfolio_questionnaire(request):
    scope = _staff_scope(request)
    year = _year(request) or timezone.localdate().year
    results = survey_selectors.portfolio_questionnaire_results(scope, year=year, language=translation.get_language())
    ids = CorporateCustomer.objects.filter(scope).values("pk")
    responses = QuestionnaireResponse.objects.filter(customer_id__in=ids)
    blocks = [{"title": _("All customers"), "themes": results["all"]}] + [
        {"title": segment["label"], "themes": segment["themes"]} for segment in results["segments"]
    ]
    context = {
        "blocks": blocks,
        "year": year,
        "chart": _theme_chart("questionnaire-portfolio", responses, min_size=settings.MIN_GROUP_SIZE),
        "min_size": settings.MIN_GROUP_SIZE,
    }
    return render(request, "portal/questionnaire_portfolio.html", context)


def questionnaire_meeting_pack_section(*, customer, user, on) -> dict | None:
    """The meeting pack's section: the latest year's theme averages (up to the meeting) and their
    change from the year before. Never per person; for the customer's own people (and for
    anonymous answers) only from at least MIN_GROUP_SIZE respondents."""
    years = [y for y in survey_selectors.customer_questionnaire_results(customer)["years"] if y <= on.year]
    if not years:
        return None
    results = survey_selectors.customer_questionnaire_results(
        customer, year=years[-1], language=translation.get_language()
    )
    hidden = results["suppressed"] or (is_customer_user(user) and results["respondents"] < settings.MIN_GROUP_SIZE)
    return {
        "template": "portal/questionnaire_meeting_pack.html",
        "year": results["year"],
        "respondents": results["respondents"],
        "hidden": hidden,
        "themes": [] if hidden else results["themes"],
        "nps": None if hidden else results["nps"],
    }
