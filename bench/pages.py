"""The main pages at national scale (issue 8): p50 / p95 of each through gunicorn (DEBUG off,
production settings), with a view that does nothing under the same gunicorn as the ceiling.

    make bench BENCH_ARGS=pages                  # the full seed_scale data set (database bench_stats)
    make bench BENCH_ARGS="pages --scale 0.1"    # a tenth (database bench_stats_scale_0_1)
    BENCH_STATS_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench_stats)
    BENCH_STATS_REPEAT=40 (default)

The data set is the statistics part's (seed_scale), with the portfolio part's agreements,
meetings and action items; the first run seeds it. Each page is asked REPEAT times, one request
at a time, through HTTP to a gunicorn started on a free port with bench/_settings.py (the
portal's settings plus /bench/minimal/). The query count of each page comes from one extra
request in this process. Goal: every page p95 ≤ 300 ms."""

import http.client
import os
import socket
import subprocess
import sys
import time

from bench.statistics import ROOT

PAGE_GOAL_MS = 300
QUALITY_UNITS = 5  # the units the benchmark's quality person follows


def _scale(options: list[str]) -> float:
    args = iter(options)
    for arg in args:
        if arg == "--scale":
            return float(next(args))
        if arg.startswith("--scale="):
            return float(arg.split("=", 1)[1])
    return float(os.environ.get("BENCH_STATS_SCALE", "1.0"))


def main(options: list[str]) -> None:
    scale = _scale(options)
    database = os.environ.get("BENCH_STATS_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_stats")
    if scale != 1.0:
        database += "_scale_" + f"{scale:g}".replace(".", "_")
    env = dict(
        os.environ,
        BENCH_STATS_DATABASE_URL=database,
        BENCH_STATS_SCALE=str(scale),
        DATABASE_URL=database,
        DJANGO_SETTINGS_MODULE="bench._settings",
        SECURE_SSL_REDIRECT="0",
        # The pages link static files by name; no collectstatic manifest is needed to time them.
        STATIC_MANIFEST="0",
        DEBUG="0",
    )
    env.pop("REDIS_URL", None)
    subprocess.run([sys.executable, "-m", "bench.pages"], cwd=ROOT, env=env, check=True)  # noqa: S603


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, cookie: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers={"Cookie": cookie, "Accept-Language": "fi", "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _gunicorn(port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "portal.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if _get(port, "/bench/minimal/", "") == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not answer within 60 s")


def _people():
    """The benchmark's signed-in people: an administrator, the decision-maker of the largest
    customer, and a quality person following a few units."""
    from cooperation.models import CorporateCustomer
    from portal.accounts.models import User
    from surveys.models import Unit, UnitQualityStaff

    largest = CorporateCustomer.objects.order_by("-headcount", "pk").first()
    admin, _ = User.objects.get_or_create(email="bench-admin@provider.example", defaults={"role": "admin"})
    decision_maker, _ = User.objects.get_or_create(
        email="bench-dm@customer.example", defaults={"role": "decision-maker", "customer": largest}
    )
    if decision_maker.customer_id != largest.pk:
        decision_maker.customer = largest
        decision_maker.save(update_fields=["customer"])
    quality, _ = User.objects.get_or_create(email="bench-quality@provider.example", defaults={"role": "quality"})
    for unit in Unit.objects.order_by("pk")[:QUALITY_UNITS]:
        UnitQualityStaff.objects.get_or_create(unit=unit, user=quality)
    return largest, {"admin": admin, "decision-maker": decision_maker, "quality": quality}


def _run() -> None:
    from bench.statistics import REPEAT, SCALE, WARMUP, _ensure_database, _p

    _ensure_database()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from bench.portfolio import _cooperation_data
    from cooperation.models import CorporateCustomer
    from surveys.models import Response

    call_command("migrate", verbosity=0)
    if not Response.objects.exists():
        started = time.monotonic()
        call_command("seed_scale", scale=SCALE)
        print(f"seed_scale --scale {SCALE}: {time.monotonic() - started:.0f} s")
        call_command("rebuild_stats_rollups")
    _cooperation_data()
    largest, people = _people()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(
        f"dataset (scale {SCALE}): {CorporateCustomer.objects.count()} customers, "
        f"{Response.objects.count()} responses; largest customer {largest.headcount} people"
    )
    clients, cookies = {}, {}
    for role, user in people.items():
        client = Client(HTTP_ACCEPT_LANGUAGE="fi")
        client.force_login(user)
        clients[role] = client
        cookies[role] = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    customer_page = reverse("cooperation:customer-detail", kwargs={"business_id": largest.business_id})
    # (case, who, path); add a row per page. The decision-maker's first page is their company's.
    cases = [
        ("ceiling: a view that does nothing (same gunicorn)", "admin", "/bench/minimal/"),
        ("admin: portfolio, first page", "admin", "/"),
        ("admin: portfolio, search 'Scale 12'", "admin", "/?q=Scale+12"),
        ("admin: the largest customer's page", "admin", customer_page),
        ("decision-maker: the dashboard (largest company)", "decision-maker", reverse("dashboard")),
        ("decision-maker: indicators", "decision-maker", reverse("indicators")),
        ("quality: units' NPS against targets", "quality", reverse("quality-units")),
        ("quality: feedback comments", "quality", reverse("quality-comments")),
        ("quality: indicators", "quality", reverse("indicators")),
        ("quality: binding targets", "quality", reverse("binding-target-list")),
    ]
    port = _free_port()
    server = _gunicorn(port)
    results = []
    try:
        for name, who, path in cases:
            executed: list[str] = []

            def count(execute, sql, *args, executed=executed):
                executed.append(sql)
                return execute(sql, *args)

            with connection.execute_wrapper(count):
                status = clients[who].get(path).status_code
            assert status == 200, (name, path, status)
            for _ in range(WARMUP):
                _get(port, path, cookies[who])
            times = []
            for _ in range(REPEAT):
                started = time.perf_counter()
                status = _get(port, path, cookies[who])
                times.append((time.perf_counter() - started) * 1000)
                assert status == 200, (name, path, status)
            results.append((name, _p(times, 50), _p(times, 95), len(executed)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"gunicorn (2 sync workers, DEBUG off), {REPEAT} requests each after {WARMUP} warm-up, one at a time; ms")
    print(f"{'page':50} {'p50':>8} {'p95':>8} {'queries':>8}  goal: p95 ≤ {PAGE_GOAL_MS} ms")
    for name, p50, p95, queries in results:
        verdict = "" if name.startswith("ceiling") else ("ok" if p95 <= PAGE_GOAL_MS else "MISSED")
        print(f"{name:50} {p50:8.1f} {p95:8.1f} {queries:8d}  {verdict}")


if __name__ == "__main__":
    _run()
