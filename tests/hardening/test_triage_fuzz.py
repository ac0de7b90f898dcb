"""Every triage POST under generated form data: never a 500, a clear message, no change if bad."""

from datetime import timedelta

import pytest
from django.contrib.messages import constants, get_messages
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from incidents.clocks import clocks_start_for
from incidents.models import (
    ActionStatus,
    CaseNote,
    CodeCorrection,
    ComplianceClock,
    ControlLevel,
    CorrectiveAction,
    IllnessType,
    Incident,
    Investigation,
    Severity,
    Status,
)
from incidents.recordability import QUESTION_KEYS
from riskcabinet.roles import Role
from tests.factories import (
    CorrectiveActionFactory,
    DepartmentFactory,
    IncidentFactory,
    user_with_role,
)
from tests.hardening.helpers import FUZZ, assert_no_traceback, shows

pytestmark = pytest.mark.django_db

junk = st.one_of(
    st.text(max_size=30),
    st.text(alphabet=st.sampled_from("\x00\x01\x1b\u202e\ufeff \t\r\n0-9"), max_size=8),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.sampled_from(["", " ", "NaN", "1e309", "9999-12-31", "2026-02-30", "true", "-1", "None"]),
    st.just("x" * 5000),
)


@pytest.fixture
def case():
    """A serious case with a running Cal/OSHA clock, an open action and a second case."""
    department = DepartmentFactory()
    officer = user_with_role(Role.SAFETY_OFFICER, covers=(department,), username="marcus")
    user_with_role(Role.EMPLOYEE, department=department, username="dana", employee_id="E1234")
    incident = IncidentFactory(
        department=department,
        severity=Severity.HOSPITALIZATION,
        state_reportable=True,
        status=Status.NEW,
    )
    clocks_start_for(incident=incident)
    action = CorrectiveActionFactory(incident=incident, owner=officer)
    other = IncidentFactory(department=department, status=Status.NEW)
    clock = ComplianceClock.objects.filter(incident=incident, completed_at__isnull=True).first()
    assert clock is not None
    return {
        "officer": officer,
        "incident": incident,
        "action": action,
        "clock": clock,
        "other": other,
    }


def _url(name: str, incident: Incident, *args) -> str:
    return reverse(f"triage:{name}", args=[incident.reference, *args])


def _snapshot(incident: Incident) -> dict:
    fresh = Incident.objects.get(pk=incident.pk)
    return {
        "incident": model_to_dict(fresh),
        "history": fresh.history.count(),
        "notes": list(CaseNote.objects.filter(incident=fresh).values_list("body", flat=True)),
        "actions": list(
            CorrectiveAction.objects.filter(incident=fresh)
            .order_by("pk")
            .values_list("pk", "status", "description", "due_on", "owner_id")
        ),
        "investigation": list(Investigation.objects.filter(incident=fresh).values()),
        "clocks": list(
            ComplianceClock.objects.filter(incident=fresh)
            .order_by("pk")
            .values_list("pk", "completed_at", "confirmation")
        ),
        "corrections": CodeCorrection.objects.filter(incident=fresh).count(),
        "others": list(Incident.objects.exclude(pk=fresh.pk).values_list("pk", "merged_into_id")),
    }


def _endpoints(case: dict) -> dict:
    """name -> (url, form prefix, field names)."""
    incident = case["incident"]
    return {
        "classify": (
            _url("case-classify", incident),
            "classify",
            ["severity", "illness_type", "state_reportable", "days_away", "days_restricted"],
        ),
        "recordability": (_url("case-recordability", incident), "rec", list(QUESTION_KEYS)),
        "privacy": (_url("case-privacy", incident), "privacy", ["privacy_case", "privacy_reason"]),
        "codes": (_url("case-codes", incident), "codes", ["nature", "part", "event", "source"]),
        "code-accept": (_url("case-code-accept", incident), "", ["accept"]),
        "assign": (_url("case-assign", incident), "assign", ["assignee"]),
        "status": (_url("case-status", incident), "status", ["status", "close_reason"]),
        "note": (_url("case-note-add", incident), "note", ["body"]),
        "investigation": (
            _url("case-investigation", incident),
            "inv",
            ["why_1", "why_2", "why_3", "why_4", "why_5", "root_cause", "complete"],
        ),
        "action": (
            _url("case-action-add", incident),
            "action",
            ["description", "control_level", "owner", "due_on"],
        ),
        "action-change": (
            _url("case-action-change", incident, case["action"].pk),
            f"action-{case['action'].pk}",
            ["owner", "due_on"],
        ),
        "action-status": (
            _url("case-action-status", incident, case["action"].pk),
            "",
            ["status"],
        ),
        "clock": (
            _url("case-clock-complete", incident, case["clock"].pk),
            f"clock-{case['clock'].pk}",
            ["confirmation", "completed_at"],
        ),
        "merge": (_url("case-merge", incident), "merge", ["into"]),
        "duplicate": (_url("case-duplicate-dismiss", incident), "", []),
    }


def _field(prefix: str, name: str) -> str:
    return f"{prefix}-{name}" if prefix else name


def _officer_client(officer) -> Client:
    # A fresh client per example, so that no message from an earlier example is read back.
    client = Client()
    client.force_login(officer)
    return client


def _post(client, url: str, data: dict, htmx: bool):
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(url, data, headers=headers)


def _outcome(response) -> tuple[bool, list[str]]:
    """(saved, messages shown): a redirect carries its messages, a 200 shows form errors."""
    assert_no_traceback(response.content)
    assert response.status_code in (200, 302, 404), response.status_code
    if response.status_code == 404:
        return False, ["Not found"]
    if response.status_code == 302:
        notes = list(get_messages(response.wsgi_request))
        assert notes, "a redirect must carry a message"
        saved = all(note.level == constants.SUCCESS for note in notes)
        return saved, [str(note) for note in notes]
    errors = []
    for form in _bound_forms(response.context):
        for field_errors in form.errors.values():
            errors.extend(field_errors)
    assert errors, "a page sent back must say what is wrong"
    for message in errors:
        assert shows(response, message), message
    return False, errors


CASE_FORMS = (
    "classify_form",
    "recordability_form",
    "privacy_form",
    "codes_form",
    "assign_form",
    "status_form",
    "note_form",
    "investigation_form",
    "action_form",
    "merge_form",
)


def _bound_forms(context) -> list:
    forms = [context[key] for key in CASE_FORMS if key in context]
    forms += list(context["clock_forms"].values()) if "clock_forms" in context else []
    forms += list(context["action_forms"].values()) if "action_forms" in context else []
    return [form for form in forms if getattr(form, "is_bound", False)]


@FUZZ
@given(data=st.data())
def test_it_never_fails_on_any_form_data_and_changes_nothing_when_refusing(case, data):
    client = _officer_client(case["officer"])
    endpoints = _endpoints(case)
    name = data.draw(st.sampled_from(sorted(endpoints)), label="endpoint")
    url, prefix, fields = endpoints[name]
    keys = [_field(prefix, field) for field in fields] + ["csrfmiddlewaretoken", "extra"]
    form = data.draw(st.dictionaries(st.sampled_from(keys), junk, max_size=len(keys)), label="form")
    htmx = data.draw(st.booleans(), label="htmx")
    before = _snapshot(case["incident"])
    saved, shown = _outcome(_post(client, url, form, htmx))
    assert shown
    if not saved:
        assert _snapshot(case["incident"]) == before


def _bad_forms(case: dict) -> st.SearchStrategy:
    """(endpoint, form data) pairs that are wrong by construction."""
    officer_ref = case["incident"].reference
    not_a_choice = junk.filter(lambda value: value.strip() not in Severity.values)
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    good_classify = {
        "classify-severity": "medical",
        "classify-illness_type": IllnessType.INJURY,
        "classify-days_away": "0",
        "classify-days_restricted": "0",
    }
    good_action = {
        "action-description": "Fit a lift gate.",
        "action-control_level": ControlLevel.ENGINEERING,
        "action-owner": "dana",
        "action-due_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
    }
    clock_prefix = f"clock-{case['clock'].pk}"

    def classify(change):
        return ("classify", {**good_classify, **change})

    def action(change):
        return ("action", {**good_action, **change})

    return st.one_of(
        not_a_choice.map(lambda value: classify({"classify-severity": value})),
        st.one_of(
            st.integers(min_value=181, max_value=10**12).map(str),
            st.integers(max_value=-1).map(str),
            st.sampled_from(["1.5", "ten", "", "1e3"]),
        ).map(lambda value: classify({"classify-days_away": value})),
        junk.filter(lambda value: value.strip() not in ("yes", "no", "")).map(
            lambda value: ("recordability", {"rec-work_related": value})
        ),
        st.sampled_from(["", "gossip"]).map(
            lambda reason: (
                "privacy",
                {"privacy-privacy_case": "on", "privacy-privacy_reason": reason},
            )
        ),
        st.sampled_from(["nature", "part", "event", "source"]).flatmap(
            lambda family: st.text(min_size=1, max_size=4).map(
                lambda tail: ("codes", {f"codes-{family}": "Z" + tail.strip()})
            )
        ),
        junk.filter(lambda value: ":" not in value).map(
            lambda value: ("code-accept", {"accept": value})
        ),
        st.builds(
            lambda family, code: ("code-accept", {"accept": f"{family}:Z{code}"}),
            st.sampled_from(["nature", "part", "event", "source", "x"]),
            st.text(max_size=5),
        ),
        st.one_of(
            st.integers(min_value=10**6).map(str),
            st.text(min_size=1).map(lambda value: "u" + value),
        ).map(lambda value: ("assign", {"assign-assignee": value})),
        not_a_choice.filter(lambda value: value.strip() not in Status.values).map(
            lambda value: ("status", {"status-status": value})
        ),
        st.sampled_from([Status.CLOSED, Status.INVESTIGATING, Status.ACTIONS_PENDING]).map(
            lambda value: ("status", {"status-status": value})
        ),
        st.text(alphabet=" \t\r\n", max_size=5).map(lambda body: ("note", {"note-body": body})),
        st.text(max_size=10).map(lambda body: ("note", {"note-body": f"a{body}\x00b"})),
        st.text(alphabet=" \t", max_size=3).map(
            lambda root: ("investigation", {"inv-complete": "on", "inv-root_cause": root})
        ),
        st.text(max_size=10).map(
            lambda why: ("investigation", {"inv-why_1": f"{why}\x00", "inv-root_cause": "x"})
        ),
        st.sampled_from(["", "   "]).map(lambda value: action({"action-description": value})),
        not_a_choice.map(lambda value: action({"action-control_level": value})),
        st.text(min_size=1, max_size=12).map(
            lambda value: action({"action-owner": "nobody-" + value})
        ),
        st.sampled_from([past, "2026-02-30", "tomorrow", "", "0000-01-01"]).map(
            lambda value: action({"action-due_on": value})
        ),
        not_a_choice.filter(lambda value: value.strip() not in ActionStatus.values).map(
            lambda value: ("action-status", {"status": value})
        ),
        st.sampled_from(["", "   ", "x" * 81]).map(
            lambda value: ("clock", {f"{clock_prefix}-confirmation": value})
        ),
        st.sampled_from([future, "2026-13-45 10:00", "soon", "9999-12-31 23:59"]).map(
            lambda value: (
                "clock",
                {f"{clock_prefix}-confirmation": "CAL-1", f"{clock_prefix}-completed_at": value},
            )
        ),
        st.one_of(
            st.just(officer_ref),
            st.just(officer_ref.lower()),
            st.text(max_size=20).map(lambda value: "NOPE" + value),
            st.just("INC-" + "9" * 30),
        ).map(lambda value: ("merge", {"merge-into": value})),
    )


@FUZZ
@given(data=st.data())
def test_it_refuses_bad_input_with_a_message_and_leaves_the_case_alone(case, data):
    client = _officer_client(case["officer"])
    endpoints = _endpoints(case)
    name, form = data.draw(_bad_forms(case), label="bad form")
    htmx = data.draw(st.booleans(), label="htmx")
    before = _snapshot(case["incident"])
    saved, shown = _outcome(_post(client, endpoints[name][0], form, htmx))
    assert not saved, (name, form, shown)
    assert shown
    assert _snapshot(case["incident"]) == before


def test_it_answers_unknown_cases_and_rows_with_not_found(client, case):
    client.force_login(case["officer"])
    incident = case["incident"]
    for url in (
        reverse("triage:case-classify", args=["INC-0000-000000"]),
        reverse("triage:case-note-add", args=["x" * 500]),
        _url("case-action-status", incident, 10**9),
        _url("case-clock-complete", incident, 10**9),
    ):
        before = _snapshot(incident)
        response = client.post(url, {"status": "done", "note-body": "hello"})
        assert response.status_code == 404
        assert_no_traceback(response.content)
        assert _snapshot(incident) == before


def test_it_shows_the_refusal_on_the_case_page_after_the_redirect(client, case):
    client.force_login(case["officer"])
    response = client.post(
        _url("case-status", case["incident"]), {"status-status": Status.CLOSED}, follow=True
    )
    assert response.status_code == 200
    assert "cannot go from" in response.content.decode()
    assert Incident.objects.get(pk=case["incident"].pk).status == Status.NEW
