"""Every URL in the project against every role: a new view without a declared rule fails here.

The scope is one incident in department A, filed by `reporter`, with a photo; `officer_in` covers
department A and `officer_out` covers department B only. Each rule says, per role, whether the
request is allowed (a 2xx or a redirect that is not to the login page), sent to log in, or denied
(403 or 404: a denied object is never revealed).
"""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from incidents.models import Attachment, Claim
from reports.models import BriefingPacket
from riskcabinet.models import DataImport
from riskcabinet.roles import Role
from tests.factories import (
    DepartmentFactory,
    DepartmentScoreFactory,
    EstablishmentFactory,
    IncidentFactory,
    user_with_role,
)

ROLES = (
    "anonymous",
    "reporter",
    "employee",
    "officer_in",
    "officer_out",
    "manager",
    "cabinet",
    "admin",
)
OK, LOGIN, DENY = "ok", "login", "deny"

EVERYONE = dict.fromkeys(ROLES, OK)
SIGNED_IN = {**dict.fromkeys(ROLES, OK), "anonymous": LOGIN}
TRIAGE_LIST = {
    "anonymous": LOGIN,
    "reporter": DENY,
    "employee": DENY,
    "officer_in": OK,
    "officer_out": OK,
    "manager": OK,
    "cabinet": DENY,
    "admin": OK,
}
# The officer who does not cover the department is denied the object, as is everyone else.
TRIAGE_OBJECT = {**TRIAGE_LIST, "officer_out": DENY}
CABINET = {
    "anonymous": LOGIN,
    "reporter": DENY,
    "employee": DENY,
    "officer_in": DENY,
    "officer_out": DENY,
    "manager": OK,
    "cabinet": OK,
    "admin": OK,
}
PACKET_BUILD = {**CABINET, "cabinet": DENY}
# Payroll hours and claims files: risk managers and administrators.
DATA_IMPORT = PACKET_BUILD
OWN_REPORT = {**dict.fromkeys(ROLES, DENY), "anonymous": LOGIN, "reporter": OK}
# The world's corrective action is the covering officer's: only its owner may update it.
OWN_ACTION = {**dict.fromkeys(ROLES, DENY), "anonymous": LOGIN, "officer_in": OK}
PHOTO = {**TRIAGE_OBJECT, "reporter": OK}

# url name -> (method, rule). Every URL pattern of the project must appear here.
RULES: dict[str, tuple[str, dict[str, str]]] = {
    "home": ("get", SIGNED_IN),
    "health": ("get", EVERYONE),
    "login": ("get", EVERYONE),
    "logout": ("post", dict.fromkeys(ROLES, LOGIN)),  # Signs out, then to the login page.
    "set-language": ("post", EVERYONE),
    "incidents:report-create": ("get", SIGNED_IN),
    "incidents:report-done": ("get", OWN_REPORT),
    "incidents:anonymous-create": ("get", EVERYONE),
    "incidents:anonymous-status": ("get", EVERYONE),
    "incidents:my-reports": ("get", SIGNED_IN),
    "incidents:my-actions": ("get", SIGNED_IN),
    "incidents:my-action-update": ("post", OWN_ACTION),
    "incidents:photo": ("get", PHOTO),
    "incidents:service-worker": ("get", EVERYONE),
    "triage:queue": ("get", TRIAGE_LIST),
    "triage:export": ("get", TRIAGE_LIST),
    "triage:bulk-assign": ("post", TRIAGE_LIST),
    "triage:actions-overdue": ("get", TRIAGE_LIST),
    "triage:oiics-search": ("get", TRIAGE_LIST),
    "triage:case": ("get", TRIAGE_OBJECT),
    "triage:case-history": ("get", TRIAGE_OBJECT),
    "triage:case-classify": ("post", TRIAGE_OBJECT),
    "triage:case-recordability": ("post", TRIAGE_OBJECT),
    "triage:case-injured": ("post", TRIAGE_OBJECT),
    "triage:case-privacy": ("post", TRIAGE_OBJECT),
    "triage:case-form-301": ("post", TRIAGE_OBJECT),
    "triage:case-codes": ("post", TRIAGE_OBJECT),
    "triage:case-code-accept": ("post", TRIAGE_OBJECT),
    "triage:case-assign": ("post", TRIAGE_OBJECT),
    "triage:case-status": ("post", TRIAGE_OBJECT),
    "triage:case-note-add": ("post", TRIAGE_OBJECT),
    "triage:case-investigation": ("post", TRIAGE_OBJECT),
    "triage:case-action-add": ("post", TRIAGE_OBJECT),
    "triage:case-action-change": ("post", TRIAGE_OBJECT),
    "triage:case-action-status": ("post", TRIAGE_OBJECT),
    "triage:case-clock-complete": ("post", TRIAGE_OBJECT),
    "triage:case-merge": ("post", TRIAGE_OBJECT),
    "triage:case-duplicate-dismiss": ("post", TRIAGE_OBJECT),
    "osha:index": ("get", TRIAGE_LIST),
    "osha:log-pdf": ("get", TRIAGE_OBJECT),
    "osha:log-csv": ("get", TRIAGE_OBJECT),
    "osha:summary-pdf": ("get", TRIAGE_OBJECT),
    "osha:ita-summary-csv": ("get", TRIAGE_OBJECT),
    "osha:ita-cases-csv": ("get", TRIAGE_OBJECT),
    "osha:case-pdf": ("get", TRIAGE_OBJECT),
    "cabinet:dashboard": ("get", CABINET),
    "cabinet:department": ("get", CABINET),
    "cabinet:scores-recompute": ("post", PACKET_BUILD),
    "cabinet:hours": ("get", DATA_IMPORT),
    "cabinet:hours-import": ("get", DATA_IMPORT),
    "cabinet:hours-template": ("get", DATA_IMPORT),
    "triage:claims": ("get", DATA_IMPORT),
    "triage:claims-import": ("get", DATA_IMPORT),
    "triage:claim-link": ("post", DATA_IMPORT),
    "triage:claim-case-open": ("post", DATA_IMPORT),
    "reports:packet-list": ("get", CABINET),
    "reports:packet-build": ("post", PACKET_BUILD),
    "reports:packet-detail": ("get", CABINET),
    "reports:packet-download": ("get", CABINET),
}


def _project_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL pattern {pattern.pattern} has no name"
                names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return names


def test_it_declares_an_access_rule_for_every_url_in_the_project():
    names = _project_url_names()
    missing = sorted(names - RULES.keys())
    assert not missing, f"URLs without an access rule in tests/test_url_access.py: {missing}"
    stale = sorted(RULES.keys() - names)
    assert not stale, f"Rules for URLs that no longer exist: {stale}"


@pytest.fixture
def world(db):
    department_a = DepartmentFactory(code="DA", name="Department A")
    department_b = DepartmentFactory(code="DB", name="Department B")
    establishment = EstablishmentFactory(department=department_a)
    users = {
        "reporter": user_with_role(Role.EMPLOYEE, department=department_a),
        "employee": user_with_role(Role.EMPLOYEE, department=department_a),
        "officer_in": user_with_role(
            Role.SAFETY_OFFICER, department=department_a, covers=(department_a,)
        ),
        "officer_out": user_with_role(
            Role.SAFETY_OFFICER, department=department_b, covers=(department_b,)
        ),
        "manager": user_with_role(Role.RISK_MANAGER),
        "cabinet": user_with_role(Role.CABINET_MEMBER),
        "admin": user_with_role(Role.ADMINISTRATOR),
    }
    incident = IncidentFactory(
        department=department_a,
        establishment=establishment,
        reporter=users["reporter"],
        recordable=True,
    )
    photo = Attachment(incident=incident, content_type="image/png", size=3, sha256="0" * 64)
    photo._history_user = users["reporter"]  # Sent with the report, as intake records it.
    photo.file.save("photo.png", ContentFile(b"png"))
    action = incident.actions.create(
        description="Fit a guard.",
        control_level="engineering",
        owner=users["officer_in"],
        due_on=date(2026, 12, 1),
    )
    clock = incident.clocks.first()
    if clock is None:
        from django.utils import timezone

        clock = incident.clocks.create(
            kind="log_300", started_at=timezone.now(), due_at=timezone.now()
        )
    packet = BriefingPacket.objects.create(month=date(2026, 10, 1), status="published")
    packet.file.save("briefing-2026-10.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"))
    hours_import = DataImport.objects.create(
        kind="hours", file_name="payroll.csv", file_sha256="0" * 64
    )
    claims_import = DataImport.objects.create(
        kind="claims", file_name="claims.csv", file_sha256="0" * 64
    )
    claim = Claim.objects.create(claim_number="WC-1", opened_on=date(2026, 10, 2))
    DepartmentScoreFactory(department=department_a, hours_worked=float(Decimal("1000")))
    kwargs = {
        "incidents:report-done": {"reference": incident.reference},
        "incidents:photo": {"pk": photo.pk},
        "incidents:my-action-update": {"pk": action.pk},
        "triage:oiics-search": {"family": "event"},
        "triage:case-action-status": {"reference": incident.reference, "pk": action.pk},
        "triage:case-action-change": {"reference": incident.reference, "pk": action.pk},
        "triage:case-clock-complete": {"reference": incident.reference, "pk": clock.pk},
        "osha:log-pdf": {"establishment_id": establishment.pk, "year": incident.occurred_at.year},
        "cabinet:department": {"code": department_a.code},
        "cabinet:hours-import": {"pk": hours_import.pk},
        "triage:claims-import": {"pk": claims_import.pk},
        "triage:claim-link": {"pk": claim.pk},
        "triage:claim-case-open": {"pk": claim.pk},
        "reports:packet-detail": {"month": date(2026, 10, 1)},
        "reports:packet-download": {"month": date(2026, 10, 1)},
    }
    for name in ("osha:log-csv", "osha:summary-pdf", "osha:ita-summary-csv", "osha:ita-cases-csv"):
        kwargs[name] = kwargs["osha:log-pdf"]
    return users, incident, kwargs


def _url(name: str, incident, kwargs: dict) -> str:
    if name in kwargs:
        return reverse(name, kwargs=kwargs[name])
    try:
        return reverse(name)
    except Exception:
        return reverse(name, kwargs={"reference": incident.reference})


def _outcome(response) -> str:
    if response.status_code in (403, 404):
        return DENY
    if response.status_code in (301, 302, 303):
        location = response["Location"]
        return LOGIN if location.startswith(reverse("login")) else OK
    # A form sent empty is refused with 400 by a view the request was let into.
    if response.status_code <= 400:
        return OK
    return f"status {response.status_code}"


@pytest.mark.parametrize("role", ROLES)
def test_it_enforces_the_declared_rule_for_every_url(client, world, role):
    users, incident, kwargs = world
    failures = []
    for name, (method, rule) in sorted(RULES.items()):
        client.logout()
        if role != "anonymous":
            client.force_login(users[role])
        url = _url(name, incident, kwargs)
        response = getattr(client, method)(url)
        outcome = _outcome(response)
        if outcome != rule[role]:
            failures.append(
                f"{method.upper()} {url} ({name}): expected {rule[role]}, got {outcome}"
            )
    assert not failures, "\n".join(failures)
