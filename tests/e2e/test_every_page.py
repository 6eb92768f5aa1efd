"""Every page, for everyone: each page of each role in Chromium at desktop (1280 px) and phone
(390 px) width, in Finnish, Swedish and English. On each:

- axe-core (bundled by axe-playwright-python, nothing fetched) finds no serious or critical
  violation: labels on every field, contrast, names of links and buttons, landmarks, lang …;
- the page never scrolls sideways (``scrollWidth <= innerWidth``);
- keyboard focus is visible on the first focusable elements (Tab, then an outline or a shadow);
- a screenshot goes to tests/e2e/screenshots/every-page/ (not committed).

To add a page, add a row to PAGES below: the role that reads it, the URL name and its arguments
(``"world.attr.attr"`` strings name objects of the ``world`` fixture), and whether it is a main
page (checked in all three languages; others in English only). A role or an object the page needs
goes into ``world``. Run: ``pytest tests/e2e/test_every_page.py -q`` (about a minute)."""

import datetime as dt
import operator
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone

from cooperation.economics import city_matrix
from cooperation.economics import services as economics
from cooperation.economics.models import MatrixIndicator, WorkHealthMatrix
from cooperation.models import Indicator, Phase
from surveys.emails import unsubscribe_signature
from surveys.models import BindingTarget, InvitationStatus, RespondentGroup, UnitQualityStaff
from surveys.services import new_token, token_hash
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    ContactFactory,
    CustomerFactory,
    GoalFactory,
    MeasurementFactory,
    MeetingFactory,
    UserFactory,
)
from tests.e2e.conftest import sign_in
from tests.surveys.factories import InvitationFactory, PractitionerFactory, UnitFactory
from tests.surveys.factories_stats import answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots" / "every-page"
WIDTHS = (1280, 390)
LANGUAGES = ("fi", "sv", "en")
FAILING_IMPACTS = frozenset({"serious", "critical"})
PUBLIC = "public"


@dataclass(frozen=True)
class Page:
    role: str  # a key of ROLES, or PUBLIC (no sign-in)
    name: str  # URL name
    args: dict = field(default_factory=dict)  # URL kwargs: "world.x.y" strings or plain values
    main: bool = False  # checked in fi, sv and en (others: en)
    query: str = ""  # e.g. "?q=Asiakas"
    lang_param: bool = False  # the language comes from ?lang= (the public survey pages), not the cookie

    def url(self, world) -> str:
        kwargs = {
            key: operator.attrgetter(value.removeprefix("world."))(world)
            if isinstance(value, str) and value.startswith("world.")
            else value
            for key, value in self.args.items()
        }
        return reverse(self.name, kwargs=kwargs) + self.query


CUSTOMER = {"business_id": "world.customer.business_id"}
# Who signs in as each role (the users are made by the world fixture).
ROLES = {
    "admin": "admin@provider.example",
    "account-manager": "am@provider.example",
    "decision-maker": "dm@customer.example",
    "supervisor": "sup@customer.example",
    "quality": "quality@provider.example",
}

# ---- The pages. Add a row per page (the lead adds the pages of other branches here). ----
PAGES = [
    # Without signing in
    Page(PUBLIC, "login", main=True),
    Page(PUBLIC, "surveys:answer", {"token": "world.token"}, main=True, lang_param=True),
    Page(PUBLIC, "surveys:answer", {"token": "world.answered_token"}, lang_param=True),  # the thank-you page
    Page(PUBLIC, "surveys:unsubscribe", {"signed": "world.unsubscribe"}, main=True, lang_param=True),
    # Administrator
    Page("admin", "home", main=True),
    Page("admin", "home", query="?q=Asiakas+0&attention=yes"),
    Page("admin", "cooperation:customer-list", main=True),
    Page("admin", "cooperation:customer-create"),
    Page("admin", "cooperation:customer-detail", CUSTOMER, main=True),
    Page("admin", "cooperation:contact-create", CUSTOMER),
    Page("admin", "cooperation:agreement-create", CUSTOMER),
    Page("admin", "cooperation:agreement-detail", {"pk": "world.agreement.pk"}, main=True),
    Page("admin", "cooperation:meeting-list", CUSTOMER),
    Page("admin", "cooperation:meeting-create", CUSTOMER),
    Page("admin", "cooperation:meeting-detail", {"pk": "world.meeting.pk"}, main=True),
    Page("admin", "cooperation:meeting-update", {"pk": "world.meeting.pk"}),
    Page("admin", "cooperation:meeting-pack", {"pk": "world.meeting.pk"}),
    Page("admin", "cooperation:action-item-update", {"pk": "world.action_item.pk"}),
    Page("admin", "surveys:nps-rounds", main=True),
    Page("admin", "indicators", main=True),
    Page("admin", "indicators", query="?year=abc"),  # a bad filter: the form's error
    Page("admin", "binding-target-list"),
    Page("admin", "binding-target-report", {"pk": "world.target.pk"}, main=True),
    Page("admin", "quality-comments"),
    Page("admin", "cooperation:agreement-step", {"pk": "world.agreement.pk", "step": "planning"}),
    Page("admin", "alerts:inbox"),
    # Account manager
    Page("account-manager", "home", main=True),
    Page("account-manager", "cooperation:customer-detail", CUSTOMER, main=True),
    Page("account-manager", "surveys:nps-rounds"),
    Page("account-manager", "alerts:inbox", main=True),
    Page("account-manager", "cooperation:agreement-step", {"pk": "world.agreement.pk", "step": "orientation"}),
    Page("account-manager", "cooperation:agreement-step", {"pk": "world.agreement.pk", "step": "agreed"}, main=True),
    Page("account-manager", "cooperation:matrix-list", CUSTOMER),
    Page("account-manager", "cooperation:matrix-detail", {"pk": "world.matrix.pk"}, main=True),
    Page("account-manager", "cooperation:matrix-indicators", {"pk": "world.matrix.pk"}),
    Page("account-manager", "cooperation:economic-impact", CUSTOMER, main=True),
    Page("account-manager", "annual-report", CUSTOMER | {"year": "world.year"}, main=True),
    Page("account-manager", "questionnaire-customer", CUSTOMER, main=True),
    Page("account-manager", "questionnaire-portfolio", main=True),
    # Corporate decision-maker and supervisor (their own company only)
    Page("decision-maker", "dashboard", main=True),
    Page("decision-maker", "indicators", main=True),
    Page("decision-maker", "cooperation:meeting-list", CUSTOMER),
    Page("decision-maker", "annual-report", CUSTOMER | {"year": "world.year"}),
    Page("supervisor", "dashboard"),
    Page("supervisor", "indicators"),
    # Quality staff
    Page("quality", "quality-units", main=True),
    Page("quality", "quality-practitioners"),
    Page("quality", "quality-comments", main=True),
    Page("quality", "feedback-case-queue", main=True),
    Page("quality", "feedback-case-report"),
    Page("quality", "response-delay-report", main=True),
    Page("quality", "nps-by-channel"),
    Page("quality", "binding-target-list"),
    Page("quality", "indicators"),
]


@pytest.fixture
def world(db):
    """One customer with everything its pages show, its people, and the provider's staff."""
    today = timezone.localdate()
    admin = UserFactory(email=ROLES["admin"], full_name="Aino Admin", role="admin")
    manager = UserFactory(email=ROLES["account-manager"], full_name="Anna Manager", role="account-manager")
    quality = UserFactory(email=ROLES["quality"], full_name="Kalle Laatu", role="quality")
    customers = [
        CustomerFactory(name=f"Asiakas {n:02d} Työterveyspalveluyhteistyö Oy", account_manager=manager)
        for n in range(1, 4)
    ]
    customer = customers[0]
    UserFactory(email=ROLES["decision-maker"], full_name="Päivi Päättäjä", role="decision-maker", customer=customer)
    UserFactory(email=ROLES["supervisor"], full_name="Esa Esihenkilö", role="supervisor", customer=customer)
    ContactFactory(customer=customer, name="Päivi Päättäjä")
    agreement = AgreementFactory(customer=customer, phase=Phase.AGREED)
    goal = GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=20, target=50)
    GoalFactory(agreement=agreement)
    MeasurementFactory(goal=goal, value=35)
    meeting = MeetingFactory(customer=customer, agreement=agreement, date=today + dt.timedelta(days=10))
    past = MeetingFactory(customer=customer, agreement=agreement, date=today - dt.timedelta(days=60))
    action_item = ActionItemFactory(meeting=past, due_date=today - dt.timedelta(days=5))
    ActionItemFactory(meeting=meeting, due_date=today + dt.timedelta(days=30))
    unit = UnitFactory(name="Työterveysasema Keskusta")
    UnitQualityStaff.objects.create(unit=unit, user=quality)
    practitioner = PractitionerFactory(unit=unit, name="Lääkäri Lahtinen")
    when = timezone.now() - dt.timedelta(days=100)
    for group in (RespondentGroup.PATIENT, RespondentGroup.SUPERVISOR):
        answers([10, 9, 9, 7, 3, 10, 8], when, customer=customer, unit=unit, group=group, coping="yes")
    answers([9, 4], when, customer=customer, unit=unit, practitioner=practitioner, comment="Hyvä palvelu, kiitos.")
    target = BindingTarget.objects.create(year=today.year, scope="customer", customer=customer, target=50)
    city_matrix.install(WorkHealthMatrix, MatrixIndicator)  # a transactional test's flush removed it
    matrix = economics.matrix_copy_template(customer=customer, template_code="city-2009", year=today.year)
    economics.matrix_results_record(matrix=matrix, results={"sick_leave_days": 13, "accidents": None})
    token, answered_token = new_token(), new_token()
    sent = {"status": InvitationStatus.SENT, "sent_at": timezone.now()}
    invitation = InvitationFactory(token_hash=token_hash(token), visit__customer=customer, **sent)
    InvitationFactory(
        token_hash=token_hash(answered_token), visit__customer=customer, **(sent | {"status": "answered"})
    )
    return SimpleNamespace(
        admin=admin,
        customer=customer,
        agreement=agreement,
        meeting=meeting,
        action_item=action_item,
        target=target,
        token=token,
        answered_token=answered_token,
        unsubscribe=unsubscribe_signature(invitation.pk),
        matrix=matrix,
        year=today.year,
    )


def _problems_on(page, axe: Axe, *, label: str, run_axe: bool, check_focus: bool) -> list[str]:
    problems = []
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
        ".slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))]"
    )
    if overflow[0] > overflow[1]:
        problems.append(f"{label}: scrolls sideways ({overflow[0]} > {overflow[1]} px; wide: {overflow[2]})")
    violations = axe.run(page, options={"resultTypes": ["violations"]}).response["violations"] if run_axe else []
    for violation in violations:
        if violation["impact"] in FAILING_IMPACTS:
            nodes = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:3])
            problems.append(f"{label}: axe {violation['impact']} {violation['id']} ({violation['help']}) at {nodes}")
    if check_focus:
        problems += [f"{label}: {p}" for p in _focus_problems(page)]
    return problems


FOCUS_JS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const visible = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
  const name = e.tagName.toLowerCase() + (e.name ? '[name=' + e.name + ']' : '')
    + ' ' + (e.textContent || '').trim().slice(0, 30);
  return [name, visible, !!e.closest('main')];
}"""


def _focus_problems(page, in_main: int = 3, presses: int = 30) -> list[str]:
    """Tab from the top of the page through the header into the page's own content: every
    element that takes the focus shows it (the first ``in_main`` of the content are enough)."""
    problems, seen = [], 0
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_JS)
        if focused is None:
            break
        name, visible, inside = focused
        if not visible:
            problems.append(f"no visible focus on {name!r}")
        seen += inside
        if seen >= in_main:
            break
    return problems


def _check_role(browser, live_server, world, role: str) -> tuple[list[str], int]:
    axe = Axe()
    problems, loads = [], 0
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        if role != PUBLIC:
            sign_in(page, ROLES[role])
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
        for language in LANGUAGES:
            context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
            for entry in (p for p in PAGES if p.role == role and (p.main or language == "en")):
                url = entry.url(world)
                if entry.lang_param:
                    url += ("&" if "?" in url else "?") + f"lang={language}"
                # Finnish and Swedish words are what break a narrow layout: they are checked at
                # phone width; English at both.
                for width in WIDTHS if language == "en" else WIDTHS[1:]:
                    page.set_viewport_size({"width": width, "height": 900})
                    response = page.goto(url)
                    loads += 1
                    label = f"{role} {url} {language} {width}px"
                    if response is None or response.status != 200:
                        problems.append(f"{label}: HTTP {response and response.status}")
                        continue
                    problems += _problems_on(
                        page,
                        axe,
                        label=label,
                        # Colours and names are the same in every language; the layout is not.
                        run_axe=language == "en" or width < WIDTHS[0],
                        check_focus=language == "en" and width == WIDTHS[0],
                    )
                    slug = f"{role}-{PAGES.index(entry):02d}-{entry.name.replace(':', '-')}"
                    page.screenshot(path=SCREENSHOTS / f"{slug}-{language}-{width}.png", full_page=True)
    finally:
        context.close()
    return problems, loads


@pytest.mark.parametrize("role", [*ROLES, PUBLIC])
def test_every_page_is_usable_by_everyone(browser, live_server, world, role):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    problems, loads = _check_role(browser, live_server, world, role)
    print(f"{role}: {loads} page loads checked in {time.monotonic() - started:.1f} s")
    assert not problems, "\n".join(problems)


def test_the_table_names_every_role_and_page():
    """A row with an unknown role would silently check nothing."""
    assert {p.role for p in PAGES} <= {*ROLES, PUBLIC}
    assert {p.role for p in PAGES} == {*ROLES, PUBLIC}
