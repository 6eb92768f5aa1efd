"""Names of units and services, industries and the error pages in Finnish, Swedish and English,
in Chromium at desktop and phone width; screenshots in tests/e2e/screenshots/ (not committed)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.cooperation.factories import CustomerFactory, UserFactory
from tests.e2e.conftest import sign_in
from tests.surveys.factories import PractitionerFactory, ServiceFactory, UnitFactory
from tests.surveys.factories_stats import answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 812}}
NAMES = {
    "fi": ("Kampin työterveysasema, Helsinki", "Työterveyslääkärin vastaanotto", "Teollisuus"),
    "sv": ("Kampens företagshälsostation, Helsingfors", "Företagsläkarens mottagning", "Tillverkning"),
    "en": ("Kamppi occupational health clinic, Helsinki", "Occupational physician's appointment", "Manufacturing"),
}


@pytest.fixture
def admin(db):
    user = UserFactory(email="admin@provider.example", full_name="Aino Admin", role="admin", is_staff=True)
    unit = UnitFactory(
        code="HKI-CARE-1",
        name="Kamppi occupational health clinic, Helsinki",
        name_fi="Kampin työterveysasema, Helsinki",
        name_sv="Kampens företagshälsostation, Helsingfors",
    )
    service = ServiceFactory(
        code="gp-visit",
        name="Occupational physician's appointment",
        name_fi="Työterveyslääkärin vastaanotto",
        name_sv="Företagsläkarens mottagning",
    )
    practitioner = PractitionerFactory(code="dr-1", name="Liisa Lahtinen", unit=unit)
    customer = CustomerFactory(name="Pohjolan Konepaja Oy", industry="C", headcount=1200, account_manager=user)
    for n, (score, comment) in enumerate([(10, "Sain hyvät ohjeet ja apua nopeasti."), (6, "Fick bra hjälp, tack!")]):
        answer(
            score,
            f"2026-06-0{n + 1}T10:30Z",
            customer=customer,
            unit=unit,
            service=service,
            practitioner=practitioner,
            comment=comment,
        )
    return user


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_names_and_error_pages_in_each_language(browser, live_server, admin, language):
    SCREENSHOTS.mkdir(exist_ok=True)
    unit, service, industry = NAMES[language]
    for width, viewport in VIEWPORTS.items():
        context = browser.new_context(base_url=live_server.url, locale=language, viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        violations = []
        page.on("console", lambda message, seen=violations: seen.append(message.text))
        sign_in(page, admin.email)

        page.goto("/reports/comments/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator("p.comment-facts").first).to_contain_text(f"{unit} · {service}")
        expect(page.locator("ol.comment-list li").first).to_contain_text("13.30" if language != "en" else "13:30")
        page.screenshot(path=SCREENSHOTS / f"languages-comments-{language}-{width}.png", full_page=True)

        page.goto("/customers/")
        expect(page.locator("main")).to_contain_text(industry)

        response = page.goto("/no/such/page/")
        assert response.status == 404
        expect(page.locator("main .error-page h1")).to_be_visible()
        if language == "en":
            expect(page).to_have_title("Page not found – Occupational health")
        page.screenshot(path=SCREENSHOTS / f"languages-404-{language}-{width}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{language} {width}: the page scrolls {overflow} px sideways"
        assert [text for text in violations if "Content Security Policy" in text] == []
        context.close()
