"""Chats and phone calls: the contact log (atomic, idempotent lists) and the response-delay
figures (median and 90th percentile as PostgreSQL's percentile_cont, share within target, by
day and week, busiest hours), against hand-counted data."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from surveys import selectors
from surveys.models import ServiceContact
from tests.surveys.factories import UnitFactory

pytestmark = pytest.mark.django_db

LOG = "/api/v1/contacts-log/"
DELAY = "/api/v1/response-delay/"
HELSINKI = ZoneInfo("Europe/Helsinki")


def contact(external_id, start, delay, *, channel="chat", unit="HKI-CHAT"):
    """A contact starting at ``start`` (Helsinki, "YYYY-MM-DDTHH:MM") answered ``delay`` seconds later."""
    started = dt.datetime.fromisoformat(start).replace(tzinfo=HELSINKI)
    return {
        "external_id": external_id,
        "channel": channel,
        "unit": unit,
        "started_at": started.isoformat(),
        "first_response_at": (started + dt.timedelta(seconds=delay)).isoformat(),
    }


@pytest.fixture
def units(db):
    return {
        "chat": UnitFactory(code="HKI-CHAT", name="Digital care", type="digital"),
        "care": UnitFactory(code="HKI-CARE-1", name="Helsinki care", type="care"),
    }


@pytest.fixture
def integration(users, api_as):
    return api_as(users["integration"])


@pytest.fixture
def quality(users, api_as):
    return api_as(users["quality"])


#: Hand-counted (percentile_cont: position p·(n−1) in the sorted delays, linear in between):
#: 2 Nov: 10 20 30 40 100 → median 30, p90 at 3.6 = 40 + 0.6·60 = 76, within 60 s 4/5 = 80 %;
#: 3 Nov: none; 4 Nov: 45 90 → median 67.5, p90 at 0.9 = 45 + 0.9·45 = 85.5, within 1/2 = 50 %;
#: all: 10 20 30 40 45 90 100 → median 40, p90 at 5.4 = 90 + 0.4·10 = 94, within 5/7 = 71.4 %.
#: Not counted in the unit's chat: a phone call, another unit's chat, a chat on 5 Nov at 00:30
#: in Helsinki (22:30 UTC on the 4th).
CONTACTS = [
    contact("c-1", "2026-11-02T08:05", 10),
    contact("c-2", "2026-11-02T08:40", 20),
    contact("c-3", "2026-11-02T09:10", 30),
    contact("c-4", "2026-11-02T12:00", 40),
    contact("c-5", "2026-11-02T08:59", 100),
    contact("c-6", "2026-11-04T08:15", 45),
    contact("c-7", "2026-11-04T23:30", 90),
    contact("p-1", "2026-11-02T08:00", 400, channel="phone"),
    contact("c-8", "2026-11-02T08:00", 5, unit="HKI-CARE-1"),
    contact("c-9", "2026-11-05T00:30", 5),
]


@pytest.fixture
def logged(units, integration):
    answer = integration.post(LOG, CONTACTS, format="json")
    assert answer.status_code == 201, answer.json()
    return answer


def test_a_list_of_contacts_is_stored_with_their_delays_in_seconds(logged):
    assert [item["response_seconds"] for item in logged.json()] == [10, 20, 30, 40, 100, 45, 90, 400, 5, 5]
    assert ServiceContact.objects.count() == len(CONTACTS)
    stored = ServiceContact.objects.get(external_id="c-7")
    assert (stored.unit.code, stored.channel, stored.response_seconds) == ("HKI-CHAT", "chat", 90)


def test_median_p90_and_within_target_by_day_including_a_day_without_contacts(logged, quality, settings):
    settings.CHAT_RESPONSE_TARGET_SECONDS = 60
    answer = quality.get(
        DELAY, {"channel": "chat", "unit": "HKI-CHAT", "start": "2026-11-02", "end": "2026-11-04", "by": "day"}
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {
        "total": {"n": 7, "median_seconds": 40.0, "p90_seconds": 94.0, "within_target": 71.4, "target_seconds": 60},
        "periods": [
            {"period": "2026-11-02", "n": 5, "median_seconds": 30.0, "p90_seconds": 76.0, "within_target": 80.0},
            {"period": "2026-11-03", "n": 0, "median_seconds": None, "p90_seconds": None, "within_target": None},
            {"period": "2026-11-04", "n": 2, "median_seconds": 67.5, "p90_seconds": 85.5, "within_target": 50.0},
        ],
    }


def test_weeks_are_iso_weeks_and_an_empty_week_is_listed(logged, quality):
    # W45 (2–8 Nov) adds the 5-second chat of the 5th: 5 10 20 30 40 45 90 100 → median 35.
    answer = quality.get(DELAY, {"unit": "HKI-CHAT", "start": "2026-11-02", "end": "2026-11-15", "by": "week"})
    periods = answer.json()["periods"]
    assert [(p["period"], p["n"], p["median_seconds"]) for p in periods] == [
        ("2026-W45", 8, 35.0),
        ("2026-W46", 0, None),
    ]


def test_the_phone_target_applies_to_phone_calls(logged, quality, settings):
    settings.PHONE_RESPONSE_TARGET_SECONDS = 300
    total = quality.get(DELAY, {"channel": "phone", "start": "2026-11-01", "end": "2026-11-30"}).json()["total"]
    assert total == {"n": 1, "median_seconds": 400.0, "p90_seconds": 400.0, "within_target": 0.0, "target_seconds": 300}


def test_every_unit_together_and_without_by_no_periods(logged, quality):
    body = quality.get(DELAY, {"start": "2026-11-02", "end": "2026-11-02"}).json()
    assert body["periods"] == []
    # 5, 10, 20, 30, 40, 100 → median between 20 and 30; within 60 s 5/6.
    assert (body["total"]["n"], body["total"]["median_seconds"], body["total"]["within_target"]) == (6, 25.0, 83.3)


def test_figures_by_unit_and_the_busiest_hours_in_helsinki_time(logged):
    query = selectors.ResponseDelayQuery(channel="chat", start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 4))
    by_unit = selectors.response_delay_by_unit(query=query)
    assert [(u["unit"], u["n"], u["median_seconds"]) for u in by_unit] == [
        ("HKI-CHAT", 7, 40.0),
        ("HKI-CARE-1", 1, 5.0),
    ]
    hours = {row["hour"]: row["n"] for row in selectors.contacts_by_hour(query=query)}
    assert len(hours) == 24
    assert (hours[8], hours[9], hours[12], hours[23], hours[0]) == (5, 1, 1, 1, 0)
    assert sum(hours.values()) == 8


def test_the_python_percentile_is_postgresqls_percentile_cont():
    assert selectors.percentile_cont([10, 20, 30, 40, 100], 0.9) == pytest.approx(76.0)
    assert selectors.percentile_cont([7], 0.5) == 7
    assert selectors.percentile_cont([], 0.5) is None


def test_sending_the_same_contacts_again_answers_200_and_stores_nothing_new(logged, integration):
    again = integration.post(LOG, CONTACTS[:3], format="json")
    assert again.status_code == 200
    assert [item["external_id"] for item in again.json()] == ["c-1", "c-2", "c-3"]
    one = integration.post(LOG, CONTACTS[0], format="json")
    assert (one.status_code, one.json()["response_seconds"]) == (200, 10)
    assert ServiceContact.objects.count() == len(CONTACTS)


def test_a_list_with_one_new_contact_answers_201(logged, integration):
    answer = integration.post(LOG, [CONTACTS[0], contact("c-new", "2026-11-06T10:00", 12)], format="json")
    assert answer.status_code == 201
    assert ServiceContact.objects.count() == len(CONTACTS) + 1


@pytest.mark.parametrize(
    ("bad", "field", "message"),
    [
        (
            {"first_response_at": "2026-11-02T07:59:00+02:00"},
            "first_response_at",
            "cannot be before the contact started",
        ),
        ({"unit": "NO-SUCH-UNIT"}, "unit", "Unknown unit: NO-SUCH-UNIT"),
        ({"channel": "email"}, "channel", "not a valid choice"),
        ({"started_at": "3000-01-01T08:00:00+02:00"}, "started_at", "Give a date between 1900-01-01 and 2999-12-31"),
        ({"first_response_at": "1899-12-31T08:00:00+02:00"}, "first_response_at", "Give a date between"),
        ({"started_at": "yesterday"}, "started_at", "Datetime has wrong format"),
    ],
)
def test_one_bad_item_rejects_the_whole_list_with_its_index_and_stores_nothing(units, integration, bad, field, message):
    good = contact("ok-1", "2026-11-02T08:00", 10)
    items = [good, contact("ok-2", "2026-11-02T08:00", 10) | bad]
    answer = integration.post(LOG, items, format="json")
    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert list(errors) == ["1"]
    assert message in " ".join(errors["1"][field])
    assert not ServiceContact.objects.exists()
    single = integration.post(LOG, items[1], format="json")
    assert single.status_code == 400 and message in " ".join(single.json()[field])
    assert not ServiceContact.objects.exists()


def test_an_empty_or_too_long_list_is_refused(units, integration):
    assert integration.post(LOG, [], format="json").status_code == 400
    items = [contact(f"x-{i}", "2026-11-02T08:00", 1) for i in range(1001)]
    answer = integration.post(LOG, items, format="json")
    assert answer.status_code == 400 and "1 to 1000" in answer.json()["non_field_errors"][0]
    assert not ServiceContact.objects.exists()


def test_bad_questions_answer_with_a_message(units, quality):
    assert quality.get(DELAY, {"channel": "email"}).status_code == 400
    backwards = quality.get(DELAY, {"start": "2026-11-05", "end": "2026-11-01"})
    assert backwards.status_code == 400 and "end" in backwards.json()
    too_long = quality.get(DELAY, {"start": "2020-01-01", "end": "2026-12-31", "by": "day"})
    assert too_long.status_code == 400 and "shorter range" in too_long.json()["start"][0]
    assert quality.get(DELAY, {"start": "1800-01-01"}).status_code == 400
    assert quality.get(DELAY, {"unit": "NO-SUCH-UNIT"}).status_code == 404


def test_without_dates_the_last_30_days_are_counted(units, integration, quality):
    now = dt.datetime.now(HELSINKI).replace(microsecond=0)
    old = now - dt.timedelta(days=40)
    integration.post(
        LOG,
        [contact("new", now.strftime("%Y-%m-%dT%H:%M"), 20), contact("old", old.strftime("%Y-%m-%dT%H:%M"), 20)],
        format="json",
    )
    body = quality.get(DELAY, {"by": "day"}).json()
    assert body["total"]["n"] == 1
    assert len(body["periods"]) == 30


@pytest.mark.parametrize(
    ("role", "write", "read"),
    [
        ("admin", 201, 200),
        ("integration", 201, 403),
        ("quality", 403, 200),
        ("account-manager", 403, 403),
        ("decision-maker", 403, 403),
        ("supervisor", 403, 403),
    ],
)
def test_who_may_log_contacts_and_read_the_delay(units, users, api_as, role, write, read):
    client = api_as(users[role])
    assert client.post(LOG, contact(f"r-{role}", "2026-11-02T08:00", 10), format="json").status_code == write
    assert client.get(DELAY).status_code == read
    assert ServiceContact.objects.count() == (1 if write == 201 else 0)


def test_anonymous_requests_answer_401(units, client):
    assert client.get(DELAY).status_code == 401
    assert client.post(LOG, {}, content_type="application/json").status_code == 401
