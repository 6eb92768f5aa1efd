"""The customer's own people read a fixed set of tables of closed quarters, with small and empty
cells suppressed also where subtraction would give them away; anything else answers 400;
comments reach only the quality staff of their units (DESIGN.md "Privacy", surveys/publishable.py)."""

import datetime as dt

import pytest

from surveys.models import UnitQualityStaff
from tests.surveys.factories import PractitionerFactory, UnitFactory
from tests.surveys.factories_stats import answer, answers, sent_invitation

pytestmark = pytest.mark.django_db

NPS = "/api/v1/nps/"


@pytest.fixture
def unit(db):
    return UnitFactory(code="HKI-CARE-1", type="care")


def month(day: str, scores, customer, unit):
    answers(scores, f"{day}T10:00Z", customer=customer, unit=unit)


def cells(body):
    return [(p["period"], p["n"], p["nps"], p["cumulative_nps"], p["suppressed"]) for p in body["periods"]]


TODAY = dt.date(2026, 12, 2)  # 2026-Q3 is the latest closed quarter


@pytest.fixture(autouse=True)
def publication_day(monkeypatch):
    monkeypatch.setattr("cooperation.dates.today", lambda: TODAY)


@pytest.fixture
def small_first_quarter(customer, unit):
    month("2026-01-10", [10, 10, 0], customer, unit)  # 3: under MIN_GROUP_SIZE
    month("2026-04-10", [10] * 6, customer, unit)  # 6
    month("2026-07-10", [10] * 4 + [0] * 4, customer, unit)  # 8


def test_a_small_quarter_and_the_quarter_that_would_give_it_away_are_suppressed(users, api_as, small_first_quarter):
    body = api_as(users["decision-maker"]).get(NPS, {"by": "quarter"}).json()

    assert cells(body) == [
        ("2026-Q1", None, None, None, True),
        # Six answers, yet suppressed: the year to date of Q2 minus Q2 would be Q1.
        ("2026-Q2", None, None, 77.8, True),  # Q1 and Q2 together (9) may show
        ("2026-Q3", 8, 0.0, 41.2, False),
    ]
    empty = body["periods"][0]
    assert (empty["promoters"], empty["passives"], empty["detractors"], empty["moe95"]) == (None, None, None, None)
    assert body["total"]["n"] == 17  # the year to date of Q3, the default period


def test_staff_see_every_cell(users, api_as, small_first_quarter):
    params = {"start": "2026-01-01", "end": "2026-09-30", "by": "quarter"}
    for role in ("admin", "account-manager", "quality"):
        body = api_as(users[role]).get(NPS, params).json()
        assert [p["n"] for p in body["periods"]] == [3, 6, 8], role
        assert not any(p["suppressed"] for p in body["periods"])


def test_a_total_under_the_threshold_is_suppressed_with_its_invitations(users, api_as, customer, unit):
    month("2026-03-10", [10, 10, 10], customer, unit)

    total = api_as(users["decision-maker"]).get(NPS, {"start": "2026-01-01", "end": "2026-03-31"}).json()["total"]

    assert total["suppressed"] is True
    assert (total["n"], total["nps"], total["moe95"], total["response_rate"], total["target_met"]) == (None,) * 5
    assert total["invitations_sent"] is None


def test_an_empty_unit_type_is_suppressed_and_so_is_the_cell_that_would_show_it_empty(users, api_as, customer, unit):
    digital = UnitFactory(code="CHAT-1", type="digital")
    month("2026-01-10", [10] * 9, customer, unit)
    month("2026-01-10", [0] * 6, customer, digital)
    client = api_as(users["decision-maker"])
    q1 = {"start": "2026-01-01", "end": "2026-03-31"}

    def n(**params):
        return client.get(NPS, q1 | params).json()["total"]["n"]

    assert n() == 15
    assert n(unit_type="emergency") is None  # no answers: an empty cell shows nothing either
    # All minus care minus digital would show that no one answered about an emergency unit.
    assert None in {n(unit_type="care"), n(unit_type="digital")}


def test_customer_users_get_only_their_company(users, api_as, customer, other_customer, unit):
    month("2026-03-02", [10] * 5, customer, unit)
    month("2026-03-02", [0] * 9, other_customer, unit)
    client = api_as(users["decision-maker"])
    q1 = {"start": "2026-01-01", "end": "2026-03-31"}

    assert client.get(NPS, q1).json()["total"]["n"] == 5
    assert client.get(NPS, q1 | {"customer": customer.business_id}).json()["total"]["n"] == 5
    assert client.get(NPS, q1 | {"customer": other_customer.business_id}).status_code == 404


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"unit": "HKI-CARE-1"}, "unit", "cannot be asked for"),
        ({"practitioner": "dr-1"}, "practitioner", "cannot be asked for"),
        ({"service": "gp-visit"}, "service", "cannot be asked for"),
        ({"channel": "visit"}, "channel", "cannot be asked for"),
        ({"segment": "sme"}, "segment", "cannot be asked for"),
        ({"by": "month"}, "by", "by=quarter or by=year"),
        ({"start": "2026-01-10", "end": "2026-03-31"}, "start", "first day of a quarter"),
        ({"start": "2026-01-01", "end": "2026-03-30"}, "end", "last day of a quarter"),
        ({"start": "2025-10-01", "end": "2026-03-31"}, "start", "within one calendar year"),
        ({"start": "2026-04-01", "end": "2026-09-30"}, "start", "one quarter or the year to date"),
        ({"start": "2026-10-01", "end": "2026-12-31"}, "end", "published the day after"),
        ({"end": "2027-03-31"}, "end", "published the day after"),
        ({"group": "supervisor", "unit_type": "care"}, "unit_type", "group=patient only"),
    ],
)
def test_questions_outside_the_published_tables_answer_400_saying_what_is_allowed(
    users, api_as, unit, params, field, words
):
    for path in (NPS, "/api/v1/coping/"):
        answer = api_as(users["supervisor"]).get(path, params)
        assert answer.status_code == 400, (path, params)
        assert list(answer.json()) == [field]
        assert words in " ".join(answer.json()[field])


def test_nothing_changes_for_customer_users_until_the_quarter_closes(users, api_as, customer, unit, monkeypatch):
    month("2026-08-10", [10] * 6, customer, unit)
    client = api_as(users["decision-maker"])
    before = client.get(NPS, {"by": "quarter"}).json()

    month("2026-12-01", [0], customer, unit)  # yesterday: in the open quarter
    assert client.get(NPS, {"by": "quarter"}).json() == before

    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2027, 1, 1))
    after = client.get(NPS, {"start": "2026-01-01", "end": "2026-12-31", "by": "quarter"}).json()
    # Q3 alone would show Q1 and Q2 empty; Q4 holds one answer, which the year minus Q1..Q3 would
    # give away: only the year to date of Q3 shows.
    assert [(p["n"], p["cumulative_nps"]) for p in after["periods"]] == [(None, None)] * 2 + [
        (None, 100.0),
        (None, None),
    ]
    assert after["total"]["suppressed"] is True


def test_the_response_rate_is_shown_once_every_link_of_the_period_has_expired(
    users, api_as, customer, unit, monkeypatch
):
    month("2026-09-29", [10] * 5, customer, unit)
    sent_invitation("2026-09-30T10:00Z", customer=customer, unit=unit)
    client = api_as(users["decision-maker"])
    q3 = {"end": "2026-09-30"}  # the year to date: Q1 and Q2 are empty

    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 10, 2))
    early = client.get(NPS, q3).json()["total"]
    assert (early["n"], early["invitations_sent"], early["response_rate"]) == (5, 6, None)
    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 10, 20))
    assert client.get(NPS, q3).json()["total"]["response_rate"] == 83.3


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
        answer = api_as(users["decision-maker"]).get(path, {"by": "quarter"})
        assert answer.status_code == 200
        assert "Secret remark" not in answer.content.decode()
