"""The demo city is realistic, deterministic for a seed, and large enough to exercise the app."""

import hashlib
from collections import Counter
from datetime import date

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from incidents.models import Claim, CorrectiveAction, Incident
from riskcabinet.demo import (
    SEVERITY_ORDER,
    STORY_BY_NARRATIVE,
    demo_city_seed,
    stories_check,
)
from riskcabinet.demo_city import DEPARTMENTS, STORIES, places_for
from riskcabinet.models import DataImport, Department, ExposureMonth
from riskcabinet.roles import Role, role_of

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 25)


def _digest() -> str:
    rows = Incident.objects.order_by("reference").values_list(
        "reference", "department__code", "incident_type", "severity", "occurred_at", "narrative"
    )
    return hashlib.sha256(repr(list(rows)).encode()).hexdigest()


def test_it_builds_the_same_city_for_the_same_seed(django_db_blocker):
    demo_city_seed(seed=3, months=2, today=TODAY)
    first = _digest()
    for model in (Claim, CorrectiveAction):
        model.objects.all().delete()
    Incident.history.all().delete()
    Incident.objects.all().delete()
    from django.contrib.auth import get_user_model

    DataImport.objects.all().delete()
    get_user_model().objects.all().delete()
    from incidents.models import Establishment, ReferenceSequence

    ReferenceSequence.objects.all().delete()
    Establishment.objects.all().delete()
    ExposureMonth.objects.all().delete()
    Department.objects.all().delete()
    demo_city_seed(seed=3, months=2, today=TODAY)
    assert _digest() == first


def test_it_gives_every_role_a_demo_login():
    summary = demo_city_seed(seed=1, months=1, today=TODAY)
    expected = {
        "employee": Role.EMPLOYEE,
        "officer": Role.SAFETY_OFFICER,
        "manager": Role.RISK_MANAGER,
        "cabinet": Role.CABINET_MEMBER,
        "admin": Role.ADMINISTRATOR,
    }
    for username, role in expected.items():
        user = authenticate(username=username, password="riskcabinet-demo")
        assert user is not None, username
        assert role_of(user) is role
    officer = authenticate(username="officer", password="riskcabinet-demo")
    assert officer.person.covered_departments.count() >= 3
    # The supervisor who owns Sanitation's corrective actions can sign in to "My actions".
    supervisor = authenticate(username="sup.lasan", password="riskcabinet-demo")
    assert supervisor.person.job_title == "Sanitation and Environment Supervisor"
    assert "sup.lasan" in [username for username, *_ in summary.logins]


@pytest.mark.slow
def test_it_seeds_three_years_of_a_realistic_city():
    demo_city_seed(seed=7, months=36, today=TODAY)
    assert Department.objects.count() >= 38
    assert Incident.objects.count() >= 20_000
    sizes = ExposureMonth.objects.filter(month=date(2026, 10, 1))
    headcounts = sorted(sizes.values_list("headcount", flat=True))
    assert headcounts[0] < 60
    assert headcounts[-1] > 11_000
    by_type = dict(
        Incident.objects.filter(department__code="LAPD")
        .values_list("incident_type")
        .annotate(n=Count("id"))
    )
    assert by_type["assault"] > by_type.get("property_damage", 0)
    library = Incident.objects.filter(department__code="LAPL").count()
    police = Incident.objects.filter(department__code="LAPD").count()
    assert library * 10 < police
    assert CorrectiveAction.objects.filter(status="open").exists()
    assert CorrectiveAction.objects.filter(status="done").exists()
    assert Claim.objects.filter(total_incurred__gt=0).count() > 1000
    _assert_cases_read_as_their_stories()
    _assert_actions_suit_their_cases()
    _assert_no_department_has_the_same_fix_open_twice()


def _assert_actions_suit_their_cases():
    """A lift gate answers a lifting injury, not an assault at the counter; a handrail answers a
    fall down the stairs, not the ladder that shares its event code."""
    from riskcabinet.demo import action_at_site, actions_for

    actions = CorrectiveAction.objects.select_related("incident")
    assert actions.count() > 1000
    for action in actions:
        suited = {description for description, _level, _keys in actions_for(action.incident)}
        at_site = {
            action_at_site(description, action.incident.location_text) for description in suited
        }
        assert action.description in suited | at_site, (
            action.incident.narrative,
            action.description,
        )


def _assert_no_department_has_the_same_fix_open_twice():
    """A department fixes a hazard once, so the packet never lists one fix twice for it."""
    repeated = (
        CorrectiveAction.objects.filter(status__in=("open", "in_progress"))
        .values("incident__department__code", "description")
        .annotate(copies=Count("pk"))
        .filter(copies__gt=1)
    )
    assert list(repeated) == []
    assert CorrectiveAction.objects.filter(status__in=("open", "in_progress")).count() > 120


def _assert_cases_read_as_their_stories():
    """Each case's codes and body part are its narrative's, its story and place are its
    department's, and it is never worse than such a report can be; the rare worst outcomes
    still happen."""
    specs = {spec.code: spec for spec in DEPARTMENTS}
    rows = Incident.objects.values_list(
        "department__code",
        "location_text",
        "narrative",
        "severity",
        "body_part",
        "oiics_event",
        "oiics_nature",
        "oiics_part",
        "oiics_source",
    )
    coded = 0
    told = Counter()
    for department, place, narrative, severity, body_part, *codes in rows:
        story = STORY_BY_NARRATIVE[narrative]
        told[narrative] += 1
        # It happened where such a department works: no arrests at the library.
        setting = specs[department].profile.setting
        assert not story.where or setting in story.where, (department, narrative)
        assert place in places_for(specs[department]), (department, place)
        assert body_part == story.body_part
        assert SEVERITY_ORDER.index(severity) >= SEVERITY_ORDER.index(story.worst), narrative
        if codes[0]:
            coded += 1
            assert " ".join(codes) == story.codes
    assert coded > 10_000
    assert Incident.objects.filter(severity="fatality").exists()
    # A rare story (a worker struck by a car, a shooting) stays rare among its type's cases.
    for stories in STORIES.values():
        cases = sum(told[story.narrative] for story in stories)
        for story in stories:
            if story.weight < 0.1:
                assert told[story.narrative] < cases / 50, story.narrative


def test_triaged_cases_belong_to_an_officer_of_their_department_and_new_ones_wait():
    demo_city_seed(seed=7, months=3, today=TODAY)
    officer = get_user_model().objects.get(username="officer")

    triaged = Incident.objects.exclude(status="new").select_related("assignee__person")
    assert triaged.exists()
    for incident in triaged:
        covered = incident.assignee.person.covered_departments.values_list("pk", flat=True)
        assert incident.department_id in set(covered)
    sanitation = triaged.filter(department__code="LASAN")
    assert set(sanitation.values_list("assignee", flat=True)) == {officer.pk}
    assert not Incident.objects.filter(status="new", assignee__isnull=False).exists()


def test_it_refuses_to_seed_over_existing_data_unless_asked(capsys):
    demo_city_seed(seed=1, months=1, today=TODAY)
    with pytest.raises(CommandError, match="already holds departments"):
        call_command("seed_demo", "--months", "1")
    call_command("seed_demo", "--if-empty")
    assert "was not added" in capsys.readouterr().out


def test_its_cases_history_starts_when_and_by_whom_they_were_reported():
    from incidents.models import ComplianceClock, ControlLevel

    demo_city_seed(seed=2, months=2, today=TODAY)
    incidents = Incident.objects.all()
    assert incidents.exists()
    for incident in incidents:
        created = incident.history.get(history_type="+")
        assert created.history_date == incident.reported_at
        assert created.history_user_id == incident.reporter_id
    for clock in ComplianceClock.objects.all():
        assert clock.history.get(history_type="+").history_date == clock.started_at
    # Each action keeps its own place in the hierarchy of controls.
    from riskcabinet.demo import ACTION_TEXTS

    expected = {description: level for description, level, _keys in ACTION_TEXTS}
    assert expected["Issue cut-resistant gloves for sheet-metal handling."] == ControlLevel.PPE
    pairs = set(CorrectiveAction.objects.values_list("description", "control_level"))
    assert len({description for description, _ in pairs}) > 3
    for description, level in pairs:  # "... at Fire Station 9." is the same fix at one site.
        base = next(text for text in expected if description.startswith(text.rstrip(".")))
        assert expected[base] == level, description


def test_every_demo_story_has_codes_from_the_shipped_lists():
    stories_check()  # Raises on a code missing from the OIICS lists.
    injured = [story for stories in STORIES.values() for story in stories if story.codes]
    assert all(len(story.oiics()) == 4 for story in injured)
    assert all(story.body_part and story.injury_kind for story in injured)


def test_it_refuses_a_demo_story_with_a_code_not_in_the_lists(monkeypatch):
    from riskcabinet import demo
    from riskcabinet.demo_city import Story

    bad = Story("Hurt the hand.", "medical", "Hand", "Cut", "6312 132 441 99999")
    monkeypatch.setitem(demo.STORIES, "injury_illness", (bad,))

    with pytest.raises(ValueError, match="no source code '99999'"):
        stories_check()


def test_it_refuses_a_department_whose_setting_has_no_story_of_a_type(monkeypatch):
    from riskcabinet import demo
    from riskcabinet.demo_city import Story

    arrest = Story("Kicked during an arrest.", where=frozenset({"police"}))
    monkeypatch.setitem(demo.STORIES, "assault", (arrest,))

    with pytest.raises(ValueError, match="DWP: no assault story for 'utility'"):
        stories_check()


@pytest.mark.parametrize(
    ("narrative", "event", "expected"),
    [
        (
            "Missed a step in the stairwell and fell down the flight, striking the head.",
            "4331",
            {
                "Replace the worn stair treads in the east stairwell.",
                "Repair the loose handrail and inspect all handrails monthly.",
            },
        ),
        (
            "Fell from the second step of a ladder while changing a fixture.",
            "4331",
            {"Move the filter changes to ground level so no ladder is needed."},
        ),
        (
            "A box fell from an upper shelf in the storeroom and struck the shoulder.",
            "6230",
            {"Keep heavy boxes on the lower shelves and fit lips to the storeroom shelving."},
        ),
        (
            "Lifting a full bin onto the truck lift, felt a sharp pain in the lower back.",
            "7111",
            {
                "Install a powered lift gate on the remaining rear-loader trucks.",
                "Retrain the crew on two-person lifts over 50 lb.",
            },
        ),
        # Not a demo story: matched by its event code alone.
        (
            "Hit by a customer at the permit counter.",
            "1113",
            {
                "Add a second staff member at the evening service desk.",
                "Post de-escalation guidance at the counter and train staff in it.",
            },
        ),
    ],
)
def test_each_case_gets_the_actions_for_its_story_before_its_event_code(narrative, event, expected):
    from riskcabinet.demo import actions_for

    incident = Incident(narrative=narrative, oiics_event=event)
    assert {description for description, _level, _keys in actions_for(incident)} == expected


def test_it_refuses_a_department_whose_setting_has_no_places(monkeypatch):
    from riskcabinet import demo_city

    without_utility = {k: v for k, v in demo_city.PLACES.items() if k != "utility"}
    monkeypatch.setattr(demo_city, "PLACES", without_utility)

    with pytest.raises(ValueError, match="DWP: no places for 'utility'"):
        stories_check()


def test_last_months_payroll_file_comes_in_through_the_import_like_a_real_one():
    demo_city_seed(seed=2, months=3, today=TODAY)

    record = DataImport.objects.get(kind="hours")
    last_month = date(TODAY.year, TODAY.month - 1, 1)
    rows = ExposureMonth.objects.filter(month=last_month)
    assert record.imported_by.username == "manager"
    assert record.file_name == f"payroll-hours-{last_month:%Y-%m}.csv"
    assert record.created == Department.objects.count() == rows.count()
    assert not record.problems
    assert all(row.history.get().history_user == record.imported_by for row in rows)


def test_last_months_claims_file_leaves_two_claims_for_a_risk_manager_to_link():
    demo_city_seed(seed=2, months=3, today=TODAY)

    record = DataImport.objects.get(kind="claims")
    unlinked = Claim.objects.filter(incident__isnull=True)
    assert record.imported_by.username == "manager"
    assert not record.problems
    assert record.created == 2
    assert record.unchanged == Claim.objects.filter(opened_on__month=TODAY.month - 1).count() - 2
    assert sorted(item["claim"] for item in record.unlinked) == sorted(
        unlinked.values_list("claim_number", flat=True)
    )
    assert all(item["reason"].startswith("no report by employee") for item in record.unlinked)


def test_the_command_builds_last_months_packet_for_the_cabinet(settings, tmp_path, capsys):
    from reports.models import BriefingPacket, PacketStatus
    from riskcabinet.selectors import last_complete_month

    settings.MEDIA_ROOT = str(tmp_path)

    call_command("seed_demo", "--months", "14")

    packet = BriefingPacket.objects.get()
    assert packet.month == last_complete_month()
    assert packet.status == PacketStatus.PUBLISHED
    assert packet.file.read().startswith(b"%PDF")
    assert f"Briefing packet for {packet.month:%B %Y} built." in capsys.readouterr().out


def test_the_command_can_leave_the_packet_out(settings, tmp_path):
    from reports.models import BriefingPacket

    settings.MEDIA_ROOT = str(tmp_path)

    call_command("seed_demo", "--months", "2", "--no-packet")

    assert not BriefingPacket.objects.exists()
