"""The cabinet dashboard and department pages: who may read them, and what they show."""

import re
from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from incidents.models import Source
from riskcabinet import charts
from riskcabinet.models import Department, DepartmentScore
from riskcabinet.roles import Role
from tests.factories import IncidentFactory, user_with_role
from tests.riskcabinet.cabinet_helpers import stored_ranking

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_november():
    with time_machine.travel("2026-11-15 10:00 -08:00", tick=False):
        yield


@pytest.fixture
def ranking():
    return stored_ranking()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.EMPLOYEE, 403),
        (Role.SAFETY_OFFICER, 403),
        (Role.CABINET_MEMBER, 200),
        (Role.RISK_MANAGER, 200),
        (Role.ADMINISTRATOR, 200),
    ],
)
def test_it_lets_only_the_cabinet_roles_read_the_pages(client, ranking, role, status):
    client.force_login(user_with_role(role))

    assert client.get(reverse("cabinet:dashboard")).status_code == status
    assert client.get(reverse("cabinet:department", args=["LAPD"])).status_code == status


def test_it_sends_anonymous_visitors_to_the_login_page(client, ranking):
    for url in (reverse("cabinet:dashboard"), reverse("cabinet:department", args=["LAPD"])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_shows_the_last_complete_month_ranked_with_reasons(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    assert "October 2026" in html
    assert html.index("Police") < html.index("Recreation and Parks") < html.index("City Clerk")
    assert "Assaults up 60% on last year" in html
    assert "2 of the last 3 months above the limit" in html


def test_each_row_shows_the_score_the_ranking_follows(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    # Police 9.1, Parks 4.0, Clerk 1.2: the scores, not the steadied rates (39.8, 19.5, 12.0).
    scores = re.findall(r'data-label="Score"><strong>([\d.]+)</strong>', html)
    assert scores == ["9.1", "4.0", "1.2"]


def test_it_spells_out_every_column_heading_where_a_phone_shows_no_tooltip(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    key = html[html.index('<details class="column-key">') : html.index("</details>")]
    headings = re.findall(r'<th scope="col"[^>]*>(?:<abbr[^>]*>)?([^<]+)<', html)
    explained = re.findall(r"<dt>([^<]+)</dt>", key)
    assert explained == ["TRIR", "DART", "Harm rate", "Score", "Trend", "Signal"]
    assert set(explained) <= set(headings)
    assert "200,000 hours" in key


def test_it_shows_how_each_department_moved_since_the_month_before(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    assert 'aria-label="Up 2 places since September"' in html
    assert (
        'aria-label="Same place as in September" title="Same place as in September">=</span>'
    ) in html
    assert 'aria-label="Down 2 places since September"' in html


def test_it_shows_the_trend_as_an_arrow_with_its_rate_a_year(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    assert 'aria-label="Rising 22% a year (significant)"' in html
    assert "↗ 22%/yr" in html


def test_it_draws_the_funnel_plot_with_the_outlier_labelled(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    assert 'class="chart chart--funnel"' in html
    assert "Above the limits: Police" in html


def test_it_shows_an_older_month_when_picked(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard"), {"month": "2026-09"}).content.decode()

    assert "September 2026" in html
    assert html.index("City Clerk") < html.index("Police")


def test_it_falls_back_to_the_default_month_for_a_bad_month(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard"), {"month": "2026-99"}).content.decode()

    assert "is not a month" in html
    assert "October 2026" in html


def test_it_offers_recompute_to_risk_managers_only(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))
    assert "Recompute" not in client.get(reverse("cabinet:dashboard")).content.decode()
    assert client.post(reverse("cabinet:scores-recompute"), {"month": "2026-10"}).status_code == 403

    client.force_login(user_with_role(Role.RISK_MANAGER))
    assert "Recompute Oct 2026" in client.get(reverse("cabinet:dashboard")).content.decode()


def test_it_queues_the_recompute_for_the_month(
    client, ranking, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr("riskcabinet.cabinet_views.department_scores_refresh.delay", queued.append)
    client.force_login(user_with_role(Role.RISK_MANAGER))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cabinet:scores-recompute"), {"month": "2026-10"})

    assert queued == ["2026-10"]
    assert response["Location"].endswith("?month=2026-10")


def test_it_shows_a_department_page_with_its_reasons(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:department", args=["LAPD"])).content.decode()

    assert "Ranked <strong>1 of 3</strong>" in html
    assert "Assaults up 60% on last year" in html
    # The funnel drawn is the harm rate's, as the reasons read it.
    assert "On the funnel plot of the harm rate below" in html
    assert "it sits above the 99.8% limit." in html
    assert "Investigations" in html
    assert "Workers&#x27; compensation claims" in html or "Workers' compensation claims" in html


def test_a_department_page_counts_the_injuries_first_known_from_a_claim(client, ranking):
    police = Department.objects.get(code="LAPD")
    tz = timezone.get_current_timezone()
    for day, source in (
        (date(2026, 9, 3), Source.CLAIM),
        (date(2026, 10, 20), Source.CLAIM),
        (date(2025, 1, 5), Source.CLAIM),  # before the twelve months
        (date(2026, 9, 4), Source.INTAKE),
    ):
        IncidentFactory(
            department=police,
            source=source,
            occurred_at=datetime.combine(day, time(12), tzinfo=tz),
        )
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    police_page = client.get(reverse("cabinet:department", args=["LAPD"])).content.decode()
    parks_page = client.get(reverse("cabinet:department", args=["RAP"])).content.decode()

    assert "2 injuries in these twelve months were first known from a claim" in police_page
    assert "nobody reported them when they happened" in police_page
    assert "first known from a claim" not in parks_page


def test_it_answers_404_for_an_unknown_department(client, ranking):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    assert client.get(reverse("cabinet:department", args=["NOPE"])).status_code == 404


def test_it_says_so_when_no_month_can_be_ranked(client):
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    response = client.get(reverse("cabinet:dashboard"))

    assert response.status_code == 200
    assert "No ranking for October 2026" in response.content.decode()
    assert not DepartmentScore.objects.exists()


def test_it_keeps_rankings_apart_by_month(ranking):
    assert DepartmentScore.objects.filter(month=date(2026, 10, 1)).count() == 3


def test_the_first_look_at_a_month_also_ranks_the_month_before_to_show_the_moves(client):
    from tests.riskcabinet.cabinet_helpers import scored_city

    scored_city()
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    stored = set(DepartmentScore.objects.values_list("month", flat=True))
    assert stored == {date(2026, 10, 1), date(2026, 9, 1)}
    assert "Not ranked in September" not in html
    moves = re.findall(
        r'aria-label="(?:(?:Up|Down) \d+ places? since|Same place as in) September"', html
    )
    assert len(moves) == 3  # One for each of the three departments.


def test_the_funnel_plots_each_departments_harm_rate_where_the_engine_placed_it(client):
    from django.core.cache import cache

    from riskcabinet import selectors
    from riskcabinet.services import department_scores_compute
    from tests.riskcabinet.cabinet_helpers import scored_city

    scored_city()
    department_scores_compute(month=date(2026, 10, 1))
    cache.clear()  # A web worker that did not rank the month reads the funnel from the engine.
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    assert "Funnel plot: harm rate against hours worked, 12 months to October 2026" in html
    scores = selectors.department_scores_for(month=date(2026, 10, 1))
    for score in scores:
        words = charts.FUNNEL_STATUS_WORDS[
            selectors.FUNNEL_STATUS_OF_POSITION[score.funnel_position]
        ]
        rate, hours = charts._rate_text(score.harm_rate), charts.hours_text(score.hours_worked)
        assert f"<title>{score.department.name}: harm rate {rate}, {hours} hours, {words}" in html
    assert {score.funnel_position for score in scores} > {"within"}


def test_a_month_ranked_alone_gets_the_month_before_when_first_read(client):
    from riskcabinet.services import department_scores_compute
    from tests.riskcabinet.cabinet_helpers import scored_city

    scored_city()
    department_scores_compute(month=date(2026, 10, 1))  # As the nightly run or a packet does.
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    assert DepartmentScore.objects.filter(month=date(2026, 9, 1)).count() == 3
    assert "Not ranked in September" not in html


def test_a_trend_is_rising_only_when_it_is_significant(client, ranking):
    police = DepartmentScore.objects.get(month=date(2026, 10, 1), department__code="LAPD")
    police.trend_significant = False
    police.save()
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    assert 'aria-label="Steady (+22% a year, not significant)"' in html
    assert "→ 22%/yr" in html


def test_the_score_card_does_not_read_as_the_steadied_rate_projected(client, ranking):
    # Aging: harm rate 0.0, steadied 4.8, score 12.7 on a falling trend. "steadied 4.8,
    # projected a quarter ahead" told the cabinet that 12.7 came from 4.8; it comes from three
    # years of cases, which the twelve-month figures beside it do not show.
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    page = client.get(reverse("cabinet:department", args=["LAPD"])).content.decode()
    dashboard = client.get(reverse("cabinet:dashboard")).content.decode()

    assert "projected a quarter ahead</p>" not in page
    assert "three years" in page
    assert "three years" in dashboard


def test_only_the_funnels_outer_limit_counts_as_more_than_chance(client, ranking):
    # The reasons and the packet read only the outer (99.8%) limit as "more than chance"; the
    # card counted a department above the 95% line too, and its row read "Above funnel".
    DepartmentScore.objects.filter(department__code="RAP").update(funnel_position="above 95%")
    client.force_login(user_with_role(Role.CABINET_MEMBER))

    html = client.get(reverse("cabinet:dashboard")).content.decode()

    card = re.search(
        r'figure-card__value">(\d+)</p>\s*<p class="figure-card__label">above the funnel', html
    )
    assert card
    assert card.group(1) == "1"  # Police only
    rows = {
        name: re.search(r'data-label="Signal">(.*?)</td>', html[html.index(name) :]).group(1)
        for name in ("Police", "Recreation and Parks")
    }
    assert "Signal" in rows["Police"]  # a control-chart signal comes first
    assert "Near funnel limit" in rows["Recreation and Parks"]
    assert "Above funnel" not in rows["Recreation and Parks"]
