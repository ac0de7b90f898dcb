"""The employee's report form: works without JavaScript, validates on the server, keeps input."""

import json
import uuid
from datetime import date, datetime, timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incidents.forms import AnonymousReportForm, ReportForm
from incidents.models import ActionStatus, Attachment, Incident, Source, Status
from incidents.views import reporter_tag
from riskcabinet.models import Person
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)
from tests.incidents.intake_helpers import photo_file, report_data

pytestmark = pytest.mark.django_db
REPORT_URL = "/report/"


@pytest.fixture
def employee(client):
    user = user_with_role(Role.EMPLOYEE, department=DepartmentFactory(name="Sanitation"))
    client.force_login(user)
    return user


def test_it_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(REPORT_URL)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.post(REPORT_URL, report_data()).status_code == 302


def test_a_report_sent_by_the_phones_scripts_after_the_session_ended_is_refused_not_redirected(
    client,
):
    # htmx would follow a redirect and show the sign-in page in place of the report; refused,
    # the phone keeps the report until its writer signs in.
    online = client.post(REPORT_URL, report_data(), headers={"HX-Request": "true"})
    assert online.status_code == 403
    assert online.content.decode() == "Sign in again to send this report."
    queued = client.post(REPORT_URL, report_data(), headers={"Accept": "application/json"})
    assert queued.status_code == 403
    assert queued.json() == {"signin": True, "error": "Sign in again to send this report."}
    assert not Incident.objects.exists()


def _session_ends(client) -> None:
    """The server forgets the session (it ran out); the browser still sends its cookie."""
    client.session.flush()
    client.cookies.pop("sessionid", None)


def _sign_in(client, user):
    # Through the sign-in page, as the employee does: force_login would not show whether the
    # sign-in keeps what the session held before it.
    return client.post(
        f"{reverse('login')}?next={REPORT_URL}",
        {"username": user.username, "password": "riskcabinet-demo", "next": REPORT_URL},
    )


def test_a_report_posted_without_javascript_after_the_session_ended_waits_for_the_sign_in(
    client, employee
):
    data = report_data(reporter_tag=reporter_tag(employee), serious_outcome="on")
    _session_ends(client)
    response = client.post(REPORT_URL, data | {"photos": photo_file()})
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={REPORT_URL}"
    assert not Incident.objects.exists()
    sign_in_page = client.get(response["Location"]).content.decode()
    assert "your report has not been sent. Sign in to see it again." in sign_in_page

    signed_in = _sign_in(client, employee)
    assert signed_in["Location"] == REPORT_URL
    page = client.get(REPORT_URL).content.decode()
    assert "It has not been sent yet: check it and press Send report." in page
    assert "Your photos could not be kept on the page" in page
    assert data["narrative"] in page
    assert f'value="{data["client_uuid"]}"' in page
    assert f'value="{data["location_text"]}"' in page
    serious_box = 'id="id_serious_outcome" value="on" aria-describedby="id_serious_outcome-help"'
    assert f"{serious_box} checked" in page

    # Sent from the restored form, it is stored once, under its own number.
    client.post(REPORT_URL, data | {"reporter_tag": reporter_tag(employee)})
    client.post(REPORT_URL, data | {"reporter_tag": reporter_tag(employee)})
    incident = Incident.objects.get()
    assert incident.client_uuid == uuid.UUID(data["client_uuid"])
    assert incident.narrative == data["narrative"]
    # Held once: the next form is a fresh one.
    again = client.get(REPORT_URL).content.decode()
    assert data["narrative"] not in again
    assert "It has not been sent yet" not in again


def test_a_held_report_is_back_in_the_employees_language(client):
    rosa = user_with_role(Role.EMPLOYEE, language="es")
    client.force_login(rosa)
    data = report_data(reporter_tag=reporter_tag(rosa), narrative="Me caí de la escalera.")
    _session_ends(client)
    client.post(REPORT_URL, data)
    _sign_in(client, rosa)
    page = client.get(REPORT_URL).content.decode()
    assert "Todavía no se ha enviado: revíselo y toque Enviar reporte." in page
    assert "Me caí de la escalera." in page


def test_a_held_report_is_not_handed_to_someone_else_who_signs_in(client, employee):
    data = report_data(reporter_tag=reporter_tag(employee))
    _session_ends(client)
    client.post(REPORT_URL, data)
    other = user_with_role(Role.EMPLOYEE, department=DepartmentFactory(name="Parks"))
    _sign_in(client, other)
    page = client.get(REPORT_URL).content.decode()
    assert data["narrative"] not in page
    assert data["client_uuid"] not in page
    assert "A report written on this phone by someone else was not kept" in page
    assert "It has not been sent yet" not in client.get(REPORT_URL).content.decode()


def test_an_unauthenticated_script_cannot_fill_the_sessions_table_with_held_reports(settings):
    cache.clear()
    settings.TRUSTED_PROXY_HOPS = 0
    big = "A" * 4000
    attacker_fields = dict.fromkeys(
        (
            "narrative",
            "location_text",
            "involved_people",
            "injured_name",
            "injured_job_title",
            "injured_employee_id",
            "body_part",
            "injury_kind",
            "occurred_date",
            "occurred_time",
            "latitude",
            "longitude",
            "treatment",
            "incident_type",
            "serious_outcome",
            "department",
        ),
        big,
    )
    sent = 200
    for _ in range(sent):
        # A fresh client each time: no session cookie, so every POST makes a new session row.
        attacker = Client(REMOTE_ADDR="203.0.113.66")
        data = report_data(reporter_tag="0" * 24) | attacker_fields
        data["client_uuid"] = str(uuid.uuid4())
        attacker.post(REPORT_URL, data)

    rows = Session.objects.count()
    stored = sum(len(session.session_data) for session in Session.objects.all())
    # One address, no credentials: a handful of held reports at most, not one row per request.
    assert rows <= 40, f"{rows} session rows from one anonymous address"
    assert stored <= 40 * 20_000, f"{stored} bytes of session data from one anonymous address"


def test_a_sign_in_with_nothing_held_shows_a_plain_form(client, employee):
    _session_ends(client)
    _sign_in(client, employee)
    page = client.get(REPORT_URL).content.decode()
    assert 'id="held-report"' not in page


@pytest.mark.parametrize(
    "role", [Role.EMPLOYEE, Role.SAFETY_OFFICER, Role.RISK_MANAGER, Role.CABINET_MEMBER]
)
def test_it_lets_every_role_report(client, role):
    client.force_login(user_with_role(role))
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    assert b'name="client_uuid"' in response.content


def test_it_shows_a_mobile_form_with_camera_capture_and_defaults_to_now(client, employee):
    page = client.get(REPORT_URL).content.decode()
    assert 'accept="image/*" capture="environment"' in page
    assert 'type="date"' in page
    assert 'type="time"' in page
    assert f'value="{timezone.localdate().isoformat()}"' in page
    # The department comes from the profile, so it is not asked.
    assert 'name="department"' not in page


def test_it_files_a_report_with_javascript_off(client, employee):
    data = report_data()
    response = client.post(REPORT_URL, data)
    assert response.status_code == 200
    incident = Incident.objects.get(client_uuid=data["client_uuid"])
    assert incident.reporter == employee
    assert incident.department.name == "Sanitation"
    assert incident.source == Source.INTAKE
    assert incident.body_part == "Lower back"
    assert incident.reference.startswith("INC-")
    assert incident.reference in response.content.decode()
    assert "What happens next" in response.content.decode()


def test_it_asks_for_the_department_when_the_profile_has_none(client):
    user = user_with_role(Role.EMPLOYEE)
    user.person.department = None
    user.person.save()
    client.force_login(user)
    assert 'name="department"' in client.get(REPORT_URL).content.decode()
    response = client.post(REPORT_URL, report_data())
    assert "Choose your department." in response.content.decode()
    parks = DepartmentFactory(name="Recreation and Parks")
    client.post(REPORT_URL, report_data(department=parks.pk))
    assert Incident.objects.get().department == parks


def test_it_refuses_a_date_in_the_future_and_keeps_what_was_typed(client, employee):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    data = report_data(occurred_date=tomorrow, narrative="Ladder slipped on wet tiles.")
    response = client.post(REPORT_URL, data)
    page = response.content.decode()
    assert response.status_code == 422
    assert not Incident.objects.exists()
    assert "can&#x27;t be in the future" in page
    assert "Ladder slipped on wet tiles." in page
    assert (
        'value="injury_illness" id="id_incident_type_0" required '
        'data-msg-required="Choose what kind of incident it was." checked'
    ) in page
    assert f'value="{tomorrow}"' in page
    # The summary at the top links to the field, and the field is marked invalid for readers.
    assert 'href="#id_occurred_date"' in page
    assert 'id="id_occurred_date" required' in page
    assert 'aria-invalid="true"' in page
    assert 'role="alert"' in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"narrative": ""}, "Tell us what happened."),
        ({"narrative": "x" * 4001}, "Keep it under 4000 characters"),
        ({"location_text": ""}, "Tell us where it happened."),
        ({"latitude": "123.5", "longitude": "-118.2"}, "Latitude must be a number between -90"),
        ({"latitude": "34.05", "longitude": "east"}, "Longitude must be a number between -180"),
        ({"latitude": "34.05"}, "Give both latitude and longitude"),
        ({"incident_type": ""}, "Choose what kind of incident it was."),
        ({"occurred_time": "25:99"}, "Enter the time as HH:MM."),
    ],
)
def test_it_explains_each_mistake_next_to_its_field(client, employee, overrides, message):
    response = client.post(REPORT_URL, report_data(**overrides))
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Incident.objects.exists()


def test_the_summary_joins_a_question_and_its_message_plainly(client, employee):
    page = client.post(REPORT_URL, report_data(narrative="", location_text="")).content.decode()
    assert '<a href="#id_narrative">What happened? Tell us what happened.</a>' in page
    assert '<a href="#id_location_text">Where did it happen? Tell us where it happened.</a>' in page


def test_it_refuses_more_than_five_photos(client, employee):
    data = report_data()
    data["photos"] = [photo_file(f"p{n}.jpg") for n in range(6)]
    response = client.post(REPORT_URL, data)
    page = response.content.decode()
    assert "at most 5 photos; you chose 6" in page
    assert 'href="#id_photos"' in page
    assert "please add them again" in page
    assert not Incident.objects.exists()


def test_it_ignores_injury_details_for_a_near_miss(client, employee):
    data = report_data(incident_type="near_miss", treatment="hospital_stay", serious_outcome="on")
    client.post(REPORT_URL, data)
    incident = Incident.objects.get()
    assert (incident.body_part, incident.injury_kind, incident.treatment) == ("", "", "")
    assert incident.state_reportable is False


def test_it_stores_rounded_coordinates(client, employee):
    client.post(REPORT_URL, report_data(latitude="34.0522349876", longitude="-118.2436849"))
    incident = Incident.objects.get()
    assert str(incident.latitude) == "34.052235"
    assert str(incident.longitude) == "-118.243685"


def test_it_swaps_in_errors_and_the_confirmation_for_htmx(client, employee):
    bad = client.post(REPORT_URL, report_data(narrative=""), headers={"HX-Request": "true"})
    assert bad.status_code == 200
    assert "<html" not in bad.content.decode()
    assert 'id="error-summary"' in bad.content.decode()
    good = client.post(REPORT_URL, report_data(), headers={"HX-Request": "true"})
    incident = Incident.objects.get()
    assert incident.reference in good.content.decode()
    assert good["HX-Push-Url"] == reverse("incidents:report-done", args=[incident.reference])


def test_it_answers_the_offline_queue_in_json_and_only_once(client, employee):
    data = report_data()
    data["photos"] = [photo_file()]
    first = client.post(REPORT_URL, data, headers={"Accept": "application/json"})
    data["photos"] = [photo_file()]
    again = client.post(REPORT_URL, data, headers={"Accept": "application/json"})
    assert first.status_code == 201
    assert again.status_code == 200
    assert json.loads(first.content)["reference"] == json.loads(again.content)["reference"]
    assert Incident.objects.count() == 1
    assert Attachment.objects.count() == 1


def test_it_reports_queue_validation_errors_as_json(client, employee):
    response = client.post(
        REPORT_URL, report_data(narrative=""), headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert "narrative" in json.loads(response.content)["errors"]


def test_it_shows_a_resent_report_the_same_confirmation(client, employee):
    data = report_data()
    first = client.post(REPORT_URL, data)
    second = client.post(REPORT_URL, data)
    reference = Incident.objects.get().reference
    assert reference in first.content.decode()
    assert reference in second.content.decode()


def test_it_never_reveals_another_reporters_report_through_its_uuid(client, employee):
    other = IncidentFactory(source=Source.INTAKE, reporter=user_with_role(Role.EMPLOYEE))
    response = client.post(REPORT_URL, report_data(client_uuid=str(other.client_uuid)))
    assert response.status_code == 409
    assert other.reference not in response.content.decode()


def test_it_shows_the_confirmation_page_only_to_the_reporter(client, employee):
    client.post(REPORT_URL, report_data())
    incident = Incident.objects.get()
    url = reverse("incidents:report-done", args=[incident.reference])
    assert client.get(url).status_code == 200
    client.force_login(user_with_role(Role.EMPLOYEE))
    assert client.get(url).status_code == 404


def test_a_report_opened_again_shows_what_was_reported_and_where_it_stands(client, employee):
    closed = IncidentFactory(
        reporter=employee,
        status=Status.CLOSED,
        closed_at=datetime(2025, 2, 3, 9, 0, tzinfo=timezone.get_current_timezone()),
        narrative="Tripped on a hose in bay 2.",
        location_text="Lopez Canyon yard",
    )
    working = IncidentFactory(reporter=employee, status=Status.INVESTIGATING)

    closed_page = client.get(reverse("incidents:report-done", args=[closed.reference]))
    working_page = client.get(reverse("incidents:report-done", args=[working.reference]))

    closed_html = closed_page.content.decode()
    assert "Tripped on a hose in bay 2." in closed_html
    assert "Lopez Canyon yard" in closed_html
    assert "This report was closed on Feb. 3, 2025." in closed_html
    assert "Thank you: your report was received" not in closed_html
    assert "usually within one working day" not in closed_html
    assert "A safety officer is working on your report" in working_page.content.decode()


def test_a_report_opened_again_shows_who_was_hurt_and_how_in_the_readers_language(client):
    employee = user_with_role(Role.EMPLOYEE, language="es")
    client.force_login(employee)
    incident = IncidentFactory(
        reporter=employee,
        injured_name="Luis Ortega",
        injured_job_title="Refuse collector",
        body_part="Left wrist",
        injury_kind="Sprain",
        treatment="first_aid",
    )

    page = client.get(reverse("incidents:report-done", args=[incident.reference]))

    html = page.content.decode()
    assert "Persona lesionada" in html
    assert "Luis Ortega (Refuse collector)" in html
    assert "Parte del cuerpo lesionada" in html
    assert "Left wrist" in html
    assert "Tipo de lesión" in html
    assert "Sprain" in html
    assert "Primeros auxilios" in html


def test_a_report_opened_again_shows_what_is_being_done_about_it(client, employee):
    incident = IncidentFactory(reporter=employee, status=Status.ACTIONS_PENDING)
    officer = user_with_role(Role.SAFETY_OFFICER)
    CorrectiveActionFactory(
        incident=incident,
        owner=officer,
        description="Fence the loading area off from the walkway.",
        due_on=date(2026, 12, 4),
    )
    CorrectiveActionFactory(
        incident=incident,
        owner=officer,
        description="Dropped idea.",
        status=ActionStatus.CANCELLED,
    )
    url = reverse("incidents:report-done", args=[incident.reference])

    page = client.get(url).content.decode()

    assert "What is being done about it" in page
    assert "Fence the loading area off from the walkway." in page
    assert "due by Dec. 4, 2026" in page
    assert "Dropped idea." not in page
    assert officer.get_full_name() not in page


def test_a_privacy_case_shows_its_reporter_no_steps(client, employee):
    incident = IncidentFactory(reporter=employee, privacy_case=True)
    CorrectiveActionFactory(incident=incident, description="Sensitive step.")

    page = client.get(reverse("incidents:report-done", args=[incident.reference])).content.decode()

    assert "Sensitive step." not in page
    assert "What is being done about it" not in page


def test_it_lists_my_reports_with_their_status(client, employee):
    mine = IncidentFactory(reporter=employee, status=Status.INVESTIGATING)
    theirs = IncidentFactory(reporter=user_with_role(Role.EMPLOYEE))
    page = client.get("/my-reports/").content.decode()
    assert mine.reference in page
    assert "Investigating" in page
    assert theirs.reference not in page


def _reports_filed(reporter, count: int) -> list[Incident]:
    """`count` reports by `reporter`, an hour apart, newest first."""
    now = timezone.now()
    return [
        IncidentFactory(reporter=reporter, reported_at=now - timedelta(hours=hours))
        for hours in range(count)
    ]


def test_my_reports_lists_twenty_a_page_newest_first(client, employee):
    reports = _reports_filed(employee, 45)
    references = [incident.reference for incident in reports]

    first = client.get("/my-reports/").content.decode()
    assert first.count('class="card"') == 20
    assert [ref for ref in references if ref in first] == references[:20]
    assert first.index(references[0]) < first.index(references[1])
    assert "Page 1 of 3" in first
    assert 'rel="prev"' not in first
    assert '<a class="button" rel="next" href="/my-reports/?page=2">Next</a>' in first

    second = client.get("/my-reports/?page=2").content.decode()
    assert [ref for ref in references if ref in second] == references[20:40]
    assert "Page 2 of 3" in second
    # Back to page 1 is /my-reports/ itself, the page the phone keeps for reading offline.
    assert '<a class="button" rel="prev" href="/my-reports/">Previous</a>' in second
    assert '<a class="button" rel="next" href="/my-reports/?page=3">Next</a>' in second

    last = client.get("/my-reports/?page=3").content.decode()
    assert [ref for ref in references if ref in last] == references[40:]
    assert 'rel="next"' not in last
    # A page past the end or not a number shows the nearest one rather than an error.
    assert "Page 3 of 3" in client.get("/my-reports/?page=9").content.decode()
    assert "Page 1 of 3" in client.get("/my-reports/?page=x").content.decode()


def test_my_reports_has_no_pages_when_one_holds_them(client, employee):
    _reports_filed(employee, 20)
    page = client.get("/my-reports/").content.decode()
    assert page.count('class="card"') == 20
    assert "Page 1 of" not in page


def test_my_reports_pages_speak_spanish(client):
    user = user_with_role(Role.EMPLOYEE, language="es")
    client.force_login(user)
    _reports_filed(user, 21)
    page = client.get("/my-reports/?page=2").content.decode()
    assert "Página 2 de 2" in page
    assert 'aria-label="Páginas de sus reportes"' in page
    assert ">Anterior</a>" in page
    page = client.get("/my-reports/").content.decode()
    assert ">Siguiente</a>" in page


def test_it_speaks_spanish_from_the_browser_language(client):
    # Without a profile (the anonymous form), the browser's Accept-Language decides.
    page = client.get("/report/anonymous/", headers={"Accept-Language": "es"}).content.decode()
    assert "Reportar un casi accidente de forma anónima" in page
    assert "¿Qué estuvo a punto de pasar?" in page


def test_it_speaks_spanish_from_the_profile(client):
    user = user_with_role(Role.EMPLOYEE, language="es")
    client.force_login(user)
    IncidentFactory(reporter=user, status=Status.INVESTIGATING)
    form = client.get(REPORT_URL, headers={"Accept-Language": "en"}).content.decode()
    assert "¿Qué tipo de incidente?" in form
    assert "Lesión o enfermedad" in form
    assert "Enviar reporte" in form
    reports = client.get("/my-reports/").content.decode()
    assert "Mis reportes" in reports
    assert "En investigación" in reports


def test_a_profile_without_a_language_follows_the_phone(client):
    # A new profile names no language: the phone's decides, as it did on the sign-in page.
    user = user_with_role(Role.EMPLOYEE)
    user.person.preferred_language = Person._meta.get_field("preferred_language").get_default()
    user.person.save()
    client.force_login(user)
    spanish = client.get(REPORT_URL, headers={"Accept-Language": "es"}).content.decode()
    assert "¿Qué tipo de incidente?" in spanish
    english = client.get(REPORT_URL, headers={"Accept-Language": "en-US"}).content.decode()
    assert "What kind of incident?" in english


def test_a_language_chosen_in_the_profile_wins_over_the_phones(client):
    client.force_login(user_with_role(Role.EMPLOYEE, language="en"))
    page = client.get(REPORT_URL, headers={"Accept-Language": "es"}).content.decode()
    assert "What kind of incident?" in page


def test_it_serves_the_service_worker_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    assert "__" not in body  # Every placeholder is filled in.
    assert "intake-queue.js" in body
    # Signing in or out renews the pages it keeps (they carry the signed-in employee's mark).
    assert (
        'var SESSION_URLS = ["/accounts/login/", "/accounts/logout/", "/admin/login/", '
        '"/admin/logout/"];'
    ) in body


def test_it_gives_each_form_a_new_client_uuid(client, employee):
    first = client.get(REPORT_URL).content.decode()
    second = client.get(REPORT_URL).content.decode()

    def uuid_in(page: str) -> uuid.UUID:
        marker = 'name="client_uuid" value="'
        start = page.index(marker) + len(marker)
        return uuid.UUID(page[start : start + 36])

    assert uuid_in(first) != uuid_in(second)


def test_report_forms_share_their_fields_and_keep_their_own_additions():
    first, second = ReportForm(), ReportForm(department_known=False)
    assert first.fields["narrative"] is second.fields["narrative"]
    assert first.fields is not second.fields
    assert "department" in second.fields
    assert "department" not in first.fields  # Known from the profile unless said otherwise.
    assert "department" not in ReportForm().fields
    assert "department" not in ReportForm.base_fields


def test_the_anonymous_form_renames_its_own_copy_of_the_narrative():
    anonymous = AnonymousReportForm()
    assert str(anonymous.fields["narrative"].label) == "What nearly happened?"
    assert anonymous.fields["narrative"] is not ReportForm().fields["narrative"]
    assert str(ReportForm().fields["narrative"].label) == "What happened?"
    assert "incident_type" in ReportForm().fields


def test_a_report_saved_under_another_employee_waits_for_them(client, employee):
    # A crew's phone is shared: what one employee saved offline is not sent as the next one's.
    page = client.get(REPORT_URL).content.decode()
    tag = reporter_tag(employee)
    assert f'name="reporter_tag" value="{tag}"' in page
    saved = report_data(reporter_tag=tag)
    client.force_login(user_with_role(Role.EMPLOYEE))
    queued = client.post(REPORT_URL, saved, headers={"Accept": "application/json"})
    assert queued.status_code == 409
    assert json.loads(queued.content)["other_reporter"] is True
    plain = client.post(REPORT_URL, saved)
    assert plain.status_code == 409
    assert "Open the form again" in plain.content.decode()
    assert not Incident.objects.exists()
    client.force_login(employee)
    sent = client.post(REPORT_URL, saved, headers={"Accept": "application/json"})
    assert sent.status_code == 201
    assert Incident.objects.get().reporter == employee


def test_a_report_from_a_form_without_the_mark_is_still_taken(client, employee):
    # Forms cached on phones before the mark existed have none: their reports still arrive.
    response = client.post(REPORT_URL, report_data(), headers={"Accept": "application/json"})
    assert response.status_code == 201
    assert Incident.objects.get().reporter == employee
