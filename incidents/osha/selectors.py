"""Reads for OSHA recordkeeping. The 300 log, the 300A summary, the ITA files and the dashboard
all count cases through `recordable_cases`, so they cannot disagree.

Rules kept in this one place:

* A case is on an establishment's log for a year when it is recordable (`recordable=True`), was
  not merged into another case, and occurred in that calendar year (local time).
* An incident without an establishment is logged at its department's first establishment (the
  one created first); the export warns about every such case.
* Outcome, columns G to J, is the worst of: death (severity fatality or a date of death) > days
  away (any days away, or severity days away or in-patient hospitalisation) > job transfer or
  restriction (any restricted days, or severity restricted) > other recordable case.
* Columns K and L are capped together at 180 days, days away counted first.
* Hours and average employees come from the department's ExposureMonth rows of the year. A
  department with several establishments has no per-site payroll, so each establishment gets an
  equal share of the department's hours and of its average headcount (rounded; the first
  establishment takes the remainder so the shares add up to the department's figures).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_CEILING, Decimal

from django.db.models import (
    Case,
    Count,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Least
from django.utils import timezone

from incidents.models import Claim, Establishment, IllnessType, Incident, Severity
from incidents.osha import oiics_titles
from incidents.osha.records import (
    DAY_COUNT_CAP,
    PRIVACY_CASE_NAME,
    CaseReport,
    CaseType,
    EstablishmentInfo,
    LogRow,
    Outcome,
    Summary,
)
from riskcabinet.models import Department, ExposureMonth

NAME_NOT_ON_FILE = "Name not on file"

# The most serious outcome, read from the day counts first: an amputation whose employee went
# straight to restricted duty is a restricted case (column I), not a days-away one. The severity
# decides only while both counts are empty (an in-patient stay is days away until counted).
OUTCOME_EXPRESSION = Case(
    When(Q(severity=Severity.FATALITY) | Q(date_of_death__isnull=False), then=Value(Outcome.DEATH)),
    When(days_away__gt=0, then=Value(Outcome.DAYS_AWAY)),
    When(days_restricted__gt=0, then=Value(Outcome.JOB_TRANSFER_OR_RESTRICTION)),
    When(
        severity__in=(Severity.DAYS_AWAY, Severity.HOSPITALIZATION), then=Value(Outcome.DAYS_AWAY)
    ),
    When(severity=Severity.RESTRICTED, then=Value(Outcome.JOB_TRANSFER_OR_RESTRICTION)),
    default=Value(Outcome.OTHER_RECORDABLE),
    output_field=IntegerField(),
)

CASE_TYPE_BY_ILLNESS = {
    IllnessType.INJURY: CaseType.INJURY,
    IllnessType.SKIN: CaseType.SKIN_DISORDER,
    IllnessType.RESPIRATORY: CaseType.RESPIRATORY_CONDITION,
    IllnessType.POISONING: CaseType.POISONING,
    IllnessType.HEARING_LOSS: CaseType.HEARING_LOSS,
    IllnessType.OTHER_ILLNESS: CaseType.ALL_OTHER_ILLNESSES,
}

CASE_TYPE_EXPRESSION = Case(
    *(
        When(illness_type=value, then=Value(int(kind)))
        for value, kind in CASE_TYPE_BY_ILLNESS.items()
    ),
    default=Value(int(CaseType.INJURY)),
    output_field=IntegerField(),
)

_CAPPED_AWAY = Least("days_away", Value(DAY_COUNT_CAP))


def year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime(year, 1, 1, tzinfo=tz),
        datetime(year + 1, 1, 1, tzinfo=tz),
    )


def fallback_establishment(department_id: int) -> Establishment | None:
    """The establishment whose log takes a department's cases that name no establishment."""
    return Establishment.objects.filter(department_id=department_id).order_by("pk").first()


def _establishment_filter(establishment: Establishment) -> Q:
    own = Q(establishment=establishment)
    fallback = fallback_establishment(establishment.department_id)
    if fallback is not None and fallback.pk == establishment.pk:
        own |= Q(establishment__isnull=True, department_id=establishment.department_id)
    return own


def recordable_cases(
    *,
    year: int,
    establishment: Establishment | None = None,
    department: Department | None = None,
) -> QuerySet[Incident]:
    """The cases on the OSHA log, annotated with their outcome, case type and capped day counts."""
    start, end = year_bounds(year)
    cases = Incident.objects.filter(
        recordable=True, merged_into__isnull=True, occurred_at__gte=start, occurred_at__lt=end
    )
    if establishment is not None:
        cases = cases.filter(_establishment_filter(establishment))
    if department is not None:
        cases = cases.filter(department=department)
    return cases.annotate(
        osha_outcome=OUTCOME_EXPRESSION,
        osha_case_type=CASE_TYPE_EXPRESSION,
        osha_days_away=_CAPPED_AWAY,
        osha_days_restricted=Least("days_restricted", Value(DAY_COUNT_CAP) - _CAPPED_AWAY),
    ).order_by("occurred_at", "reference")


def outcome_totals(cases: QuerySet[Incident]) -> dict[str, int]:
    """G-M totals of an annotated `recordable_cases` queryset, for the 300A and the dashboard."""
    aggregates = {
        "deaths": Count("pk", filter=Q(osha_outcome=Outcome.DEATH)),
        "days_away_cases": Count("pk", filter=Q(osha_outcome=Outcome.DAYS_AWAY)),
        "transfer_restriction_cases": Count(
            "pk", filter=Q(osha_outcome=Outcome.JOB_TRANSFER_OR_RESTRICTION)
        ),
        "other_recordable_cases": Count("pk", filter=Q(osha_outcome=Outcome.OTHER_RECORDABLE)),
        "days_away": Sum("osha_days_away"),
        "days_restricted": Sum("osha_days_restricted"),
    }
    for kind in CaseType:
        aggregates[f"type_{int(kind)}"] = Count("pk", filter=Q(osha_case_type=int(kind)))
    totals = cases.order_by().aggregate(**aggregates)
    return {key: value or 0 for key, value in totals.items()}


def establishment_info(establishment: Establishment) -> EstablishmentInfo:
    from django.conf import settings

    return EstablishmentInfo(
        establishment_id=establishment.pk,
        name=establishment.name,
        company_name=getattr(settings, "CITY_NAME", ""),
        street_address=establishment.street_address,
        city=establishment.city,
        state=establishment.state,
        zip_code=establishment.zip_code,
        naics_code=establishment.naics_code,
        industry_description=establishment.industry_description,
        size=establishment.size,
        establishment_type=establishment.establishment_type,
    )


def _person_of(incident: Incident):
    user = incident.reporter
    return getattr(user, "person", None) if user is not None else None


def _employee_name(incident: Incident, *, for_log: bool = True) -> str:
    # The log shows "Privacy case"; the 301 keeps the name, as OSHA's confidential list does.
    if incident.privacy_case and for_log:
        return PRIVACY_CASE_NAME
    if incident.injured_name:
        # Reported by someone else (a supervisor, a co-worker) for the person hurt.
        return incident.injured_name
    user = incident.reporter
    if user is None:
        return NAME_NOT_ON_FILE
    return user.get_full_name() or user.get_username()


def _job_title(incident: Incident) -> str:
    if incident.injured_name:
        return incident.injured_job_title
    person = _person_of(incident)
    return person.job_title if person is not None else ""


# Column F of a privacy case not yet coded: its narrative could identify the employee.
PRIVACY_DESCRIPTION = "Injury or illness (privacy case; code it to describe it)"


def injury_description(incident: Incident) -> str:
    """Column F: the injury or illness, the part of body, and the object or substance."""
    injury = oiics_titles.code_title("nature", incident.oiics_nature) or incident.injury_kind
    part = oiics_titles.code_title("part", incident.oiics_part) or incident.body_part
    source = oiics_titles.code_title("source", incident.oiics_source)
    parts = [text for text in (injury, part) if text]
    description = ", ".join(parts)
    if source:
        description = f"{description}; {source}" if description else source
    if not description and incident.privacy_case:
        # The log is posted: a privacy case's own words could name the employee.
        description = PRIVACY_DESCRIPTION
    elif not description:
        description = incident.narrative.strip().splitlines()[0][:120] if incident.narrative else ""
    return description


def _log_row(incident: Incident, establishment: Establishment) -> LogRow:
    return LogRow(
        case_number=incident.reference,
        employee_name=_employee_name(incident),
        job_title=_job_title(incident),
        date_of_injury=timezone.localtime(incident.occurred_at).date(),
        where_occurred=incident.location_text,
        description=injury_description(incident),
        outcome=Outcome(incident.osha_outcome),
        days_away=incident.osha_days_away,
        days_restricted=incident.osha_days_restricted,
        case_type=CaseType(incident.osha_case_type),
        privacy_case=incident.privacy_case,
        used_fallback_establishment=incident.establishment_id is None,
        possible_duplicate=incident.possible_duplicate_of_id is not None,
        name_on_file=_employee_name(incident, for_log=False) != NAME_NOT_ON_FILE,
        death_date_missing=incident.osha_outcome == Outcome.DEATH and not incident.date_of_death,
    )


def log_rows(*, establishment: Establishment, year: int) -> list[LogRow]:
    cases = recordable_cases(year=year, establishment=establishment).select_related(
        "reporter__person"
    )
    return [_log_row(incident, establishment) for incident in cases]


# What to put right before the log is posted or sent: which rows, and what to say of them
# ({count} of them, {cases} their case numbers).
_LOG_CHECKS: tuple[tuple[Callable[[LogRow], bool], str], ...] = (
    (
        lambda row: row.used_fallback_establishment,
        "{count} case(s) name no establishment and were logged at the department's first "
        "establishment: {cases}.",
    ),
    (
        lambda row: not row.name_on_file,
        "{count} case(s) have no name of the person hurt on file (column B): {cases}. Enter the "
        "name on each case before the log is posted.",
    ),
    (
        lambda row: row.death_date_missing,
        "{count} death(s) have no date of death on file: {cases}. Enter it in each case's Form "
        "301 details before the 301 or the ITA file is sent.",
    ),
    (
        lambda row: row.days_away_uncounted,
        "{count} days-away case(s) have no days away counted (column K): {cases}. Enter the "
        "calendar days away after the day of injury, or an estimate while the employee is still "
        "away, before the 300A or the ITA file is sent.",
    ),
    (
        lambda row: row.possible_duplicate,
        "{count} case(s) are flagged as possible duplicates of another report and not yet "
        "settled: {cases}. Merge or dismiss each in triage, so that no injury is logged twice.",
    ),
)


def log_warnings(rows: list[LogRow]) -> tuple[str, ...]:
    """What to put right before the log is posted or sent, printed on the log itself."""
    warnings = []
    for applies, text in _LOG_CHECKS:
        cases = [row.case_number for row in rows if applies(row)]
        if cases:
            warnings.append(text.format(count=len(cases), cases=", ".join(cases)))
    return tuple(warnings)


@dataclass(frozen=True)
class Exposure:
    annual_average_employees: int
    total_hours_worked: int
    note: str
    months_on_file: int = 0


def open_in_year(year: int) -> Q:
    """The establishments open at some time in the year: the ones that owe that year's 300A."""
    return (Q(opened_on__isnull=True) | Q(opened_on__year__lte=year)) & (
        Q(closed_on__isnull=True) | Q(closed_on__year__gte=year)
    )


def establishment_exposure(*, establishment: Establishment, year: int) -> Exposure:
    months = ExposureMonth.objects.filter(
        department_id=establishment.department_id, month__year=year
    )
    totals = months.aggregate(hours=Sum("hours_worked"), headcount=Sum("headcount"), n=Count("pk"))
    if not totals["n"]:
        return Exposure(0, 0, "No payroll hours are on file for this department and year.")
    # The 300A's worksheet rounds both figures "to the next highest whole number".
    hours = int((totals["hours"] or Decimal(0)).to_integral_value(rounding=ROUND_CEILING))
    employees = -(-totals["headcount"] // totals["n"])
    # Shared among the establishments open that year (this one always among them).
    siblings = list(
        Establishment.objects.filter(department_id=establishment.department_id)
        .filter(open_in_year(year) | Q(pk=establishment.pk))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    note = f"From {totals['n']} month(s) of payroll data for the department."
    if len(siblings) > 1:
        share = len(siblings)
        first = siblings[0] == establishment.pk
        hours_share = hours // share + (hours % share if first else 0)
        employees_share = employees // share + (employees % share if first else 0)
        note += f" Shared equally among the department's {share} establishments open in {year}."
        return Exposure(employees_share, hours_share, note, totals["n"])
    return Exposure(employees, hours, note, totals["n"])


def summary_for(*, establishment: Establishment, year: int) -> Summary:
    cases = recordable_cases(year=year, establishment=establishment)
    totals = outcome_totals(cases)
    exposure = establishment_exposure(establishment=establishment, year=year)
    warnings = list(log_warnings(log_rows(establishment=establishment, year=year)))
    if exposure.total_hours_worked == 0:
        warnings.append(exposure.note)
    elif exposure.months_on_file < 12 and year < timezone.localdate().year:
        # The 300A asks for the year's hours: months missing from the payroll file leave them
        # short, and every rate OSHA reads from them too high.
        warnings.append(
            f"Payroll hours are on file for {exposure.months_on_file} of the 12 months of "
            f"{year}: import the missing months before the 300A is certified, unless the "
            "department worked only those months."
        )
    return Summary(
        establishment=establishment_info(establishment),
        year=year,
        deaths=totals["deaths"],
        days_away_cases=totals["days_away_cases"],
        transfer_restriction_cases=totals["transfer_restriction_cases"],
        other_recordable_cases=totals["other_recordable_cases"],
        days_away=totals["days_away"],
        days_restricted=totals["days_restricted"],
        by_type={kind: totals[f"type_{int(kind)}"] for kind in CaseType},
        annual_average_employees=exposure.annual_average_employees,
        total_hours_worked=exposure.total_hours_worked,
        exposure_note=exposure.note,
        warnings=tuple(warnings),
    )


def case_establishment(incident: Incident) -> Establishment | None:
    if incident.establishment_id is not None:
        return incident.establishment
    return fallback_establishment(incident.department_id)


def case_report(incident: Incident) -> CaseReport | None:
    """Form 301 data for a recordable case, or None when the case is not on any log."""
    establishment = case_establishment(incident)
    if establishment is None or not incident.recordable:
        return None
    occurred = timezone.localtime(incident.occurred_at)
    annotated = recordable_cases(year=occurred.year).filter(pk=incident.pk).first()
    if annotated is None:
        return None
    injury = ", ".join(
        text
        for text in (
            oiics_titles.code_title("nature", incident.oiics_nature) or incident.injury_kind,
            oiics_titles.code_title("part", incident.oiics_part) or incident.body_part,
        )
        if text
    )
    return CaseReport(
        establishment=establishment_info(establishment),
        case_number=incident.reference,
        year=occurred.year,
        employee_name=_employee_name(incident, for_log=False),
        job_title=_job_title(incident),
        date_of_injury=occurred.date(),
        time_began_work=incident.time_began_work,
        time_of_event=occurred.time().replace(second=0, microsecond=0)
        if incident.occurred_time_known
        else None,
        where_occurred=incident.location_text,
        description=injury_description(incident),
        outcome=Outcome(annotated.osha_outcome),
        days_away=annotated.osha_days_away,
        days_restricted=annotated.osha_days_restricted,
        case_type=CaseType(annotated.osha_case_type),
        physician_name=incident.physician_name,
        treatment_facility=incident.treatment_facility,
        treated_in_er=incident.form_301_answer("treated_in_er"),
        hospitalized_overnight=incident.form_301_answer("hospitalized_overnight"),
        before_incident=incident.doing_before,
        what_happened=incident.narrative,
        injury_illness=incident.injury_details or injury,
        object_substance=incident.object_substance
        or oiics_titles.code_title("source", incident.oiics_source),
        date_of_death=incident.date_of_death,
        privacy_case=incident.privacy_case,
    )


def case_reports(*, establishment: Establishment, year: int) -> list[CaseReport]:
    cases = recordable_cases(year=year, establishment=establishment).select_related(
        "reporter__person", "establishment"
    )
    reports = []
    for incident in cases:
        report = case_report(incident)
        if report is not None:
            reports.append(report)
    return reports


def departments_off_the_log(
    departments: QuerySet[Department], *, years: tuple[int, ...]
) -> list[tuple[Department, int]]:
    """Departments with recordable cases in these years but no establishment, so no log to put
    them on, each with how many cases that leaves off every log."""
    first, last = year_bounds(min(years))[0], year_bounds(max(years))[1]
    counts = (
        Incident.objects.filter(
            recordable=True,
            merged_into__isnull=True,
            occurred_at__gte=first,
            occurred_at__lt=last,
            department__in=departments.filter(establishments__isnull=True),
        )
        .values("department")
        .annotate(cases=Count("pk"))
    )
    by_id = {row["department"]: row["cases"] for row in counts}
    return [
        (department, by_id[department.pk])
        for department in Department.objects.filter(pk__in=by_id).order_by("name")
    ]


def establishment_years(
    establishments: QuerySet[Establishment],
) -> list[tuple[Establishment, list[int]]]:
    """Each establishment with the years that have cases on its log, newest first."""
    establishments = list(establishments.select_related("department"))
    first_by_department: dict[int, int] = {}
    for establishment in Establishment.objects.order_by("pk").values("pk", "department_id"):
        first_by_department.setdefault(establishment["department_id"], establishment["pk"])
    years: dict[int, set[int]] = defaultdict(set)
    cases = Incident.objects.filter(recordable=True, merged_into__isnull=True).values_list(
        "establishment_id", "department_id", "occurred_at"
    )
    department_ids = {e.department_id for e in establishments}
    for establishment_id, department_id, occurred_at in cases.filter(
        department_id__in=department_ids
    ).iterator():
        target = establishment_id or first_by_department.get(department_id)
        if target is not None:
            years[target].add(timezone.localtime(occurred_at).year)
    return [(e, sorted(years.get(e.pk, ()), reverse=True)) for e in establishments]


def claim_totals_by_department(year: int | None = None) -> list[dict]:
    """Workers' compensation claims per department: count, paid, incurred, lost days.

    Claims count in the year they were opened; claims not linked to an incident have no
    department and are left out (the import lists them).
    """
    claims = Claim.objects.filter(incident__isnull=False)
    if year is not None:
        claims = claims.filter(opened_on__year=year)
    rows = (
        claims.values(
            "incident__department_id", "incident__department__code", "incident__department__name"
        )
        .annotate(
            claims=Count("pk"),
            paid_to_date=Sum("paid_to_date"),
            total_incurred=Sum("total_incurred"),
            lost_days=Sum("lost_days"),
        )
        .order_by("-total_incurred")
    )
    return [
        {
            "department_id": row["incident__department_id"],
            "code": row["incident__department__code"],
            "name": row["incident__department__name"],
            "claims": row["claims"],
            "paid_to_date": row["paid_to_date"] or Decimal(0),
            "total_incurred": row["total_incurred"] or Decimal(0),
            "lost_days": row["lost_days"] or 0,
        }
        for row in rows
    ]


def claim_totals_for_incident(incident: Incident) -> dict:
    totals = incident.claims.aggregate(
        claims=Count("pk"), paid_to_date=Sum("paid_to_date"), total_incurred=Sum("total_incurred")
    )
    return {
        "claims": totals["claims"],
        "paid_to_date": totals["paid_to_date"] or Decimal(0),
        "total_incurred": totals["total_incurred"] or Decimal(0),
    }
