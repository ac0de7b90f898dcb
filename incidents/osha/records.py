"""Plain records the OSHA forms and submission files are built from. No Django here.

The selectors turn incidents into these; `forms_pdf` and `ita` only ever see these, so the layouts
can be tested and read without a database.
"""

from dataclasses import dataclass, field
from datetime import date, time
from enum import IntEnum

# OSHA lets employers stop counting days away and restricted days once their sum reaches 180
# (29 CFR 1904.7(b)(3)(vii)); the log, the summary and the submission all use the capped figures.
DAY_COUNT_CAP = 180

PRIVACY_CASE_NAME = "Privacy case"


class Outcome(IntEnum):
    """The most serious outcome of a case: columns G to J, numbered as ITA's incident_outcome."""

    DEATH = 1
    DAYS_AWAY = 2
    JOB_TRANSFER_OR_RESTRICTION = 3
    OTHER_RECORDABLE = 4


class CaseType(IntEnum):
    """Column M, numbered as ITA's type_of_incident."""

    INJURY = 1
    SKIN_DISORDER = 2
    RESPIRATORY_CONDITION = 3
    POISONING = 4
    HEARING_LOSS = 5
    ALL_OTHER_ILLNESSES = 6


CASE_TYPE_LABELS = {
    CaseType.INJURY: "Injury",
    CaseType.SKIN_DISORDER: "Skin disorder",
    CaseType.RESPIRATORY_CONDITION: "Respiratory condition",
    CaseType.POISONING: "Poisoning",
    CaseType.HEARING_LOSS: "Hearing loss",
    CaseType.ALL_OTHER_ILLNESSES: "All other illnesses",
}


def capped_day_counts(days_away: int, days_restricted: int) -> tuple[int, int]:
    """Columns K and L: days away first, then restricted days, together at most 180."""
    away = min(max(days_away, 0), DAY_COUNT_CAP)
    restricted = min(max(days_restricted, 0), DAY_COUNT_CAP - away)
    return away, restricted


@dataclass(frozen=True)
class EstablishmentInfo:
    establishment_id: int
    name: str
    company_name: str
    street_address: str
    city: str
    state: str
    zip_code: str
    naics_code: str
    industry_description: str
    size: int  # riskcabinet's size class (1-4); ita.py converts it to ITA's code.
    establishment_type: int  # 1 private, 2 state government, 3 local government.


@dataclass(frozen=True)
class LogRow:
    """One line of the Form 300 log."""

    case_number: str  # A
    employee_name: str  # B ("Privacy case" for privacy cases)
    job_title: str  # C
    date_of_injury: date  # D
    where_occurred: str  # E
    description: str  # F
    outcome: Outcome  # G-J
    days_away: int  # K (capped)
    days_restricted: int  # L (capped)
    case_type: CaseType  # M
    privacy_case: bool = False
    used_fallback_establishment: bool = False
    # The case is flagged as a likely duplicate of another and nobody has settled it yet: if it
    # is one, the same injury is on the log twice.
    possible_duplicate: bool = False
    # Whether the person hurt is named on file: a privacy case shows "Privacy case" in column B,
    # but its 301 and the confidential list still need the name.
    name_on_file: bool = True
    # A death with no date of death on file: the 301 and the ITA case file need it.
    death_date_missing: bool = False

    @property
    def days_away_uncounted(self) -> bool:
        """Checked in column H with no days in K: the log and the 300A need the count, or an
        estimate while the employee is still away (29 CFR 1904.7(b)(3)(ix))."""
        return self.outcome == Outcome.DAYS_AWAY and self.days_away == 0


@dataclass(frozen=True)
class Summary:
    """Form 300A: the year's totals for one establishment."""

    establishment: EstablishmentInfo
    year: int
    deaths: int  # G
    days_away_cases: int  # H
    transfer_restriction_cases: int  # I
    other_recordable_cases: int  # J
    days_away: int  # K
    days_restricted: int  # L
    by_type: dict[CaseType, int]  # M
    annual_average_employees: int
    total_hours_worked: int
    exposure_note: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def total_cases(self) -> int:
        return (
            self.deaths
            + self.days_away_cases
            + self.transfer_restriction_cases
            + self.other_recordable_cases
        )


@dataclass(frozen=True)
class CaseReport:
    """Form 301 for one case, and the case-detail row of the ITA submission."""

    establishment: EstablishmentInfo
    case_number: str
    year: int
    employee_name: str
    job_title: str
    date_of_injury: date
    time_began_work: time | None
    time_of_event: time | None
    where_occurred: str
    description: str
    outcome: Outcome
    days_away: int
    days_restricted: int
    case_type: CaseType
    physician_name: str
    treatment_facility: str
    treated_in_er: bool | None
    hospitalized_overnight: bool | None
    before_incident: str
    what_happened: str
    injury_illness: str
    object_substance: str
    date_of_death: date | None
    privacy_case: bool = False
    # Not kept by riskcabinet; printed blank on the 301 and left empty in the ITA file.
    employee_street: str = ""
    date_of_birth: date | None = None
    date_of_hire: date | None = None
    sex: str = ""
    # Who prints the form completes it: set by the view from the signed-in user.
    completed_by: str = ""
    completed_by_title: str = ""
    completed_on: date | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
