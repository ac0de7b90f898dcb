"""PostgreSQL runs the statements that every report repeats as prepared statements."""

import pytest
from django.db import connection

from riskcabinet.roles import Role
from riskcabinet.settings.database import postgresql_options
from tests.factories import DepartmentFactory, user_with_role
from tests.incidents.intake_helpers import report_data


@pytest.mark.parametrize(
    ("text", "threshold"), [("5", 5), (" 0 ", 0), ("12", 12), ("none", None), ("None", None)]
)
def test_it_binds_on_the_server_and_prepares_after_the_threshold(text, threshold):
    assert postgresql_options({}, text) == {
        "server_side_binding": True,
        "prepare_threshold": threshold,
    }


def test_options_given_in_the_database_url_win():
    options = postgresql_options({"sslmode": "require", "server_side_binding": False}, "5")
    assert options == {"sslmode": "require", "server_side_binding": False, "prepare_threshold": 5}


@pytest.mark.parametrize("text", ["", "five", "-1", "2.5"])
def test_a_threshold_that_is_not_a_whole_number_or_none_is_refused(text):
    with pytest.raises(ValueError, match="DATABASE_PREPARE_THRESHOLD must be a whole number"):
        postgresql_options({}, text)


@pytest.mark.postgresql
@pytest.mark.django_db
def test_a_report_is_written_with_prepared_statements_on_postgresql(client, postgres_url):
    assert connection.vendor == "postgresql", "run in the PostgreSQL pass (make pytest-postgres)"
    assert connection.features.uses_server_side_binding
    client.force_login(user_with_role(Role.EMPLOYEE, department=DepartmentFactory()))
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    for _ in range(threshold + 2):
        response = client.post("/report/", report_data(), headers={"Accept": "application/json"})
        assert response.status_code == 201
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    for start in (
        'SELECT "id", "reporter_id", "source" FROM "incidents_incident"',  # Already received?
        'SELECT "id", "latitude", "longitude"',  # A likely duplicate?
        # The year's reference number, the case and its history row, in one statement.
        'WITH counter AS (UPDATE "incidents_referencesequence"',
    ):
        assert any(statement.startswith(start) for statement in prepared), (start, prepared)
