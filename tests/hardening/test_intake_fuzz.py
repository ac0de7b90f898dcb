"""The intake forms under generated bad input: never a 500, a clear message, nothing stored."""

import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import assume, given
from hypothesis import strategies as st

from incidents.forms import INVOLVED_MAX, LOCATION_MAX, NARRATIVE_MAX
from incidents.models import Attachment, Incident, IncidentType, Source
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role
from tests.hardening.helpers import FUZZ, FUZZ_FEW, assert_no_traceback, shows
from tests.incidents.intake_helpers import report_data

pytestmark = pytest.mark.django_db

REPORT_URL = "/report/"
ANONYMOUS_URL = "/report/anonymous/"
MODES = ("page", "htmx", "json")

# Text as people and attackers send it: any unicode, control characters, NUL bytes, long runs.
awkward_text = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=40),
    st.text(alphabet=st.sampled_from("\x00\x01\x07\x1b\x7f\u200b\u202e\ufeff \t\r\n"), max_size=12),
    st.builds(
        lambda char, count, tail: char * count + tail,
        st.sampled_from("a\u00e9\U0001f477 "),
        st.integers(min_value=250, max_value=4200),
        st.text(max_size=5),
    ),
)


@pytest.fixture
def department():
    return DepartmentFactory()


@pytest.fixture
def employee(department):
    return user_with_role(Role.EMPLOYEE, department=department)


def _post(client, url: str, data: dict, mode: str):
    headers = {}
    if mode == "htmx":
        headers["HX-Request"] = "true"
    elif mode == "json":
        headers["Accept"] = "application/json"
    return client.post(url, data, headers=headers)


def _text_errors(value: str, *, required: bool, limit: int) -> bool:
    """Whether Django's CharField (strip, max_length, no NUL) refuses `value`."""
    stripped = value.strip()
    return (required and not stripped) or len(stripped) > limit or "\x00" in stripped


def _assert_refused(response, mode: str, fields: list[str], before: int) -> None:
    """A refusal a person (or the phone's queue) can act on, and nothing stored."""
    assert_no_traceback(response.content)
    assert Incident.objects.count() == before
    if mode == "json":
        assert response.status_code == 400
        errors = json.loads(response.content)["errors"]
        for name in fields:
            assert errors.get(name), (name, errors)
            assert all(item["message"] for item in errors[name])
        return
    assert response.status_code == (200 if mode == "htmx" else 422)
    body = response.content.decode()
    assert 'role="alert"' in body or "form-errors" in body
    form = response.context["form"]
    for name in fields:
        assert form.errors.get(name), (name, form.errors)
        for message in form.errors[name]:
            assert shows(response, message)


@FUZZ
@given(
    narrative=awkward_text,
    location=awkward_text,
    involved=awkward_text,
    body_part=awkward_text,
    mode=st.sampled_from(MODES),
)
def test_it_stores_the_text_it_accepts_exactly_and_refuses_the_rest(
    client, employee, narrative, location, involved, body_part, mode
):
    client.force_login(employee)
    before = Incident.objects.count()
    data = report_data(
        narrative=narrative,
        location_text=location,
        involved_people=involved,
        body_part=body_part,
    )
    response = _post(client, REPORT_URL, data, mode)
    refused = {
        "narrative": _text_errors(narrative, required=True, limit=NARRATIVE_MAX),
        "location_text": _text_errors(location, required=True, limit=LOCATION_MAX),
        "involved_people": _text_errors(involved, required=False, limit=INVOLVED_MAX),
        "body_part": _text_errors(body_part, required=False, limit=60),
    }
    if any(refused.values()):
        _assert_refused(response, mode, [name for name, bad in refused.items() if bad], before)
        return
    assert response.status_code in (200, 201)
    assert_no_traceback(response.content)
    incident = Incident.objects.get(client_uuid=data["client_uuid"])
    assert incident.narrative == narrative.strip()
    assert incident.location_text == location.strip()
    assert incident.involved_people == involved.strip()
    assert incident.body_part == body_part.strip()


def _when_value():
    return st.one_of(
        st.text(max_size=20),
        st.dates().map(lambda day: day.isoformat()),
        st.datetimes().map(lambda moment: moment.strftime("%H:%M")),
        st.sampled_from(["2026-02-30", "2026-13-01", "0000-01-01", "9999-12-31", "24:00", "-1"]),
    )


def _number_value():
    return st.one_of(
        st.text(max_size=12),
        st.decimals(allow_nan=True, allow_infinity=True).map(str),
        st.floats().map(repr),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.sampled_from(["NaN", "-Infinity", "1e999999", "1e-999999", "90.0000001", "0x10", "١٢"]),
    )


@FUZZ
@given(
    day=_when_value(),
    moment=_when_value(),
    latitude=_number_value(),
    longitude=_number_value(),
    mode=st.sampled_from(MODES),
)
def test_it_never_stores_an_impossible_date_or_place(
    client, employee, day, moment, latitude, longitude, mode
):
    client.force_login(employee)
    before = Incident.objects.count()
    data = report_data(
        occurred_date=day, occurred_time=moment, latitude=latitude, longitude=longitude
    )
    response = _post(client, REPORT_URL, data, mode)
    assert_no_traceback(response.content)
    stored = Incident.objects.filter(client_uuid=data["client_uuid"]).first()
    if stored is None:
        assert response.status_code in (200, 400, 422)
        assert Incident.objects.count() == before
        if mode == "json":
            assert json.loads(response.content)["errors"]
        else:
            assert response.context["form"].errors
        return
    now = timezone.now()
    assert now - timedelta(days=367) <= stored.occurred_at <= now + timedelta(minutes=6)
    assert (stored.latitude is None) == (stored.longitude is None)
    if stored.latitude is not None:
        assert -90 <= stored.latitude <= 90
        assert -180 <= stored.longitude <= 180


# Known-bad changes, in groups that do not hide each other, and the field each is reported on.
DATE_CHANGES = {
    "future": ({"occurred_date": "2999-01-01"}, {"occurred_date"}),
    "ancient": ({"occurred_date": "1999-01-01"}, {"occurred_date"}),
    "no date": ({"occurred_date": "31/31/2026"}, {"occurred_date"}),
    "no time": ({"occurred_time": "25:61"}, {"occurred_time"}),
}
PLACE_CHANGES = {
    "latitude": ({"latitude": "91", "longitude": "0"}, {"latitude"}),
    "longitude": ({"latitude": "0", "longitude": "-180.5"}, {"longitude"}),
    "nan": ({"latitude": "NaN", "longitude": "1"}, {"latitude"}),
    "words": ({"latitude": "north", "longitude": "1"}, {"latitude"}),
    "half": ({"latitude": "34.05", "longitude": ""}, {"latitude"}),
}
OTHER_CHANGES = {
    "type": ({"incident_type": "alien_abduction"}, {"incident_type"}),
    "treatment": ({"treatment": "leeches"}, {"treatment"}),
    "uuid": ({"client_uuid": "not-a-uuid"}, {"client_uuid"}),
}


def _one_of(group: dict):
    return st.one_of(st.none(), st.sampled_from(sorted(group)))


@FUZZ
@given(
    date_change=_one_of(DATE_CHANGES),
    place_change=_one_of(PLACE_CHANGES),
    others=st.lists(st.sampled_from(sorted(OTHER_CHANGES)), max_size=3, unique=True),
    missing=st.lists(
        st.sampled_from(["narrative", "location_text", "occurred_date", "incident_type"]),
        max_size=2,
        unique=True,
    ),
    mode=st.sampled_from(MODES),
)
def test_it_names_the_field_for_every_bad_choice_and_missing_answer(
    client, employee, date_change, place_change, others, missing, mode
):
    chosen = [DATE_CHANGES.get(date_change), PLACE_CHANGES.get(place_change)]
    chosen += [OTHER_CHANGES[name] for name in others]
    chosen = [change for change in chosen if change is not None]
    assume(chosen or missing)
    client.force_login(employee)
    data = report_data()
    expected: set[str] = set()
    for values, fields in chosen:
        data.update(values)
        expected |= fields
    for name in missing:
        data.pop(name)
        expected.add(name)
    before = Incident.objects.count()
    response = _post(client, REPORT_URL, data, mode)
    _assert_refused(response, mode, sorted(expected), before)


@FUZZ_FEW
@given(
    raw=st.one_of(
        st.text(max_size=40),
        st.uuids().map(lambda value: str(value).upper()),
        st.uuids().map(lambda value: "{" + str(value) + "}"),
        st.uuids().map(lambda value: str(value)[:-1]),
        st.uuids().map(lambda value: str(value) + "0"),
    )
)
def test_it_accepts_only_real_uuids(client, employee, raw):
    client.force_login(employee)
    try:
        valid = uuid.UUID(raw.strip()).version == 4  # A phone's random number, nothing else.
    except ValueError:
        valid = False
    assume("\x00" not in raw)
    before = Incident.objects.count()
    response = _post(client, REPORT_URL, report_data(client_uuid=raw), "page")
    assert_no_traceback(response.content)
    if valid:
        assert response.status_code == 200
        assert Incident.objects.count() == before + 1
    else:
        _assert_refused(response, "page", ["client_uuid"], before)


def test_it_stores_a_resent_report_once(client, employee):
    client.force_login(employee)
    data = report_data()
    first = _post(client, REPORT_URL, data, "json")
    again = _post(client, REPORT_URL, data, "json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert json.loads(first.content)["reference"] == json.loads(again.content)["reference"]
    assert Incident.objects.filter(client_uuid=data["client_uuid"]).count() == 1


def test_it_refuses_a_uuid_already_used_by_someone_else_with_a_message(client, employee):
    other = IncidentFactory(source=Source.INTAKE, reporter=user_with_role(Role.EMPLOYEE))
    client.force_login(employee)
    before = Incident.objects.count()
    response = _post(client, REPORT_URL, report_data(client_uuid=str(other.client_uuid)), "page")
    assert response.status_code == 409
    assert "send your report again" in response.content.decode()
    assert other.reference not in response.content.decode()
    assert Incident.objects.count() == before


def test_it_survives_bytes_that_are_not_utf8(client, employee):
    client.force_login(employee)
    data = report_data()
    body = "&".join(f"{key}={value}" for key, value in data.items() if key != "narrative")
    body = body.encode() + b"&narrative=%FF%FE%00broken%C3%28"
    response = client.generic(
        "POST", REPORT_URL, body, content_type="application/x-www-form-urlencoded"
    )
    assert_no_traceback(response.content)
    assert response.status_code in (200, 422)
    if response.status_code == 422:
        assert response.context["form"].errors["narrative"]
        assert not Incident.objects.exists()
    else:
        assert "\x00" not in Incident.objects.get().narrative


# --- Anonymous near misses ---------------------------------------------------------------------


def _anonymous_data(department, **overrides) -> dict:
    data = report_data(department=str(department.pk))
    for name in ("incident_type", "body_part", "injury_kind", "treatment", "involved_people"):
        data.pop(name)
    data.update(overrides)
    return data


@FUZZ
@given(
    narrative=awkward_text,
    location=awkward_text,
    department_value=st.one_of(
        st.none(),
        st.text(max_size=12),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
    ),
    extra=st.dictionaries(
        st.sampled_from(["incident_type", "treatment", "serious_outcome", "reporter", "source"]),
        st.text(max_size=10),
        max_size=3,
    ),
    mode=st.sampled_from(MODES),
)
def test_it_keeps_anonymous_reports_as_near_misses_or_refuses_them(
    client, department, narrative, location, department_value, extra, mode
):
    before = Incident.objects.count()
    data = _anonymous_data(department, narrative=narrative, location_text=location, **extra)
    department_ok = department_value is None
    if department_value is not None:
        data["department"] = department_value
        department_ok = department_value.strip() == str(department.pk)
    response = _post(client, ANONYMOUS_URL, data, mode)
    refused = {
        "narrative": _text_errors(narrative, required=True, limit=NARRATIVE_MAX),
        "location_text": _text_errors(location, required=True, limit=LOCATION_MAX),
        "department": not department_ok,
    }
    if any(refused.values()):
        _assert_refused(response, mode, [name for name, bad in refused.items() if bad], before)
        return
    assert response.status_code == 200
    incident = Incident.objects.get(client_uuid=data["client_uuid"])
    assert incident.source == Source.ANONYMOUS
    assert incident.reporter is None
    assert incident.incident_type == IncidentType.NEAR_MISS
    assert not Attachment.objects.filter(incident=incident).exists()


def test_it_refuses_an_anonymous_report_with_nothing_in_it(client):
    response = client.post(ANONYMOUS_URL, {})
    assert response.status_code == 422
    form = response.context["form"]
    for name in ("narrative", "location_text", "department", "occurred_date", "client_uuid"):
        assert form.errors.get(name), name
    assert not Incident.objects.exists()
