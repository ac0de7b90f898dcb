"""Reads for the briefing packet: the database and the scoring engine as one ``PacketData``.

Everything here is an aggregate, a case reference, a department, a type, a date or a status.
No employee name or id, narrative, free-text location or medical detail is read into the
packet, and corrective actions name the owner's role, never the person.

Every figure is computed "as of" the packet's cut-off, the start of its ``generated_on`` day (the
2nd of the following month), and nothing reads the wall clock, so building the same month from
the same data gives byte-identical PDFs.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
from django.conf import settings
from django.db.models import Count, Min, Q, Sum

from incidents.models import (
    DART_SEVERITIES,
    RECORDABLE_SEVERITIES,
    SERIOUS_CASES,
    ActionStatus,
    Claim,
    ClockKind,
    ComplianceClock,
    CorrectiveAction,
    Incident,
    IncidentType,
    Investigation,
    Severity,
    Source,
    Status,
)
from reports.pdf.packet_data import (
    DEFAULT_METHOD_NOTES,
    AttentionItem,
    CitySummary,
    ClockState,
    Department,
    DepartmentFocus,
    Funnel,
    FunnelLimit,
    FunnelPoint,
    LabelCount,
    MonthPoint,
    OiicsEvent,
    PacketData,
    RankingRow,
    SeriousCase,
)
from reports.pdf.packet_data import ComplianceClock as PacketClock
from reports.pdf.packet_data import CorrectiveAction as PacketAction
from riskcabinet import models as cabinet_models
from riskcabinet import selectors as cabinet_selectors

HOURS_BASE = 200_000.0
WINDOW_MONTHS = 12
TREND_MONTHS = 24
ATTENTION_COUNT = 5
LEADING_EVENT_COUNT = 5
OPEN_ACTION_LIMIT = 5  # Rows that fit under the department page's charts.
EXPOSURE_SOURCE = "Payroll hours by department and month"

# Short labels for the packet: the PDF's severity table and clock columns are narrow.
SEVERITY_LABELS = {
    Severity.FATALITY: "Fatality",
    Severity.HOSPITALIZATION: "Hospitalization, amputation or eye loss",
    Severity.DAYS_AWAY: "Days away from work",
    Severity.RESTRICTED: "Job restriction or transfer",
    Severity.MEDICAL: "Medical treatment",
    Severity.FIRST_AID: "First aid only",
    Severity.NONE: "No injury (near miss, property)",
}
TYPE_LABELS = {
    IncidentType.INJURY_ILLNESS: "Injury or illness",
    IncidentType.ASSAULT: "Assault or threat",
    IncidentType.VEHICLE: "Vehicle collision",
    IncidentType.EXPOSURE: "Exposure",
    IncidentType.NEAR_MISS: "Near miss",
    IncidentType.PROPERTY_DAMAGE: "Property damage",
}
CLOCK_LABELS = {
    ClockKind.CALOSHA_REPORT: "Report to Cal/OSHA (8 hours)",
    ClockKind.CLAIM_FORM: "Claim form to employee (1 working day)",
    ClockKind.EMPLOYER_REPORT: "Employer's report, Form 5020 (5 days)",
    ClockKind.LOG_300: "Entry on the 300 log (7 days)",
}
CONTROL_LABELS = {
    "elimination": "Elimination",
    "substitution": "Substitution",
    "engineering": "Engineering",
    "administrative": "Administrative",
    "ppe": "PPE",
}

# An action owner is shown by role. A job title is used only when it is plainly a role held by
# many people (a supervisor, a manager, a safety officer); anything else, including a title that
# could single out one person, becomes the generic role.
GENERIC_OWNER_ROLE = "Department supervisor"
_ROLE_TITLE = re.compile(
    r"^[A-Za-z][A-Za-z ,&/-]{2,60}\b(Supervisor|Manager|Superintendent|Safety Officer|"
    r"Coordinator|Chief)$"
)
_OIICS_EVENT_CSV = (
    Path(settings.BASE_DIR) / "riskcabinet" / "data" / "oiics" / "oiics_2.01_event.csv"
)


# --- Months and cut-off -------------------------------------------------------------------------


class PacketMonthError(ValueError):
    """The month cannot have a packet (no hours worked on record for its window); says why."""


def month_start(value: date) -> date:
    return value.replace(day=1)


def month_shift(value: date, months: int) -> date:
    index = value.year * 12 + value.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_label(value: date) -> str:
    return f"{value.year:04d}-{value.month:02d}"


def packet_generated_on(month: date) -> date:
    """The packet's date: the 2nd of the following month, when the beat schedule builds it."""
    return month_shift(month_start(month), 1) + timedelta(days=1)


def _cutoff(month: date) -> datetime:
    zone = ZoneInfo(settings.TIME_ZONE)
    return datetime.combine(packet_generated_on(month), time(0, 0), tzinfo=zone)


def _month_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """Aware datetimes from the start of `first` to the start of the month after `last`."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return (
        datetime.combine(first, time(0, 0), tzinfo=zone),
        datetime.combine(month_shift(last, 1), time(0, 0), tzinfo=zone),
    )


def _rate(cases: float, hours: float) -> float | None:
    return None if hours <= 0 else cases * HOURS_BASE / hours


# --- Frames -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Frames:
    """Department-month counts and hours: the raw material of every rate in the packet."""

    months: list[date]  # every month from the trend start to the packet month
    departments: dict[str, Department]
    hours: pd.DataFrame  # index department code, columns months
    recordable: pd.DataFrame
    dart: pd.DataFrame


def _frames(month: date) -> _Frames:
    first = month_shift(month, -(TREND_MONTHS - 1 + WINDOW_MONTHS))
    months = [month_shift(first, step) for step in range(TREND_MONTHS + WINDOW_MONTHS)]
    departments = {
        code: Department(code=code, name=name)
        for code, name in cabinet_models.Department.objects.order_by("code").values_list(
            "code", "name"
        )
    }
    codes = sorted(departments)
    exposure = pd.DataFrame.from_records(
        list(
            cabinet_models.ExposureMonth.objects.filter(
                month__gte=first, month__lte=month
            ).values_list("department__code", "month", "hours_worked")
        ),
        columns=["department", "month", "hours"],
    )
    hours = _pivot(exposure, "hours", codes, months)
    first_payroll = dict(
        cabinet_models.ExposureMonth.objects.values("department__code")
        .annotate(first=Min("month"))
        .values_list("department__code", "first")
    )

    start, end = _month_bounds(first, month)
    incidents = (
        Incident.objects.filter(
            merged_into__isnull=True, occurred_at__gte=start, occurred_at__lt=end
        )
        .filter(_recordable_q())
        .values_list("department__code", "occurred_at", "severity", "days_away", "days_restricted")
    )
    zone = ZoneInfo(settings.TIME_ZONE)
    rows = []
    for code, occurred, severity, days_away, days_restricted in incidents.iterator(chunk_size=5000):
        local = occurred.astimezone(zone)
        if code in first_payroll and date(local.year, local.month, 1) < first_payroll[code]:
            continue  # before its payroll history: the engine leaves it out too
        dart = severity in DART_SEVERITIES or days_away > 0 or days_restricted > 0
        rows.append((code, date(local.year, local.month, 1), 1, int(dart)))
    cases = pd.DataFrame.from_records(rows, columns=["department", "month", "cases", "dart"])
    return _Frames(
        months=months,
        departments=departments,
        hours=hours,
        recordable=_pivot(cases, "cases", codes, months),
        dart=_pivot(cases, "dart", codes, months),
    )


def _pivot(frame: pd.DataFrame, value: str, codes: list[str], months: list[date]) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(0.0, index=codes, columns=months)
    frame = frame.assign(**{value: frame[value].astype(float)})
    table = frame.pivot_table(index="department", columns="month", values=value, aggfunc="sum")
    return table.reindex(index=codes, columns=months, fill_value=0.0).fillna(0.0)


def _recordable_q() -> Q:
    # An untriaged case counts by its reported severity until an officer decides.
    return Q(recordable=True) | Q(recordable__isnull=True, severity__in=RECORDABLE_SEVERITIES)


def _window(frames: _Frames, end: date, length: int = WINDOW_MONTHS) -> list[date]:
    return [month_shift(end, -step) for step in range(length - 1, -1, -1)]


def _city_rate(frames: _Frames, table: pd.DataFrame, end: date) -> float | None:
    window = _window(frames, end)
    return _rate(
        float(table[window].to_numpy().sum()), float(frames.hours[window].to_numpy().sum())
    )


# --- Charts -------------------------------------------------------------------------------------


def _u_chart(cases: pd.Series, hours: pd.Series) -> tuple[MonthPoint, ...]:
    """Monthly case rates with the scoring engine's control limits around the period's rate.

    The engine picks the chart as the method notes say: a u-chart, Laney's wider u-prime limits
    when the months vary more than Poisson counts would, and exact Poisson limits where events
    are rare (a small department), so the packet and the dashboard flag the same kind of month.
    """
    from riskcabinet.scoring.control_chart import control_limits
    from riskcabinet.scoring.settings import ScoringSettings

    worked = hours.to_numpy(dtype=float)
    counts = cases.to_numpy(dtype=float)
    units = worked / HOURS_BASE
    centre = _rate(float(counts.sum()), float(worked.sum())) or 0.0
    limits = control_limits(
        counts[None, :], units[None, :], np.full((1, len(units)), centre), ScoringSettings()
    )
    points = []
    for index, month in enumerate(cases.index):
        upper, lower = limits.upper[0, index], limits.lower[0, index]
        points.append(
            MonthPoint(
                month=month_label(month),
                rate=_rate(int(counts[index]), float(worked[index])),
                centre=centre,
                # A month without hours has no limits; the chart draws them at the centre.
                ucl=float(upper) if np.isfinite(upper) else centre,
                lcl=float(lower) if np.isfinite(lower) else centre,
                cases=int(counts[index]),
                hours=float(worked[index]),
            )
        )
    return tuple(points)


def _funnel(result: cabinet_selectors.ScoringResult, departments: dict) -> Funnel:
    """The engine's funnel plot of the harm rate, with the positions its reasons name."""
    points = tuple(
        FunnelPoint(
            department=departments[row["department"]],
            hours=row["hours_worked"],
            rate=row["harm_rate"],
            cases=row["recordable_cases"],
            position=row.get("funnel_position", ""),
        )
        for row in result.rows
        if row["department"] in departments and row["hours_worked"] > 0
    )
    names = ("lower_inner", "upper_inner", "lower_outer", "upper_outer")
    limits = tuple(
        FunnelLimit(
            hours=point["hours"],
            lower95=point["lower_inner"],
            upper95=point["upper_inner"],
            lower998=point["lower_outer"],
            upper998=point["upper_outer"],
        )
        for point in result.funnel.get("curve", [])
        if all(point[name] is not None for name in names)
    )
    return Funnel(
        centre_rate=result.funnel.get("city_rate", 0.0),
        points=points,
        limits=limits if points else (),
        measure="harm rate",
        axis_label="Harm rate (severity-weighted) per 200,000 hours",
    )


# --- The ranking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentRank:
    """One department's place in the engine's ranking, in the packet's terms."""

    code: str
    rank: int
    score: float
    harm_rate: float | None
    shrunk_harm_rate: float | None
    trend_pct_per_year: float | None
    trend_significant: bool
    control_signal: str
    reasons: tuple[str, ...]
    funnel_status: str = "within"  # As the dashboard's Signal column reads it.


@dataclass(frozen=True)
class ScoringView:
    ranking: tuple[DepartmentRank, ...]
    previous_ranks: dict[str, int]
    result: cabinet_selectors.ScoringResult  # The engine's run the ranking comes from.


def _engine_rows(month: date) -> list[dict]:
    """The scoring engine's ranking rows for `month`, through the cabinet's selector.

    A month the engine cannot score (no payroll hours, too little history) stops the build with
    the engine's reason, which is recorded on the packet.
    """
    return list(cabinet_selectors.scoring_result_compute(month=month).rows)


def _rank_from_row(row: dict) -> DepartmentRank:
    def number(key: str) -> float | None:
        value = row.get(key)
        return None if value is None or not math.isfinite(float(value)) else float(value)

    return DepartmentRank(
        code=str(row["department"]),
        rank=int(row["rank"]),
        score=float(row.get("score") or 0.0),
        harm_rate=number("harm_rate"),
        shrunk_harm_rate=number("shrunk_harm_rate"),
        trend_pct_per_year=number("trend_pct_per_year"),
        trend_significant=bool(row.get("trend_significant")),
        control_signal=str(row.get("control_signal") or ""),
        reasons=tuple(str(reason) for reason in row.get("reasons") or ()),
        funnel_status=cabinet_selectors.FUNNEL_STATUS_OF_POSITION.get(
            str(row.get("funnel_position") or ""), "within"
        ),
    )


def scoring_view_for(*, month: date, frames: _Frames) -> ScoringView:
    """The engine's ranking as of `month` and each department's rank a month earlier."""
    result = cabinet_selectors.scoring_result_compute(month=month)
    ranking = tuple(
        sorted((_rank_from_row(row) for row in result.rows), key=lambda item: item.rank)
    )
    previous: dict[str, int] = {}
    if not cabinet_models.DepartmentScore.objects.filter(month=month_shift(month, -1)).exists():
        try:
            previous = {
                item.code: item.rank
                for item in map(_rank_from_row, _engine_rows(month_shift(month, -1)))
            }
        except cabinet_selectors.ScoringUnavailable:
            # No history a month earlier: the ranking shows no change in rank.
            previous = {}
    return ScoringView(ranking=ranking, previous_ranks=previous, result=result)


def _previous_ranks(month: date, view: ScoringView) -> dict[str, int]:
    """Last month's ranks: the stored scores when present, else the engine as of last month."""
    previous = month_shift(month, -1)
    stored = dict(
        cabinet_models.DepartmentScore.objects.filter(month=previous).values_list(
            "department__code", "rank"
        )
    )
    if stored:
        return stored
    return view.previous_ranks


def _ranking(frames: _Frames, month: date, view: ScoringView) -> tuple[RankingRow, ...]:
    window = _window(frames, month)
    hours = frames.hours[window].sum(axis=1)
    recordable = frames.recordable[window].sum(axis=1)
    dart = frames.dart[window].sum(axis=1)
    previous = _previous_ranks(month, view)
    rows = []
    for item in view.ranking:
        worked = float(hours.get(item.code, 0.0))
        rows.append(
            RankingRow(
                rank=item.rank,
                previous_rank=previous.get(item.code),
                department=frames.departments[item.code],
                trir=_rate(float(recordable.get(item.code, 0.0)), worked),
                dart=_rate(float(dart.get(item.code, 0.0)), worked),
                harm_rate=item.harm_rate,
                shrunk_rate=item.shrunk_harm_rate,
                trend_pct_per_year=item.trend_pct_per_year,
                trend_significant=item.trend_significant,
                control_signal=item.control_signal,
                score=round(item.score, 1),
                reasons=tuple(item.reasons),
                funnel_status=item.funnel_status,
            )
        )
    return tuple(rows)


# --- Serious cases and their clocks ---------------------------------------------------------------


def _clock_state(clock: ComplianceClock, cutoff: datetime) -> ClockState:
    if clock.completed_at is not None and clock.completed_at <= cutoff:
        return ClockState.MET if clock.completed_at <= clock.due_at else ClockState.MISSED
    return ClockState.RUNNING if clock.due_at > cutoff else ClockState.MISSED


_SERIOUS_CASE_FIELDS = (
    "reference",
    "department__code",
    "incident_type",
    "occurred_at",
    "status",
    "privacy_case",
)


def _serious_cases(
    month: date, departments: dict[str, Department]
) -> tuple[tuple[SeriousCase, ...], tuple[tuple[ClockState, ...], ...]]:
    """The month's serious cases with their deadlines, and the deadlines' states alone for the
    privacy cases among them, which the packet counts but never describes."""
    start, end = _month_bounds(month, month)
    cutoff = _cutoff(month)
    zone = ZoneInfo(settings.TIME_ZONE)
    incidents = (
        Incident.objects.filter(
            SERIOUS_CASES,
            merged_into__isnull=True,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .only(*_SERIOUS_CASE_FIELDS)
        .select_related("department")
        .order_by("occurred_at", "reference")
    )
    clocks_by_incident: dict[int, list[ComplianceClock]] = {}
    for clock in ComplianceClock.objects.filter(incident__in=incidents).only(
        "incident_id", "kind", "due_at", "completed_at"
    ):
        clocks_by_incident.setdefault(clock.incident_id, []).append(clock)
    order = list(ClockKind.values)
    cases = []
    private = []
    for incident in incidents:
        clocks = sorted(clocks_by_incident.get(incident.pk, []), key=lambda c: order.index(c.kind))
        if incident.privacy_case:
            private.append(tuple(_clock_state(clock, cutoff) for clock in clocks))
            continue
        cases.append(
            SeriousCase(
                reference=incident.reference,
                department=departments[incident.department.code],
                incident_type=TYPE_LABELS.get(incident.incident_type, incident.incident_type),
                occurred_on=incident.occurred_at.astimezone(zone).date(),
                status=Status(incident.status).label,
                clocks=tuple(
                    PacketClock(
                        name=CLOCK_LABELS[ClockKind(clock.kind)],
                        deadline=clock.due_at.astimezone(zone),
                        state=_clock_state(clock, cutoff),
                    )
                    for clock in clocks
                ),
            )
        )
    return tuple(cases), tuple(private)


# --- Actions, claims, investigations -------------------------------------------------------------


def _actions_open_at(cutoff: datetime):
    """Corrective actions that existed and were not finished at the cut-off."""
    return (
        CorrectiveAction.objects.filter(created_at__lt=cutoff)
        .exclude(status=ActionStatus.CANCELLED)
        .filter(
            Q(completed_at__isnull=True, status__in=(ActionStatus.OPEN, ActionStatus.IN_PROGRESS))
            | Q(completed_at__gte=cutoff)
        )
        .filter(incident__merged_into__isnull=True)
    )


def owner_role_for(job_title: str) -> str:
    title = " ".join((job_title or "").split())
    if "," in title or " to " in f" {title.lower()} ":
        return GENERIC_OWNER_ROLE  # "Aide to <a person>, Coordinator" names someone
    return title if _ROLE_TITLE.match(title) else GENERIC_OWNER_ROLE


def _open_actions(code: str, cutoff: datetime) -> tuple[tuple[PacketAction, ...], int, int]:
    """The department's most urgent open actions, and how many are open and overdue in all."""
    today = cutoff.date()
    actions = (
        _actions_open_at(cutoff)
        .filter(incident__department__code=code)
        .values_list(
            "description",
            "control_level",
            "due_on",
            "owner__person__job_title",
            "status",
            "incident__privacy_case",
        )
        .order_by("due_on", "pk")
    )
    rows = [
        PacketAction(
            # Action texts describe controls, not people; the first line keeps the table tidy.
            # A privacy case's may say what it is about: counted, not described.
            description=cabinet_selectors.PRIVACY_ACTION_TEXT
            if private
            else _first_line(description),
            control_level=CONTROL_LABELS.get(level, level),
            due_date=due_on,
            overdue=due_on < today,
            owner_role=owner_role_for(job_title or ""),
            in_progress=status == ActionStatus.IN_PROGRESS,
        )
        for description, level, due_on, job_title, status, private in actions
    ]
    # Overdue ones first (oldest first), then the next ones due.
    rows.sort(key=lambda action: (not action.overdue, action.due_date or today))
    overdue = sum(1 for action in rows if action.overdue)
    return tuple(rows[:OPEN_ACTION_LIMIT]), len(rows), overdue


def _first_line(text: str, limit: int = 140) -> str:
    line = " ".join((text or "").split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "\u2026"


@cache
def oiics_event_titles() -> dict[str, str]:
    titles = {}
    with _OIICS_EVENT_CSV.open(newline="", encoding="utf-8-sig") as handle:
        for row in csv.DictReader(handle):
            title = row["CASE_CODE_TITLE"].strip()
            if title.isupper():
                title = title.capitalize()
            titles[row["CASE_CODE"].strip()] = title
    return titles


def _focus(row: RankingRow, frames: _Frames, month: date, cutoff: datetime) -> DepartmentFocus:
    code = row.department.code
    trend_months = _window(frames, month, TREND_MONTHS)
    trend = _u_chart(
        frames.recordable.loc[code, trend_months], frames.hours.loc[code, trend_months]
    )
    start, end = _month_bounds(month_shift(month, -(WINDOW_MONTHS - 1)), month)
    in_window = Incident.objects.filter(
        merged_into__isnull=True,
        department__code=code,
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    type_mix = tuple(
        LabelCount(TYPE_LABELS.get(kind, kind), count)
        for kind, count in in_window.values_list("incident_type")
        .annotate(count=Count("pk"))
        .order_by("-count", "incident_type")
    )
    titles = oiics_event_titles()
    leading = tuple(
        OiicsEvent(code=event, title=titles.get(event, "Title not in OIICS 2.01"), count=count)
        for event, count in in_window.exclude(oiics_event="")
        .exclude(privacy_case=True)
        .values_list("oiics_event")
        .annotate(count=Count("pk"))
        .order_by("-count", "oiics_event")[:LEADING_EVENT_COUNT]
    )
    actions, open_count, overdue_count = _open_actions(code, cutoff)
    return DepartmentFocus(
        department=row.department,
        reasons=row.reasons,
        trend=trend,
        type_mix=type_mix,
        leading_events=leading,
        open_actions=actions,
        open_action_count=open_count,
        overdue_action_count=overdue_count,
    )


def _summary(
    frames: _Frames, month: date, cutoff: datetime, attention: tuple[AttentionItem, ...]
) -> tuple[CitySummary, int]:
    window = _window(frames, month)
    first = window[0]
    start, end = _month_bounds(first, month)
    in_window = Incident.objects.filter(
        merged_into__isnull=True, occurred_at__gte=start, occurred_at__lt=end
    )
    by_severity = dict(in_window.values_list("severity").annotate(count=Count("pk")))
    cases_by_severity = tuple(
        LabelCount(SEVERITY_LABELS[severity], int(by_severity.get(severity.value, 0)))
        for severity in Severity
    )
    serious_in_month = Incident.objects.filter(
        SERIOUS_CASES,
        merged_into__isnull=True,
        occurred_at__gte=_month_bounds(month, month)[0],
        occurred_at__lt=end,
    ).count()
    claims = Claim.objects.filter(opened_on__gte=first, opened_on__lt=month_shift(month, 1))
    claim_totals = claims.aggregate(
        count=Count("pk"), incurred=Sum("total_incurred"), paid=Sum("paid_to_date")
    )
    # Every injury, incident and near miss is to be investigated (the directive), as the
    # department pages count them; a case nobody has triaged yet counts most of all.
    required = in_window.filter(incident_type__in=cabinet_selectors.INVESTIGATED_TYPES)
    complete = Investigation.objects.filter(
        incident__in=required, completed_at__isnull=False, completed_at__lt=cutoff
    ).count()
    open_actions = _actions_open_at(cutoff)
    summary = CitySummary(
        trir_per_200k_hours=_city_rate(frames, frames.recordable, month),
        trir_last_month=_city_rate(frames, frames.recordable, month_shift(month, -1)),
        trir_last_year=_city_rate(frames, frames.recordable, month_shift(month, -12)),
        dart_per_200k_hours=_city_rate(frames, frames.dart, month),
        dart_last_month=_city_rate(frames, frames.dart, month_shift(month, -1)),
        dart_last_year=_city_rate(frames, frames.dart, month_shift(month, -12)),
        hours_worked=float(frames.hours[window].to_numpy().sum()),
        recordable_cases=int(frames.recordable[window].to_numpy().sum()),
        cases_by_severity=cases_by_severity,
        serious_case_count=serious_in_month,
        claims_count=int(claim_totals["count"] or 0),
        claims_incurred_usd=Decimal(claim_totals["incurred"] or 0).quantize(Decimal("0.01")),
        claims_paid_usd=Decimal(claim_totals["paid"] or 0).quantize(Decimal("0.01")),
        investigations_required=required.count(),
        investigations_complete=complete,
        overdue_actions_count=open_actions.filter(due_on__lt=cutoff.date()).count(),
        open_actions_count=open_actions.count(),
        attention=attention,
        window_months=WINDOW_MONTHS,
        unreported_injuries=in_window.filter(source=Source.CLAIM).count(),
    )
    return summary, serious_in_month


# --- The packet ---------------------------------------------------------------------------------


def packet_data_for_month(*, month: date) -> PacketData:
    """Everything the briefing packet for `month` shows, from the database and the engine."""
    return packet_inputs_for_month(month=month)[0]


def packet_inputs_for_month(*, month: date) -> tuple[PacketData, cabinet_selectors.ScoringResult]:
    """The packet's data, and the engine's ranking it prints, for the build to keep."""
    month = month_start(month)
    cutoff = _cutoff(month)
    frames = _frames(month)
    if frames.hours[_window(frames, month)].to_numpy().sum() <= 0:
        raise PacketMonthError(
            f"No hours worked are on record for the twelve months to {month:%B %Y}; "
            "load the payroll exposure for them before building its packet."
        )
    view = scoring_view_for(month=month, frames=frames)
    ranking = _ranking(frames, month, view)
    attention_rows = ranking[:ATTENTION_COUNT]
    attention = tuple(_focus(row, frames, month, cutoff) for row in attention_rows)
    summary, _ = _summary(
        frames,
        month,
        cutoff,
        tuple(AttentionItem(row.department, row.reasons) for row in attention_rows),
    )
    trend_months = _window(frames, month, TREND_MONTHS)
    citywide = _u_chart(frames.recordable[trend_months].sum(), frames.hours[trend_months].sum())
    serious, serious_private = _serious_cases(month, frames.departments)
    return PacketData(
        city_name=settings.CITY_NAME,
        month=month_label(month),
        generated_on=packet_generated_on(month),
        summary=summary,
        citywide_trend=citywide,
        funnel=_funnel(view.result, frames.departments),
        ranking=ranking,
        attention=attention,
        serious_cases=serious,
        serious_private_clocks=serious_private,
        exposure_source=EXPOSURE_SOURCE,
        method_notes=DEFAULT_METHOD_NOTES,
    ), view.result
