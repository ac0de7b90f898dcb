"""Nothing in a briefing packet identifies an employee."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from incidents.models import Incident, Severity
from reports.services import packet_build
from tests.reports.test_packet_city import (
    PACKET_MONTH,
    SECRET_IDS,
    SECRET_NAMES,
    SECRET_WORDS,
    _at,
    packet_city_seed,
)

pytestmark = pytest.mark.django_db


def _packet_text() -> str:
    packet = packet_build(month=PACKET_MONTH)
    reader = PdfReader(io.BytesIO(default_storage.open(packet.file.name).read()))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    # Compare without spacing, so a word split across a line or a glyph run still matches.
    return re.sub(r"\s+", "", text).casefold()


def _two_hospitalizations_this_month() -> list[Incident]:
    """The demo city's first two hospitalizations of the packet's month, by reference."""
    city = packet_city_seed()
    this_month = Incident.objects.filter(
        severity=Severity.HOSPITALIZATION, occurred_at__gte=_at(city["month"], 0)
    )
    return list(this_month.order_by("reference")[:2])


def test_it_keeps_names_ids_and_narratives_out_of_the_packet():
    packet_city_seed()
    serious = Incident.objects.filter(severity=Severity.HOSPITALIZATION).first()
    assert serious.reporter.get_full_name() in (
        "Zebulon Quillfeather",
        "Perpetua Marchbanks",
        "Ignatius Vonnegrath",
    )

    text = _packet_text()

    assert serious.reference.casefold() in text  # The packet did list the serious cases.
    for secret in (*SECRET_NAMES, *SECRET_IDS, *SECRET_WORDS, "femur", "lowerback", "sprain"):
        assert secret.casefold() not in text, secret


def test_it_names_action_owners_by_role_only():
    packet_city_seed()

    text = _packet_text()

    assert "sanitationsupervisor" in text or "departmentsupervisor" in text
    assert "personalaide" not in text


def test_it_counts_a_serious_privacy_case_without_describing_it():
    private, listed = _two_hospitalizations_this_month()
    Incident.objects.filter(pk=private.pk).update(privacy_case=True)

    text = _packet_text()

    assert listed.reference.casefold() in text
    assert private.reference.casefold() not in text
    assert "also1privacycase,notdescribedhere;itsdeadlinesareinthesecounts." in text


def test_a_hospital_stay_only_for_observation_is_not_a_serious_case():
    from reports.selectors import packet_data_for_month

    observed, admitted = _two_hospitalizations_this_month()
    Incident.objects.filter(pk=observed.pk).update(hospital_observation_only=True)

    data = packet_data_for_month(month=PACKET_MONTH)

    listed = {case.reference for case in data.serious_cases}
    assert admitted.reference in listed
    assert observed.reference not in listed
