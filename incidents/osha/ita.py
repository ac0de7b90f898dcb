"""CSV files for OSHA's Injury Tracking Application (ITA). No Django here.

The column names, their order and the codes follow OSHA's ITA data dictionaries for the CSV
upload ("Form 300A summary data" and "Case data (Forms 300 and 301)", published with the ITA
API/CSV documentation at osha.gov/injuryreporting). The two lists below are the only place they
are spelled out. Neither file carries an employee's name.
"""

import csv
import re
from collections.abc import Iterable
from datetime import date, time
from typing import TextIO

from incidents.osha.records import CaseReport, CaseType, Outcome, Summary
from riskcabinet.textfiles import spreadsheet_safe

# ITA "Form 300A summary data" CSV columns, in the template's order. The first ten (names, order,
# text limits, the ZIP's 5 or 9 digits, the size codes) agree with the ITA upload requirements as
# a vendor's published guide gives them; the later ones and the case-data columns below follow
# OSHA's data dictionary as we read it, unconfirmed against a copy of it.
SUMMARY_COLUMNS = (
    "establishment_name",
    "ein",
    "company_name",
    "street_address",
    "city",
    "state",
    "zip",
    "naics_code",
    "industry_description",
    "size",
    "establishment_type",
    "year_filing_for",
    "annual_average_employees",
    "total_hours_worked",
    "no_injuries_illnesses",
    "total_deaths",
    "total_dafw_cases",
    "total_djtr_cases",
    "total_other_cases",
    "total_dafw_days",
    "total_djtr_days",
    "total_injuries",
    "total_skin_disorders",
    "total_respiratory_conditions",
    "total_poisonings",
    "total_hearing_loss",
    "total_other_illnesses",
    "change_reason",
)

# ITA "Case data" CSV columns (one row per case on the 300 log), in the template's order.
CASE_COLUMNS = (
    "establishment_name",
    "year_of_filing",
    "case_number",
    "job_title",
    "date_of_incident",
    "incident_location",
    "incident_description",
    "incident_outcome",
    "dafw_num_away",
    "djtr_num_tr",
    "type_of_incident",
    "date_of_birth",
    "date_of_hire",
    "sex",
    "treatment_facility_type",
    "treatment_in_patient",
    "time_started_work",
    "time_of_incident",
    "time_unknown",
    "nar_before_incident",
    "nar_what_happened",
    "nar_injury_illness",
    "nar_object_substance",
    "date_of_death",
)

# ITA size codes: 1 fewer than 20, 21 for 20-99, 22 for 100-249, 3 for 250 or more employees.
ITA_SIZE_BY_CLASS = {1: 1, 2: 21, 3: 22, 4: 3}

# no_injuries_illnesses: 1 when the establishment had cases in the year, 2 when it had none.
HAD_CASES, HAD_NO_CASES = 1, 2

_SPACES = re.compile(r"\s+")
_NOT_DIGITS = re.compile(r"\D")


def _text(value: str, limit: int | None = None) -> str:
    """One line of text (the upload rejects embedded line breaks), at most `limit` characters
    once written: the apostrophe `write_csv` puts before text a spreadsheet would run counts."""
    text = _SPACES.sub(" ", value or "").strip()
    if not limit:
        return text
    return text[: limit - (len(spreadsheet_safe(text)) - len(text))]


def _date(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def _time(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return "1" if value else "0"


def summary_row(summary: Summary, *, change_reason: str = "") -> dict[str, str | int]:
    info = summary.establishment
    return {
        "establishment_name": _text(info.name, 100),
        "ein": "",
        "company_name": _text(info.company_name, 100),
        "street_address": _text(info.street_address, 100),
        "city": _text(info.city, 100),
        "state": info.state,
        # ITA takes 5 or 9 digits: a ZIP+4 goes without its hyphen.
        "zip": _NOT_DIGITS.sub("", info.zip_code or ""),
        "naics_code": info.naics_code,
        "industry_description": _text(info.industry_description, 300),
        "size": ITA_SIZE_BY_CLASS.get(info.size, info.size),
        "establishment_type": info.establishment_type,
        "year_filing_for": summary.year,
        "annual_average_employees": summary.annual_average_employees,
        "total_hours_worked": summary.total_hours_worked,
        "no_injuries_illnesses": HAD_CASES if summary.total_cases else HAD_NO_CASES,
        "total_deaths": summary.deaths,
        "total_dafw_cases": summary.days_away_cases,
        "total_djtr_cases": summary.transfer_restriction_cases,
        "total_other_cases": summary.other_recordable_cases,
        "total_dafw_days": summary.days_away,
        "total_djtr_days": summary.days_restricted,
        "total_injuries": summary.by_type[CaseType.INJURY],
        "total_skin_disorders": summary.by_type[CaseType.SKIN_DISORDER],
        "total_respiratory_conditions": summary.by_type[CaseType.RESPIRATORY_CONDITION],
        "total_poisonings": summary.by_type[CaseType.POISONING],
        "total_hearing_loss": summary.by_type[CaseType.HEARING_LOSS],
        "total_other_illnesses": summary.by_type[CaseType.ALL_OTHER_ILLNESSES],
        "change_reason": _text(change_reason, 200),
    }


def case_row(report: CaseReport) -> dict[str, str | int]:
    return {
        "establishment_name": _text(report.establishment.name, 100),
        "year_of_filing": report.year,
        "case_number": report.case_number,
        "job_title": _text(report.job_title, 255),
        "date_of_incident": _date(report.date_of_injury),
        "incident_location": _text(report.where_occurred, 255),
        "incident_description": _text(report.description, 255),
        "incident_outcome": int(report.outcome),
        "dafw_num_away": report.days_away,
        "djtr_num_tr": report.days_restricted,
        "type_of_incident": int(report.case_type),
        "date_of_birth": _date(report.date_of_birth),
        "date_of_hire": _date(report.date_of_hire),
        "sex": report.sex,
        # Treated in an emergency room, and kept overnight as an in-patient: 1 yes, 0 no.
        "treatment_facility_type": _yes_no(report.treated_in_er),
        "treatment_in_patient": _yes_no(report.hospitalized_overnight),
        "time_started_work": _time(report.time_began_work),
        "time_of_incident": _time(report.time_of_event),
        "time_unknown": "0" if report.time_of_event else "1",
        "nar_before_incident": _text(report.before_incident),
        "nar_what_happened": _text(report.what_happened),
        "nar_injury_illness": _text(report.injury_illness),
        "nar_object_substance": _text(report.object_substance),
        "date_of_death": _date(report.date_of_death) if report.outcome == Outcome.DEATH else "",
    }


def write_csv(handle: TextIO, columns: tuple[str, ...], rows: Iterable[dict]) -> int:
    """Write the rows; text cells come from reporters and officers, so none may start a
    spreadsheet formula."""
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({name: spreadsheet_safe(value) for name, value in row.items()})
        count += 1
    return count


def write_summaries(handle: TextIO, summaries: Iterable[Summary]) -> int:
    return write_csv(handle, SUMMARY_COLUMNS, (summary_row(s) for s in summaries))


def write_cases(handle: TextIO, reports: Iterable[CaseReport]) -> int:
    return write_csv(handle, CASE_COLUMNS, (case_row(r) for r in reports))


# Form 300 as a spreadsheet: the paper log's columns, with the employee's name (kept in-house,
# never uploaded).
LOG_COLUMNS = (
    "case_number",
    "employee_name",
    "job_title",
    "date_of_injury",
    "where_occurred",
    "description",
    "death",
    "days_away",
    "job_transfer_or_restriction",
    "other_recordable",
    "days_away_count",
    "days_restricted_count",
    "injury_or_illness_type",
)
