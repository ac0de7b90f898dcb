"""python manage.py score --month YYYY-MM [--format table|json]"""

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from riskcabinet.models import DepartmentScore
from tests.riskcabinet.cabinet_helpers import scored_city

pytestmark = pytest.mark.django_db


def score(*args: str) -> str:
    out = StringIO()
    call_command("score", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_ranking_and_stores_it():
    scored_city()

    output = score("--month", "2026-10")

    lines = output.splitlines()
    assert "Department ranking as of October 2026" in lines[0]
    assert "Street Services" in output
    assert output.index("Street Services") < output.index("Public Library")
    assert DepartmentScore.objects.filter(month=date(2026, 10, 1)).count() == 3


def test_it_prints_json():
    scored_city()

    ranking = json.loads(score("--month", "2026-10", "--format", "json"))

    assert [row["rank"] for row in ranking] == [1, 2, 3]
    assert ranking[0]["department"] == "BSS"
    assert isinstance(ranking[0]["reasons"], list)


@pytest.mark.parametrize("month", ["2026-13", "October", "2026/10", ""])
def test_it_refuses_a_bad_month(month):
    with pytest.raises(CommandError, match="is not a month written YYYY-MM"):
        score("--month", month)


def test_it_says_why_a_month_cannot_be_ranked():
    with pytest.raises(CommandError, match="Cannot rank the departments as of 2026-10"):
        score("--month", "2026-10")


def test_since_ranks_again_every_stored_month_from_then_on():
    scored_city()
    for month in ("2026-08", "2026-09", "2026-10"):
        score("--month", month)

    output = score("--since", "2026-09")

    assert output.strip() == "Ranked again 2 stored month(s): 2026-09, 2026-10."


def test_since_says_when_nothing_is_stored_from_then_on():
    assert score("--since", "2026-09").strip() == (
        "No stored ranking from 2026-09 on was ranked again."
    )


def test_it_needs_a_month_or_since_but_not_both():
    with pytest.raises(CommandError):
        score()
    with pytest.raises(CommandError):
        score("--month", "2026-10", "--since", "2026-09")
