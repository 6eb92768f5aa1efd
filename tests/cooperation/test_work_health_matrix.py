"""The work-health matrix (issue 10 item 1; API.md "Work-health economics"): points at and
between thresholds in both directions, ties, missing results, a hand-computed worked example,
the change from last year, the API's shapes and permissions, and bad input saving nothing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cooperation.economics import scoring, services
from cooperation.economics.city_matrix import CITY_2009
from cooperation.economics.models import MatrixIndicator, WorkHealthMatrix

SICK_DAYS = [10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]  # lower is better
TALKS = [90, 82, 77, 70, 62, 55, 48, 40, 36, 33, 30]  # higher is better


@pytest.mark.parametrize(
    "result, points",
    [
        (10, 10),  # at the best threshold
        (4, 10),  # beyond the best
        (12, 9),  # at a threshold
        (12.9, 9),  # nearer 12
        (13, 8),  # halfway between 12 and 14: the lower points
        (13.1, 8),  # nearer 14
        (30, 0),  # at the worst
        (45, 0),  # beyond the worst
        (29, 0),  # halfway between 28 (1) and 30 (0)
    ],
)
def test_points_lower_is_better(result, points):
    assert scoring.points_for(result, SICK_DAYS, "lower") == points


@pytest.mark.parametrize(
    "result, points",
    [(95, 10), (90, 10), (86, 9), (79.5, 8), (66, 6), (66.1, 7), (31.5, 0), (31.6, 1), (30, 0), (0, 0)],
)
def test_points_higher_is_better(result, points):
    assert scoring.points_for(result, TALKS, "higher") == points


def test_decimal_thresholds_tie_exactly():
    # 4.2 is exactly halfway between 4.3 (7 points) and 4.1 (6): in floats 4.3 - 4.2 is the smaller.
    thresholds = [5.0, 4.7, 4.5, 4.3, 4.1, 3.9, 3.7, 3.5, 3.3, 3.1, 2.9]
    assert scoring.points_for(4.2, thresholds, "higher") == 6


@pytest.mark.parametrize(
    "thresholds, direction, problem",
    [
        (SICK_DAYS[:10], "lower", "count"),
        (list(reversed(SICK_DAYS)), "lower", "monotonic"),
        (SICK_DAYS, "higher", "monotonic"),
        ([10, 12, 12, 16, 18, 20, 22, 24, 26, 28, 30], "lower", "monotonic"),
        ([10, "x", 14, 16, 18, 20, 22, 24, 26, 28, 30], "lower", "number"),
        ([10, True, 14, 16, 18, 20, 22, 24, 26, 28, 30], "lower", "number"),
    ],
)
def test_thresholds_that_cannot_be_used(thresholds, direction, problem):
    assert scoring.thresholds_errors(thresholds, direction) == [problem]


# --- The matrix of a customer ---------------------------------------------------------------------

#: A worked example on the city matrix, computed by hand:
#: sick-leave 13 days: halfway 12|14 → 8 × 2.5 = 20; accidents 24: nearer 20 → 8 × 2 = 16;
#: fees 90 €: beyond the best → 10 × 1.5 = 15; competence talks 83 %: nearer 85 → 8 × 0.5 = 4;
#: talks useful 66 %: halfway 70|62 → 6 × 0.5 = 3; fair decisions 3.6: nearer 3.5 → 7 × 1 = 7;
#: control over working time 1.5: beyond the worst → 0; control over own work 4.25 → 10 × 1 = 10.
#: Total 20 + 16 + 15 + 4 + 3 + 7 + 0 + 10 = 75.
WORKED_RESULTS = {
    "sick_leave_days": 13,
    "accidents": 24,
    "early_retirement_fees": 90,
    "competence_talks": 83,
    "development_talks_useful": 66,
    "fair_decisions": 3.6,
    "control_working_time": 1.5,
    "control_own_work": 4.25,
}


def test_the_city_matrix_ships_as_a_template_in_the_order_of_the_memo(api_as, users):
    answer = api_as(users["account-manager"]).get("/api/v1/matrix-templates/")
    assert answer.status_code == 200
    (city,) = [t for t in answer.json() if t["code"] == "city-2009"]
    assert [i["code"] for i in city["indicators"]] == [row[0] for row in CITY_2009["indicators"]]
    sick = city["indicators"][0]
    assert sick["direction"] == "lower" and sick["thresholds"] == SICK_DAYS and sick["weight"] == 2.5
    assert city["indicators"][5]["thresholds"][0] == 4.25


def test_worked_example_through_the_api(api_as, users, customer):
    client = api_as(users["account-manager"])
    created = client.post(
        f"/api/v1/customers/{customer.business_id}/matrices/", {"template": "city-2009", "year": 2025}, format="json"
    )
    assert created.status_code == 201, created.json()
    matrix = created.json()
    assert matrix["year"] == 2025 and matrix["total"] == 0 and matrix["complete"] is False
    recorded = client.put(f"/api/v1/matrices/{matrix['id']}/results/", WORKED_RESULTS, format="json")
    assert recorded.status_code == 200, recorded.json()
    body = recorded.json()
    assert [(i["code"], i["points"], i["value"]) for i in body["indicators"]] == [
        ("sick_leave_days", 8, 20),
        ("accidents", 8, 16),
        ("early_retirement_fees", 10, 15),
        ("competence_talks", 8, 4),
        ("development_talks_useful", 6, 3),
        ("fair_decisions", 7, 7),
        ("control_working_time", 0, 0),
        ("control_own_work", 10, 10),
    ]
    assert body["total"] == 75 and body["complete"] is True
    assert body["previous_total"] is None and body["change"] is None


def test_missing_results_earn_nothing_and_the_total_says_so(api_as, users, customer):
    client = api_as(users["account-manager"])
    matrix = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    body = client.put(
        f"/api/v1/matrices/{matrix.pk}/results/", {**WORKED_RESULTS, "accidents": None}, format="json"
    ).json()
    accidents = body["indicators"][1]
    assert accidents["result"] is None and accidents["points"] is None and accidents["value"] is None
    assert body["total"] == 59 and body["complete"] is False


def test_change_from_the_previous_year_only_when_both_are_complete(api_as, users, customer):
    client = api_as(users["account-manager"])
    last_year = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2024)
    this_year = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    services.matrix_results_record(matrix=last_year, results={**WORKED_RESULTS, "sick_leave_days": 20})  # 5 × 2.5
    body = client.put(f"/api/v1/matrices/{this_year.pk}/results/", WORKED_RESULTS, format="json").json()
    assert body["previous_total"] == 67.5 and body["change"] == 7.5
    services.matrix_results_record(matrix=last_year, results={"accidents": None})
    body = client.get(f"/api/v1/matrices/{this_year.pk}/").json()
    assert body["previous_total"] == 51.5 and body["change"] is None


@pytest.mark.parametrize(
    "results, field",
    [
        ({"sick_leave_days": "13"}, "sick_leave_days"),
        ({"sick_leave_days": True}, "sick_leave_days"),
        ({"sick_leave_days": [13]}, "sick_leave_days"),
        ({"sick_leave_days": 1e12}, "sick_leave_days"),
        ({"no_such_indicator": 1}, "no_such_indicator"),
    ],
)
def test_a_result_of_the_wrong_kind_saves_nothing(api_as, users, customer, results, field):
    matrix = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    services.matrix_results_record(matrix=matrix, results={"accidents": 10})
    answer = api_as(users["account-manager"]).put(
        f"/api/v1/matrices/{matrix.pk}/results/", {"accidents": 50, **results}, format="json"
    )
    assert answer.status_code == 400 and field in answer.json()
    assert MatrixIndicator.objects.get(matrix=matrix, code="accidents").result == 10


def test_a_list_body_is_refused(api_as, users, customer):
    matrix = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    answer = api_as(users["account-manager"]).put(f"/api/v1/matrices/{matrix.pk}/results/", [1, 2], format="json")
    assert answer.status_code == 400


def test_copying_needs_a_known_template_and_a_free_year(api_as, users, customer):
    client = api_as(users["account-manager"])
    url = f"/api/v1/customers/{customer.business_id}/matrices/"
    assert client.post(url, {"template": "city-2009", "year": 2025}, format="json").status_code == 201
    again = client.post(url, {"template": "city-2009", "year": 2025}, format="json")
    assert again.status_code == 400 and "year" in again.json()
    unknown = client.post(url, {"template": "nope", "year": 2026}, format="json")
    assert unknown.status_code == 400 and "template" in unknown.json()
    assert WorkHealthMatrix.objects.filter(customer=customer).count() == 1


def test_indicator_rows_are_checked_before_anything_is_saved(customer):
    matrix = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    with pytest.raises(ValidationError) as raised:
        services.matrix_indicators_update(
            matrix=matrix,
            rows=[
                {"code": "sick_leave_days", "thresholds": [9, 12, 14, 16, 18, 20, 22, 24, 26, 28, 31], "weight": 3},
                {"code": "accidents", "thresholds": list(reversed(range(0, 110, 10)))},
                {"code": "fair_decisions", "weight": -1},
            ],
        )
    assert set(raised.value.message_dict) == {"accidents.thresholds", "fair_decisions.weight"}
    sick = MatrixIndicator.objects.get(matrix=matrix, code="sick_leave_days")
    assert sick.thresholds == SICK_DAYS and sick.weight == Decimal("2.5")
    services.matrix_indicators_update(
        matrix=matrix, rows=[{"code": "sick_leave_days", "thresholds": [9, 12, 14, 16, 18, 20, 22, 24, 26, 28, 31]}]
    )
    assert MatrixIndicator.objects.get(matrix=matrix, code="sick_leave_days").thresholds[0] == 9


def test_who_may_read_and_record(api_as, users, customer, other_customer):
    own = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    other = services.matrix_copy_template(customer=other_customer, template_code="city-2009", year=2025)
    manager, ceo = api_as(users["account-manager"]), api_as(users["decision-maker"])
    assert manager.get(f"/api/v1/matrices/{other.pk}/").status_code == 404
    assert manager.put(f"/api/v1/matrices/{other.pk}/results/", {"accidents": 1}, format="json").status_code == 404
    assert ceo.get(f"/api/v1/matrices/{own.pk}/").status_code == 200
    assert ceo.get(f"/api/v1/matrices/{other.pk}/").status_code == 404
    assert ceo.put(f"/api/v1/matrices/{own.pk}/results/", {"accidents": 1}, format="json").status_code == 403
    assert ceo.get("/api/v1/matrix-templates/").status_code == 403
    for role in ("quality", "integration"):
        assert api_as(users[role]).get(f"/api/v1/matrices/{own.pk}/").status_code == 403
    assert (
        api_as(users["admin"]).put(f"/api/v1/matrices/{other.pk}/results/", {"accidents": 1}, format="json").status_code
        == 200
    )


# --- The early-retirement fee --------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, memo_fee",
    [
        ("monthly_pension=1200&age=60&salary=2000", 55_000),  # cleaner
        ("monthly_pension=1680&age=50&salary=2800", 77_000),  # nurse
        ("monthly_pension=2100&age=35&salary=3500", 97_000),  # teacher
        ("salary=3500&age=35", 97_000),  # the pension estimated from the salary
    ],
)
def test_the_memos_three_examples_within_their_rounding(api_as, users, query, memo_fee):
    answer = api_as(users["account-manager"]).get(f"/api/v1/economics/early-retirement-fee/?{query}")
    assert answer.status_code == 200
    assert round(answer.json()["fee"], -3) == memo_fee
    assert answer.json()["assumptions"]["fee_in_monthly_pensions"] == 46


@pytest.mark.parametrize("query", ["", "monthly_pension=-5", "monthly_pension=abc", "salary=1e9", "age=200&salary=1"])
def test_fee_figures_out_of_range_get_a_message(api_as, users, query):
    answer = api_as(users["account-manager"]).get(f"/api/v1/economics/early-retirement-fee/?{query}")
    assert answer.status_code == 400 and answer.json()


# --- The pages -------------------------------------------------------------------------------------


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_account_manager_fills_a_year_in_the_browser(client, users, customer):
    client.force_login(users["account-manager"])
    page = client.get(f"/customers/{customer.business_id}/matrices/")
    assert page.status_code == 200 and "city-2009" in page.content.decode()
    created = client.post(f"/customers/{customer.business_id}/matrices/", {"template": "city-2009", "year": 2025})
    matrix = WorkHealthMatrix.objects.get(customer=customer, year=2025)
    assert created.status_code == 302 and created["Location"] == f"/matrices/{matrix.pk}/"
    saved = client.post(f"/matrices/{matrix.pk}/", {code: str(v) for code, v in WORKED_RESULTS.items()}, follow=True)
    html = saved.content.decode()
    assert "Results saved." in html and ">75<" in html


def test_bad_results_in_the_browser_show_a_message_and_save_nothing(client, users, customer):
    matrix = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    client.force_login(users["account-manager"])
    answer = client.post(f"/matrices/{matrix.pk}/", {"sick_leave_days": "lots", "accidents": "10"})
    assert answer.status_code == 200 and "Enter a number." in answer.content.decode()
    assert not MatrixIndicator.objects.filter(matrix=matrix, result__isnull=False).exists()


def test_thresholds_not_monotonic_in_the_browser_save_nothing(client, users, customer):
    matrix = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    client.force_login(users["account-manager"])
    form = client.get(f"/matrices/{matrix.pk}/indicators/").context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    data["accidents.thresholds"] = "0 10 20 30 40 50 60 70 80 100 90"
    data["fair_decisions.weight"] = "-1"
    answer = client.post(f"/matrices/{matrix.pk}/indicators/", data)
    html = answer.content.decode()
    assert answer.status_code == 200 and "run steadily" in html
    assert MatrixIndicator.objects.get(matrix=matrix, code="accidents").thresholds[-1] == 100
    assert MatrixIndicator.objects.get(matrix=matrix, code="fair_decisions").weight == 1


def test_the_customers_people_read_their_own_matrix_only(client, users, customer, other_customer):
    own = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    other = services.matrix_copy_template(customer=other_customer, template_code="city-2009", year=2025)
    client.force_login(users["decision-maker"])
    page = client.get(f"/matrices/{own.pk}/")
    assert page.status_code == 200 and "Save results" not in page.content.decode()
    assert client.post(f"/matrices/{own.pk}/", {"accidents": "1"}).status_code == 403
    assert client.get(f"/matrices/{other.pk}/").status_code == 404
    client.force_login(users["account-manager"])
    assert client.get(f"/matrices/{other.pk}/").status_code == 404
    assert client.get(f"/customers/{other_customer.business_id}/matrices/").status_code == 404


def test_sick_leave_days_fill_from_the_roster(client, users, customer):
    import datetime as dt

    from tests.cooperation.factories import EmployeeFactory, SickLeaveFactory

    employees = EmployeeFactory.create_batch(2, customer=customer, employed_from=dt.date(2020, 1, 1))
    SickLeaveFactory(employee=employees[0], customer=customer, start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 10))
    matrix = services.matrix_copy_template(customer=customer, template_code="city-2009", year=2025)
    client.force_login(users["account-manager"])
    client.post(f"/matrices/{matrix.pk}/fill/")
    # Ten days over two person-years.
    assert MatrixIndicator.objects.get(matrix=matrix, code="sick_leave_days").result == Decimal("5")
