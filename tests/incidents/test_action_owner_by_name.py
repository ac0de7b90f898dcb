"""An action's owner typed by full name, as the help text promises: two-word first names and
stray spaces included."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.triage_forms import ActionForm
from riskcabinet.roles import Role
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def _form(owner: str) -> ActionForm:
    return ActionForm(
        {
            "action-description": "Fit grip tape to the rear steps.",
            "action-control_level": "engineering",
            "action-owner": owner,
            "action-due_on": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
        prefix="action",
    )


@pytest.mark.parametrize(
    ("first", "last", "typed"),
    [
        ("Mary Ann", "Lopez", "Mary Ann Lopez"),  # a first name of two words
        ("Ana", "Garcia Lopez", "Ana Garcia Lopez"),  # two surnames (already worked)
        ("Ana", "Garcia", "Ana  Garcia"),  # two spaces typed, as a phone keyboard may
    ],
)
def test_an_owner_is_found_by_the_full_name_the_page_shows(department, first, last, typed):
    lead = user_with_role(Role.EMPLOYEE, department=department, username="lead")
    lead.first_name, lead.last_name = first, last
    lead.save()
    assert lead.get_full_name() == f"{first} {last}"

    form = _form(typed)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["owner"] == lead
