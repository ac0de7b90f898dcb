"""The claims page: risk managers import the administrator's file and link, by the case's
reference, the claims it could not match, so that every claim's cost counts for a department."""

import io
from datetime import date
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from incidents.models import Claim
from riskcabinet.models import DataImport
from riskcabinet.roles import Role
from tests.factories import DepartmentFactory, IncidentFactory, user_with_role

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CLAIMS_URL = "/triage/claims/"


@pytest.fixture
def department():
    return DepartmentFactory(code="LASAN", name="Sanitation")


@pytest.fixture
def manager(department):
    return user_with_role(Role.RISK_MANAGER, department=department)


@pytest.fixture
def manager_client(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def case(department):
    return IncidentFactory(reference="INC-2025-700001", department=department)


@pytest.fixture
def unlinked():
    return Claim.objects.create(
        claim_number="WC-T-0042", opened_on=date(2025, 6, 2), total_incurred=1200
    )


def upload(client, data: bytes, name: str = "claims-2025-06.csv"):
    return client.post(CLAIMS_URL, {"file": SimpleUploadedFile(name, data, "text/csv")})


def client_page(client, response) -> str:
    """The page a response shows, following its redirect."""
    if response.status_code == 302:
        response = client.get(response["Location"])
    return response.content.decode()


def link(client, claim: Claim, reference: str):
    return client.post(
        reverse("triage:claim-link", kwargs={"pk": claim.pk}), {"reference": reference}
    )


def test_it_imports_the_file_and_shows_its_unmatched_claims_and_bad_rows(
    manager_client, manager, case
):
    response = upload(manager_client, (FIXTURES / "claims_sample.csv").read_bytes())

    record = DataImport.objects.get()
    assert response["Location"] == reverse("triage:claims-import", kwargs={"pk": record.pk})
    assert (record.kind, record.imported_by, record.created) == ("claims", manager, 5)
    assert [item["claim"] for item in record.unlinked] == [
        "WC-T-0002",
        "WC-T-0003",
        "WC-T-0004",
        "WC-T-0005",
    ]
    page = manager_client.get(response["Location"]).content.decode()
    assert "Claims imported without a case" in page
    assert "no incident with reference INC-2025-799999" in page
    assert "Rows not imported" in page
    assert "status &#x27;pending&#x27; is not one of" in page


def test_each_imported_claim_records_the_file_and_who_imported_it(manager_client, manager, case):
    upload(manager_client, (FIXTURES / "claims_sample.csv").read_bytes())

    entry = Claim.objects.get(claim_number="WC-T-0001").history.get()
    assert entry.history_user == manager
    assert entry.history_change_reason == "Imported from claims-2025-06.csv"


def test_a_file_without_the_claim_columns_is_refused_on_the_field(manager_client):
    response = upload(manager_client, b"claim,amount\nWC-1,10\n")

    assert response.status_code == 400
    assert "missing column(s) claim_number, opened_on" in response.content.decode()
    assert not DataImport.objects.exists()
    assert not Claim.objects.exists()


def test_it_lists_the_claims_without_a_case(manager_client, case, unlinked):
    Claim.objects.create(claim_number="WC-T-0001", opened_on=date(2025, 3, 4), incident=case)

    page = manager_client.get(CLAIMS_URL).content.decode()

    assert "1 claim without a case" in page
    assert "WC-T-0042" in page
    assert "$1,200.00 incurred" in page
    assert "WC-T-0001" not in page


def test_a_claim_is_linked_to_its_case_by_reference_and_the_history_says_so(
    manager_client, manager, case, unlinked
):
    response = link(manager_client, unlinked, "  inc-2025-700001 ")

    unlinked.refresh_from_db()
    assert response.status_code == 302
    assert unlinked.incident == case
    entry = unlinked.history.first()
    assert (entry.history_user, entry.history_change_reason) == (
        manager,
        "Linked by hand to INC-2025-700001",
    )
    page = manager_client.get(response["Location"]).content.decode()
    assert "Claim WC-T-0042 is now linked to INC-2025-700001." in page
    assert "Every claim is linked to its case." in page


def test_a_reference_to_no_case_is_refused_beside_that_claim_and_kept(
    manager_client, case, unlinked
):
    response = link(manager_client, unlinked, "INC-2025-799999")

    page = response.content.decode()
    unlinked.refresh_from_db()
    assert response.status_code == 400
    assert unlinked.incident is None
    assert f'id="claim-{unlinked.pk}-error" role="alert">There is no case INC-2025-799999.' in page
    assert 'value="INC-2025-799999" aria-invalid="true"' in page
    assert "autofocus" in page


def test_an_empty_reference_is_refused_with_an_example(manager_client, unlinked):
    response = link(manager_client, unlinked, "")

    assert response.status_code == 400
    assert "Type the case&#x27;s reference, for example INC-2026-000123." in (
        response.content.decode()
    )


def test_a_claim_for_a_merged_case_goes_to_the_case_it_was_merged_into(
    manager_client, department, case, unlinked
):
    duplicate = IncidentFactory(
        reference="INC-2025-700002", department=department, merged_into=case
    )

    link(manager_client, unlinked, duplicate.reference)

    unlinked.refresh_from_db()
    assert unlinked.incident == case


def test_a_claim_linked_meanwhile_is_left_as_it_is(manager_client, department, case, unlinked):
    other = IncidentFactory(reference="INC-2025-700003", department=department)
    Claim.objects.filter(pk=unlinked.pk).update(incident=other)

    response = link(manager_client, unlinked, case.reference)

    unlinked.refresh_from_db()
    assert unlinked.incident == other
    page = client_page(manager_client, response)
    assert "Claim WC-T-0042 is already linked to INC-2025-700003." in page


def test_imports_from_the_command_line_are_listed_too(manager_client, case):
    call_command(
        "import_claims",
        str(FIXTURES / "claims_sample.csv"),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    page = manager_client.get(CLAIMS_URL).content.decode()

    record = DataImport.objects.get()
    assert record.imported_by is None
    assert "claims_sample.csv" in page
    assert "command line" in page
    assert "4 matched no case" in page


def test_the_triage_queue_links_to_claims_for_risk_managers_only(client, department):
    manager = user_with_role(Role.RISK_MANAGER, department=department)
    officer = user_with_role(Role.SAFETY_OFFICER, department=department, covers=(department,))

    client.force_login(manager)
    for_manager = client.get(reverse("triage:queue")).content.decode()
    client.force_login(officer)
    for_officer = client.get(reverse("triage:queue")).content.decode()

    assert f'href="{CLAIMS_URL}"' in for_manager
    assert f'href="{CLAIMS_URL}"' not in for_officer


def test_each_claim_without_a_case_says_why_the_file_did_not_match_it(manager_client, case):
    upload(manager_client, (FIXTURES / "claims_sample.csv").read_bytes())

    page = manager_client.get(CLAIMS_URL).content.decode()

    assert "4 claims without a case" in page
    assert "Not matched: no report by employee E700099 on 2025-06-01." in page
    assert "Not matched: no incident with reference INC-2025-799999." in page
