"""Writes of the statistics (re-exported from surveys.services): the daily rollups and binding-target reports.

Answer counters are keyed by the Helsinki day of the answer, invitation counters by the day the
invitation was sent. Until ``stats_rollups_rebuild`` has filled them (StatsRollupState.live) the
statistics read raw rows and the add functions do nothing, so a database without rollups is
never wrong, only slower.
"""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from surveys.models import (
    BindingTarget,
    Response,
    StatsDaily,
    StatsDailyByUnit,
    StatsMonthlyByCustomer,
    StatsRollupState,
    SurveyInvitation,
)
from surveys.selectors import ANSWER_COUNTERS, HELSINKI, RAW_ANSWER_COUNTS, helsinki_midnight

COUNTERS = (*ANSWER_COUNTERS, "invitations_sent", "invitations_answered")
#: Rows written per INSERT when rebuilding: big enough to load a year in seconds, small enough
#: to keep each statement's memory modest.
REBUILD_BATCH_SIZE = 5000

_FINE = StatsDailyByUnit.DIMENSIONS
_COARSE = StatsDaily.DIMENSIONS


def _answer_counters(response: Response) -> dict[str, int]:
    score, coping = response.score, response.coping
    return {
        "n": 1,
        "promoters": int(score >= 9),
        "passives": int(score in (7, 8)),
        "detractors": int(score <= 6),
        "coping_yes": int(coping == "yes"),
        "coping_partly": int(coping == "partly"),
        "coping_no": int(coping == "no"),
        "coping_na": int(coping == "na"),
    }


def _key(*, day, group, segment, unit_type, unit_id, service_id, channel) -> dict:
    return {
        "day": day,
        "respondent_group": group,
        "segment": segment,
        "unit_type": unit_type or "",
        "unit_key": unit_id or 0,
        "service_key": service_id or 0,
        "channel": channel or "",
    }


def _upsert(fine_key: dict, counters: dict[str, int]) -> None:
    """Add ``counters`` to the fine and the coarse row of ``fine_key`` (INSERT … ON CONFLICT,
    so two answers of the same day and dimensions never lose an increment)."""
    with connection.cursor() as cursor:
        for sql, params in _upsert_statements(fine_key, counters):
            cursor.execute(sql, params)


def _upsert_statements(fine_key: dict, counters: dict[str, int], *, where: str = "") -> list[tuple[str, list]]:
    """The two INSERT … ON CONFLICT statements of ``_upsert``; with ``where`` (SQL), rows are
    added only where it holds."""
    values = dict.fromkeys(COUNTERS, 0) | counters
    statements = []
    for model, dims in ((StatsDailyByUnit, _FINE), (StatsDaily, _COARSE)):
        table = model._meta.db_table
        columns = [*dims, *COUNTERS]
        params = [fine_key[d] for d in dims] + [values[c] for c in COUNTERS]
        updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in COUNTERS)
        placeholders = ", ".join(["%s"] * len(columns))
        source = f"SELECT {placeholders} WHERE {where}" if where else f"VALUES ({placeholders})"
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) {source} "  # noqa: S608
            f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET {updates}"
        )
        statements.append((sql, params))
    return statements


def _upsert_customer_month(*, month: dt.date, group: str, customer_id: int, counters: dict[str, int]) -> None:
    """Add an answer's counters to its customer's month (INSERT … ON CONFLICT, as ``_upsert``)."""
    table = StatsMonthlyByCustomer._meta.db_table
    dims = StatsMonthlyByCustomer.DIMENSIONS
    columns = [*dims, *ANSWER_COUNTERS]
    params = [month, group, customer_id] + [counters.get(c, 0) for c in ANSWER_COUNTERS]
    updates = ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in ANSWER_COUNTERS)
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _live() -> bool:
    return StatsRollupState.objects.filter(live=True).exists()


def stats_rollups_live() -> bool:
    """Whether the rollups are kept up to date (``stats_rollups_rebuild`` has filled them)."""
    return _live()


def stats_rollups_live_sql() -> str:
    """``stats_rollups_live()`` as an SQL condition, for a statement that must see the same."""
    return f"EXISTS (SELECT FROM {StatsRollupState._meta.db_table} WHERE live)"


def _helsinki_day(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment, HELSINKI).date()


def nps_rollup_add(*, response: Response) -> None:
    """Count a new answer in the rollups; call it in the transaction that stores the response."""
    with transaction.atomic():
        if not _live():
            return
        _upsert(
            _key(
                day=_helsinki_day(response.answered_at),
                group=response.respondent_group,
                segment=response.segment,
                unit_type=response.unit_type,
                unit_id=response.unit_id,
                service_id=response.service_id,
                channel=response.channel,
            ),
            _answer_counters(response),
        )
        _upsert_customer_month(
            month=_helsinki_day(response.answered_at).replace(day=1),
            group=response.respondent_group,
            customer_id=response.customer_id,
            counters=_answer_counters(response),
        )
        invitation = SurveyInvitation.objects.filter(pk=response.invitation_id, sent_at__isnull=False).first()
        if invitation is not None:
            _upsert(_invitation_key(invitation), {"invitations_answered": 1})


def _invitation_key(invitation: SurveyInvitation) -> dict:
    return _key(
        day=_helsinki_day(invitation.sent_at),
        group=invitation.respondent_group,
        segment=invitation.segment,
        unit_type=invitation.unit_type,
        unit_id=invitation.unit_id,
        service_id=invitation.service_id,
        channel=invitation.channel,
    )


def nps_rollup_invitation_sent(*, invitation: SurveyInvitation) -> None:
    """Count a sent invitation; call it in the transaction that marks it sent (sent_at set)."""
    # No savepoint: the dispatcher calls this once per message, inside its record of the send.
    with transaction.atomic(savepoint=False):
        if not _live() or invitation.sent_at is None:
            return
        _upsert(_invitation_key(invitation), {"invitations_sent": 1})


def nps_rollup_sent_rows_sql(*, source: str) -> list[str]:
    """What ``nps_rollup_invitation_sent`` writes, as two INSERT statements (SQL, no parameters)
    for the caller's own statement: they count each row of ``source`` (a CTE or table of sent
    invitations: sent_at and the dimension columns of SurveyInvitation, e.g. an UPDATE …
    RETURNING) as one sent invitation, and only while the rollups are live — read in the same
    statement, so a concurrent rebuild never misses a send. The day and dimensions are taken
    from the rows the way the rebuild takes them (sent_at's Helsinki day; 0 and '' for none)."""
    live = stats_rollups_live_sql()
    dimension = {
        "day": f"(sent_at AT TIME ZONE '{HELSINKI.key}')::date",
        "respondent_group": "respondent_group",
        "segment": "segment",
        "unit_type": "COALESCE(unit_type, '')",
        "unit_key": "COALESCE(unit_id, 0)",
        "service_key": "COALESCE(service_id, 0)",
        "channel": "COALESCE(channel, '')",
    }
    statements = []
    for model, dims in ((StatsDailyByUnit, _FINE), (StatsDaily, _COARSE)):
        table = model._meta.db_table
        counters = [f"{'count(*)' if c == 'invitations_sent' else 0}" for c in COUNTERS]
        statements.append(
            f"INSERT INTO {table} ({', '.join([*dims, *COUNTERS])}) "  # noqa: S608
            f"SELECT {', '.join(dimension[d] for d in dims)}, {', '.join(counters)} FROM {source} WHERE {live} "
            f"GROUP BY {', '.join(str(n) for n in range(1, len(dims) + 1))} "
            f"ON CONFLICT ({', '.join(dims)}) DO UPDATE SET invitations_sent = "
            f"{table}.invitations_sent + EXCLUDED.invitations_sent"
        )
    return statements


def nps_rollup_invitations_sent(*, invitations: list[SurveyInvitation]) -> None:
    """Count a batch of sends (sent_at set) with one upsert per day and dimensions, for a
    dispatcher that records its sends in groups; same result as calling the single one for each."""
    with transaction.atomic():
        if not _live():
            return
        counts: dict[tuple, int] = defaultdict(int)
        for invitation in invitations:
            if invitation.sent_at is not None:
                counts[tuple(_invitation_key(invitation).items())] += 1
        for key, sent in counts.items():
            _upsert(dict(key), {"invitations_sent": sent})


def _month_chunks(first: dt.date, last: dt.date):
    cursor = first
    while cursor <= last:
        month_end = (cursor.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        yield cursor, min(month_end, last)
        cursor = month_end + dt.timedelta(days=1)


def _data_days() -> tuple[dt.date | None, dt.date | None]:
    answers = Response.objects.aggregate(first=Min("answered_at"), last=Max("answered_at"))
    sends = SurveyInvitation.objects.aggregate(first=Min("sent_at"), last=Max("sent_at"))
    firsts = [m for m in (answers["first"], sends["first"]) if m]
    lasts = [m for m in (answers["last"], sends["last"]) if m]
    if not firsts:
        return None, None
    return _helsinki_day(min(firsts)), _helsinki_day(max(lasts))


def stats_rollups_rebuild(*, first: dt.date | None = None, last: dt.date | None = None) -> int:
    """Recompute the rollups of ``first``..``last`` (Helsinki days; default: all data) from the
    raw rows, a month per transaction; running it again gives the same rows. Returns rows written."""
    data_first, data_last = _data_days()
    state = StatsRollupState.objects.first() or StatsRollupState()
    was_live = state.live
    if not was_live:
        # This rebuild switches the statistics to the rollups, so it fills them for all data:
        # a range alone would leave every answer outside it out of every figure from now on.
        first = min(filter(None, [first, data_first]), default=None)
        last = max(filter(None, [last, data_last]), default=None)
    first = first or data_first
    last = last or data_last
    written = 0
    if first and last:
        for chunk_first, chunk_last in _month_chunks(first, last):
            written += _rebuild_chunk(chunk_first, chunk_last)
    state.live = True
    state.rebuilt_at = timezone.now()
    if first:
        state.first_day = min(filter(None, [state.first_day, first]))
        state.last_day = max(filter(None, [state.last_day, last]))
    state.save()
    if not was_live and last:
        # Answers that came while the rollups were not yet live were not added to them; they can
        # only concern invitations whose links were still open, so recount those days once more.
        since = max(first, last - dt.timedelta(days=settings.SURVEY_LINK_TTL_DAYS + 1))
        for chunk_first, chunk_last in _month_chunks(since, timezone.localdate()):
            written += _rebuild_chunk(chunk_first, chunk_last)
    return written


def _rebuild_chunk(first: dt.date, last: dt.date) -> int:
    since, until = helsinki_midnight(first), helsinki_midnight(last + dt.timedelta(days=1))
    raw_dims = ("respondent_group", "segment", "unit_type", "unit_id", "service_id", "channel")
    fine: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # New answers wait the few seconds of a chunk, so none falls between delete and insert.
            with connection.cursor() as cursor:
                for model in (StatsDaily, StatsDailyByUnit, StatsMonthlyByCustomer):
                    cursor.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        answers = (
            Response.objects.filter(answered_at__gte=since, answered_at__lt=until)
            .annotate(day=TruncDate("answered_at", tzinfo=HELSINKI))
            .values("day", *raw_dims)
            .annotate(**RAW_ANSWER_COUNTS)
            .order_by()
        )
        for row in answers.iterator(chunk_size=REBUILD_BATCH_SIZE):
            key = _fine_key(row)
            for name in ANSWER_COUNTERS:
                fine[key][name] += row[name]
        sends = (
            SurveyInvitation.objects.filter(sent_at__gte=since, sent_at__lt=until)
            .annotate(day=TruncDate("sent_at", tzinfo=HELSINKI))
            .values("day", *raw_dims)
            .annotate(
                invitations_sent=Count("status"),
                invitations_answered=Count("status", filter=Q(status="answered")),
            )
            .order_by()
        )
        for row in sends.iterator(chunk_size=REBUILD_BATCH_SIZE):
            key = _fine_key(row)
            fine[key]["invitations_sent"] += row["invitations_sent"]
            fine[key]["invitations_answered"] += row["invitations_answered"]

        coarse: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
        for key, counters in fine.items():
            total = coarse[key[:4]]
            for name in COUNTERS:
                total[name] += counters[name]

        StatsDailyByUnit.objects.filter(day__gte=first, day__lte=last).delete()
        StatsDaily.objects.filter(day__gte=first, day__lte=last).delete()
        StatsDailyByUnit.objects.bulk_create(
            (StatsDailyByUnit(**dict(zip(_FINE, key, strict=True)), **c) for key, c in fine.items()),
            batch_size=REBUILD_BATCH_SIZE,
        )
        StatsDaily.objects.bulk_create(
            (StatsDaily(**dict(zip(_COARSE, key, strict=True)), **c) for key, c in coarse.items()),
            batch_size=REBUILD_BATCH_SIZE,
        )
        customer_months = _rebuild_customer_months(first, last)
    return len(fine) + len(coarse) + customer_months


def _rebuild_customer_months(first: dt.date, last: dt.date) -> int:
    """Recount the customer-month rows of every month that ``first``..``last`` touches, whole:
    a chunk never spans months (``_month_chunks``), so this is one month, counted in one query."""
    month_first = first.replace(day=1)
    month_last = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    answers = (
        Response.objects.filter(
            answered_at__gte=helsinki_midnight(month_first), answered_at__lt=helsinki_midnight(month_last)
        )
        .annotate(month=TruncMonth("answered_at", tzinfo=HELSINKI))
        .values("month", "respondent_group", "customer_id")
        .annotate(**RAW_ANSWER_COUNTS)
        .order_by()
    )
    StatsMonthlyByCustomer.objects.filter(month__gte=month_first, month__lt=month_last).delete()
    rows = (
        StatsMonthlyByCustomer(
            month=_as_helsinki_date(row.pop("month")),
            respondent_group=row.pop("respondent_group"),
            customer_id=row.pop("customer_id"),
            **row,
        )
        for row in answers.iterator(chunk_size=REBUILD_BATCH_SIZE)
    )
    return len(StatsMonthlyByCustomer.objects.bulk_create(rows, batch_size=REBUILD_BATCH_SIZE))


def _as_helsinki_date(moment) -> dt.date:
    return timezone.localtime(moment, HELSINKI).date() if isinstance(moment, dt.datetime) else moment


def binding_target_explain(*, target: BindingTarget, explanation: str, corrective_actions: str) -> BindingTarget:
    """File the account of a year against its binding target: why, and what will be done."""
    with transaction.atomic():
        target.explanation = explanation
        target.corrective_actions = corrective_actions
        target.save(update_fields=["explanation", "corrective_actions", "updated_at"])
    return target


def _fine_key(row: dict) -> tuple:
    # The order of StatsDailyByUnit.DIMENSIONS, whose first four are StatsDaily's.
    return (
        row["day"],
        row["respondent_group"],
        row["segment"],
        row["unit_type"] or "",
        row["unit_id"] or 0,
        row["service_id"] or 0,
        row["channel"] or "",
    )
