"""Reads of alerts: whose they are, the inbox, the navigation count, and each alert's reason in
the reader's language with links to its evidence."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cooperation.access import Role, is_admin
from cooperation.models import Indicator
from portal.alerts.models import Alert, AlertKind


def may_handle_alerts(user) -> bool:
    """Account managers (their portfolio's alerts) and administrators (all)."""
    return bool(user.is_authenticated) and (is_admin(user) or user.role == Role.ACCOUNT_MANAGER)


def alerts_for(user) -> QuerySet[Alert]:
    """The alerts a user may read and handle: none for other roles."""
    if not may_handle_alerts(user):
        return Alert.objects.none()
    alerts = Alert.objects.all()
    if not is_admin(user):
        alerts = alerts.filter(customer__account_manager_id=user.pk)
    return alerts


def awake(today: dt.date) -> Q:
    """Not snoozed past ``today``."""
    return Q(snoozed_until__isnull=True) | Q(snoozed_until__lte=today)


def inbox(*, user, today: dt.date, kind: str = "", state: str = "new") -> QuerySet[Alert]:
    """The open alerts of the user's portfolio, newest first: ``state`` "new" (not acknowledged,
    not snoozed), "acknowledged", "snoozed" or "all" (every open one)."""
    alerts = alerts_for(user).filter(cleared_at__isnull=True).select_related("customer", "acknowledged_by")
    if kind:
        alerts = alerts.filter(kind=kind)
    if state == "new":
        alerts = alerts.filter(awake(today), acknowledged_at__isnull=True)
    elif state == "acknowledged":
        alerts = alerts.filter(acknowledged_at__isnull=False)
    elif state == "snoozed":
        alerts = alerts.exclude(awake(today))
    return alerts.order_by("-raised_at", "-pk")


def new_alert_count(*, user, today: dt.date) -> int:
    """The navigation's count: open alerts not acknowledged and not snoozed (one query)."""
    if not may_handle_alerts(user):
        return 0
    return alerts_for(user).filter(awake(today), cleared_at__isnull=True, acknowledged_at__isnull=True).count()


def _date(value: str | None) -> str:
    return formats.date_format(dt.date.fromisoformat(value), "SHORT_DATE_FORMAT") if value else ""


def _number(value) -> str:
    return formats.number_format(value, 1)


def _question_text(code: str) -> str:
    """The question's text in the active language, from its newest version."""
    from surveys.models import Question

    question = Question.objects.filter(code=code).order_by("-version__number").first()
    return question.localized_text() if question else code


def reason(alert: Alert) -> str:
    """Why the alert was raised, in the active language, from its kind and figures."""
    p = alert.params or {}
    if alert.kind == AlertKind.NPS_BELOW_TARGET:
        return ngettext(
            "Employee NPS %(nps)s in %(quarter)s is below the target %(target)s (%(n)d answer).",
            "Employee NPS %(nps)s in %(quarter)s is below the target %(target)s (%(n)d answers).",
            p.get("n", 0),
        ) % {
            "nps": _number(p.get("nps")),
            "quarter": p.get("quarter"),
            "target": _number(p.get("target")),
            "n": p.get("n", 0),
        }
    if alert.kind == AlertKind.HEALTH_DROP:
        return _(
            "Health percentage fell %(drop)s points in a year: %(health)s %% in the 12 months to %(end)s, "
            "%(before)s %% a year earlier."
        ) % {
            "drop": _number(p.get("drop")),
            "health": _number(p.get("health")),
            "before": _number(p.get("before")),
            "end": _date(p.get("end")),
        }
    if alert.kind == AlertKind.ACTION_ITEM_OVERDUE:
        return _("Action item overdue since %(due)s: %(description)s") % {
            "due": _date(p.get("due_date")),
            "description": p.get("description", ""),
        }
    if alert.kind == AlertKind.NO_MEETING:
        months = p.get("months", 0)
        if p.get("last_meeting"):
            return ngettext(
                "No steering-group meeting in %(months)d month: the last one was on %(last)s.",
                "No steering-group meeting in %(months)d months: the last one was on %(last)s.",
                months,
            ) % {"months": months, "last": _date(p.get("last_meeting"))}
        return _("No steering-group meeting has been held although an agreement is in force.")
    if alert.kind == AlertKind.GOAL_OFF_TRACK:
        indicator = p.get("indicator")
        label = p.get("label") or (Indicator(indicator).label if indicator in Indicator.values else "")
        return _("Goal off its track to target: %(goal)s.") % {"goal": label}
    if alert.kind == AlertKind.QUESTIONNAIRE_WEAK_ITEM:
        return _(
            "The decision-makers' questionnaire of %(year)s: “%(question)s” averages %(average)s, below %(threshold)s."
        ) % {
            "year": p.get("year"),
            "question": _question_text(p.get("question", "")),
            "average": formats.number_format(p.get("average"), 2),
            "threshold": _number(p.get("threshold")),
        }
    return str(alert.get_kind_display())


def evidence(alert: Alert) -> list[tuple[str, str]]:
    """Links to what the reason is based on: ``[(label, url)]``, the customer's page last."""
    p = alert.params or {}
    customer = alert.customer
    links = []
    indicators = f"{reverse('indicators')}?customer={customer.business_id}"
    if alert.kind in (AlertKind.NPS_BELOW_TARGET, AlertKind.HEALTH_DROP):
        links.append((_("Indicators"), indicators))
    elif alert.kind == AlertKind.ACTION_ITEM_OVERDUE and p.get("meeting"):
        links.append((_("The meeting"), reverse("cooperation:meeting-detail", args=[p["meeting"]])))
    elif alert.kind == AlertKind.NO_MEETING:
        links.append((_("Meetings"), reverse("cooperation:meeting-list", args=[customer.business_id])))
    elif alert.kind == AlertKind.QUESTIONNAIRE_WEAK_ITEM:
        url = reverse("questionnaire-customer", args=[customer.business_id])
        links.append((_("Questionnaire results"), f"{url}?year={p.get('year')}"))
    elif alert.kind == AlertKind.GOAL_OFF_TRACK and p.get("agreement"):
        url = reverse("cooperation:agreement-detail", args=[p["agreement"]])
        links.append((_("The goal"), f"{url}#goal-{p.get('goal')}"))
    links.append((_("Customer page"), reverse("cooperation:customer-detail", args=[customer.business_id])))
    return links
