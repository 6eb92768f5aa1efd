"""Quality staff's reads: comments and binding targets."""

import datetime as dt

from cooperation.access import Role, is_admin
from surveys.models import BindingTarget, Practitioner, Response, Unit
from surveys.selectors.statistics import (
    StatisticsQuery,
    _between_days,
    nps_statistics,
)


def comments_for_quality(
    *,
    user,
    unit: Unit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    practitioner: Practitioner | None = None,
    scores: tuple[int, int] | None = None,
    newest_first: bool = False,
):
    """Comments of the units a quality person follows (all units for an administrator), each
    with the practitioner it concerns: by practitioner, newest first within each (``newest_first``:
    newest first overall). ``scores`` keeps answers from its first to its last score, inclusive."""
    rows = Response.objects.exclude(comment="").select_related("unit", "practitioner", "service")
    if not is_admin(user):
        rows = rows.filter(unit__quality_staff_links__user=user)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if practitioner is not None:
        rows = rows.filter(practitioner=practitioner)
    if scores is not None:
        rows = rows.filter(score__gte=scores[0], score__lte=scores[1])
    rows = _between_days(rows, start, end, moment="answered_at")
    if newest_first:
        return rows.order_by("-answered_at", "-pk")
    return rows.order_by("practitioner__code", "-answered_at")


def units_followed(*, user):
    """The units whose comments a user reads: those a quality person follows, all for an administrator."""
    if is_admin(user):
        return Unit.objects.all()
    return Unit.objects.filter(quality_staff_links__user=user)


def binding_target_list(*, user):
    """Binding targets a user may read: administrators and quality staff all; account managers
    only those of their own customers, since their statistics stop at their portfolio (API.md)
    and an organisation's or a unit's report spans every customer."""
    targets = BindingTarget.objects.select_related("unit", "customer")
    if not is_admin(user) and user.role == Role.ACCOUNT_MANAGER:
        targets = targets.filter(customer__account_manager_id=user.pk)
    return targets


def binding_target_report(*, target: BindingTarget) -> dict:
    """The year against its binding target, each quarter with its cumulative value."""
    query = StatisticsQuery(
        group=target.respondent_group,
        customer=target.customer,
        unit=target.unit,
        start=dt.date(target.year, 1, 1),
        end=dt.date(target.year, 12, 31),
        by="quarter",
    )
    stats = nps_statistics(query=query)
    quarters = [
        p
        | {
            "met": None if p["nps"] is None else p["nps"] >= target.target,
            "cumulative_met": None if p["cumulative_nps"] is None else p["cumulative_nps"] >= target.target,
        }
        for p in stats["periods"]
    ]
    year = stats["total"]
    return {
        "target": target,
        "year": year,
        "met": None if year["nps"] is None else year["nps"] >= target.target,
        "quarters": quarters,
    }
