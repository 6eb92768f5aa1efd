"""GET /api/v1/nps/ and /api/v1/coping/ on hand-counted data (API.md "Statistics")."""

import datetime as dt

import pytest

from surveys.models import BindingTarget, StatsRollupState
from surveys.services import stats_rollups_rebuild
from tests.cooperation.factories import CustomerFactory
from tests.surveys.factories import PractitionerFactory, ServiceFactory, UnitFactory
from tests.surveys.factories_stats import answer, answers, sent_invitation

pytestmark = pytest.mark.django_db

NPS = "/api/v1/nps/"


@pytest.fixture
def admin_api(users, api_as):
    return api_as(users["admin"])


@pytest.fixture
def unit(db):
    return UnitFactory(code="HKI-CARE-1", type="care")


def get(client, url=NPS, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_boundaries_six_seven_and_eight_nine_with_margin(admin_api, customer, unit):
    # 10, 9, 9 promote; 8 and 7 are passive; 6 and 0 detract: (3 − 2) / 7 = 14.3.
    answers([10, 9, 8, 7, 6, 0, 9], "2026-03-10T10:00Z", customer=customer, unit=unit)

    total = get(admin_api, start="2026-03-01", end="2026-03-31")["total"]

    assert total | {"target": None} == {
        "n": 7,
        "promoters": 3,
        "passives": 2,
        "detractors": 2,
        "nps": 14.3,
        # p = 3/7, d = 2/7: 1.96·100·√((5/7 − (1/7)²) / 7) = 61.7
        "moe95": 61.7,
        "target": None,
        "target_met": None,
        "invitations_sent": 7,
        "response_rate": 100.0,
        "response_rate_without_reminders": 100.0,
        "suppressed": False,
    }


@pytest.mark.parametrize(("score", "nps"), [(10, 100.0), (9, 100.0), (8, 0.0), (7, 0.0), (6, -100.0), (0, -100.0)])
def test_one_respondent(admin_api, customer, unit, score, nps):
    answer(score, "2026-05-05T09:00Z", customer=customer, unit=unit)

    total = get(admin_api)["total"]

    assert (total["n"], total["nps"], total["moe95"]) == (1, nps, 0.0)


def test_quarters_with_an_empty_one_and_cumulative_values(admin_api, customer, unit):
    answers([10, 10, 6], "2026-02-10T10:00Z", customer=customer, unit=unit)  # Q1: 2 P, 1 D → 33.3
    answers([9, 7], "2026-08-10T10:00Z", customer=customer, unit=unit)  # Q3: 1 P, 1 passive → 50.0

    body = get(admin_api, start="2026-01-01", end="2026-09-30", by="quarter")

    assert [(p["period"], p["n"], p["nps"], p["cumulative_nps"]) for p in body["periods"]] == [
        ("2026-Q1", 3, 33.3, 33.3),
        ("2026-Q2", 0, None, 33.3),
        ("2026-Q3", 2, 50.0, 40.0),  # the year so far: 3 P, 1 passive, 1 D of 5
    ]
    empty = body["periods"][1]
    assert (empty["promoters"], empty["moe95"], empty["suppressed"]) == (0, None, False)
    assert (body["total"]["n"], body["total"]["nps"]) == (5, 40.0)


def test_cumulative_runs_from_first_of_january_whatever_the_start(admin_api, customer, unit):
    answers([10, 10, 6], "2026-02-10T10:00Z", customer=customer, unit=unit)
    answers([9, 7], "2026-08-10T10:00Z", customer=customer, unit=unit)

    body = get(admin_api, start="2026-08-01", end="2026-08-31", by="month")

    assert body["periods"] == [
        {
            "period": "2026-08",
            "n": 2,
            "promoters": 1,
            "passives": 1,
            "detractors": 0,
            "nps": 50.0,
            "moe95": 69.3,  # p = ½, d = 0: 1.96·100·√((½ − ¼) / 2)
            "cumulative_nps": 40.0,
            "suppressed": False,
        }
    ]
    assert body["total"]["n"] == 2


def test_periods_run_from_first_to_last_answer_without_a_range(admin_api, customer, unit):
    answer(10, "2026-01-15T10:00Z", customer=customer, unit=unit)
    answer(0, "2026-04-15T10:00Z", customer=customer, unit=unit)

    body = get(admin_api, by="month")

    assert [p["period"] for p in body["periods"]] == ["2026-01", "2026-02", "2026-03", "2026-04"]
    assert get(admin_api)["periods"] == []


def test_quarters_follow_helsinki_time_at_the_edges(admin_api, customer, unit):
    answer(10, "2026-03-31T20:30Z", customer=customer, unit=unit)  # 23:30 on 31 March (EEST) → Q1
    answer(0, "2026-03-31T21:30Z", customer=customer, unit=unit)  # 00:30 on 1 April → Q2

    quarters = get(admin_api, start="2026-01-01", end="2026-06-30", by="quarter")["periods"]
    months = get(admin_api, start="2026-03-01", end="2026-04-30", by="month")["periods"]
    march_only = get(admin_api, start="2026-03-01", end="2026-03-31")["total"]

    assert [(p["period"], p["n"], p["nps"]) for p in quarters] == [("2026-Q1", 1, 100.0), ("2026-Q2", 1, -100.0)]
    assert [(p["period"], p["n"]) for p in months] == [("2026-03", 1), ("2026-04", 1)]
    assert march_only["n"] == 1


def test_years_follow_helsinki_time_at_new_year(admin_api, customer, unit):
    answer(10, "2025-12-31T21:30Z", customer=customer, unit=unit)  # 23:30 on 31 December (+02:00) → 2025
    answer(0, "2025-12-31T22:30Z", customer=customer, unit=unit)  # 00:30 on 1 January 2026 → 2026

    years = get(admin_api, start="2025-01-01", end="2026-12-31", by="year")["periods"]

    assert [(p["period"], p["n"], p["nps"], p["cumulative_nps"]) for p in years] == [
        ("2025", 1, 100.0, 100.0),
        ("2026", 1, -100.0, -100.0),
    ]


def test_invitations_sent_and_response_rate(admin_api, customer, unit):
    answers([10, 9], "2026-03-10T10:00Z", customer=customer, unit=unit)
    sent_invitation("2026-03-12T10:00Z", customer=customer, unit=unit)
    sent_invitation("2026-03-20T10:00Z", customer=customer, unit=unit)
    sent_invitation("2026-04-02T10:00Z", customer=customer, unit=unit)  # outside the range
    sent_invitation("2026-03-20T10:00Z", customer=CustomerFactory(), unit=unit)  # another customer

    total = get(admin_api, start="2026-03-01", end="2026-03-31", customer=customer.business_id)["total"]

    assert (total["invitations_sent"], total["response_rate"]) == (4, 50.0)


def test_filters(admin_api, customer, unit):
    practitioner = PractitionerFactory(code="dr-12", unit=unit)
    service = ServiceFactory(code="gp-visit")
    emergency = UnitFactory(code="HKI-ER-1", type="emergency")
    large = CustomerFactory(headcount=400)
    answer(10, "2026-03-10T10:00Z", customer=customer, unit=unit, practitioner=practitioner, service=service)
    answer(9, "2026-03-10T10:00Z", customer=customer, unit=unit, channel="chat")
    answer(0, "2026-03-10T10:00Z", customer=large, unit=emergency, channel="phone")
    answer(5, "2026-03-10T10:00Z", customer=customer, unit=unit, group="supervisor")

    def n(**params):
        return get(admin_api, **params)["total"]["n"]

    assert n() == 3
    assert n(group="supervisor") == 1
    assert n(group="decision-maker") == 0
    assert n(customer=customer.business_id) == 2
    assert n(segment="large") == 1
    assert n(segment="sme") == 2
    assert n(unit="HKI-CARE-1") == 2
    assert n(unit_type="emergency") == 1
    assert n(practitioner="dr-12") == 1
    assert n(service="gp-visit") == 1
    assert n(channel="chat") == 1
    assert n(start="2026-03-11") == 0


def test_unknown_objects_answer_404_and_bad_values_400(admin_api, unit):
    assert admin_api.get(NPS, {"unit": "NOPE"}).status_code == 404
    assert admin_api.get(NPS, {"customer": "1234567-1"}).status_code == 404
    bad = admin_api.get(NPS, {"segment": "huge", "by": "week"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"segment", "by"}
    backwards = admin_api.get(NPS, {"start": "2026-02-01", "end": "2026-01-01"})
    assert backwards.status_code == 400 and "end" in backwards.json()


def test_target_precedence(admin_api, customer, unit):
    answers([10, 10, 6], "2026-03-10T10:00Z", customer=customer, unit=unit)  # NPS 33.3

    def target(**params):
        total = get(admin_api, start="2026-01-01", end="2026-12-31", **params)["total"]
        return total["target"], total["target_met"]

    assert target() == (None, None)
    assert target(unit_type="emergency") == (50, None)  # no emergency answers: nothing to meet
    assert target(unit_type="care") == (70, False)
    BindingTarget.objects.create(year=2026, scope="organisation", target=30)
    assert target() == (30, True)
    assert target(unit_type="care") == (30, True)  # a binding target comes before the default
    BindingTarget.objects.create(year=2026, scope="customer", customer=customer, target=40)
    assert target(customer=customer.business_id) == (40, False)
    unit.nps_target = 20
    unit.save()
    assert target(unit=unit.code) == (20, True)  # one unit asked for: its own target
    BindingTarget.objects.create(year=2025, scope="organisation", target=99)
    assert target() == (30, True)  # the year of the range


def test_account_manager_sees_own_portfolio_only(users, api_as, customer, other_customer, unit):
    answers([10, 10], "2026-03-10T10:00Z", customer=customer, unit=unit)
    answers([0, 0, 0], "2026-03-10T10:00Z", customer=other_customer, unit=unit)
    client = api_as(users["account-manager"])

    assert get(client)["total"]["n"] == 2
    assert client.get(NPS, {"customer": other_customer.business_id}).status_code == 404
    assert get(api_as(users["quality"]))["total"]["n"] == 5  # quality staff: all units


def test_coping_better_leaves_not_applicable_out(admin_api, customer, unit):
    for coping in ["yes", "yes", "partly", "no", "na", "na"]:
        answer(9, "2026-03-10T10:00Z", customer=customer, unit=unit, coping=coping)
    answer(9, "2026-06-10T10:00Z", customer=customer, unit=unit, coping="no")

    body = get(admin_api, url="/api/v1/coping/", start="2026-01-01", end="2026-06-30", by="quarter")

    assert body["total"] == {
        "n": 5,
        "yes": 2,
        "partly": 1,
        "no": 2,
        "not_applicable": 2,
        "coping_better": 60.0,
        "suppressed": False,
    }
    assert [(p["period"], p["n"], p["coping_better"], p["cumulative_coping_better"]) for p in body["periods"]] == [
        ("2026-Q1", 4, 75.0, 75.0),
        ("2026-Q2", 1, 0.0, 60.0),
    ]


def test_rollups_equal_raw_aggregation_after_new_answers(admin_api, customer, unit):
    from surveys.services import nps_rollup_add, nps_rollup_invitation_sent

    other_unit = UnitFactory(code="HKI-ER-2", type="emergency")
    service = ServiceFactory(code="physio")
    answers([10, 9, 8, 3], "2026-01-31T21:30Z", customer=customer, unit=unit)  # 1 February in Helsinki
    answers([6, 10], "2026-05-10T10:00Z", customer=customer, unit=other_unit, channel="chat", service=service)
    sent_invitation("2026-05-11T10:00Z", customer=customer, unit=unit)
    questions = [
        {"by": "quarter"},
        {"by": "month", "start": "2026-01-01", "end": "2026-12-31"},
        {"unit": unit.code, "by": "month"},
        {"channel": "chat"},
        {"service": "physio", "by": "year"},
        {"unit_type": "emergency", "segment": "sme"},
    ]

    def raw_and_rolled_up():
        StatsRollupState.objects.update(live=False)
        raw = [get(admin_api, **q) for q in questions]
        StatsRollupState.objects.update(live=True)
        return raw, [get(admin_api, **q) for q in questions]

    stats_rollups_rebuild()
    raw, rolled_up = raw_and_rolled_up()
    assert rolled_up == raw
    assert raw[0]["total"]["n"] == 6

    # New answers and sends while the rollups are live: the services keep them exact.
    for response in answers([0, 10, 9], "2026-05-12T10:00Z", customer=customer, unit=unit, coping="yes"):
        nps_rollup_invitation_sent(invitation=response.invitation)
        nps_rollup_add(response=response)
    nps_rollup_invitation_sent(invitation=sent_invitation("2026-05-13T10:00Z", customer=customer, unit=other_unit))
    raw, rolled_up = raw_and_rolled_up()
    assert rolled_up == raw
    assert raw[0]["total"]["n"] == 9

    stats_rollups_rebuild(first=None, last=None)  # idempotent
    assert raw_and_rolled_up()[1] == raw


def test_invitations_count_without_a_range_and_without_answers(admin_api, customer, unit):
    sent_invitation("2026-03-12T10:00Z", customer=customer, unit=unit)
    sent_invitation("2026-04-12T10:00Z", customer=customer, unit=unit)

    total = get(admin_api)["total"]

    assert (total["n"], total["nps"], total["invitations_sent"], total["response_rate"]) == (0, None, 2, 0.0)


def test_the_answer_service_keeps_live_rollups_exact(admin_api, customer, unit):
    from django.utils import timezone

    from surveys.services import nps_rollup_invitation_sent, response_record

    answers([10, 0], "2026-01-10T10:00Z", customer=customer, unit=unit)
    stats_rollups_rebuild()
    waiting = [sent_invitation(timezone.now(), customer=customer, unit=unit) for _ in range(3)]
    for invitation, score in zip(waiting, [10, 9, 4], strict=True):
        invitation.expires_at = timezone.now() + dt.timedelta(days=14)
        invitation.save()
        nps_rollup_invitation_sent(invitation=invitation)  # as the dispatcher does when it sends
        assert response_record(invitation=invitation, score=score, coping="partly", language="fi")

    rolled_up = get(admin_api, by="month")
    StatsRollupState.objects.update(live=False)
    raw = get(admin_api, by="month")

    assert rolled_up == raw
    assert (raw["total"]["n"], raw["total"]["invitations_sent"], raw["total"]["response_rate"]) == (5, 5, 100.0)


def test_the_dispatcher_counts_its_sends_in_live_rollups(admin_api, customer, unit):
    from surveys.services import surveys_dispatch_due
    from tests.surveys.factories import InvitationFactory, VisitFactory

    stats_rollups_rebuild()
    for _ in range(3):
        InvitationFactory(visit=VisitFactory(customer=customer, unit=unit))

    assert surveys_dispatch_due().sent == 3

    rolled_up = get(admin_api)["total"]
    StatsRollupState.objects.update(live=False)
    assert rolled_up == get(admin_api)["total"]
    assert rolled_up["invitations_sent"] == 3


def test_a_batch_of_sends_counts_as_the_single_ones_would(admin_api, customer, unit):
    from surveys.services import nps_rollup_invitations_sent

    stats_rollups_rebuild()
    other = UnitFactory(code="HKI-ER-3", type="emergency")
    batch = [sent_invitation("2026-05-11T10:00Z", customer=customer, unit=u) for u in (unit, unit, other)]
    batch.append(sent_invitation("2026-05-12T10:00Z", customer=customer, unit=unit))

    nps_rollup_invitations_sent(invitations=batch)

    rolled_up = [get(admin_api, unit=u.code)["total"]["invitations_sent"] for u in (unit, other)]
    StatsRollupState.objects.update(live=False)
    assert rolled_up == [get(admin_api, unit=u.code)["total"]["invitations_sent"] for u in (unit, other)] == [3, 1]


def test_a_send_whose_lease_was_lost_is_not_counted_in_live_rollups(admin_api, customer, unit):
    # A worker slower than its lease: another claimant took one of its rows mid-send. That row
    # is not recorded as this worker's send (its conditional UPDATE misses it), so the rollups
    # must not count it either; the new claimant counts it when it records its own send.
    from django.core.mail.backends.locmem import EmailBackend

    from surveys.models import SurveyInvitation
    from surveys.services import surveys_dispatch_due
    from tests.surveys.factories import InvitationFactory, VisitFactory

    stats_rollups_rebuild()
    invitations = [InvitationFactory(visit=VisitFactory(customer=customer, unit=unit)) for _ in range(3)]
    stolen = invitations[1]

    class LeaseLostMidSend(EmailBackend):
        def send_messages(self, messages):
            SurveyInvitation.objects.filter(pk=stolen.pk).update(lease_owner="another-claimant")
            return super().send_messages(messages)

    surveys_dispatch_due(connection_factory=LeaseLostMidSend)

    rolled_up = get(admin_api)["total"]
    StatsRollupState.objects.update(live=False)
    raw = get(admin_api)["total"]
    assert raw["invitations_sent"] == 2
    assert rolled_up == raw


def test_a_unit_without_a_target_of_its_own_takes_the_binding_target(admin_api, customer):
    digital = UnitFactory(code="HKI-DIGI-1", type="digital")  # no default target for digital services
    answers([10, 10, 6], "2026-03-10T10:00Z", customer=customer, unit=digital)  # NPS 33.3

    def target(**params):
        total = get(admin_api, start="2026-01-01", end="2026-12-31", unit=digital.code, **params)["total"]
        return total["target"], total["target_met"]

    assert target() == (None, None)
    BindingTarget.objects.create(year=2026, scope="organisation", target=30)
    assert target() == (30, True)
    BindingTarget.objects.create(year=2026, scope="customer", customer=customer, target=40)
    assert target(customer=customer.business_id) == (40, False)


def test_figures_round_half_up_from_their_exact_value(admin_api, customer, unit):
    # 13 promoters, 25 passives and 10 detractors of 48: NPS (13 − 10) / 48 = 6.25 exactly, so
    # 6.3 (a float difference of the shares is 6.2499…, which would round down to 6.2).
    answers([10] * 13 + [8] * 25 + [3] * 10, "2026-03-10T10:00Z", customer=customer, unit=unit)
    for _ in range(32):
        sent_invitation("2026-03-11T10:00Z", customer=customer, unit=unit)

    total = get(admin_api, start="2026-03-01", end="2026-03-31")["total"]

    assert (total["n"], total["nps"]) == (48, 6.3)
    assert (total["invitations_sent"], total["response_rate"]) == (80, 60.0)


def test_sends_and_answers_through_the_link_keep_live_rollups_exact(admin_api, client, customer, unit):
    import re

    from django.core import mail
    from django.core.management import call_command

    from tests.surveys.factories import InvitationFactory, VisitFactory

    stats_rollups_rebuild()
    for _ in range(3):
        InvitationFactory(visit=VisitFactory(customer=customer, unit=unit))
    call_command("dispatch_due_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    paths = [re.search(r"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", m.body).group(1) for m in mail.outbox]
    for path, score in zip(paths[:2], [10, 3], strict=True):
        client.post(path, {"score": score, "coping": "yes"})
        client.post(path, {"score": 0, "coping": "no"})  # a second submit changes nothing

    rolled_up = [get(admin_api, by="month"), get(admin_api, url="/api/v1/coping/", unit=unit.code)]
    StatsRollupState.objects.update(live=False)
    raw = [get(admin_api, by="month"), get(admin_api, url="/api/v1/coping/", unit=unit.code)]
    assert rolled_up == raw
    total = raw[0]["total"]
    assert (total["n"], total["nps"], total["invitations_sent"], total["response_rate"]) == (2, 0.0, 3, 66.7)


def test_a_first_rebuild_of_a_range_still_fills_the_rollups_for_all_data(admin_api, customer, unit):
    # The first rebuild switches the statistics to the rollups: if it filled only the range
    # asked for, every figure would leave the rest of the answers out from then on.
    answer(10, "2026-01-15T10:00Z", customer=customer, unit=unit)
    answer(0, "2026-05-15T10:00Z", customer=customer, unit=unit)

    stats_rollups_rebuild(first=dt.date(2026, 5, 1), last=dt.date(2026, 5, 31))

    rolled_up = get(admin_api, by="quarter")
    StatsRollupState.objects.update(live=False)
    raw = get(admin_api, by="quarter")
    assert rolled_up == raw
    assert raw["total"]["n"] == 2
