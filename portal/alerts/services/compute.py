"""The daily computation: which customers' figures turned, as open alerts.

Every condition is computed for all customers at once in a few grouped queries (the portfolio's
own selectors), then compared with the open alerts in one pass: new ones are inserted (the
unique constraint makes a second run, or two at once, add nothing), those still true get their
figures refreshed, and those whose condition cleared close by themselves (``cleared_at``)."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Max, OuterRef, Q, Subquery
from django.utils import timezone

from cooperation import selectors as cooperation_selectors
from cooperation.models import (
    ActionItem,
    CorporateCustomer,
    Indicator,
    Phase,
    ResponsibilityAgreement,
    SteeringGroupMeeting,
    action_item_overdue,
)
from portal.alerts.models import Alert, AlertKind
from portal.selectors import PORTFOLIO_HEALTH_MONTHS, closed_quarters, customer_nps_targets, customer_quarterly_answers
from surveys.selectors import nps_figures, questionnaire_customers_answered, weak_questionnaire_items

Key = tuple[int, str, str]


@dataclass
class RefreshResult:
    raised: int = 0
    updated: int = 0
    cleared: int = 0
    open: int = 0

    def as_dict(self) -> dict:
        return {"raised": self.raised, "updated": self.updated, "cleared": self.cleared, "open": self.open}


def months_before(day: dt.date, months: int) -> dt.date:
    return cooperation_selectors.health_window(months=months, end=day - dt.timedelta(days=1))[0]


def _customers():
    latest = ResponsibilityAgreement.objects.filter(customer=OuterRef("pk")).order_by("-period_start", "-pk")
    return CorporateCustomer.objects.order_by().annotate(
        agreement_id=Subquery(latest.values("pk")[:1]),
        agreement_phase=Subquery(latest.values("phase")[:1]),
    )


def _nps_conditions(customers, agreements: dict[int, int | None], *, today: dt.date) -> dict[Key, dict]:
    key, first, last = closed_quarters(today=today, count=1)[-1]
    answers = customer_quarterly_answers(customer_ids=customers.values("pk"), quarters=[(key, first, last)])
    targets = customer_nps_targets(agreement_ids=agreements, year=first.year, customers=customers)
    found = {}
    for customer_id, by_quarter in answers.items():
        counts = by_quarter.get(key) or {}
        target = targets.get(customer_id)
        n = counts.get("n", 0)
        if target is None or n < settings.MIN_GROUP_SIZE:
            continue
        nps = nps_figures(counts)["nps"]
        if nps is not None and nps < target:
            found[(customer_id, AlertKind.NPS_BELOW_TARGET, "")] = {
                "quarter": key,
                "nps": nps,
                "target": target,
                "n": n,
            }
    return found


def _health_conditions(customers, *, today: dt.date) -> dict[Key, dict]:
    end = today - dt.timedelta(days=1)
    year_ago = months_before(today, 12) - dt.timedelta(days=1)
    ids = customers.values("pk")
    now = cooperation_selectors.health_percentages(customer_ids=ids, months=PORTFOLIO_HEALTH_MONTHS, end=end)
    before = cooperation_selectors.health_percentages(customer_ids=ids, months=PORTFOLIO_HEALTH_MONTHS, end=year_ago)
    found = {}
    for customer_id, health in now.items():
        earlier = before.get(customer_id)
        if earlier is None:
            continue
        drop = round(earlier - health, 1)
        if drop >= settings.ALERT_HEALTH_DROP_POINTS:
            found[(customer_id, AlertKind.HEALTH_DROP, "")] = {
                "health": health,
                "before": earlier,
                "drop": drop,
                "end": end.isoformat(),
                "before_end": year_ago.isoformat(),
            }
    return found


def _action_item_conditions(*, today: dt.date) -> dict[Key, dict]:
    items = ActionItem.objects.filter(action_item_overdue(today=today)).values_list(
        "pk", "meeting__customer_id", "meeting_id", "description", "due_date"
    )
    return {
        (customer_id, AlertKind.ACTION_ITEM_OVERDUE, f"action-item:{pk}"): {
            "item": pk,
            "meeting": meeting_id,
            "description": description[:200],
            "due_date": due.isoformat(),
        }
        for pk, customer_id, meeting_id, description, due in items
    }


def _meeting_conditions(customers, *, today: dt.date) -> dict[Key, dict]:
    """Customers in cooperation (a latest agreement not closed) without a steering-group meeting
    in the last ALERT_MEETING_MONTHS months (or never)."""
    months = settings.ALERT_MEETING_MONTHS
    since = months_before(today, months)
    last_meeting = (
        SteeringGroupMeeting.objects.filter(customer=OuterRef("pk"), date__lte=today)
        .order_by()
        .values("customer")
        .annotate(last=Max("date"))
        .values("last")
    )
    rows = (
        customers.filter(agreement_id__isnull=False)
        .exclude(agreement_phase=Phase.CLOSED)
        .annotate(last_meeting=Subquery(last_meeting))
        .filter(Q(last_meeting__isnull=True) | Q(last_meeting__lt=since))
        .values_list("pk", "last_meeting")
    )
    return {
        (pk, AlertKind.NO_MEETING, ""): {"months": months, "last_meeting": last.isoformat() if last else None}
        for pk, last in rows
    }


def _goal_conditions(agreements: dict[int, int | None], customers, *, today: dt.date) -> dict[Key, dict]:
    customer_of = {agreement: customer for customer, agreement in agreements.items() if agreement}
    found = {}
    for goal in cooperation_selectors.off_track_goals(agreement_ids=customers.values("agreement_id"), today=today):
        customer_id = customer_of.get(goal["agreement"])
        if customer_id is not None:
            found[(customer_id, AlertKind.GOAL_OFF_TRACK, f"goal:{goal['goal']}")] = {
                "goal": goal["goal"],
                "agreement": goal["agreement"],
                "indicator": goal["indicator"],
                # A custom indicator's own name; the others are named in the reader's language.
                "label": goal["label"] if goal["indicator"] == Indicator.CUSTOM else "",
            }
    return found


def _questionnaire_conditions(*, today: dt.date) -> dict[Key, dict]:
    """A scale question of the decision-makers' questionnaire whose average at the customer is
    below QUESTIONNAIRE_WEAK_ITEM_AVERAGE, in this year's answers, else last year's."""
    found = {}
    answered_this_year = set()
    for year in (today.year, today.year - 1):
        items = weak_questionnaire_items(year=year)
        for item in items:
            if item["customer_id"] in answered_this_year:
                continue
            found[(item["customer_id"], AlertKind.QUESTIONNAIRE_WEAK_ITEM, f"question:{item['code']}"[:40])] = {
                "question": item["code"],
                "average": item["average"],
                "year": year,
                "threshold": settings.QUESTIONNAIRE_WEAK_ITEM_AVERAGE,
            }
        if year == today.year:
            answered_this_year = set(questionnaire_customers_answered(year=year))
    return found


def current_conditions(*, today: dt.date) -> dict[Key, dict]:
    """Every alert condition true on ``today`` (a Helsinki date), keyed by customer, kind and
    subject, with the figures of its reason: a constant number of queries for any number of
    customers."""
    customers = _customers()
    agreements = dict(customers.values_list("pk", "agreement_id"))
    found: dict[Key, dict] = {}
    found |= _nps_conditions(customers, agreements, today=today)
    found |= _health_conditions(customers, today=today)
    found |= _action_item_conditions(today=today)
    found |= _meeting_conditions(customers, today=today)
    found |= _goal_conditions(agreements, customers, today=today)
    found |= _questionnaire_conditions(today=today)
    return found


def refresh_alerts(*, today: dt.date | None = None) -> RefreshResult:
    """Raise, refresh and clear the alerts of every customer. Idempotent: running it again the
    same day changes nothing."""
    today = today or timezone.localdate()
    now = timezone.now()
    wanted = current_conditions(today=today)
    result = RefreshResult()
    with transaction.atomic():
        open_alerts = {
            (customer_id, kind, subject): (pk, params)
            for pk, customer_id, kind, subject, params in Alert.objects.filter(cleared_at__isnull=True).values_list(
                "pk", "customer_id", "kind", "subject", "params"
            )
        }
        gone = [pk for key, (pk, _params) in open_alerts.items() if key not in wanted]
        if gone:
            result.cleared = Alert.objects.filter(pk__in=gone, cleared_at__isnull=True).update(cleared_at=now)
        changed = [
            Alert(pk=open_alerts[key][0], params=params)
            for key, params in wanted.items()
            if key in open_alerts and open_alerts[key][1] != params
        ]
        if changed:
            Alert.objects.bulk_update(changed, ["params"], batch_size=1000)
        result.updated = len(changed)
        new = [
            Alert(customer_id=customer_id, kind=kind, subject=subject, params=params, raised_at=now)
            for (customer_id, kind, subject), params in wanted.items()
            if (customer_id, kind, subject) not in open_alerts
        ]
        if new:
            # A run at the same time may have inserted some of them: the constraint keeps one.
            Alert.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    result.open = Alert.objects.filter(cleared_at__isnull=True).count()
    result.raised = result.open - (len(open_alerts) - result.cleared)
    return result
