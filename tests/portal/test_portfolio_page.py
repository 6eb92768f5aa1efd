"""The portfolio page through the test client: who sees which customers, search, every sort
column both ways, filters, paging, and bad query parameters."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from cooperation.models import Indicator, Phase
from portal.selectors import closed_quarters
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    CustomerFactory,
    EmployeeFactory,
    GoalFactory,
    MeetingFactory,
    SickLeaveFactory,
    UserFactory,
)
from tests.cooperation.test_pages import sign_in
from tests.surveys.factories_stats import answer

pytestmark = pytest.mark.django_db


@pytest.fixture
def am(db):
    """An account manager whose portfolio each test fills."""
    return UserFactory(email="am@provider.example", role="account-manager")


def names(response) -> list[str]:
    """Customer names in the order the page lists them."""
    assert response.status_code == 200
    return re.findall(r'<th scope="row"[^>]*><a href="/customers/[^"]+/">([^<]+)</a>', response.content.decode())


def get(client, query: str = ""):
    return client.get(f"/{query}", HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def three(am):
    """Three customers of ``am`` whose every figure differs: ascending by each column
    (except segment) the order is the one in EXPECTED."""
    today = timezone.localdate()
    quarter = closed_quarters(today=today)[-1]
    when = dt.datetime.combine(quarter[1] + dt.timedelta(days=20), dt.time(12), tzinfo=dt.UTC)
    yesterday = today - dt.timedelta(days=1)

    def make(name, headcount, phase, scores, copings, employees, sick, meeting_in, overdue, nps_target, off_track):
        customer = CustomerFactory(name=name, headcount=headcount, account_manager=am)
        agreement = AgreementFactory(customer=customer, phase=phase) if phase else None
        if nps_target is not None:
            GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=0, target=nps_target)
        if off_track:
            goal = GoalFactory(agreement=agreement, baseline=50, target=90, due_date=yesterday)
            goal.measurements.create(measured_on=yesterday, value=55)
        for score, coping in zip(scores, copings, strict=True):
            answer(score, when, customer=customer, coping=coping)
        for n in range(employees):
            person = EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
            if n < sick:
                SickLeaveFactory(employee=person, start=yesterday - dt.timedelta(days=5), end=yesterday)
        MeetingFactory(customer=customer, date=today + dt.timedelta(days=meeting_in))
        past = MeetingFactory(customer=customer, date=today - dt.timedelta(days=40))
        for _ in range(overdue):
            ActionItemFactory(meeting=past, due_date=today - dt.timedelta(days=3))
        return customer

    return [
        make("Alpha Oy", 10, Phase.ORIENTATION, [10], ["yes"], 1, 0, 30, 0, None, False),
        make("Beta Oy", 300, Phase.AGREED, [10, 0], ["yes", "no"], 2, 1, 10, 2, 50, False),
        make("Gamma Ab", 20, Phase.FOLLOW_UP, [0], ["no"], 1, 1, 20, 1, 50, True),
    ]


EXPECTED = {
    "name": ["Alpha Oy", "Beta Oy", "Gamma Ab"],
    "phase": ["Alpha Oy", "Beta Oy", "Gamma Ab"],  # orientation, agreed, follow-up
    "nps": ["Gamma Ab", "Beta Oy", "Alpha Oy"],  # −100, 0, 100
    "coping": ["Gamma Ab", "Beta Oy", "Alpha Oy"],  # 0, 50, 100 %
    "health": ["Gamma Ab", "Beta Oy", "Alpha Oy"],  # 0, 50, 100 %
    "meeting": ["Beta Oy", "Gamma Ab", "Alpha Oy"],  # in 10, 20, 30 days
    "overdue": ["Alpha Oy", "Gamma Ab", "Beta Oy"],  # 0, 1, 2
    "attention": ["Alpha Oy", "Beta Oy", "Gamma Ab"],  # no reason, NPS below target, and a goal too
}


@pytest.mark.parametrize("column", list(EXPECTED))
def test_each_column_sorts_both_ways(client, am, three, column):
    sign_in(client, am)
    assert names(get(client, f"?sort={column}")) == EXPECTED[column]
    assert names(get(client, f"?sort=-{column}")) == EXPECTED[column][::-1]


def test_segment_sorts_with_names_breaking_ties(client, am, three):
    sign_in(client, am)
    assert names(get(client, "?sort=segment")) == ["Beta Oy", "Alpha Oy", "Gamma Ab"]  # large before SME
    assert names(get(client, "?sort=-segment")) == ["Alpha Oy", "Gamma Ab", "Beta Oy"]


def test_sort_links_say_the_direction_to_assistive_technology(client, am, three):
    sign_in(client, am)
    page = get(client, "?sort=-nps&segment=sme").content.decode()
    assert re.search(
        r'<th scope="col" aria-sort="descending" class="num">'
        r'<a class="sort sort-current" href="\?sort=nps&amp;segment=sme"',
        page,
    )
    assert page.count('aria-sort="none"') == 8


def test_a_row_shows_its_figures_and_warnings_in_words(client, am, three):
    sign_in(client, am)
    page = get(client, "?q=Gamma").content.decode()
    assert "1 overdue" in page and 'badge-overdue' in page
    assert "Goal off track: Health percentage" in page
    assert "NPS below target" in page
    assert "Follow-up" in page
    assert 'data-chart="nps-trend-' in page and "Employee NPS by quarter:" in page


def test_search_by_name_or_business_id(client, am, three):
    sign_in(client, am)
    assert names(get(client, "?q=beta")) == ["Beta Oy"]
    assert names(get(client, f"?q={three[2].business_id[:7]}")) == ["Gamma Ab"]
    response = get(client, "?q=nobody-at-all")
    assert names(response) == []
    assert "No customers match the search and filters." in response.content.decode()


def test_filters_segment_phase_and_attention(client, am, three):
    CustomerFactory(name="Delta Oy", account_manager=am)
    sign_in(client, am)
    assert names(get(client, "?segment=large")) == ["Beta Oy"]
    assert names(get(client, "?phase=agreed")) == ["Beta Oy"]
    assert names(get(client, "?phase=none")) == ["Delta Oy"]
    assert names(get(client, "?attention=yes")) == ["Beta Oy", "Gamma Ab"]
    assert names(get(client, "?attention=no")) == ["Alpha Oy", "Delta Oy"]
    assert names(get(client, "?attention=yes&sort=-nps&segment=sme")) == ["Gamma Ab"]
    assert names(get(client, "?phase=follow-up&sort=-overdue")) == ["Gamma Ab"]


def test_an_account_manager_sees_only_the_own_portfolio_and_an_admin_all(client, am, three, other_customer):
    sign_in(client, am)
    page = get(client, "?sort=-nps")
    assert other_customer.name not in page.content.decode()
    assert "Other" not in " ".join(names(get(client, f"?q={other_customer.business_id}")))
    assert names(get(client, "?attention=no")) == ["Alpha Oy"]
    client.post("/accounts/logout/")
    sign_in(client, UserFactory(email="admin@provider.example", role="admin"))
    assert names(get(client)) == ["Alpha Oy", "Beta Oy", "Gamma Ab", "Other Customer Ab"]
    assert names(get(client, "?sort=-nps")) == ["Alpha Oy", "Beta Oy", "Gamma Ab", "Other Customer Ab"]


@pytest.fixture
def thirty(am):
    return [CustomerFactory(name=f"Customer {n:02d} Oy", account_manager=am) for n in range(1, 31)]


def test_paging_past_the_first_page_keeps_search_and_sort(client, am, thirty):
    sign_in(client, am)
    first = get(client, "?sort=-name")
    assert names(first)[0] == "Customer 30 Oy" and len(names(first)) == 25
    page = first.content.decode()
    assert "Page 1 of 2" in page and 'href="?sort=-name&amp;page=2" rel="next"' in page
    second = get(client, "?sort=-name&page=2")
    assert names(second) == [f"Customer {n:02d} Oy" for n in range(5, 0, -1)]
    assert "Showing 26–30 of 30" in second.content.decode()
    assert names(get(client, "?q=Customer+0&page=1")) == [f"Customer {n:02d} Oy" for n in range(1, 10)]


@pytest.mark.parametrize(
    "query, first_name, count",
    [
        ("?page=99", "Customer 26 Oy", 5),  # beyond the last page: the last page
        ("?page=abc", "Customer 01 Oy", 25),  # not a number: the first
        ("?page=-3", "Customer 26 Oy", 5),
        ("?sort=password", "Customer 01 Oy", 25),  # unknown column: by name
        ("?sort=--nps&segment=giant&phase=nonsense&attention=maybe", "Customer 01 Oy", 25),
        ("?q=" + "x" * 5000, None, 0),
    ],
)
def test_bad_query_parameters_give_a_sensible_page(client, am, thirty, query, first_name, count):
    sign_in(client, am)
    listed = names(get(client, query))
    assert len(listed) == count
    assert (listed[0] if listed else None) == first_name


def test_an_empty_portfolio_says_so(client, am):
    sign_in(client, am)
    page = get(client).content.decode()
    assert "No customers in your portfolio yet." in page


def test_queries_do_not_grow_with_the_rows_shown(client, am, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, am)
    counts = []
    for n in (3, 25):
        for _ in range(n - (counts and 3 or 0)):
            customer = CustomerFactory(account_manager=am)
            GoalFactory(agreement=AgreementFactory(customer=customer))
        with CaptureQueriesContext(connection) as queries:
            assert get(client, "?sort=-nps").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
