"""The quality staff's pages: units' NPS against their targets, NPS per practitioner, the
comments with their filters, the binding-target report's chart; figures counted by hand."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from surveys.models import BindingTarget, StatsRollupState, UnitQualityStaff
from surveys.services import stats_rollups_rebuild
from tests.surveys.factories import PractitionerFactory, UnitFactory
from tests.surveys.factories_stats import answer, answers

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 5, 20)  # Q2 2026: Q3 and Q4 have not begun


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("cooperation.dates.today", lambda: TODAY)


@pytest.fixture
def units(customer):
    """A care unit (target 70) and an emergency unit (target 50) with answers counted by hand."""
    care = UnitFactory(code="CARE-A", name="Care unit A", type="care")
    emergency = UnitFactory(code="EMER-B", name="Emergency unit B", type="emergency")
    dr_a = PractitionerFactory(code="dr-a", name="Dr Aalto", unit=care)
    dr_b = PractitionerFactory(code="dr-b", name="Dr Berg", unit=care)
    dr_c = PractitionerFactory(code="dr-c", name="Dr Carlsson", unit=emergency)
    # Care Q1: 8 promoters, 1 passive, 1 detractor of 10 → 70.0, ± 39.7 (target met)
    answers([10] * 8 + [8] + [3], "2026-02-10T10:00Z", customer=customer, practitioner=dr_a)
    # Care Q2: 2 promoters, 2 detractors of 4 → 0.0, ± 98.0 (below target; fewer than
    # MIN_GROUP_SIZE answers, which provider staff see all the same)
    answers([10, 10, 0, 5], "2026-04-10T10:00Z", customer=customer, practitioner=dr_b)
    # Emergency Q1: 6 promoters, 4 detractors of 10 → 20.0, ± 60.7 (below 50)
    answers([9] * 6 + [2] * 4, "2026-03-31T21:30Z", customer=customer, practitioner=dr_c)  # 1 April in Helsinki
    # Not counted: another year, and a supervisor's answer (no unit).
    answers([0] * 5, "2025-12-31T10:00Z", customer=customer, practitioner=dr_a)
    answers([0] * 5, "2026-02-10T10:00Z", customer=customer, group="supervisor")
    return {"care": care, "emergency": emergency, "dr-a": dr_a, "dr-b": dr_b, "dr-c": dr_c}


def chart_data(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no chart {chart_id}"
    return json.loads(found.group(1))


# --- Units' NPS ------------------------------------------------------------------------------


def test_units_nps_by_quarter_against_their_targets(client, users, units):
    client.force_login(users["quality"])
    page = client.get("/reports/quality/", {"year": 2026}, HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    rows = {row["unit"].code: row for row in page.context["rows"]}
    care, emergency = rows["CARE-A"], rows["EMER-B"]
    assert care["target"] == 70 and emergency["target"] == 50
    assert [(q["n"], q["nps"], q["moe95"], q["met"]) for q in care["quarters"][:2]] == [
        (10, 70.0, 39.7, True),
        (4, 0.0, 98.0, False),
    ]
    assert (care["year"]["n"], care["year"]["nps"], care["year"]["met"]) == (14, 50.0, False)
    # 21:30 UTC on 31 March is 1 April in Helsinki (summer time): the emergency unit's answers are Q2's.
    assert [q["nps"] for q in emergency["quarters"]] == [None, 20.0, None, None]
    assert [q["future"] for q in emergency["quarters"]] == [False, False, True, True]

    html = page.content.decode()
    # The chart of each unit: its quarters and its target line; quarters not begun are gaps.
    assert chart_data(html, f"unit-nps-{units['care'].pk}")["series"][0]["values"] == [70.0, 0.0, None, None]
    assert chart_data(html, f"unit-nps-{units['care'].pk}")["target"] == 70
    assert chart_data(html, f"unit-nps-{units['emergency'].pk}")["target"] == 50
    # Below the target says so in words, not by colour alone.
    assert "below target" in html and "not begun" in html
    assert "<script>" not in html  # no inline code (CSP)


def test_a_units_binding_target_of_the_year_overrides_its_own(client, users, units):
    BindingTarget.objects.create(year=2026, scope="unit", unit=units["care"], target=40)
    digital = UnitFactory(code="DIGI", type="digital")
    BindingTarget.objects.create(year=2026, scope="organisation", target=60)
    client.force_login(users["admin"])

    rows = {row["unit"].code: row for row in client.get("/reports/quality/", {"year": 2026}).context["rows"]}

    assert rows["CARE-A"]["target"] == 40 and rows["CARE-A"]["year"]["met"] is True
    assert rows[digital.code]["target"] == 60  # no target of its own: the organisation's


def test_the_figures_are_the_same_from_the_rollups(client, users, units):
    client.force_login(users["quality"])
    raw = client.get("/reports/quality/", {"year": 2026}).context["rows"]
    stats_rollups_rebuild()
    assert StatsRollupState.objects.filter(live=True).exists()
    rolled = client.get("/reports/quality/", {"year": 2026}).context["rows"]
    assert [(r["unit"].code, r["quarters"], r["year"]) for r in rolled] == [
        (r["unit"].code, r["quarters"], r["year"]) for r in raw
    ]


def test_only_the_units_a_person_follows(client, users, units):
    UnitQualityStaff.objects.create(unit=units["emergency"], user=users["quality"])
    client.force_login(users["quality"])
    page = client.get("/reports/quality/", {"year": 2026, "units": "mine"})
    assert [row["unit"].code for row in page.context["rows"]] == ["EMER-B"]
    client.force_login(users["admin"])  # follows none, but reads every unit's comments
    mine = client.get("/reports/quality/", {"year": 2026, "units": "mine"}).context["rows"]
    every = client.get("/reports/quality/", {"year": 2026}).context["rows"]
    assert [row["unit"] for row in mine] == [row["unit"] for row in every] and len(every) > 2


@pytest.mark.parametrize("year", ["abc", "1999", "2030"])
def test_a_bad_year_is_a_message_not_an_error(client, users, units, year):
    client.force_login(users["quality"])
    page = client.get("/reports/quality/", {"year": year}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    assert "Choose one of the options in the list." in page.content.decode()
    assert 'class="error-summary"' in page.content.decode()


# --- Practitioners ---------------------------------------------------------------------------


def practitioner_rows(page) -> list[tuple]:
    return [(r["practitioner"].code, r["n"], r["nps"], r["moe95"]) for r in page.context["rows"]]


def test_nps_per_practitioner_with_n_and_margin_of_error(client, users, units):
    client.force_login(users["quality"])

    page = client.get("/reports/quality/practitioners/", {"year": 2026}, HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert practitioner_rows(page) == [("dr-a", 10, 70.0, 39.7), ("dr-b", 4, 0.0, 98.0), ("dr-c", 10, 20.0, 60.7)]
    html = page.content.decode()
    assert "Dr Aalto" in html and "± 39.7" in html


@pytest.mark.parametrize(
    "sort, codes",
    [
        ("nps", ["dr-b", "dr-c", "dr-a"]),
        ("-nps", ["dr-a", "dr-c", "dr-b"]),
        ("moe", ["dr-a", "dr-c", "dr-b"]),
        ("-n", ["dr-a", "dr-c", "dr-b"]),
        ("unit", ["dr-a", "dr-b", "dr-c"]),
        ("no-such-column", ["dr-a", "dr-b", "dr-c"]),
    ],
)
def test_the_practitioner_table_sorts(client, users, units, sort, codes):
    client.force_login(users["quality"])
    page = client.get("/reports/quality/practitioners/", {"year": 2026, "sort": sort})
    assert [row[0] for row in practitioner_rows(page)] == codes


def test_practitioners_by_unit_and_quarter(client, users, units):
    client.force_login(users["quality"])
    by_unit = client.get("/reports/quality/practitioners/", {"year": 2026, "unit": "EMER-B"})
    assert practitioner_rows(by_unit) == [("dr-c", 10, 20.0, 60.7)]
    q1 = client.get("/reports/quality/practitioners/", {"year": 2026, "quarter": 1})
    assert practitioner_rows(q1) == [("dr-a", 10, 70.0, 39.7)]
    bad = client.get("/reports/quality/practitioners/", {"unit": "NO-SUCH", "quarter": 5}, HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400
    assert bad.content.decode().count("Choose one of the options in the list.") >= 2


def test_practitioner_pages_keep_their_queries_bounded(client, users, customer, django_assert_max_num_queries):
    unit = UnitFactory(code="BIG")
    for n in range(30):
        answer(
            n % 11,
            "2026-02-10T10:00Z",
            customer=customer,
            practitioner=PractitionerFactory(code=f"p{n:02d}", unit=unit),
        )
    client.force_login(users["quality"])
    with django_assert_max_num_queries(11):
        first = client.get("/reports/quality/practitioners/", {"year": 2026, "sort": "-nps"})
    with django_assert_max_num_queries(11):
        second = client.get("/reports/quality/practitioners/", {"year": 2026, "sort": "-nps", "page": 2})
    assert len(first.context["rows"]) == 25 and len(second.context["rows"]) == 5
    assert first.context["rows"][0]["nps"] == 100.0 and second.context["rows"][-1]["nps"] == -100.0
    with django_assert_max_num_queries(11):
        client.get("/reports/quality/", {"year": 2026})


# --- Comments --------------------------------------------------------------------------------


@pytest.fixture
def comments(users, customer, units):
    """The quality person follows the care unit only."""
    UnitQualityStaff.objects.create(unit=units["care"], user=users["quality"])
    answer(3, "2026-02-01T10:00Z", customer=customer, practitioner=units["dr-a"], comment="Waited an hour.")
    answer(8, "2026-03-01T10:00Z", customer=customer, practitioner=units["dr-a"], comment="Fine, a bit rushed.")
    answer(10, "2026-04-01T10:00Z", customer=customer, practitioner=units["dr-b"], comment="Excellent care.")
    answer(2, "2026-04-02T10:00Z", customer=customer, practitioner=units["dr-c"], comment="Emergency was chaos.")


def shown(page) -> list[str]:
    return [c.comment for c in page.context["comments"]]


def test_comments_of_the_followed_units_newest_first_detractors_marked(client, users, comments):
    client.force_login(users["quality"])
    page = client.get("/reports/comments/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    assert shown(page) == ["Excellent care.", "Fine, a bit rushed.", "Waited an hour."]
    html = page.content.decode()
    assert "Emergency was chaos." not in html  # a unit the person does not follow
    # The detractor's answer stands out in words and by its class; the others read as theirs.
    items = re.findall(r'<li class="comment comment-(\w+)">(.*?)</li>', html, re.S)
    assert [(kind, "Waited an hour." in body) for kind, body in items] == [
        ("promoter", False),
        ("passive", False),
        ("detractor", True),
    ]
    assert "Score 3 · Detractor" in items[2][1]
    assert "Score 8 · Passive" in items[1][1] and "Score 10 · Promoter" in items[0][1]


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"score": "detractor"}, ["Waited an hour."]),
        ({"score": "passive"}, ["Fine, a bit rushed."]),
        ({"score": "promoter"}, ["Excellent care."]),
        ({"score": "10"}, ["Excellent care."]),
        ({"score": "9"}, []),
        ({"practitioner": "dr-a"}, ["Fine, a bit rushed.", "Waited an hour."]),
        ({"unit": "CARE-A", "practitioner": "dr-b"}, ["Excellent care."]),
        ({"start": "2026-02-15", "end": "2026-03-31"}, ["Fine, a bit rushed."]),
        ({"end": "2026-02-01"}, ["Waited an hour."]),
    ],
)
def test_comment_filters(client, users, comments, params, expected):
    client.force_login(users["quality"])
    page = client.get("/reports/comments/", params)
    assert page.status_code == 200
    assert shown(page) == expected


def test_an_administrator_reads_every_units_comments(client, users, comments):
    client.force_login(users["admin"])
    assert "Emergency was chaos." in shown(client.get("/reports/comments/", {"unit": "EMER-B"}))
    # With a unit chosen, the practitioner list holds that unit's practitioners only.
    page = client.get("/reports/comments/", {"unit": "EMER-B"}).content.decode()
    options = re.findall(r'<option value="(dr-[^"]*)"', page)
    assert options == ["dr-c"]


@pytest.mark.parametrize(
    "params, message",
    [
        ({"score": "11"}, "Score: Choose one of the options in the list."),
        ({"unit": "EMER-B"}, "Unit: Choose one of the options in the list."),  # not followed
        ({"practitioner": "dr-c"}, "Practitioner: Choose one of the options in the list."),
        ({"unit": "CARE-A", "practitioner": "dr-c"}, "Practitioner: Choose one of the options in the list."),
        ({"start": "2026-13-01"}, "From: Give the date as year-month-day, e.g. 2026-03-31."),
        ({"start": "0001-01-01"}, "From: Give a date between 1900-01-01 and 2999-12-31."),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "To: The end of the period cannot be before its start."),
    ],
)
def test_a_bad_comment_filter_is_a_clear_message(client, users, comments, params, message):
    client.force_login(users["quality"])
    page = client.get("/reports/comments/", params, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    html = page.content.decode()
    assert message in re.sub(r"<[^>]+>", "", html)
    assert "Waited an hour." not in html


def test_comments_are_paged_with_bounded_queries(client, users, customer, django_assert_max_num_queries):
    unit = UnitFactory(code="MANY")
    UnitQualityStaff.objects.create(unit=unit, user=users["quality"])
    doctor = PractitionerFactory(code="dr-many", unit=unit)
    for n in range(30):
        answer(
            n % 11,
            f"2026-03-{n + 1:02d}T10:00Z" if n < 28 else "2026-04-01T10:00Z",
            customer=customer,
            practitioner=doctor,
            comment=f"Comment {n:02d}",
        )
    client.force_login(users["quality"])
    with django_assert_max_num_queries(11):
        first = client.get("/reports/comments/")
    with django_assert_max_num_queries(11):
        second = client.get("/reports/comments/", {"page": 2})
    assert len(shown(first)) == 25 and len(shown(second)) == 5
    assert shown(first)[0] == "Comment 29" and shown(second)[-1] == "Comment 00"
    assert 'rel="next"' in first.content.decode()
    # Scores n % 11: 0–6 are detractors for n = 0–6, 11–17 and 22–28.
    assert len(shown(client.get("/reports/comments/", {"score": "detractor"}))) == 21


# --- Access and navigation -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["decision-maker", "supervisor", "account-manager", "integration"])
@pytest.mark.parametrize("path", ["/reports/comments/", "/reports/quality/", "/reports/quality/practitioners/"])
def test_no_one_else_reads_the_quality_pages(client, users, comments, role, path):
    client.force_login(users[role])
    page = client.get(path)
    assert page.status_code == 403
    assert b"Waited an hour." not in page.content


def test_signed_out_people_are_sent_to_sign_in(client):
    for path in ("/reports/comments/", "/reports/quality/", "/reports/quality/practitioners/"):
        assert client.get(path)["Location"].startswith("/accounts/login/")


def test_a_quality_person_lands_on_the_quality_pages_and_finds_them_in_the_navigation(client, users):
    client.force_login(users["quality"])
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == "/reports/quality/"
    page = client.get("/reports/quality/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    nav = page.split("<nav>")[1].split("</nav>")[0]
    assert 'href="/reports/quality/"' in nav
    tabs = page.split('class="tabs"')[1].split("</nav>")[0]
    for href in (
        "/reports/quality/",
        "/reports/quality/practitioners/",
        "/reports/comments/",
        "/reports/binding-targets/",
    ):
        assert f'href="{href}"' in tabs
    assert 'aria-current="page">Units&#x27; NPS' in tabs or 'aria-current="page">Units\' NPS' in tabs


# --- The binding-target report's chart -------------------------------------------------------


def test_the_binding_target_report_draws_the_quarters_against_the_target(client, users, customer, monkeypatch):
    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 9, 1))
    unit = UnitFactory(code="CITY-OH", type="care")
    answers([10] * 7 + [8] * 2 + [3], "2026-02-10T10:00Z", customer=customer, unit=unit)  # Q1: 60.0
    answers([10] * 8 + [8] * 2, "2026-05-10T10:00Z", customer=customer, unit=unit)  # Q2: 80.0, so far 70.0
    answers([10] * 6 + [0] * 4, "2026-08-10T10:00Z", customer=customer, unit=unit)  # Q3: 20.0, so far 53.3
    target = BindingTarget.objects.create(year=2026, scope="unit", unit=unit, target=70)
    client.force_login(users["quality"])

    page = client.get(f"/reports/binding-targets/{target.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert page.status_code == 200
    data = chart_data(page.content.decode(), f"binding-target-{target.pk}")
    assert data["labels"] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [s["values"] for s in data["series"]] == [[60.0, 80.0, 20.0, None], [60.0, 70.0, 53.3, None]]
    assert (data["target"], data["kind"]) == (70, "line")
    assert "Figures as a table" in page.content.decode()


def test_the_binding_target_pages_carry_the_quality_tabs_for_quality_staff_only(client, users, customer):
    target = BindingTarget.objects.create(year=2026, scope="customer", customer=customer, target=60)
    for role, tabs in (("quality", True), ("admin", True), ("account-manager", False)):
        client.force_login(users[role])
        for path in ("/reports/binding-targets/", f"/reports/binding-targets/{target.pk}/"):
            page = client.get(path)
            assert page.status_code == 200
            assert ('class="tabs"' in page.content.decode()) is tabs, (role, path)
