"""Small cells are suppressed for the customer's own people, also where subtraction would give
them away; comments reach only the quality staff of their units (DESIGN.md "Privacy")."""

import pytest

from surveys.models import UnitQualityStaff
from tests.surveys.factories import PractitionerFactory, UnitFactory
from tests.surveys.factories_stats import answer, answers

pytestmark = pytest.mark.django_db

NPS = "/api/v1/nps/"


@pytest.fixture
def unit(db):
    return UnitFactory(code="HKI-CARE-1", type="care")


def month(day: str, scores, customer, unit):
    answers(scores, f"{day}T10:00Z", customer=customer, unit=unit)


def cells(body):
    return [(p["period"], p["n"], p["nps"], p["cumulative_nps"], p["suppressed"]) for p in body["periods"]]


@pytest.fixture
def small_january(customer, unit):
    month("2026-01-10", [10, 10, 0], customer, unit)  # 3: under MIN_GROUP_SIZE
    month("2026-02-10", [10] * 6, customer, unit)  # 6
    month("2026-03-10", [10] * 4 + [0] * 4, customer, unit)  # 8
    month("2026-04-10", [9] * 10, customer, unit)  # 10


def test_a_small_month_and_a_second_month_of_its_quarter_are_suppressed(users, api_as, small_january):
    params = {"start": "2026-01-01", "end": "2026-04-30", "by": "month"}
    body = api_as(users["decision-maker"]).get(NPS, params).json()

    assert cells(body) == [
        ("2026-01", None, None, None, True),
        # Six answers, yet suppressed: Q1 minus March would otherwise give January away.
        ("2026-02", None, None, 77.8, True),  # January and February together (9) may show
        ("2026-03", 8, 0.0, 41.2, False),
        ("2026-04", 10, 100.0, 63.0, False),
    ]
    empty = body["periods"][0]
    assert (empty["promoters"], empty["passives"], empty["detractors"], empty["moe95"]) == (None, None, None, None)
    assert body["total"]["n"] == 27  # holds January and February wholly: the difference is 9, not 3


def test_staff_see_every_cell(users, api_as, small_january):
    params = {"start": "2026-01-01", "end": "2026-04-30", "by": "month"}
    for role in ("admin", "account-manager", "quality"):
        body = api_as(users[role]).get(NPS, params).json()
        assert [p["n"] for p in body["periods"]] == [3, 6, 8, 10], role
        assert not any(p["suppressed"] for p in body["periods"])


def test_a_quarter_alone_under_the_threshold_is_pooled_with_another(users, api_as, customer, unit):
    month("2026-01-10", [10, 0], customer, unit)  # Q1 holds only these two
    month("2026-04-10", [10] * 10, customer, unit)
    month("2026-05-10", [9] * 11, customer, unit)
    client = api_as(users["supervisor"])

    quarters = client.get(NPS, {"start": "2026-01-01", "end": "2026-06-30", "by": "quarter"}).json()
    months = client.get(NPS, {"start": "2026-01-01", "end": "2026-06-30", "by": "month"}).json()

    # The half year minus Q2 would be Q1: so Q2 is suppressed too, and April among the months.
    assert cells(quarters) == [("2026-Q1", None, None, None, True), ("2026-Q2", None, None, 91.3, True)]
    assert quarters["total"]["n"] == 23
    assert [(p["period"], p["n"]) for p in months["periods"]] == [
        ("2026-01", None),
        ("2026-02", 0),
        ("2026-03", 0),
        ("2026-04", None),
        ("2026-05", 11),
        ("2026-06", 0),
    ]


def test_a_total_under_the_threshold_is_suppressed(users, api_as, customer, unit):
    month("2026-03-10", [10, 10, 10], customer, unit)

    total = api_as(users["decision-maker"]).get(NPS).json()["total"]

    assert total["suppressed"] is True
    assert (total["n"], total["nps"], total["moe95"], total["response_rate"], total["target_met"]) == (None,) * 5


def test_customer_users_get_whole_months_and_only_their_company(users, api_as, customer, other_customer, unit):
    month("2026-03-02", [10] * 5, customer, unit)
    month("2026-03-02", [0] * 9, other_customer, unit)
    client = api_as(users["decision-maker"])

    # A range from mid-month is widened to the whole month, so ranges cannot be subtracted.
    assert client.get(NPS, {"start": "2026-03-10", "end": "2026-03-20"}).json()["total"]["n"] == 5
    assert client.get(NPS).json()["total"]["n"] == 5
    assert client.get(NPS, {"customer": customer.business_id}).status_code == 200
    assert client.get(NPS, {"customer": other_customer.business_id}).status_code == 404


@pytest.fixture
def commented(customer):
    followed, other = UnitFactory(code="FOLLOWED"), UnitFactory(code="OTHER")
    doctor = PractitionerFactory(code="dr-1", name="Dr Virtanen", unit=followed)
    answer(3, "2026-03-10T10:00Z", customer=customer, practitioner=doctor, comment="Waited an hour.")
    answer(10, "2026-03-11T10:00Z", customer=customer, unit=other, comment="Great chat service.")
    answer(9, "2026-03-12T10:00Z", customer=customer, unit=followed, comment="")
    return followed


def test_quality_staff_read_the_comments_of_their_units_by_practitioner(users, api_as, commented):
    quality = users["quality"]
    UnitQualityStaff.objects.create(unit=commented, user=quality)

    body = api_as(quality).get("/api/v1/comments/").json()

    assert [
        (c["comment"], c["unit"], c["practitioner"], c["practitioner_name"], c["score"]) for c in body["results"]
    ] == [("Waited an hour.", "FOLLOWED", "dr-1", "Dr Virtanen", 3)]
    assert len(api_as(users["admin"]).get("/api/v1/comments/").json()["results"]) == 2


@pytest.mark.parametrize("role", ["decision-maker", "supervisor", "account-manager", "integration"])
def test_no_one_else_reads_comments(users, api_as, commented, role):
    assert api_as(users[role]).get("/api/v1/comments/").status_code == 403


def test_comment_page_for_quality_staff(users, client, commented):
    UnitQualityStaff.objects.create(unit=commented, user=users["quality"])
    client.force_login(users["quality"])

    page = client.get("/reports/comments/")

    assert page.status_code == 200
    assert "Waited an hour." in page.content.decode()
    assert "Great chat service." not in page.content.decode()
    client.force_login(users["decision-maker"])
    assert client.get("/reports/comments/").status_code == 403


def test_statistics_answers_never_carry_comments(users, api_as, customer, unit):
    answers([10] * 6, "2026-03-10T10:00Z", customer=customer, unit=unit, comment="Secret remark")
    for path in ("/api/v1/nps/", "/api/v1/coping/"):
        assert "Secret remark" not in api_as(users["decision-maker"]).get(path, {"by": "month"}).content.decode()


def test_a_narrowed_question_hides_months_whose_left_out_answers_are_few(users, api_as, customer, unit):
    other = UnitFactory(code="HKI-ER-9", type="emergency")
    month("2026-01-10", [10] * 7, customer, unit)
    month("2026-01-10", [0, 0], customer, other)  # the company's January minus this unit's: two answers
    month("2026-02-10", [10] * 10, customer, unit)
    month("2026-02-10", [0] * 10, customer, other)
    client = api_as(users["decision-maker"])
    params = {"start": "2026-01-01", "end": "2026-02-28", "by": "month"}

    company = client.get(NPS, params).json()
    one_unit = client.get(NPS, params | {"unit": unit.code}).json()

    assert [p["n"] for p in company["periods"]] == [9, 20]
    # January of the unit (7) would give the other unit's two answers away: it is suppressed, and
    # February with it, so that only the two months together (17, leaving out 12) can be seen.
    assert [p["n"] for p in one_unit["periods"]] == [None, None]
    assert one_unit["total"]["n"] == 17


def test_a_question_inside_a_wider_one_hides_what_it_leaves_out_of_that_one(users, api_as, customer, unit):
    # Care unit type minus one care unit would give the other care unit's two answers away,
    # though each question alone leaves out enough of the company (the emergency unit's ten).
    small = UnitFactory(code="HKI-CARE-2", type="care")
    emergency = UnitFactory(code="HKI-ER-9", type="emergency")
    month("2026-03-10", [10] * 10, customer, unit)
    month("2026-03-10", [0, 0], customer, small)
    month("2026-03-10", [10] * 10, customer, emergency)
    client = api_as(users["decision-maker"])
    march = {"start": "2026-03-01", "end": "2026-03-31"}

    def n(**params):
        return client.get(NPS, march | params).json()["total"]["n"]

    assert n() == 22
    assert n(unit=small.code) is None
    visible = {n(unit_type="care"), n(unit=unit.code)}
    assert None in visible  # one of the two must not be shown
    # A practitioner's answers are inside their unit: the unit minus the practitioner in April
    # would give two answers away.
    doctor = PractitionerFactory(code="dr-1", unit=unit)
    answers([10] * 10, "2026-04-10T10:00Z", customer=customer, practitioner=doctor)
    answers([0, 0], "2026-04-10T10:00Z", customer=customer, unit=unit)
    answers([10] * 10, "2026-04-10T10:00Z", customer=customer, unit=emergency)
    april = {"start": "2026-04-01", "end": "2026-04-30"}
    assert None in {n(**april, unit=unit.code), n(**april, practitioner=doctor.code)}
    assert None in {n(**april, unit_type="care"), n(**april, practitioner=doctor.code, channel="visit")}
