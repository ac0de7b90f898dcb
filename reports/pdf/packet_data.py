"""What a monthly briefing packet shows, as frozen dataclasses.

The Django side assembles a ``PacketData`` from the database and the scoring engine;
``build_packet_pdf`` lays it out. Every collection is a tuple so that a packet is
immutable and hashable, and lists handed in by a caller are turned into tuples.

There is deliberately no field for an employee's name or id, a narrative or a
medical detail: the packet goes to cabinet members, who see aggregates only.
Action owners are roles or titles, never people.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

_MONTH_PATTERN = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def _freeze_sequences(instance: object) -> None:
    """Turn list fields into tuples so that a frozen packet is also hashable."""
    for item in fields(instance):
        value = getattr(instance, item.name)
        if isinstance(value, list):
            object.__setattr__(instance, item.name, tuple(value))


def _check_month(month: str) -> None:
    if not _MONTH_PATTERN.match(month):
        raise ValueError(f"month must look like 'YYYY-MM', got {month!r}")


@dataclass(frozen=True)
class Department:
    code: str
    name: str


@dataclass(frozen=True)
class LabelCount:
    """A label with a count: a severity level, an incident type."""

    label: str
    count: int


@dataclass(frozen=True)
class AttentionItem:
    """A department that needs the cabinet's attention and the reasons why, in plain words."""

    department: Department
    reasons: tuple[str, ...]

    def __post_init__(self) -> None:
        _freeze_sequences(self)


@dataclass(frozen=True)
class CitySummary:
    """Citywide figures for the trailing window ending in the packet's month.

    A rate is ``None`` when the window has no hours worked on record.
    """

    trir_per_200k_hours: float | None
    trir_last_month: float | None
    trir_last_year: float | None
    dart_per_200k_hours: float | None
    dart_last_month: float | None
    dart_last_year: float | None
    hours_worked: float
    recordable_cases: int
    cases_by_severity: tuple[LabelCount, ...]
    serious_case_count: int
    claims_count: int
    claims_incurred_usd: Decimal
    claims_paid_usd: Decimal
    investigations_required: int
    investigations_complete: int
    overdue_actions_count: int
    open_actions_count: int
    attention: tuple[AttentionItem, ...]
    window_months: int = 12
    # Injuries in the window that nobody reported: the city first learnt of them from a claim.
    unreported_injuries: int = 0

    def __post_init__(self) -> None:
        _freeze_sequences(self)

    @property
    def investigation_completeness_pct(self) -> float | None:
        if self.investigations_required == 0:
            return None
        # Rounded down: 399 of 400 is 99%, never "100%" while one is missing.
        return float(math.floor(100 * self.investigations_complete / self.investigations_required))


@dataclass(frozen=True)
class MonthPoint:
    """One month of a u-chart: the rate per 200,000 hours with its control limits."""

    month: str
    rate: float | None
    centre: float
    ucl: float
    lcl: float
    cases: int
    hours: float

    def __post_init__(self) -> None:
        _check_month(self.month)

    @property
    def above_limit(self) -> bool:
        return self.rate is not None and self.rate > self.ucl


@dataclass(frozen=True)
class FunnelPoint:
    department: Department
    hours: float
    rate: float
    cases: int
    # Where the scoring engine placed it ("above 99.8%"...); empty: read from the limits drawn.
    position: str = ""


@dataclass(frozen=True)
class FunnelLimit:
    """Control limits around the citywide rate for a unit with this many hours."""

    hours: float
    lower95: float
    upper95: float
    lower998: float
    upper998: float


@dataclass(frozen=True)
class Funnel:
    """Departments' rates against their exposure, with limits that narrow as hours grow."""

    centre_rate: float
    points: tuple[FunnelPoint, ...]
    limits: tuple[FunnelLimit, ...]
    measure: str = "TRIR"
    axis_label: str = "TRIR per 200,000 hours"

    def __post_init__(self) -> None:
        _freeze_sequences(self)


@dataclass(frozen=True)
class RankingRow:
    rank: int
    previous_rank: int | None
    department: Department
    trir: float | None
    dart: float | None
    harm_rate: float | None
    shrunk_rate: float | None
    trend_pct_per_year: float | None
    trend_significant: bool
    control_signal: str
    score: float
    reasons: tuple[str, ...]
    # Where its harm rate sits on the funnel plot: "above_outer" (its 99.8% limit),
    # "above_inner" (its 95% line), "below_inner" or "within".
    funnel_status: str = "within"

    def __post_init__(self) -> None:
        _freeze_sequences(self)

    @property
    def signal_words(self) -> str:
        """The Signal column's words, as the dashboard's: a control-chart signal, else how far
        above the funnel the department sits, else nothing."""
        if self.control_signal:
            return self.control_signal
        return {"above_outer": "Above funnel", "above_inner": "Near funnel limit"}.get(
            self.funnel_status, ""
        )


@dataclass(frozen=True)
class OiicsEvent:
    """A leading OIICS v2.01 event or exposure code among a department's cases."""

    code: str
    title: str
    count: int


@dataclass(frozen=True)
class CorrectiveAction:
    description: str
    control_level: str
    due_date: date | None
    overdue: bool
    owner_role: str
    in_progress: bool = False  # Its owner has said work on it has started.


@dataclass(frozen=True)
class DepartmentFocus:
    """Everything on a department's attention page."""

    department: Department
    reasons: tuple[str, ...]
    trend: tuple[MonthPoint, ...]
    type_mix: tuple[LabelCount, ...]
    leading_events: tuple[OiicsEvent, ...]
    open_actions: tuple[CorrectiveAction, ...]  # The most urgent ones, as listed on the page.
    open_action_count: int  # All the department's open actions, listed or not.
    overdue_action_count: int

    def __post_init__(self) -> None:
        _freeze_sequences(self)
        listed_overdue = sum(1 for action in self.open_actions if action.overdue)
        if self.open_action_count < len(self.open_actions) or not (
            listed_overdue <= self.overdue_action_count <= self.open_action_count
        ):
            raise ValueError(
                f"{self.department.code}: {self.open_action_count} open and "
                f"{self.overdue_action_count} overdue actions cannot cover the "
                f"{len(self.open_actions)} listed ({listed_overdue} overdue)"
            )


class ClockState(StrEnum):
    MET = "met"
    MISSED = "missed"
    RUNNING = "running"


@dataclass(frozen=True)
class ComplianceClock:
    """A deadline a case started, such as the 8-hour report to Cal/OSHA."""

    name: str
    deadline: datetime
    state: ClockState


@dataclass(frozen=True)
class SeriousCase:
    reference: str
    department: Department
    incident_type: str
    occurred_on: date
    status: str
    clocks: tuple[ComplianceClock, ...]

    def __post_init__(self) -> None:
        _freeze_sequences(self)


@dataclass(frozen=True)
class MethodNote:
    heading: str
    text: str


DEFAULT_METHOD_NOTES: tuple[MethodNote, ...] = (
    MethodNote(
        "Rates per 200,000 hours",
        "Every rate uses OSHA's base of 200,000 hours worked, the hours of 100 full-time "
        "employees in a year. TRIR (total recordable incident rate) counts OSHA-recordable "
        "cases. DART counts cases with days away from work, job restriction or transfer. "
        "The harm rate weights every case by its severity, from first aid up to a fatality, "
        "so that a few serious injuries weigh more than many minor ones. Rates cover the "
        "trailing twelve months unless a chart says otherwise.",
    ),
    MethodNote(
        "Adjusted rate",
        "A small department's rate swings widely from chance alone. The adjusted rate pulls "
        "how often a department's people are harmed, and how badly, each toward the city's, "
        "more strongly the fewer hours it worked (empirical-Bayes shrinkage with a "
        "gamma-Poisson model), and multiplies the two. Large departments keep close to their "
        "own rate; small ones are not ranked first or last by luck, and their adjusted rate "
        "can sit on the other side of the city's from their own. The reasons read the "
        "adjusted rate.",
    ),
    MethodNote(
        "Trend",
        "The trend is the yearly percentage change in a department's monthly case rate, "
        "estimated with a Poisson regression that uses hours worked as exposure. A trend "
        "marked significant is unlikely to be chance.",
    ),
    MethodNote(
        "Control signals",
        "Monthly rates are plotted on a u-chart with limits three standard deviations from "
        "the centre line; where months vary more than a Poisson count would, the wider "
        "Laney u\u2032 limits are used, and where events are rare (a small department) the "
        "limits are exact Poisson probabilities on the month's count. A point above the "
        "upper limit is a signal worth investigating rather than noise.",
    ),
    MethodNote(
        "Funnel plot",
        "The funnel plot compares departments fairly: each point is a department's harm "
        "rate, as the ranking reads it, against the hours it worked, and the curves are the "
        "95% and 99.8% limits around the citywide harm rate (exact Poisson limits, widened "
        "for the severity weights). A department beyond the 99.8% curve is unlikely to differ "
        "from the city by chance, and its reasons say so.",
    ),
    MethodNote(
        "Score and ranking",
        "The score is the harm rate a department is expected to have over the next three "
        "months, per 200,000 hours. Unlike the adjusted rate, which reads twelve months, it "
        "reads the department's last three years, weighted by its trend and pulled toward "
        "the city's in the same way, with a recent signal adding weight; so a department "
        "whose harm fell away this year can score above its adjusted rate. It is in the same "
        "unit as the harm rate and has no upper limit. Its weights are named settings of the "
        "scoring engine. The ranking is a place to start a conversation, not a verdict: read "
        "it with the funnel plot and the department pages.",
    ),
    MethodNote(
        "Privacy",
        "This packet holds aggregate figures only. It contains no employee names or ids, no "
        "narratives and no medical details; privacy cases are counted but never described. "
        "Corrective actions name the responsible role, not a person.",
    ),
)


@dataclass(frozen=True)
class PacketData:
    """Everything the monthly briefing packet shows."""

    city_name: str
    month: str
    generated_on: date
    summary: CitySummary
    citywide_trend: tuple[MonthPoint, ...]
    funnel: Funnel
    ranking: tuple[RankingRow, ...]
    attention: tuple[DepartmentFocus, ...]
    serious_cases: tuple[SeriousCase, ...]
    exposure_source: str
    method_notes: tuple[MethodNote, ...] = field(default=DEFAULT_METHOD_NOTES)
    # The month's serious privacy cases are not described: only their deadlines' states, one
    # tuple per case, which the serious-cases page counts.
    serious_private_clocks: tuple[tuple[ClockState, ...], ...] = ()

    def __post_init__(self) -> None:
        _check_month(self.month)
        _freeze_sequences(self)
