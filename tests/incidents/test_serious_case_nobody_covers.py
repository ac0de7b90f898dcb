"""A serious case in a department no safety officer covers (a vacancy, a new department).

The compliance-deadline warnings fall back to the risk managers when nobody covers the
department; the serious-case alert, the one with the 8-hour Cal/OSHA deadline, tells nobody.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail

from incidents.models import Incident, Severity
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, user_with_role
from tests.incidents.intake_helpers import report_data

pytestmark = pytest.mark.django_db


@time_machine.travel(datetime(2026, 7, 1, 17, 30, tzinfo=UTC), tick=False)
def test_a_serious_case_nobody_covers_alerts_the_risk_managers(
    client, django_capture_on_commit_callbacks
):
    department = DepartmentFactory(name="Street Lighting")  # Its officer has just left.
    manager = user_with_role(Role.RISK_MANAGER, username="helen")
    user_with_role(Role.SAFETY_OFFICER, covers=(DepartmentFactory(),))
    client.force_login(user_with_role(Role.EMPLOYEE, department=department))

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/report/", report_data(treatment="hospital_stay"))

    incident = Incident.objects.get()
    assert incident.severity == Severity.HOSPITALIZATION
    assert [m.to for m in mail.outbox] == [[manager.email]]
    assert incident.reference in mail.outbox[0].subject
    assert "06:30 PM PDT" in mail.outbox[0].body
