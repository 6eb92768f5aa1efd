"""The economic impact calculator (issue 10 item 2): its formulas on hand-computed figures, the
customer's own figures as defaults, two scenarios side by side, bad figures refused."""

from decimal import Decimal

import pytest

from cooperation.economics import calculator
from cooperation.economics.models import EconomicAssumptions


def scenario(**changes):
    values = {
        "employees": Decimal(100),
        "sick_leave_days": Decimal(10),
        "day_cost": Decimal(350),
        "investment_per_employee": Decimal(400),
        "sick_leave_reduction": Decimal(10),
        "early_retirements_avoided": Decimal(1),
        "monthly_pension": Decimal(1200),
        "years": Decimal(3),
    }
    return calculator.Scenario(**(values | {k: Decimal(v) for k, v in changes.items()}))


def test_the_formulas_on_hand_computed_figures():
    # 100 × 10 × 350 = 350,000 a year; 10 % of it = 35,000 a year; one fee 1,200 × 46 = 55,200;
    # invested 100 × 400 × 3 = 120,000; returned 35,000 × 3 + 55,200 = 160,200;
    # 160,200 / 120,000 = 1.335 → 1.34 € per euro; ROI 33.5 %.
    result = calculator.impact(scenario())
    assert result["sick_leave_cost_a_year"] == 350_000
    assert result["saved_a_year"] == 35_000
    assert result["early_retirement_fee_each"] == 55_200
    assert result["invested"] == 120_000 and result["returned"] == 160_200
    assert result["euros_back_per_euro"] == Decimal("1.34")
    assert result["return_on_investment_percent"] == Decimal("33.5")


def test_no_investment_gives_no_ratio_rather_than_a_division_by_zero():
    result = calculator.impact(scenario(investment_per_employee=0))
    assert result["euros_back_per_euro"] is None and result["return_on_investment_percent"] is None


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def form_data(**changes):
    data = {}
    for key, investment, reduction in (("a", 20, 0), ("b", 400, 10)):
        data |= {
            f"{key}-employees": "100",
            f"{key}-sick_leave_days": "10",
            f"{key}-day_cost": "350",
            f"{key}-investment_per_employee": str(investment),
            f"{key}-sick_leave_reduction": str(reduction),
            f"{key}-early_retirements_avoided": "1" if key == "b" else "0",
            f"{key}-monthly_pension": "1200",
            f"{key}-years": "3",
        }
    return data | changes


def test_two_scenarios_side_by_side(client, users, customer):
    client.force_login(users["account-manager"])
    page = client.post(f"/customers/{customer.business_id}/economic-impact/", form_data(calculate="1"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Scenario A" in html and "Scenario B" in html and "33.5 %" in html
    assert not EconomicAssumptions.objects.exists()  # calculating saves nothing


def test_the_customers_own_figures_fill_the_first_page(client, users, customer):
    customer.headcount = 1234
    customer.save()
    client.force_login(users["account-manager"])
    form = client.get(f"/customers/{customer.business_id}/economic-impact/").context["scenarios"][0][2]
    assert form.initial["employees"] == 1234 and form.initial["day_cost"] == 350


def test_saved_assumptions_come_back(client, users, customer):
    client.force_login(users["account-manager"])
    client.post(f"/customers/{customer.business_id}/economic-impact/", form_data(save="1", **{"b-years": "5"}))
    saved = EconomicAssumptions.objects.get(customer=customer)
    assert saved.scenarios["b"]["years"] == "5"
    form = client.get(f"/customers/{customer.business_id}/economic-impact/").context["scenarios"][1][2]
    assert form.initial["years"] == 5


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("a-employees", "0", "greater than or equal to 1"),
        ("b-sick_leave_days", "400", "less than or equal to 365"),
        ("b-sick_leave_reduction", "150", "less than or equal to 100"),
        ("a-day_cost", "lots", "Enter a number."),
        ("b-early_retirements_avoided", "101", "more of them than employees"),
    ],
)
def test_figures_out_of_range_get_a_message_and_save_nothing(client, users, customer, field, value, message):
    client.force_login(users["account-manager"])
    page = client.post(f"/customers/{customer.business_id}/economic-impact/", form_data(save="1", **{field: value}))
    assert page.status_code == 200 and message in page.content.decode()
    assert not EconomicAssumptions.objects.exists()


def test_only_the_provider_runs_the_calculator(client, users, customer, other_customer):
    client.force_login(users["decision-maker"])
    assert client.get(f"/customers/{customer.business_id}/economic-impact/").status_code == 403
    client.force_login(users["account-manager"])
    assert client.get(f"/customers/{other_customer.business_id}/economic-impact/").status_code == 404
