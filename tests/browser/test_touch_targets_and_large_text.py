"""Phone pages with big fingers and large text: every link a phone user taps is at least 44 px
tall (WCAG 2.5.5, the product's own rule), and the staff pages reflow with 200 % text instead of
scrolling sideways (WCAG 1.4.4, 1.4.10); a queue search says its count from a live region the
screen reader already knows (WCAG 4.1.3)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents import triage_views
from incidents.clocks import clocks_start_for
from incidents.models import Severity
from riskcabinet.roles import Role
from tests.browser.conftest import PHONE_WIDTH, field_employee, page_width, sign_in
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TAP = 44
# What sticks out past the right edge: the message of a failed width check.
STICKING_OUT = """width => [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > width + 0.5)
    .map(el => `${el.tagName}.${el.className} "${el.textContent.trim().slice(0, 30)}"`)
    .slice(0, 8)"""
SUGGESTIONS = {
    "nature": {
        "group": {"code": "99", "title": "Nonclassifiable", "probability": 0.2},
        "top": [
            {"code": "9999", "title": "Nonclassifiable", "probability": 0.12},
            {"code": "2731", "title": "Bursitis", "probability": 0.02},
        ],
        "auto_accept": False,
    },
}


def _too_short(targets: dict) -> dict:
    """The targets (name: locator) less than 44 px tall, with their height."""
    heights = {name: locator.bounding_box()["height"] for name, locator in targets.items()}
    return {name: height for name, height in heights.items() if height < TAP}


def _large_text(page) -> None:
    """200 % text, as a phone's text-size setting gives it (the page's rem doubles)."""
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    page.wait_for_timeout(100)


@pytest.fixture
def serious_case(monkeypatch):
    monkeypatch.setattr(triage_views, "_code_suggestions", lambda narrative: SUGGESTIONS)
    department = DepartmentFactory(name="Sanitation")
    user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
    incident = IncidentFactory(
        department=department,
        severity=Severity.HOSPITALIZATION,
        state_reportable=True,
        narrative="Lifted a full bin alone and felt a pull in the shoulder.",
    )
    clocks_start_for(incident=incident)
    CorrectiveActionFactory(
        incident=incident,
        description="Two-person lift for bins over 50 lb.",
        due_on=timezone.localdate() - timedelta(days=10),
    )
    return incident


def test_the_header_and_my_reports_links_are_44px_tall_on_a_phone(phone, base_url):
    employee = field_employee()
    IncidentFactory(reporter=employee)
    page = phone().new_page()
    sign_in(page, base_url, "worker-en", next="/my-reports/")

    page.keyboard.press("Tab")  # The skip link shows when it has the focus.
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    targets = {
        "skip link": skip,
        "home link": page.locator(".site-header .brand"),
        "report number": page.locator(".card__title a").first,
        "anonymous report": page.get_by_role("link", name="Report a near miss anonymously"),
    }
    assert _too_short(targets) == {}


@pytest.mark.parametrize(
    ("language", "width", "names"),
    [
        ("en", PHONE_WIDTH, ("Pages of your reports", "Previous", "Page 2 of 3", "Next")),
        ("es", 320, ("Páginas de sus reportes", "Anterior", "Página 2 de 3", "Siguiente")),
    ],
)
def test_the_pages_of_my_reports_are_44px_tap_targets_on_a_phone(
    phone, base_url, language, width, names
):
    employee = field_employee(language)
    for hours in range(45):
        IncidentFactory(reporter=employee, reported_at=timezone.now() - timedelta(hours=hours))
    page = phone(width=width).new_page()
    sign_in(page, base_url, employee.username, next="/my-reports/?page=2")

    label, previous, status, following = names
    pager = page.get_by_role("navigation", name=label)
    targets = {
        "previous": pager.get_by_role("link", name=previous),
        "next": pager.get_by_role("link", name=following),
    }
    assert _too_short(targets) == {}
    widths = {name: target.bounding_box()["width"] for name, target in targets.items()}
    assert min(widths.values()) >= TAP, widths
    # The page it is on reads on one line, and nothing is pushed past the phone's edge.
    status_box = pager.get_by_text(status).bounding_box()
    assert status_box["height"] < 2 * 16
    assert page_width(page) <= width, page.evaluate(STICKING_OUT, width)


@pytest.mark.parametrize("where", ["queue", "case", "history", "overdue", "osha"])
def test_the_staff_pages_reflow_with_200_percent_text(phone, base_url, serious_case, where):
    path = {
        "queue": "/triage/",
        "case": f"/triage/{serious_case.reference}/",
        "history": f"/triage/{serious_case.reference}/history/",
        "overdue": "/triage/actions/overdue/",
        "osha": "/osha/",
    }[where]
    page = phone().new_page()
    sign_in(page, base_url, "marcus", next="/triage/")
    page.goto(f"{base_url}{path}")

    _large_text(page)

    assert page_width(page) <= PHONE_WIDTH, page.evaluate(STICKING_OUT, PHONE_WIDTH)
    if where == "case":
        assert page.locator(".suggestions .button").first.is_visible()
        assert page.get_by_text("Add a corrective action").is_visible()


@pytest.mark.parametrize("width", [320, PHONE_WIDTH])
def test_queue_and_case_targets_are_44px_tall_on_a_phone(phone, base_url, serious_case, width):
    page = phone(width=width).new_page()
    sign_in(page, base_url, "marcus", next="/triage/")

    queue = {
        "overdue actions": page.get_by_role("link", name="Overdue actions"),
        "case number": page.locator(".queue-row__ref").first,
    }
    assert _too_short(queue) == {}
    page.goto(f"{base_url}/triage/{serious_case.reference}/")
    case = {
        "breadcrumb": page.locator(".breadcrumbs a").first,
        "code suggestion": page.locator(".suggestions .button").first,
    }
    assert _too_short(case) == {}


def test_a_queue_search_says_its_count_from_a_live_region_that_was_already_there(
    phone, base_url, serious_case
):
    """A screen reader reads out a change to a live region it already knows: a count swapped in
    with the rows, its text already written, is passed over in silence."""
    IncidentFactory(department=serious_case.department, narrative="Dog bite on the route.")
    page = phone().new_page()
    sign_in(page, base_url, "marcus", next="/triage/")
    before = page.evaluate(
        "() => [...document.querySelectorAll('[role=status], [aria-live]')]"
        ".filter(el => !el.closest('#queue-rows')).map(el => el.id)"
    )
    assert before  # A live region outside the part htmx swaps.

    with page.expect_response(lambda r: "q=bin" in r.url):
        page.locator("#id_q").press_sequentially("bin")
    page.wait_for_timeout(300)

    announced = page.evaluate(
        """ids => ids.map(id => document.getElementById(id)).filter(Boolean)
            .map(el => el.textContent).join(' ')""",
        before,
    )
    assert "1 case" in announced
    # Said once: the count swapped in with the rows is no live region of its own.
    assert page.locator("#queue-rows [role=status], #queue-rows [aria-live]").count() == 0
