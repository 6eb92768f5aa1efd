"""The annual cooperation report of the largest customer of the ``seed_scale`` data set (issue
10): p50 of a few renders of the HTML page and of the PDF (WeasyPrint), through Django's full
request cycle, as its account manager and as its decision-maker (the published figures).

    make bench BENCH_ARGS=annual_report
    BENCH_STATS_DATABASE_URL (default: the statistics part's scratch database, seeded once)
    BENCH_REPORT_REPEAT=5 (default)

Goal: the PDF in under 3 s."""

import os
import subprocess
import sys
import time

from bench.statistics import DATABASE_URL, ROOT, _ensure_database, _p

PDF_GOAL_MS = 3000
REPEAT = int(os.environ.get("BENCH_REPORT_REPEAT", "5"))


def main() -> None:
    env = dict(os.environ, DATABASE_URL=DATABASE_URL, SECURE_SSL_REDIRECT="0", DJANGO_SETTINGS_MODULE="portal.settings")
    env["STATIC_MANIFEST"] = "0"
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "bench.annual_report"], cwd=ROOT, env=env, check=True)  # noqa: S603


def _run() -> None:
    _ensure_database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from bench.portfolio import _cooperation_data
    from cooperation import dates
    from cooperation.models import CorporateCustomer
    from portal.accounts.models import User
    from surveys.models import Response

    call_command("migrate", verbosity=0)
    if not Response.objects.exists():
        call_command("seed_scale")
        call_command("rebuild_stats_rollups")
    _cooperation_data()
    largest = CorporateCustomer.objects.order_by("-headcount", "pk").first()
    year = dates.today().year
    answers = Response.objects.filter(invitation__customer=largest).count()
    print(f"largest customer: {largest.name}, {largest.headcount} employees, {answers} answers")
    manager = (
        largest.account_manager
        or User.objects.get_or_create(email="bench-admin@provider.example", defaults={"role": "admin"})[0]
    )
    ceo, _ = User.objects.get_or_create(
        email="bench-ceo@customer.example", defaults={"role": "decision-maker", "customer": largest}
    )
    base = f"/customers/{largest.business_id}/report/{year}/"
    rows = []
    for who, user in (("account manager", manager), ("decision-maker", ceo)):
        client = Client(HTTP_ACCEPT_LANGUAGE="fi")
        client.force_login(user)
        for kind, url, goal in (("HTML", base, None), ("PDF", base + "pdf/", PDF_GOAL_MS)):
            assert client.get(url).status_code == 200  # warm-up
            times = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            rows.append((f"{kind}, as the {who}", _p(times, 50), max(times), goal, len(response.content)))
    print(f"{REPEAT} renders each after a warm-up; milliseconds")
    print(f"{'case':40} {'p50':>8} {'max':>8} {'bytes':>9}  goal (p50)")
    for name, p50, worst, goal, size in rows:
        verdict = "" if goal is None else (f"< {goal} ok" if p50 < goal else f"< {goal} MISSED")
        print(f"{name:40} {p50:8.0f} {worst:8.0f} {size:9d}  {verdict}")


if __name__ == "__main__":
    _run()
