"""The portfolio page at national scale (issue 8): p50 / p95 of the administrator's portfolio
(14,000 customers) through Django's full request cycle, sorted by employee NPS on page 1 and on a
later page, plus the other computed sorts and a search, on the ``seed_scale`` data set.

    make bench BENCH_ARGS=portfolio
    BENCH_STATS_DATABASE_URL (default: the statistics part's scratch database, seeded once)
    BENCH_STATS_REPEAT=40 (default)

seed_scale makes customers, people and answers but no agreements or meetings; the first run adds
an agreement with two goals and measurements, a past and a next meeting and three action items
(some overdue) to every customer, so every column of the page has something to compute.
Goal: p50 ≤ 300 ms for the NPS sorts."""

import datetime as dt
import os
import subprocess
import sys
import time

from bench.statistics import DATABASE_URL, REPEAT, ROOT, _ensure_database, _p, _timed

PAGE_GOAL_MS = 300


def main() -> None:
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECURE_SSL_REDIRECT="0", DJANGO_SETTINGS_MODULE="portal.settings")
    # The pages link static files by name; no collectstatic manifest is needed to time them.
    env["STATIC_MANIFEST"] = "0"
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "bench.portfolio"], cwd=ROOT, env=env, check=True)  # noqa: S603


def _cooperation_data() -> None:
    """An agreement, goals, measurements, meetings and action items for every customer."""
    import random

    from django.db import transaction
    from django.utils import timezone

    from cooperation.models import (
        PHASE_ORDER,
        ActionItem,
        CorporateCustomer,
        Goal,
        Indicator,
        Measurement,
        ResponsibilityAgreement,
        SteeringGroupMeeting,
        Theme,
    )

    if ResponsibilityAgreement.objects.exists():
        return
    started = time.monotonic()
    rng = random.Random(8)
    today = timezone.localdate()
    with transaction.atomic():
        customers = list(CorporateCustomer.objects.values_list("pk", flat=True))
        agreements = ResponsibilityAgreement.objects.bulk_create(
            ResponsibilityAgreement(
                customer_id=pk,
                title="Responsibility goals",
                period_start=dt.date(today.year, 1, 1),
                period_end=dt.date(today.year, 12, 31),
                phase=PHASE_ORDER[rng.randrange(5)],
            )
            for pk in customers
        )
        goals = Goal.objects.bulk_create(
            goal
            for a in agreements
            for goal in (
                Goal(
                    agreement=a,
                    theme=Theme.EMPLOYEE_WELLBEING,
                    indicator=Indicator.NPS_EMPLOYEES,
                    baseline=50,
                    target=rng.choice([55, 60, 65, 70]),
                ),
                Goal(
                    agreement=a,
                    theme=Theme.EMPLOYEE_WELLBEING,
                    indicator=Indicator.HEALTH_PERCENTAGE,
                    baseline=60,
                    target=70,
                    due_date=dt.date(today.year, 12, 31),
                ),
            )
        )
        Measurement.objects.bulk_create(
            Measurement(goal=g, measured_on=today - dt.timedelta(days=30), value=rng.randint(45, 75)) for g in goals
        )
        meetings = SteeringGroupMeeting.objects.bulk_create(
            SteeringGroupMeeting(customer_id=a.customer_id, agreement=a, date=today + dt.timedelta(days=days))
            for a in agreements
            for days in (-rng.randint(10, 120), rng.randint(1, 120))
        )
        ActionItem.objects.bulk_create(
            ActionItem(
                meeting=m,
                description="Follow up",
                owner="AM",
                due_date=today + dt.timedelta(days=rng.randint(-60, 60)),
                done=rng.random() < 0.5,
            )
            for m in meetings[::2]
            for _ in range(3)
        )
    print(f"cooperation data for {len(customers)} customers: {time.monotonic() - started:.0f} s")


def _run() -> None:
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from cooperation.models import CorporateCustomer
    from portal.accounts.models import User
    from surveys.models import Response

    call_command("migrate", verbosity=0)
    if not Response.objects.exists():
        started = time.monotonic()
        call_command("seed_scale")
        print(f"seed_scale: {time.monotonic() - started:.0f} s")
        call_command("rebuild_stats_rollups")
    _cooperation_data()
    with connection.cursor() as cursor:
        # Fresh planner statistics for the rows just loaded (autovacuum would, in its own time).
        cursor.execute("ANALYZE")
    print(f"dataset: {CorporateCustomer.objects.count()} customers, {Response.objects.count()} responses")

    admin, _ = User.objects.get_or_create(email="bench-admin@provider.example", defaults={"role": "admin"})
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(admin)

    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")

    def page(url: str):
        def call():
            response = (anonymous if url.startswith("/accounts/") else client).get(url)
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    cases = [
        ("reference: the sign-in page (no query, same process)", "/accounts/login/", None),
        ("admin portfolio by NPS (desc), page 1", "/?sort=-nps", PAGE_GOAL_MS),
        ("admin portfolio by NPS (asc), page 300 of 560", "/?sort=nps&page=300", PAGE_GOAL_MS),
        ("admin portfolio by name, page 1", "/", None),
        ("admin portfolio, search 'Scale 12'", "/?q=Scale+12", None),
        ("admin portfolio by coping better, page 2", "/?sort=-coping&page=2", None),
        ("admin portfolio by health %, page 1", "/?sort=health", None),
        ("admin portfolio needing attention, by attention", "/?attention=yes&sort=-attention", None),
        ("admin portfolio by next meeting, page 10", "/?sort=meeting&page=10", None),
    ]
    results = []
    for name, url, goal in cases:
        executed: list[str] = []

        def count(execute, sql, *args, executed=executed):
            executed.append(sql)
            return execute(sql, *args)

        with connection.execute_wrapper(count):
            page(url)()
        times = _timed(page(url))
        results.append((name, _p(times, 50), _p(times, 95), goal, len(executed)))
    print(f"{REPEAT} requests each after warm-up (Django test client, full request cycle); milliseconds")
    print(f"{'case':52} {'p50':>8} {'p95':>8} {'queries':>8}  goal (p50)")
    for name, p50, p95, goal, n in results:
        verdict = "" if goal is None else (f"≤ {goal} ok" if p50 <= goal else f"≤ {goal} MISSED")
        print(f"{name:52} {p50:8.1f} {p95:8.1f} {n:8d}  {verdict}")


if __name__ == "__main__":
    _run()
