"""An import whose every row is refused must fail, as `import_exposure` does.

`import_incidents` and `import_claims` print the bad rows and exit 0 when nothing at all was
imported (OSHA's own download writes EventDate as 1/15/2017; a claims export in another layout),
so the cron job or script that runs them reports success and nobody looks.
"""

import pytest
from django.core.management import CommandError, call_command

from incidents.models import Claim, Incident

pytestmark = pytest.mark.django_db

OSHA_HEADER = "row_no,EventDate,City,State,Hospitalized,Amputation,Final Narrative\n"


def test_import_incidents_fails_when_every_row_is_refused(tmp_path):
    path = tmp_path / "severeinjury.csv"
    path.write_text(
        OSHA_HEADER
        + '1,1/15/2017,DOVER,DELAWARE,1,0,"Employee fell from a ladder."\n'
        + '2,1/16/2017,DOVER,DELAWARE,1,0,"Employee caught a hand in a press."\n',
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="Nothing imported from severeinjury.csv"):
        call_command("import_incidents", str(path), "--format", "osha-severe")
    assert Incident.objects.count() == 0


def test_import_incidents_a_second_run_of_the_same_file_is_not_an_error(tmp_path):
    path = tmp_path / "severeinjury.csv"
    path.write_text(OSHA_HEADER + '1,2017-01-15,DOVER,DELAWARE,1,0,"Fell."\n', encoding="utf-8")
    call_command("import_incidents", str(path), "--format", "osha-severe")
    call_command("import_incidents", str(path), "--format", "osha-severe")
    assert Incident.objects.count() == 1


def test_import_claims_fails_when_every_row_is_refused(tmp_path):
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_number,opened_on,status,paid_to_date,total_incurred\n"
        "WC-1,15/03/2026,open,100,200\n"
        "WC-2,16/03/2026,open,100,200\n",
        encoding="utf-8",
    )

    with pytest.raises(CommandError, match="Nothing imported from claims.csv"):
        call_command("import_claims", str(path))
    assert Claim.objects.count() == 0
