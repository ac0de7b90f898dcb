"""`import_claims`: linking the administrator's claims to incidents, idempotently."""

import io
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.template.loader import render_to_string

from incidents.models import Claim
from incidents.osha.selectors import claim_totals_by_department
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def incidents(db):
    department = DepartmentFactory(code="LASAN")
    worker = user_with_role(Role.EMPLOYEE, department=department, employee_id="E700002")
    by_reference = IncidentFactory(reference="INC-2025-700001", department=department)
    by_employee = IncidentFactory(
        department=department,
        reporter=worker,
        occurred_at=datetime(2025, 4, 10, 7, 45, tzinfo=LA),
    )
    return by_reference, by_employee


def _run(name: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_claims", str(FIXTURES / name), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_links_claims_by_reference_and_by_employee_and_date(incidents):
    by_reference, by_employee = incidents

    _run("claims_sample.csv")

    first = Claim.objects.get(claim_number="WC-T-0001")
    assert first.incident == by_reference
    assert (first.paid_to_date, first.total_incurred, first.lost_days) == (
        Decimal("1250.00"),
        Decimal("4800.00"),
        3,
    )
    assert Claim.objects.get(claim_number="WC-T-0002").incident == by_employee


def test_it_lists_unlinked_claims_and_bad_rows_with_line_numbers(incidents):
    out, err = _run("claims_sample.csv")

    assert "3 claim(s) not linked" in out
    assert "line 4: WC-T-0003: no incident with reference INC-2025-799999" in out
    assert "line 5: WC-T-0004: no report by employee E700099 on 2025-06-01" in out
    assert "line 6: WC-T-0005: neither incident_reference nor employee_id" in out
    assert "line 7: claim_number is empty" in err
    assert "line 8: '2025-13-40' is not a date" in err
    assert "line 9: status 'pending' is not one of" in err
    assert "line 10: paid_to_date is negative" in err
    assert (
        "line 11: total_incurred 4,800.00 is less than paid_to_date 5,000.00 "
        "(incurred is paid plus reserves)"
    ) in err
    assert Claim.objects.count() == 5


def test_it_updates_claims_in_place_and_keeps_their_history(incidents):
    _run("claims_sample.csv")

    out, _ = _run("claims_sample_update.csv")

    claim = Claim.objects.get(claim_number="WC-T-0001")
    assert (claim.status, claim.paid_to_date, claim.lost_days) == ("closed", Decimal("4800.00"), 5)
    assert Claim.objects.filter(claim_number="WC-T-0001").count() == 1
    assert "0 created, 1 updated, 1 unchanged" in out
    assert [h.history_type for h in claim.history.order_by("history_date")] == ["+", "~"]


def test_it_totals_claim_costs_by_department(incidents):
    _run("claims_sample.csv")

    totals = claim_totals_by_department(year=2025)

    assert [(row["code"], row["claims"]) for row in totals] == [("LASAN", 2)]
    assert totals[0]["total_incurred"] == Decimal("5700.50")
    assert totals[0]["paid_to_date"] == Decimal("2150.50")


def test_it_shows_claim_costs_on_the_case(incidents):
    _run("claims_sample.csv")

    html = render_to_string("incidents/_claims.html", {"incident": incidents[0]})

    assert "WC-T-0001" in html
    assert "$4,800.00" in html


def test_it_refuses_a_file_without_the_claim_columns(db, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("number,amount\n1,2\n", encoding="utf-8")

    with pytest.raises(CommandError, match="missing column"):
        call_command("import_claims", str(path))


def test_it_says_when_a_claims_file_is_separated_by_tabs(db, tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text("claim_number\topened_on\ttotal_incurred\n1\t2026-01-02\t5\n", "utf-8")

    with pytest.raises(CommandError, match="separated by tabs: save it as comma-separated"):
        call_command("import_claims", str(path))


def test_a_claim_matches_the_case_a_supervisor_filed_for_the_person_hurt(db, tmp_path):
    department = DepartmentFactory(code="LASAN")
    supervisor = user_with_role(Role.EMPLOYEE, department=department, employee_id="E700010")
    crew = user_with_role(Role.EMPLOYEE, department=department, employee_id="E700011")
    filed_for_crew = IncidentFactory(
        department=department,
        reporter=supervisor,
        injured_name="Luis Ortega",
        injured_person=crew.person,
        occurred_at=datetime(2025, 4, 10, 7, 45, tzinfo=LA),
    )
    header = "claim_number,employee_id,date_of_injury,opened_on,status,paid_to_date,total_incurred"
    path = tmp_path / "claims.csv"
    path.write_text(
        f"{header}\n"
        "WC-C-1,E700011,2025-04-10,2025-04-12,open,0,500\n"
        "WC-S-1,E700010,2025-04-10,2025-04-12,open,0,500\n",
        encoding="utf-8",
    )

    call_command("import_claims", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert Claim.objects.get(claim_number="WC-C-1").incident == filed_for_crew
    # The supervisor filed the case but was not hurt in it.
    assert Claim.objects.get(claim_number="WC-S-1").incident is None
