"""Statistics at national scale (issue 4): p50 / p95 of the NPS API and the health percentage on
the full ``seed_scale`` dataset in a scratch PostgreSQL database, with a hand-written SQL
aggregate over the raw responses as the reference.

    make bench BENCH_ARGS=statistics
    BENCH_STATS_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_stats  (default)
    BENCH_STATS_SCALE=1.0 (default)  BENCH_STATS_REPEAT=40 (default)

The database is created, migrated and seeded (timed) on the first run and reused after.
Goals: every NPS call p95 ≤ 150 ms, health % ≤ 200 ms."""

import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_STATS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_stats")
SCALE = float(os.environ.get("BENCH_STATS_SCALE", "1.0"))
REPEAT = int(os.environ.get("BENCH_STATS_REPEAT", "40"))
WARMUP = 3
NPS_GOAL_MS, HEALTH_GOAL_MS = 150, 200


def main() -> None:
    """Run in a child process: Django is set up once per process, on the scratch database."""
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECURE_SSL_REDIRECT="0", DJANGO_SETTINGS_MODULE="portal.settings")
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "bench.statistics"], cwd=ROOT, env=env, check=True)  # noqa: S603


def _ensure_database() -> None:
    import psycopg

    base, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _timed(call) -> list[float]:
    for _ in range(WARMUP):
        call()
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1]


def _run() -> None:
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from cooperation.models import CorporateCustomer
    from portal.accounts.models import User
    from surveys.models import Response, StatsRollupState, Unit
    from surveys.publishable import latest_closed_quarter, quarter_last

    call_command("migrate", verbosity=0)
    if not Response.objects.exists():
        started = time.monotonic()
        call_command("seed_scale", scale=SCALE)
        print(f"seed_scale --scale {SCALE}: {time.monotonic() - started:.0f} s")
        started = time.monotonic()
        call_command("rebuild_stats_rollups")
        print(f"rebuild_stats_rollups: {time.monotonic() - started:.0f} s")
    elif not StatsRollupState.objects.filter(live=True).exists():
        call_command("rebuild_stats_rollups")
    print(f"dataset: {CorporateCustomer.objects.count()} customers, {Response.objects.count()} responses")

    admin, _ = User.objects.get_or_create(email="bench-admin@provider.example", defaults={"role": "admin"})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=admin)[0].key}")
    last = Response.objects.order_by("-answered_at").values_list("answered_at", flat=True).first()
    from django.utils import timezone

    end = timezone.localtime(last).date()
    start = end - dt.timedelta(days=364)
    year = f"start={start}&end={end}"
    published_year, published_quarter = latest_closed_quarter(timezone.localdate())
    published_end = quarter_last(published_year, published_quarter)
    large = CorporateCustomer.objects.filter(segment="large").order_by("-headcount").first()
    unit = Unit.objects.filter(code__startswith="SC-CARE").first()

    decision_maker, _ = User.objects.get_or_create(
        email="bench-ceo@customer.example", defaults={"role": "decision-maker", "customer": large}
    )
    customer_client = APIClient()
    customer_client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=decision_maker)[0].key}")

    def api(url: str, client=client):
        def call():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code, response.content[:300])
            return response

        return call

    cases = [
        ("(a) organisation, year by quarter", f"/api/v1/nps/?{year}&by=quarter", NPS_GOAL_MS),
        ("(b) largest customer by month", f"/api/v1/nps/?{year}&by=month&customer={large.business_id}", NPS_GOAL_MS),
        (
            # A customer's people read the published tables only: the year to date of the last
            # closed quarter, by quarter (surveys/publishable.py).
            "(b) the same with unit_type=care by quarter, as its decision-maker",
            f"/api/v1/nps/?start={published_year}-01-01&end={published_end}&by=quarter&unit_type=care",
            NPS_GOAL_MS,
            customer_client,
        ),
        ("(c) one unit by quarter", f"/api/v1/nps/?{year}&by=quarter&unit={unit.code}", NPS_GOAL_MS),
        ("(d) SMEs, year by quarter", f"/api/v1/nps/?{year}&by=quarter&segment=sme", NPS_GOAL_MS),
        ("(d) large companies, year by quarter", f"/api/v1/nps/?{year}&by=quarter&segment=large", NPS_GOAL_MS),
        (
            f"health %, largest customer ({large.headcount} people)",
            f"/api/v1/customers/{large.business_id}/health/?months=12&end={end}",
            HEALTH_GOAL_MS,
        ),
    ]
    results = []
    for name, url, goal, *who in cases:
        times = _timed(api(url, *who))
        results.append((name, _p(times, 50), _p(times, 95), goal))

    sql = """
        SELECT date_trunc('quarter', answered_at AT TIME ZONE 'Europe/Helsinki') AS quarter,
               count(*), count(*) FILTER (WHERE score >= 9), count(*) FILTER (WHERE score <= 6)
          FROM surveys_response
         WHERE respondent_group = 'patient'
           AND answered_at >= %s AND answered_at < %s
         GROUP BY 1 ORDER BY 1"""
    from surveys.selectors import helsinki_midnight

    bounds = [helsinki_midnight(start), helsinki_midnight(end + dt.timedelta(days=1))]

    def reference():
        with connection.cursor() as cursor:
            cursor.execute(sql, bounds)
            return cursor.fetchall()

    times = _timed(reference)
    results.append(("reference: hand-written SQL over raw responses for (a)", _p(times, 50), _p(times, 95), None))

    # The same question as (a) without the rollups, to show why they exist.
    StatsRollupState.objects.update(live=False)
    try:
        times = _timed(api(cases[0][1]))
    finally:
        StatsRollupState.objects.update(live=True)
    results.append(("(a) without rollups (raw rows through the API)", _p(times, 50), _p(times, 95), None))

    print(f"{REPEAT} calls each after {WARMUP} warm-up calls; milliseconds")
    print(f"{'case':58} {'p50':>8} {'p95':>8}  goal")
    for name, p50, p95, goal in results:
        verdict = "" if goal is None else (f"≤ {goal} ok" if p95 <= goal else f"≤ {goal} MISSED")
        print(f"{name:58} {p50:8.1f} {p95:8.1f}  {verdict}")


if __name__ == "__main__":
    _run()
