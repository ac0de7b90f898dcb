"""A realistic, synthetic briefing packet for tests, benchmarks and previews.

The figures are invented but hang together: rates follow from cases and hours, control
limits follow from the centre line, and the ranking follows from the adjusted rates.
The same arguments always give the same packet.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from reports.pdf.packet_data import (
    AttentionItem,
    CitySummary,
    ClockState,
    ComplianceClock,
    CorrectiveAction,
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

_BASE_HOURS = 200_000.0
_HOURS_PER_EMPLOYEE_MONTH = 160.0
_PACIFIC = timezone(timedelta(hours=-7), "PDT")

# (code, name, headcount, how risky the work is relative to the city)
_DEPARTMENTS: tuple[tuple[str, str, int, float], ...] = (
    ("LAPD", "Police", 12_400, 2.0),
    ("LAFD", "Fire", 3_600, 2.4),
    ("DOT", "Transportation", 1_900, 1.3),
    ("GSD", "General Services", 1_300, 1.2),
    ("SAN", "Sanitation", 3_200, 1.9),
    ("BSS", "Street Services", 1_100, 2.1),
    ("RAP", "Recreation and Parks", 2_700, 1.1),
    ("LADBS", "Building and Safety", 900, 0.6),
    ("PER", "Personnel", 550, 0.3),
    ("CAO", "City Administrative Officer", 130, 0.2),
    ("LAPL", "Library", 1_200, 0.5),
    ("ANS", "Animal Services", 340, 2.2),
    ("ITA", "Information Technology Agency", 450, 0.3),
    ("HCI", "Housing", 700, 0.4),
    ("BOE", "Engineering", 850, 0.7),
    ("BCA", "Contract Administration", 300, 0.9),
    ("BSL", "Street Lighting", 230, 1.6),
    ("ZOO", "Zoo", 260, 1.7),
    ("LAWA", "Airports", 3_900, 1.0),
    ("POLA", "Harbor", 950, 1.1),
    ("EMD", "Emergency Management", 40, 0.4),
    ("CLK", "City Clerk", 120, 0.3),
    ("CTR", "Controller", 160, 0.2),
    ("FIN", "Finance", 330, 0.3),
    ("ATY", "City Attorney", 1_000, 0.3),
    ("DCA", "Cultural Affairs", 75, 0.6),
    ("AGE", "Aging", 45, 0.4),
    ("DOD", "Disability", 20, 0.3),
    ("EWDD", "Economic and Workforce Development", 180, 0.3),
    ("ELP", "El Pueblo", 15, 0.8),
    ("ETH", "Ethics Commission", 30, 0.2),
    ("PLN", "City Planning", 420, 0.3),
    ("DONE", "Neighborhood Empowerment", 35, 0.3),
    ("CCP", "Convention Center", 95, 1.4),
    ("YDD", "Youth Development", 25, 0.5),
    ("CRE", "Civil Rights", 30, 0.2),
    ("DCR", "Cannabis Regulation", 55, 0.5),
    ("CIFD", "Community Investment for Families", 110, 0.3),
    ("TTR", "Treasurer", 60, 0.2),
    ("BPW", "Board of Public Works", 70, 0.4),
    ("PEN", "Fire and Police Pensions", 130, 0.2),
    ("LACERS", "Employee Retirement System", 150, 0.2),
    ("MAY", "Office of the Mayor", 200, 0.2),
    ("CNCL", "City Council", 380, 0.2),
    ("BEN", "Employee Benefits", 40, 0.2),
)

_CITY_TRIR = 6.1
_SEVERITY_LADDER = (
    "Fatality",
    "Hospitalization, amputation or eye loss",
    "Days away from work",
    "Job restriction or transfer",
    "Medical treatment",
    "First aid only",
    "No injury (near miss, property)",
)
_INCIDENT_TYPES = (
    "Injury or illness",
    "Assault or threat",
    "Vehicle collision",
    "Exposure",
    "Near miss",
    "Property damage",
)
_OIICS_EVENTS = (
    ("1113", "Hitting, kicking, beating, shoving"),
    ("1117", "Threat, verbal assault"),
    ("7120", "Overexertion in lifting or lowering"),
    ("4210", "Fall on same level, unspecified"),
    ("2610", "Roadway collision with other vehicle"),
    ("6420", "Struck by object or equipment"),
    ("5310", "Exposure to environmental heat"),
    ("1311", "Bitten by dog"),
    ("7110", "Overexertion in pushing or pulling"),
)
_ACTIONS = (
    ("Install lift-assist arms on side-loader trucks", "Engineering"),
    ("Replace glass at public counters with laminated screens", "Engineering"),
    ("Two-person response for calls with a prior threat flag", "Administrative"),
    ("Heat illness plan: shade, water, rest breaks above 80\u00b0F", "Administrative"),
    ("Retire manual tree-trimming for aerial lift work", "Elimination"),
    ("Swap solvent degreaser for water-based cleaner", "Substitution"),
    ("Backing-camera retrofit for the heavy-duty fleet", "Engineering"),
    ("De-escalation refresher for field staff", "Administrative"),
    ("Cut-resistant gloves for kennel and bin handling", "PPE"),
)
_OWNER_ROLES = (
    "Fleet services manager",
    "Facilities safety officer",
    "Field operations chief",
    "Department safety officer",
    "Training coordinator",
)


def _month_shift(month: str, delta: int) -> str:
    year, number = (int(part) for part in month.split("-"))
    index = year * 12 + (number - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method is fine for the small means of a department-month; use a normal
    # approximation for the large citywide means.
    if mean > 50:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, product, count = math.exp(-mean), rng.random(), 0
    while product > limit:
        product *= rng.random()
        count += 1
    return count


def _rate(cases: float, hours: float) -> float | None:
    return None if hours <= 0 else cases * _BASE_HOURS / hours


def _u_chart(
    months: list[str], cases: list[int], hours: list[float], centre: float
) -> tuple[MonthPoint, ...]:
    points = []
    for month, count, worked in zip(months, cases, hours, strict=True):
        sigma = math.sqrt(centre * _BASE_HOURS / worked) if worked > 0 else 0.0
        points.append(
            MonthPoint(
                month=month,
                rate=_rate(count, worked),
                centre=centre,
                ucl=centre + 3 * sigma,
                lcl=max(0.0, centre - 3 * sigma),
                cases=count,
                hours=worked,
            )
        )
    return tuple(points)


def _monthly_series(
    rng: random.Random,
    months: list[str],
    monthly_hours: float,
    expected_rate: float,
    drift_per_month: float,
    recent_spike: float,
) -> tuple[list[int], list[float]]:
    cases, hours = [], []
    for index, _month in enumerate(months):
        worked = monthly_hours * rng.uniform(0.95, 1.05)
        rate = expected_rate * (1 + drift_per_month * (index - len(months) / 2))
        if index >= len(months) - 2:
            rate *= recent_spike
        cases.append(_poisson(rng, max(rate, 0.05) * worked / _BASE_HOURS))
        hours.append(worked)
    return cases, hours


def sample_packet_data(
    *,
    department_count: int = 40,
    attention_count: int = 5,
    serious_case_count: int = 6,
    month: str = "2026-10",
    city_name: str = "City of Los Angeles",
    zero_exposure: bool = False,
    seed: int = 2026,
) -> PacketData:
    """Build a synthetic packet; ``zero_exposure`` leaves the packet's month without hours."""
    rng = random.Random(seed)
    roster = list(_DEPARTMENTS[: min(department_count, len(_DEPARTMENTS))])
    while len(roster) < department_count:
        number = len(roster) + 1
        roster.append((f"D{number:02d}", f"Department {number}", 60, 0.5))
    departments = [Department(code, name) for code, name, _, _ in roster]
    months = [_month_shift(month, delta) for delta in range(-23, 1)]

    # Department series: the first few risky departments drift upward and spike lately.
    rows = []
    city_cases = [0] * len(months)
    city_hours = [0.0] * len(months)
    for index, (department, (_, _, headcount, risk)) in enumerate(
        zip(departments, roster, strict=True)
    ):
        drift = 0.02 if index % 7 == 1 else (-0.01 if index % 5 == 0 else 0.0)
        spike = 1.8 if index in (1, 5, 11) else 1.0
        cases, hours = _monthly_series(
            rng, months, headcount * _HOURS_PER_EMPLOYEE_MONTH, _CITY_TRIR * risk, drift, spike
        )
        if zero_exposure:
            hours[-1], cases[-1] = 0.0, 0
        for position in range(len(months)):
            city_cases[position] += cases[position]
            city_hours[position] += hours[position]
        rows.append((department, cases, hours, drift, spike))

    def window_rate(cases: list[int], hours: list[float], end: int, length: int = 12):
        start = end - length + 1
        return _rate(sum(cases[start : end + 1]), sum(hours[start : end + 1]))

    last = len(months) - 1
    city_trir = window_rate(city_cases, city_hours, last) or _CITY_TRIR
    centre = sum(city_cases) * _BASE_HOURS / sum(city_hours)
    citywide_trend = _u_chart(months, city_cases, city_hours, centre)

    # Ranking: shrink each twelve-month rate toward the city's, then score.
    prior_hours = 150_000.0
    scored = []
    for department, cases, hours, drift, spike in rows:
        year_cases, year_hours = sum(cases[-12:]), sum(hours[-12:])
        trir = _rate(year_cases, year_hours)
        shrunk = (
            (year_cases + city_trir * prior_hours / _BASE_HOURS)
            * _BASE_HOURS
            / (year_hours + prior_hours)
        )
        trend_pct = round(100 * drift * 12 + rng.uniform(-4, 4), 1)
        significant = abs(trend_pct) >= 15 and year_hours > 300_000
        signal = ""
        recent = cases[-1], hours[-1]
        if recent[1] > 0 and spike > 1:
            signal = "Above u\u2032 limit" if year_hours > 1_000_000 else "Above u limit"
        score = min(
            99.0,
            45 * shrunk / city_trir
            + (15 if significant and trend_pct > 0 else 0)
            + (12 if signal else 0),
        )
        reasons = []
        if trir is not None and trir > 1.5 * city_trir:
            reasons.append(f"rate {trir / city_trir:.1f}\u00d7 the city's")
        if significant and trend_pct > 0:
            reasons.append(f"cases up {trend_pct:.0f}% a year")
        if signal:
            reasons.append("latest month above its control limit")
        if department.code in ("LAPD", "ANS", "LAPL"):
            reasons.append("assaults up 60% on last year")
        harm = None if trir is None else round(trir * rng.uniform(1.6, 3.2), 1)
        dart = None if trir is None else trir * rng.uniform(0.45, 0.7)
        scored.append(
            (score, department, trir, dart, harm, shrunk, trend_pct, significant, signal, reasons)
        )
    scored.sort(key=lambda item: (-item[0], item[1].code))

    previous = list(range(1, len(scored) + 1))
    rng.shuffle(previous)
    ranking = []
    for rank, item in enumerate(scored, start=1):
        score, department, trir, dart, harm, shrunk, trend, significant, signal, reasons = item
        drift_rank = previous[rank - 1]
        prior_rank = (
            None if rank % 17 == 0 else max(1, min(len(scored), rank + (drift_rank % 7) - 3))
        )
        ranking.append(
            RankingRow(
                rank=rank,
                previous_rank=prior_rank,
                department=department,
                trir=trir,
                dart=dart,
                harm_rate=harm,
                shrunk_rate=shrunk,
                trend_pct_per_year=trend,
                trend_significant=significant,
                control_signal=signal,
                score=round(score, 1),
                reasons=tuple(reasons),
            )
        )

    # Funnel of twelve-month TRIR against hours, with limits across the range of hours.
    points = []
    for department, cases, hours, _, _ in rows:
        year_hours = sum(hours[-12:])
        if year_hours > 0:
            points.append(
                FunnelPoint(
                    department,
                    year_hours,
                    sum(cases[-12:]) * _BASE_HOURS / year_hours,
                    sum(cases[-12:]),
                )
            )
    limits = []
    low = max(10_000.0, min(point.hours for point in points) * 0.8)
    high = max(point.hours for point in points) * 1.25
    for step in range(41):
        worked = low * (high / low) ** (step / 40)
        sigma = math.sqrt(city_trir * _BASE_HOURS / worked)
        limits.append(
            FunnelLimit(
                hours=worked,
                lower95=max(0.0, city_trir - 1.96 * sigma),
                upper95=city_trir + 1.96 * sigma,
                lower998=max(0.0, city_trir - 3.09 * sigma),
                upper998=city_trir + 3.09 * sigma,
            )
        )
    funnel = Funnel(centre_rate=city_trir, points=tuple(points), limits=tuple(limits))

    # Attention pages for the top of the ranking.
    by_code = {row[0].code: row for row in rows}
    attention = []
    for row in ranking[:attention_count]:
        department, cases, hours, _, _ = by_code[row.department.code]
        department_centre = sum(cases) * _BASE_HOURS / sum(hours)
        total = sum(cases[-12:]) or 1
        weights = [rng.uniform(0.2, 1.0) for _ in _INCIDENT_TYPES]
        type_mix = tuple(
            LabelCount(label, round(total * weight / sum(weights) * 1.6))
            for label, weight in zip(_INCIDENT_TYPES, weights, strict=True)
        )
        events = rng.sample(_OIICS_EVENTS, 5)
        leading = tuple(
            OiicsEvent(code, title, max(1, round(total * share)))
            for (code, title), share in zip(events, (0.28, 0.19, 0.12, 0.08, 0.05), strict=True)
        )
        actions = []
        for number, (description, level) in enumerate(rng.sample(_ACTIONS, 4)):
            due = date(int(month[:4]), int(month[5:]), 1) + timedelta(days=rng.randint(-40, 70))
            actions.append(
                CorrectiveAction(
                    description=description,
                    control_level=level,
                    due_date=due,
                    overdue=due < date(int(month[:4]), int(month[5:]), 28) and number % 2 == 0,
                    owner_role=_OWNER_ROLES[number % len(_OWNER_ROLES)],
                    in_progress=number % 2 == 1,
                )
            )
        attention.append(
            DepartmentFocus(
                department=row.department,
                reasons=row.reasons,
                trend=_u_chart(months, cases, hours, department_centre),
                type_mix=tuple(sorted(type_mix, key=lambda item: -item.count)),
                leading_events=leading,
                open_actions=tuple(actions),
                open_action_count=len(actions) + 3,
                overdue_action_count=sum(action.overdue for action in actions) + 1,
            )
        )

    # Serious cases with their compliance clocks.
    serious = []
    first_day = date(int(month[:4]), int(month[5:]), 1)
    for number in range(serious_case_count):
        department = ranking[number % max(1, min(len(ranking), 8))].department
        occurred = first_day + timedelta(days=3 + 4 * number)
        start = datetime(
            occurred.year, occurred.month, occurred.day, 9 + number, 15, tzinfo=_PACIFIC
        )
        states = (
            [ClockState.MET, ClockState.MET, ClockState.MET, ClockState.MET]
            if number % 3 == 0
            else [ClockState.MISSED, ClockState.MET, ClockState.RUNNING, ClockState.RUNNING]
            if number % 3 == 1
            else [ClockState.MET, ClockState.MET, ClockState.MISSED, ClockState.MET]
        )
        clocks = (
            ComplianceClock("Report to Cal/OSHA (8 hours)", start + timedelta(hours=8), states[0]),
            ComplianceClock(
                "Claim form to employee (1 working day)", start + timedelta(days=1), states[1]
            ),
            ComplianceClock(
                "Employer's report, Form 5020 (5 days)", start + timedelta(days=5), states[2]
            ),
            ComplianceClock("Entry on the 300 log (7 days)", start + timedelta(days=7), states[3]),
        )
        serious.append(
            SeriousCase(
                reference=f"INC-{month[:4]}-{4100 + 37 * number:05d}",
                department=department,
                incident_type=("Injury or illness", "Assault or threat", "Vehicle collision")[
                    number % 3
                ],
                occurred_on=occurred,
                status=("Investigating", "Awaiting actions", "Closed")[number % 3],
                clocks=clocks,
            )
        )

    year_cases = sum(city_cases[-12:])
    severity_shares = (0.0005, 0.01, 0.2, 0.17, 0.35, 0.6, 0.4)
    cases_by_severity = tuple(
        LabelCount(label, round(year_cases * share))
        for label, share in zip(_SEVERITY_LADDER, severity_shares, strict=True)
    )
    claims = round(sum(headcount for *_, headcount, _ in roster) * 0.18)
    summary = CitySummary(
        trir_per_200k_hours=window_rate(city_cases, city_hours, last),
        trir_last_month=window_rate(city_cases, city_hours, last - 1),
        trir_last_year=window_rate(city_cases, city_hours, last - 12),
        dart_per_200k_hours=None if zero_exposure else city_trir * 0.52,
        dart_last_month=city_trir * 0.5,
        dart_last_year=city_trir * 0.58,
        hours_worked=sum(city_hours[-12:]),
        recordable_cases=year_cases,
        cases_by_severity=cases_by_severity,
        serious_case_count=serious_case_count,
        claims_count=claims,
        claims_incurred_usd=Decimal(claims) * Decimal("31412.50"),
        claims_paid_usd=Decimal(claims) * Decimal("18930.25"),
        investigations_required=year_cases,
        investigations_complete=round(year_cases * 0.87),
        overdue_actions_count=23,
        open_actions_count=141,
        attention=tuple(AttentionItem(item.department, item.reasons) for item in attention[:5]),
        unreported_injuries=round(claims * 0.04),
    )

    return PacketData(
        city_name=city_name,
        month=month,
        generated_on=first_day.replace(
            month=first_day.month % 12 + 1, year=first_day.year + first_day.month // 12
        )
        + timedelta(days=2),
        summary=summary,
        citywide_trend=citywide_trend,
        funnel=funnel,
        ranking=tuple(ranking),
        attention=tuple(attention),
        serious_cases=tuple(serious),
        exposure_source=(
            "Hours worked per department and month from the payroll system's paid-hours "
            "extract (regular and overtime hours; leave excluded), loaded on the 2nd of each month."
        ),
    )
