"""The triage queue: scope, filters, order, htmx rows, constant query count, CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.clocks import clocks_start_for
from incidents.models import IncidentType, Severity, Status
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db
QUEUE = reverse("triage:queue")


@pytest.fixture
def sanitation():
    return DepartmentFactory(code="LASAN", name="Sanitation")


@pytest.fixture
def officer(sanitation):
    return user_with_role(Role.SAFETY_OFFICER, covers=(sanitation,))


def refs(response) -> list[str]:
    return [incident.reference for incident in response.context["page"].object_list]


def test_it_shows_an_officer_only_the_departments_they_cover(client, officer, sanitation):
    mine = IncidentFactory(department=sanitation)
    other = IncidentFactory()
    client.force_login(officer)
    assert refs(client.get(QUEUE)) == [mine.reference]
    manager = user_with_role(Role.RISK_MANAGER)
    client.force_login(manager)
    assert set(refs(client.get(QUEUE))) == {mine.reference, other.reference}


def test_it_filters_by_type_severity_status_and_text(client, officer, sanitation):
    crash = IncidentFactory(
        department=sanitation,
        incident_type=IncidentType.VEHICLE,
        narrative="Packer truck backed into a pole",
    )
    IncidentFactory(department=sanitation, severity=Severity.FIRST_AID)
    closed = IncidentFactory(department=sanitation, status=Status.CLOSED)
    client.force_login(officer)
    assert refs(client.get(QUEUE, {"incident_type": "vehicle"})) == [crash.reference]
    assert refs(client.get(QUEUE, {"q": "PACKER truck"})) == [crash.reference]
    assert refs(client.get(QUEUE, {"q": crash.reference[-6:]})) == [crash.reference]
    assert closed.reference not in refs(client.get(QUEUE))  # Open cases by default.
    assert refs(client.get(QUEUE, {"status": "closed"})) == [closed.reference]
    assert len(refs(client.get(QUEUE, {"severity": "first_aid"}))) == 1


def test_a_whole_reference_finds_its_case_even_closed(client, officer, sanitation):
    closed = IncidentFactory(department=sanitation, status=Status.CLOSED)
    other = IncidentFactory()  # Not this officer's: a reference does not widen the scope.
    client.force_login(officer)

    assert refs(client.get(QUEUE, {"q": closed.reference.lower()})) == [closed.reference]
    assert refs(client.get(QUEUE, {"q": closed.reference[-6:]})) == []  # Part of one: open only.
    assert refs(client.get(QUEUE, {"q": other.reference})) == []


def test_it_filters_by_report_date(client, officer, sanitation):
    old = IncidentFactory(department=sanitation, reported_at=timezone.now() - timedelta(days=40))
    IncidentFactory(department=sanitation)
    client.force_login(officer)
    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    until = (timezone.localdate() - timedelta(days=30)).isoformat()
    assert old.reference not in refs(client.get(QUEUE, {"reported_from": since}))
    assert refs(client.get(QUEUE, {"reported_to": until})) == [old.reference]


def test_it_puts_running_clocks_first_most_urgent_first_then_overdue_filter(
    client, officer, sanitation
):
    quiet = IncidentFactory(department=sanitation, severity=Severity.FIRST_AID)
    medical = IncidentFactory(department=sanitation, severity=Severity.MEDICAL)
    serious = IncidentFactory(
        department=sanitation,
        severity=Severity.HOSPITALIZATION,
        state_reportable=True,
        reported_at=timezone.now() - timedelta(hours=9),
        learned_at=timezone.now() - timedelta(hours=9),
    )
    for incident in (quiet, medical, serious):
        clocks_start_for(incident=incident)
    client.force_login(officer)
    response = client.get(QUEUE)
    assert refs(response) == [serious.reference, medical.reference, quiet.reference]
    body = response.content.decode()
    assert "badge--overdue" in body
    assert "Serious" in body
    assert refs(client.get(QUEUE, {"overdue": "on"})) == [serious.reference]
    assert set(refs(client.get(QUEUE, {"clocks": "on"}))) == {serious.reference, medical.reference}


def test_it_sorts_by_severity_ladder(client, officer, sanitation):
    minor = IncidentFactory(department=sanitation, severity=Severity.FIRST_AID)
    fatal = IncidentFactory(department=sanitation, severity=Severity.FATALITY)
    client.force_login(officer)
    assert refs(client.get(QUEUE, {"sort": "severity"})) == [fatal.reference, minor.reference]


def test_its_severity_and_status_orders_follow_changes_made_in_bulk(client, officer, sanitation):
    # The sort keys are computed by the database, so even an update that skips save() moves
    # the case to its new place.
    first = IncidentFactory(department=sanitation, severity=Severity.MEDICAL)
    second = IncidentFactory(department=sanitation, severity=Severity.RESTRICTED)
    client.force_login(officer)
    assert refs(client.get(QUEUE, {"sort": "severity"})) == [second.reference, first.reference]
    type(first).objects.filter(pk=first.pk).update(
        severity=Severity.HOSPITALIZATION, status=Status.INVESTIGATING
    )
    assert refs(client.get(QUEUE, {"sort": "severity"})) == [first.reference, second.reference]
    assert refs(client.get(QUEUE, {"sort": "status"})) == [second.reference, first.reference]


def test_its_rows_show_the_next_deadline_badges_and_a_short_narrative(client, officer, sanitation):
    serious = IncidentFactory(
        department=sanitation,
        severity=Severity.HOSPITALIZATION,
        narrative="Crew member's arm was caught in the hopper of the refuse truck. " * 4,
        learned_at=timezone.now() - timedelta(days=3),
    )
    clocks_start_for(incident=serious)
    private = IncidentFactory(
        department=sanitation, privacy_case=True, narrative="Details of a sensitive case."
    )
    client.force_login(officer)
    page = client.get(QUEUE, {"sort": "newest"}).content.decode()
    rows = {row.reference: row for row in client.get(QUEUE).context["rows"]}

    row = rows[serious.reference]
    assert row.serious
    assert row.late
    assert row.clock_overdue
    assert row.clock_label == "Report to Cal/OSHA (8 hours)"
    assert row.more_clocks == len(serious.clocks.filter(completed_at=None)) - 1 > 0
    assert len(row.narrative) == 110
    assert row.narrative.endswith("…")
    assert row.severity_label == "Hospitalization, amputation or loss of an eye"
    assert row.url == reverse("triage:case", args=[serious.reference])
    assert f"+{row.more_clocks} more" in page
    assert "Overdue" in page

    assert rows[private.reference].narrative == ""
    assert "Narrative withheld (privacy case)" in page
    assert "Details of a sensitive case" not in page


def test_its_rows_select_shows_the_page_size_in_use(client, officer, sanitation):
    client.force_login(officer)
    page = client.get(QUEUE).content.decode()
    assert '<option value="25" selected>25</option>' in page
    assert client.get(QUEUE).context["page"].paginator.per_page == 25


def test_its_filters_say_how_many_narrow_the_working_view(client, officer, sanitation):
    client.force_login(officer)

    plain = client.get(QUEUE, {"q": "ladder", "sort": "oldest", "per_page": "50"})
    narrowed = client.get(QUEUE, {"severity": "first_aid", "overdue": "on", "status": ""})

    assert plain.context["narrowing"] == 0
    assert '<details class="queue-filters__more" data-open-wide>' in plain.content.decode()
    assert narrowed.context["narrowing"] == 3
    page = narrowed.content.decode()
    assert '<details class="queue-filters__more" data-open-wide open>' in page
    assert '<span class="badge">3 set</span>' in page


def test_it_swaps_only_the_rows_for_htmx(client, officer, sanitation):
    IncidentFactory(department=sanitation)
    client.force_login(officer)
    partial = client.get(QUEUE, {"q": "bin"}, headers={"HX-Request": "true"}).content.decode()
    full = client.get(QUEUE, {"q": "bin"}).content.decode()
    assert 'id="queue-rows"' in partial
    assert "<html" not in partial
    assert "<html" in full
    assert 'hx-push-url="true"' in full
    restore = client.get(
        QUEUE, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    ).content.decode()
    assert "<html" in restore


def test_it_paginates_with_the_same_number_of_queries_at_10_and_100_rows(
    client, officer, sanitation
):
    for number in range(120):
        incident = IncidentFactory(
            department=sanitation,
            severity=Severity.HOSPITALIZATION if number % 3 == 0 else Severity.MEDICAL,
            assignee=officer,
        )
        clocks_start_for(incident=incident)
    client.force_login(officer)
    counts = {}
    for size in (10, 100):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(QUEUE, {"per_page": size})
        assert len(refs(response)) == size
        counts[size] = len(queries)
    assert counts[10] == counts[100]
    assert counts[100] <= 12


def test_it_exports_the_filtered_queue_as_csv_within_scope(client, officer, sanitation):
    crash = IncidentFactory(department=sanitation, incident_type=IncidentType.VEHICLE)
    IncidentFactory(department=sanitation, incident_type=IncidentType.NEAR_MISS)
    IncidentFactory(incident_type=IncidentType.VEHICLE)  # Another department.
    IncidentFactory(
        department=sanitation,
        incident_type=IncidentType.VEHICLE,
        privacy_case=True,
        narrative='=HYPERLINK("http://evil")',
    )
    client.force_login(officer)
    response = client.get(reverse("triage:export"), {"incident_type": "vehicle"})
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert crash.reference in {row["reference"] for row in rows}
    assert len(rows) == 2
    assert {row["narrative"] for row in rows if row["privacy_case"] == "True"} == {"Privacy case"}


def test_it_filters_the_open_cases_whose_actions_are_all_done(client, officer, sanitation):
    from incidents.models import ActionStatus
    from tests.factories import CorrectiveActionFactory

    ready = IncidentFactory(department=sanitation, status=Status.ACTIONS_PENDING)
    CorrectiveActionFactory(incident=ready, status=ActionStatus.DONE)
    CorrectiveActionFactory(incident=ready, status=ActionStatus.CANCELLED)
    waiting = IncidentFactory(department=sanitation, status=Status.ACTIONS_PENDING)
    CorrectiveActionFactory(incident=waiting, status=ActionStatus.DONE)
    CorrectiveActionFactory(incident=waiting, status=ActionStatus.IN_PROGRESS)
    IncidentFactory(department=sanitation, status=Status.INVESTIGATING)  # No action yet.
    closed = IncidentFactory(department=sanitation, status=Status.CLOSED)
    CorrectiveActionFactory(incident=closed, status=ActionStatus.DONE)
    client.force_login(officer)

    response = client.get(QUEUE, {"actions_done": "on", "status": ""})

    assert refs(response) == [ready.reference]
    assert 'name="actions_done"' in response.content.decode()


def test_it_filters_the_cases_assigned_to_me_or_to_nobody(client, officer, sanitation):
    colleague = user_with_role(Role.SAFETY_OFFICER, covers=(sanitation,))
    mine = IncidentFactory(department=sanitation, assignee=officer)
    theirs = IncidentFactory(department=sanitation, assignee=colleague)
    nobodys = IncidentFactory(department=sanitation)
    client.force_login(officer)

    assert refs(client.get(QUEUE, {"assignee": "me"})) == [mine.reference]
    assert refs(client.get(QUEUE, {"assignee": "none"})) == [nobodys.reference]
    assert set(refs(client.get(QUEUE))) == {mine.reference, theirs.reference, nobodys.reference}
    assert client.get(QUEUE, {"assignee": "me"}).context["narrowing"] == 1
    exported = client.get(reverse("triage:export"), {"assignee": "me"})
    rows = list(csv.reader(io.StringIO(b"".join(exported.streaming_content).decode())))
    assert [row[0] for row in rows[1:]] == [mine.reference]


def test_the_queue_has_the_coders_model_read_before_a_case_is_opened(client, officer, monkeypatch):
    # The first case page a process served waited 3-4 s for the model; the queue, which comes
    # before it, starts the read in the background.
    import riskcabinet.autocode as autocode

    asked = []
    monkeypatch.setattr(autocode, "prepare", lambda: asked.append(True))
    client.force_login(officer)

    assert client.get(QUEUE).status_code == 200
    assert asked == [True]


def test_the_queue_opens_when_the_coder_cannot_be_prepared(client, officer, monkeypatch):
    import riskcabinet.autocode as autocode

    def broken():
        raise RuntimeError("no model")

    monkeypatch.setattr(autocode, "prepare", broken)
    client.force_login(officer)

    assert client.get(QUEUE).status_code == 200


def test_the_queue_does_not_wait_for_the_coder_to_be_imported(client, officer, monkeypatch):
    # Importing scikit-learn and pandas takes a second or two: the first queue page of a
    # process has it done in the background, not before it answers.
    import sys
    import threading

    from incidents import triage_views

    monkeypatch.delitem(sys.modules, "riskcabinet.autocode", raising=False)
    started = []
    monkeypatch.setattr(
        threading, "Thread", lambda **kwargs: started.append(kwargs) or _NotStarted()
    )
    client.force_login(officer)

    assert client.get(QUEUE).status_code == 200
    assert [(kwargs["target"], kwargs["daemon"]) for kwargs in started] == [
        (triage_views._coder_read, True)
    ]


class _NotStarted:
    def start(self) -> None:
        pass
