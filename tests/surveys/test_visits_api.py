import datetime as dt

import pytest
from django.utils import timezone

from surveys.models import Employee, SurveyInvitation, SurveyOptOut, Visit
from tests.surveys.factories import ServiceFactory, UnitFactory, visit_payload

pytestmark = pytest.mark.django_db

URL = "/api/v1/visits/"


@pytest.fixture
def epr(users, api_as):
    return api_as(users["integration"])


@pytest.fixture
def unit(db):
    return UnitFactory(code="HKI-CARE-1", name="Helsinki care")


def test_a_new_visit_is_stored_with_its_patient_and_a_survey_two_hours_later(epr, customer, unit, settings):
    settings.SURVEY_DELAY_SECONDS = 7200
    settings.SURVEY_QUIET_HOURS = None
    ended = timezone.now().replace(microsecond=0)
    answer = epr.post(URL, visit_payload(customer, unit, ended_at=ended.isoformat()), format="json")
    assert answer.status_code == 201, answer.json()
    body = answer.json()
    assert body["external_id"] == "v-1"
    assert body["survey"]["status"] == "scheduled"
    assert dt.datetime.fromisoformat(body["survey"]["scheduled_for"]) == ended + dt.timedelta(hours=2)
    employee = Employee.objects.get(customer=customer, external_id="p-1")
    assert employee.email == "patient1@example.com"


def test_sending_the_same_visit_again_answers_200_and_makes_no_second_invitation(epr, customer, unit):
    payload = visit_payload(customer, unit)
    first = epr.post(URL, payload, format="json")
    again = epr.post(URL, payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert SurveyInvitation.objects.count() == 1


def test_a_list_answers_one_result_per_item_in_order(epr, customer, unit):
    known = visit_payload(customer, unit, n=1)
    epr.post(URL, known, format="json")
    items = [visit_payload(customer, unit, n=2), known, visit_payload(customer, unit, n=3)]
    answer = epr.post(URL, items, format="json")
    assert answer.status_code == 201
    assert [v["external_id"] for v in answer.json()] == ["v-2", "v-1", "v-3"]
    assert epr.post(URL, items, format="json").status_code == 200


def test_one_unknown_reference_rejects_the_whole_list_naming_it(epr, customer, unit):
    items = [
        visit_payload(customer, unit, n=1),
        visit_payload(customer, unit, n=2, unit="NO-SUCH-UNIT"),
        visit_payload(customer, unit, n=3, customer="1234567-1", service="nope"),
    ]
    answer = epr.post(URL, items, format="json")
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"1", "2"}
    assert "NO-SUCH-UNIT" in errors["1"]["unit"][0]
    assert set(errors["2"]) == {"customer", "service"}
    assert Visit.objects.count() == 0 and Employee.objects.count() == 0


def test_a_malformed_single_visit_answers_field_errors(epr, customer, unit):
    answer = epr.post(URL, visit_payload(customer, unit, channel="pigeon", ended_at="yesterday"), format="json")
    assert answer.status_code == 400
    assert set(answer.json()) == {"channel", "ended_at"}


def test_more_than_1000_visits_in_a_list_are_refused(epr, customer, unit):
    items = [visit_payload(customer, unit, n=i) for i in range(1001)]
    assert epr.post(URL, items, format="json").status_code == 400


def test_the_visit_can_be_read_back_with_its_survey(epr, customer, unit):
    epr.post(URL, visit_payload(customer, unit, n=5), format="json")
    answer = epr.get(f"{URL}v-5/")
    assert answer.status_code == 200
    assert answer.json()["survey"]["status"] == "scheduled"
    assert epr.get(f"{URL}v-404/").status_code == 404


@pytest.mark.parametrize(
    ("setup", "overrides", "reason"),
    [
        ("covid", {"service": "covid-test"}, "service-collects-no-feedback"),
        ("", {"patient": {"external_id": "p-9", "language": "fi"}}, "no-email"),
        ("opt-out", {}, "opted-out"),
        ("", {"ended_at": (timezone.now() - dt.timedelta(days=30)).isoformat()}, "visit-too-old"),
    ],
)
def test_a_visit_that_gets_no_survey_says_why(epr, customer, unit, setup, overrides, reason):
    if setup == "covid":
        ServiceFactory(code="covid-test", collects_feedback=False)
    if setup == "opt-out":
        SurveyOptOut.objects.create(email="patient1@example.com")
    answer = epr.post(URL, visit_payload(customer, unit, **overrides), format="json")
    assert answer.status_code == 201
    assert answer.json()["survey"] == {"status": "skipped", "scheduled_for": None, "skip_reason": reason}


def test_a_patient_surveyed_recently_is_not_surveyed_again(epr, customer, unit, settings):
    settings.SURVEY_THROTTLE_DAYS = 30
    epr.post(URL, visit_payload(customer, unit, n=1), format="json")
    second = visit_payload(customer, unit, n=2, patient={"external_id": "p-1", "email": "patient1@example.com"})
    answer = epr.post(URL, second, format="json")
    assert answer.json()["survey"]["skip_reason"] == "surveyed-recently"
    settings.SURVEY_THROTTLE_DAYS = 0
    third = visit_payload(customer, unit, n=3, patient={"external_id": "p-1", "email": "patient1@example.com"})
    assert epr.post(URL, third, format="json").json()["survey"]["status"] == "scheduled"


def test_quiet_hours_move_the_survey_to_the_morning(epr, customer, unit, settings):
    settings.SURVEY_DELAY_SECONDS = 7200
    settings.SURVEY_QUIET_HOURS = (21, 8)
    helsinki = dt.timezone(dt.timedelta(hours=2))  # November: Helsinki is UTC+2
    ended = timezone.now().astimezone(helsinki).replace(hour=20, minute=30, second=0, microsecond=0)
    ended = ended - dt.timedelta(days=1)
    answer = epr.post(URL, visit_payload(customer, unit, ended_at=ended.isoformat()), format="json")
    scheduled = dt.datetime.fromisoformat(answer.json()["survey"]["scheduled_for"]).astimezone(helsinki)
    assert (scheduled.date(), scheduled.hour, scheduled.minute) == ((ended + dt.timedelta(days=1)).date(), 8, 0)


def test_the_patient_is_updated_not_duplicated(epr, customer, unit):
    epr.post(URL, visit_payload(customer, unit, n=1), format="json")
    moved = visit_payload(
        customer, unit, n=2, patient={"external_id": "p-1", "email": "new@example.com", "language": "sv"}
    )
    epr.post(URL, moved, format="json")
    employee = Employee.objects.get(customer=customer, external_id="p-1")
    assert (employee.email, employee.language) == ("new@example.com", "sv")
    invitation = SurveyInvitation.objects.get(visit__external_id="v-2")
    assert (invitation.email, invitation.language) == ("new@example.com", "sv")


def test_a_list_of_1000_visits_takes_a_fixed_number_of_queries(epr, customer, unit, django_assert_max_num_queries):
    items = [visit_payload(customer, unit, n=i) for i in range(1000)]
    # SQLite splits bulk inserts into chunks of its variable limit; still nothing per row.
    with django_assert_max_num_queries(60):
        assert epr.post(URL, items, format="json").status_code == 201
    assert SurveyInvitation.objects.count() == 1000
