"""The Django admin is no way round the privacy rule: administrators do not read privacy cases."""

import pytest

from incidents.models import Incident
from incidents.triage_services import incident_privacy_mark
from riskcabinet.roles import Role
from tests.factories import CorrectiveActionFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases():
    private = IncidentFactory(
        privacy_case=True, privacy_reason="sharps", narrative="Needlestick from a syringe."
    )
    ordinary = IncidentFactory(narrative="Slipped on the wet ramp.")
    CorrectiveActionFactory(incident=private, description="Sharps box by the restroom door.")
    CorrectiveActionFactory(incident=ordinary, description="Mat for the ramp.")
    return private, ordinary


def test_an_administrator_sees_ordinary_cases_but_not_privacy_cases(client, cases):
    private, ordinary = cases
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    listing = client.get("/admin/incidents/incident/").content.decode()
    actions = client.get("/admin/incidents/correctiveaction/").content.decode()
    opened = client.get(f"/admin/incidents/incident/{ordinary.pk}/change/")
    refused = client.get(f"/admin/incidents/incident/{private.pk}/change/", follow=True)

    assert ordinary.reference in listing
    assert private.reference not in listing
    assert ordinary.reference in actions
    assert private.reference not in actions
    assert "Slipped on the wet ramp." in opened.content.decode()
    assert "Needlestick" not in refused.content.decode()


def test_nor_its_history(client, cases):
    private, _ = cases
    version = Incident.history.filter(id=private.pk).first()
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    history = client.get(f"/admin/incidents/incident/{private.pk}/history/")
    old = client.get(f"/admin/incidents/incident/{private.pk}/history/{version.history_id}/")

    assert history.status_code == 403
    assert old.status_code == 403
    assert "Needlestick" not in old.content.decode()


def test_nor_a_report_merged_into_a_privacy_case(client, cases):
    """A duplicate merged into a case is about the same injury: once that case is private, the
    duplicate's narrative is no more the administrator's than the case's own."""
    private, _ = cases
    duplicate = IncidentFactory(narrative="Stuck by a used needle in the restroom.")
    duplicate.merged_into = private
    duplicate.save()
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    listing = client.get("/admin/incidents/incident/").content.decode()
    refused = client.get(f"/admin/incidents/incident/{duplicate.pk}/change/", follow=True)
    history = client.get(f"/admin/incidents/incident/{duplicate.pk}/history/")

    assert duplicate.reference not in listing
    assert "used needle" not in refused.content.decode()
    assert history.status_code in (403, 404)


def test_an_administrator_cannot_read_a_privacy_case_through_its_history_before_the_marking(
    client,
):
    # Reported as an ordinary injury; the officer marks it a privacy case in triage afterwards.
    case = IncidentFactory(
        narrative="Sexually assaulted by a member of the public in the parking structure.",
        injured_name="Dana Whitfield",
    )
    incident_privacy_mark(incident=case, privacy_case=True, reason="sexual_assault")
    earliest = Incident.history.filter(id=case.pk).order_by("history_id").first()
    assert earliest.privacy_case is False
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    old = client.get(f"/admin/incidents/incident/{case.pk}/history/{earliest.history_id}/")

    assert old.status_code in (403, 404)
    assert "Sexually assaulted" not in old.content.decode()
    assert "Dana Whitfield" not in old.content.decode()


def test_nor_through_the_history_of_a_report_merged_into_it_before_the_marking(client):
    case = IncidentFactory(narrative="Needlestick from a syringe in the restroom bin.")
    duplicate = IncidentFactory(
        department=case.department, narrative="Stuck by a used needle, Dana Whitfield."
    )
    duplicate.merged_into = case
    duplicate.save()
    incident_privacy_mark(incident=case, privacy_case=True, reason="sharps")
    earliest = Incident.history.filter(id=duplicate.pk).order_by("history_id").first()
    client.force_login(user_with_role(Role.ADMINISTRATOR, username="sysadmin"))

    old = client.get(f"/admin/incidents/incident/{duplicate.pk}/history/{earliest.history_id}/")

    assert old.status_code in (403, 404)
    assert "Dana Whitfield" not in old.content.decode()
