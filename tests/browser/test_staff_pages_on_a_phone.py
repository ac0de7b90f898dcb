"""The staff pages an officer or a risk manager opens on a phone fit its width: wide tables
become stacked rows instead of pushing the whole page sideways."""

from datetime import timedelta
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents.clocks import clocks_start_for
from incidents.models import Incident, Severity
from riskcabinet.roles import Role
from tests.browser.conftest import PHONE_WIDTH, page_width, sign_in
from tests.factories import (
    ClaimFactory,
    CorrectiveActionFactory,
    DepartmentFactory,
    EstablishmentFactory,
    IncidentFactory,
    user_with_role,
)
from tests.riskcabinet.cabinet_helpers import scored_city

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def case():
    department = DepartmentFactory(name="Police", code="LAPD")
    incident = IncidentFactory(department=department)
    ClaimFactory(incident=incident, claim_number="WC24-000525")
    for days in (-30, 5):
        CorrectiveActionFactory(
            incident=incident,
            description="Post de-escalation guidance and panic buttons at the counter.",
            control_level="ppe",
            due_on=timezone.localdate() + timedelta(days=days),
        )
    user_with_role(Role.RISK_MANAGER, username="manager")
    return incident


def _right_edge(locator) -> float:
    box = locator.bounding_box()
    return box["x"] + box["width"]


@pytest.mark.parametrize("width", [PHONE_WIDTH, 320])
def test_the_case_page_fits_a_phone(phone, base_url, case, width):
    # A serious case: its open deadlines' forms (a date field each) are the widest part.
    case.severity, case.state_reportable = Severity.HOSPITALIZATION, True
    case.save()
    clocks_start_for(incident=case)
    page = phone(width=width).new_page()
    sign_in(page, base_url, "manager", next="/triage/")

    page.goto(f"{base_url}/triage/{case.reference}/")

    assert page.locator("h1").first.is_visible()
    assert page.locator("#clocks form").first.is_visible()
    assert page_width(page) <= width


def test_the_claims_of_a_case_read_as_labelled_rows_on_a_phone(phone, base_url, case):
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/")

    page.goto(f"{base_url}/triage/{case.reference}/")
    cell = page.locator(".claims__table td[data-label='Total incurred']")

    assert _right_edge(cell) <= PHONE_WIDTH
    label = cell.evaluate("cell => getComputedStyle(cell, '::before').content")
    assert label == '"Total incurred: "'


def test_a_departments_open_actions_read_as_labelled_rows_on_a_phone(phone, base_url, case):
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/")

    page.goto(f"{base_url}/cabinet/departments/LAPD/")
    levels = page.locator(".actions-table td[data-label='Control level']")

    assert levels.count() == 2
    assert all(_right_edge(levels.nth(n)) <= PHONE_WIDTH for n in range(2))
    assert page_width(page) <= PHONE_WIDTH


def test_the_queue_folds_its_filters_on_a_phone_and_not_on_a_tablet(browser, phone, base_url, case):
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/")

    assert page.locator("#id_q").is_visible()
    assert not page.locator("#id_severity").is_visible()
    page.get_by_text("Filters", exact=True).click()
    assert page.locator("#id_severity").is_visible()

    tablet = browser.new_context(viewport={"width": 820, "height": 1180}, locale="en-US")
    try:
        wide = tablet.new_page()
        sign_in(wide, base_url, "manager", next="/triage/")
        assert wide.locator("#id_severity").is_visible()
    finally:
        tablet.close()


def test_cases_ticked_on_a_phone_are_assigned_in_one_go(phone, base_url, case):
    second = IncidentFactory(department=case.department)
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/")

    for incident in (case, second):
        page.get_by_label(f"Tick {incident.reference}").check()
    page.get_by_role("button", name="Assign", exact=True).click()

    page.get_by_text("2 cases assigned to").wait_for()
    manager = get_user_model().objects.get(username="manager")
    assert {i.assignee for i in Incident.objects.filter(pk__in=[case.pk, second.pk])} == {manager}
    assert page_width(page) <= PHONE_WIDTH


def test_every_case_on_the_page_is_ticked_at_once_on_a_phone(phone, base_url, case):
    second = IncidentFactory(department=case.department)
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/")

    page.get_by_label("Tick every case on this page").check()

    for incident in (case, second):
        assert page.get_by_label(f"Tick {incident.reference}").is_checked()
    page.get_by_role("button", name="Assign", exact=True).click()
    page.get_by_text("2 cases assigned to").wait_for()
    assert not page.get_by_label("Tick every case on this page").is_checked()


def test_the_recordability_guide_names_the_criterion_that_settles_it(phone, base_url, case):
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/")
    page.goto(f"{base_url}/triage/{case.reference}/")
    guide = page.locator("#recordability")

    for question, answer in (
        ("work_related", "yes"),
        ("new_case", "yes"),
        ("death", "no"),
        ("days_away", "yes"),
    ):
        guide.locator(f"[data-question='{question}'] input[value='{answer}']").check()

    assert page.locator("#recordability-outcome").inner_text() == (
        "Recordable: days away from work. Record the decision to save it."
    )
    assert guide.locator("[data-question='medical_treatment']").is_hidden()


def test_a_departments_charts_are_drawn_for_a_phone_with_scale_and_legend_in_view(phone, base_url):
    """On a phone the monthly chart shows the last twelve months as wide as the phone, and the
    funnel is drawn as wide as the phone: scale, legend, limits and departments all in view
    (the monthly chart was a screen-wide drawing scrolled to its end, its scale out of view)."""
    scored_city()
    user_with_role(Role.CABINET_MEMBER, username="head")
    page = phone().new_page()
    sign_in(page, base_url, "head", next="/cabinet/")
    page.goto(f"{base_url}/cabinet/departments/BSS/?month=2026-10")

    for figure in page.locator(".chart-figure--screen").all():
        assert figure.is_hidden()
    monthly, funnel = page.locator(".chart-figure--phone").all()
    for figure, texts in (
        (monthly, ("Cases with harm per 200,000 hours", "Upper control limit", "Lower limit")),
        (funnel, ("99.8% limits", "within the limits", "BSS")),
    ):
        assert figure.is_visible()
        assert figure.evaluate("f => f.scrollWidth <= f.clientWidth")
        box = figure.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE_WIDTH
        for text in texts:
            label = figure.locator("text", has_text=text).first.bounding_box()
            assert box["x"] <= label["x"]
            assert label["x"] + label["width"] <= box["x"] + box["width"]
    # Twelve months, the latest named on the axis; labels do not run into each other.
    assert monthly.locator("circle").count() == 12
    months = monthly.locator("text", has_text="Oct")
    assert months.count() >= 1
    named = sorted(
        (b["x"], b["x"] + b["width"])
        for b in (t.bounding_box() for t in monthly.locator("text[text-anchor=middle]").all())
        if b and b["y"] > box["y"] + box["height"] * 0.7
    )
    assert all(right < next_left for (_, right), (next_left, _) in pairwise(named))
    assert monthly.locator("figcaption").inner_text() == "Nov 2025 to Oct 2026"


def _middle(locator) -> float:
    box = locator.bounding_box()
    return box["y"] + box["height"] / 2


def test_the_recordability_steps_number_their_questions(phone, base_url, case):
    case.recordable = True  # From a claims file: the guide's answers are still to be given.
    case.save()
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/")
    page.goto(f"{base_url}/triage/{case.reference}/")
    step = page.locator("#recordability .guide__step").first

    # The number is the question's (its legend's), not a list marker beside the first line of
    # text, which is the help under the question.
    assert step.evaluate("li => getComputedStyle(li).listStyleType") == "none"
    number = step.locator("legend").evaluate("el => getComputedStyle(el, '::before').content")
    assert number == 'counter(guide-step) "."'
    # The notice that the case is recordable reads in the page's ink, not brown on yellow.
    outcome = page.locator("#recordability-outcome.decision--yes")
    assert outcome.evaluate("el => getComputedStyle(el).color") == "rgb(27, 35, 48)"


def test_the_investigation_is_completed_by_a_checkbox_above_its_button(browser, base_url, case):
    tablet = browser.new_context(viewport={"width": 820, "height": 1180}, locale="en-US")
    try:
        page = tablet.new_page()
        sign_in(page, base_url, "manager", next="/triage/")
        page.goto(f"{base_url}/triage/{case.reference}/")
        check = page.locator("#investigation label.check")
        button = page.get_by_role("button", name="Save investigation")

        check_box, button_box = check.bounding_box(), button.bounding_box()
        assert check_box["y"] + check_box["height"] <= button_box["y"]
        assert check_box["height"] >= 44
    finally:
        tablet.close()


def test_the_osha_logs_line_up_on_a_tablet_and_label_their_links_on_a_phone(
    browser, phone, base_url, case
):
    EstablishmentFactory(department=case.department)
    tablet = browser.new_context(viewport={"width": 820, "height": 1180}, locale="en-US")
    try:
        wide = tablet.new_page()
        sign_in(wide, base_url, "manager", next="/osha/")
        row = wide.locator(".osha-years tbody tr").first
        # The year is level with its links, not at the top of its cell.
        year, links = row.locator("th"), row.locator("td .osha-links a").first
        assert abs(_middle(year) - _middle(links)) <= 2
        assert links.bounding_box()["height"] >= 44
    finally:
        tablet.close()

    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/osha/")
    cells = page.locator(".osha-years tbody tr").first.locator("td")
    labels = cells.evaluate_all(
        "cells => cells.map(cell => getComputedStyle(cell, '::before').content)"
    )
    assert labels == ['"Log and summary"', '"ITA upload files"']
    assert page_width(page) <= PHONE_WIDTH


def test_an_overdue_action_is_one_tinted_row_on_a_phone(phone, base_url, case):
    page = phone().new_page()
    sign_in(page, base_url, "manager", next="/triage/")
    page.goto(f"{base_url}/cabinet/departments/LAPD/")
    row = page.locator(".actions-table tr.is-overdue")

    # The row itself is tinted, so no white bands show between its cells and the next row.
    assert row.evaluate("tr => getComputedStyle(tr).backgroundColor") == "rgb(253, 236, 234)"
