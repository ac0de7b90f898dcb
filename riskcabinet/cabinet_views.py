"""The cabinet's dashboard: aggregates only, never a name, narrative or medical detail.

Cabinet members, risk managers and administrators hold riskcabinet.view_departmentscore and may
read every page here; recomputing a month is for risk managers and administrators.
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from riskcabinet import charts, selectors
from riskcabinet.models import Department, DepartmentScore
from riskcabinet.queueing import task_queue_on_commit
from riskcabinet.roles import Role, role_of
from riskcabinet.selectors import ScoringUnavailable
from riskcabinet.services import FIRST_PAYROLL_MONTH, department_scores_compute
from riskcabinet.tasks import department_scores_refresh

VIEW_PERMISSION = "riskcabinet.view_departmentscore"


def _can_recompute(user) -> bool:
    """Recomputing a ranking is for the people who answer for it, not for its readers."""
    return role_of(user) in (Role.RISK_MANAGER, Role.ADMINISTRATOR)


def _month_from(request: HttpRequest, available: list[date]) -> date:
    """The month asked for in ?month=YYYY-MM, else the last complete month (or latest data)."""
    default = selectors.last_complete_month()
    if available and default not in available:
        default = available[0]
    text = request.GET.get("month", "")
    if not text:
        return default
    try:
        month = selectors.month_parse(text)
    except ValueError:
        messages.error(request, f"'{text}' is not a month; showing {default:%B %Y}.")
        return default
    # Before twelve months of hours nothing is listed as available: a month after the default,
    # or before the first month the payroll import takes, has no ranking either way.
    unknown = month not in available if available else not (FIRST_PAYROLL_MONTH <= month <= default)
    if unknown:
        messages.error(request, f"There is no ranking for {month:%B %Y}; showing {default:%B %Y}.")
        return default
    return month


def _funnel_and_statuses(scores: list[DepartmentScore], month: date):
    """The month's funnel plot (None when the engine's curve cannot be had) and each
    department's place in it, from the curve or else as the stored ranking kept it."""
    funnel = selectors.funnel_data(scores, selectors.scoring_funnel_for(month=month))
    statuses = funnel.statuses if funnel else selectors.stored_funnel_statuses(scores)
    return funnel, statuses


def _scores_or_compute(request: HttpRequest, month: date) -> list[DepartmentScore]:
    """The stored ranking for the month, computed now if it was never stored, with the month
    before it when that was never stored either: the page shows how ranks moved since then."""
    scores = selectors.department_scores_for(month=month)
    if not scores:
        try:
            department_scores_compute(month=month)
        except ScoringUnavailable as error:
            messages.error(request, f"The ranking for {month:%B %Y} cannot be computed: {error}")
            return []
    # A month ranked alone (by the nightly run or a packet's build) gets the month before it
    # too, as the packet does, so the moves since then show; one try a day when it cannot be.
    stamp = max(score.computed_at for score in scores).timestamp() if scores else "new"
    tried = f"riskcabinet:previous-ranked:{month:%Y-%m}:{stamp}"
    if not selectors.previous_ranks_for(month=month) and cache.add(tried, True, 24 * 60 * 60):
        with contextlib.suppress(ScoringUnavailable):
            department_scores_compute(month=selectors.month_shift(month, -1))
    return selectors.department_scores_for(month=month)


@dataclass(frozen=True)
class RankRow:
    score: DepartmentScore
    change: int | None  # places moved toward the top (riskier) since the month before
    previous_month: date
    funnel_status: str

    @property
    def change_label(self) -> str:
        when = f"{self.previous_month:%B}"
        if self.change is None:
            return f"Not ranked in {when}"
        if self.change > 0:
            return f"Up {self.change} place{'s' if self.change != 1 else ''} since {when}"
        if self.change < 0:
            return f"Down {-self.change} place{'s' if self.change != -1 else ''} since {when}"
        return f"Same place as in {when}"

    @property
    def trend_direction(self) -> str:
        """Rising or falling only when the trend is significant, as the reasons and the packet
        read it; otherwise steady, whatever its size."""
        pct = self.score.trend_pct_per_year
        if pct is None or not self.score.trend_significant or pct == 0:
            return "flat"
        return "up" if pct > 0 else "down"

    @property
    def trend_label(self) -> str:
        pct = self.score.trend_pct_per_year
        if pct is None:
            return "No trend: too little history"
        if self.trend_direction == "flat":
            return f"Steady ({pct:+.0f}% a year, not significant)"
        word = "Rising" if pct > 0 else "Falling"
        return f"{word} {abs(pct):.0f}% a year (significant)"

    @property
    def funnel_words(self) -> str:
        return charts.FUNNEL_STATUS_WORDS.get(self.funnel_status, "")


def _rank_rows(
    scores: list[DepartmentScore], month: date, statuses: dict[str, str]
) -> list[RankRow]:
    previous = selectors.previous_ranks_for(month=month)
    return [
        RankRow(
            score=score,
            change=(
                previous[score.department_id] - score.rank
                if score.department_id in previous
                else None
            ),
            previous_month=selectors.month_shift(month, -1),
            funnel_status=statuses.get(score.department.code, "within"),
        )
        for score in scores
    ]


def _funnel_svg(funnel: selectors.FunnelData | None, month: date, highlight: str | None = None):
    """The funnel plot twice: for a screen, and as wide as a phone (its legend on more rows),
    which CSS shows instead below 40rem; a phone would otherwise show a third of it."""
    if funnel is None:
        return {}
    return {
        size: mark_safe(  # noqa: S308 - built by charts.py, every text escaped there.
            charts.funnel_plot_svg(
                points=funnel.points,
                statuses=funnel.statuses,
                city_rate=funnel.city_rate,
                curves=funnel.curves,
                title=f"Funnel plot: harm rate against hours worked, 12 months to {month:%B %Y}",
                rate_name="harm rate",
                x_label="Hours worked in the 12 months (log scale)",
                y_label="Harm rate (severity-weighted, per 200,000 hours)",
                highlight=highlight,
                chart_id=f"funnel-{size}",
                width=width,
            )
        )
        for size, width in (("screen", 760), ("phone", 360))
    }


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def dashboard(request: HttpRequest) -> HttpResponse:
    available = selectors.scoring_months_available()
    month = _month_from(request, available)
    scores = _scores_or_compute(request, month)
    funnel, statuses = _funnel_and_statuses(scores, month)
    rows = _rank_rows(scores, month, statuses)
    computed_at = max((s.computed_at for s in scores), default=None)
    context = {
        "month": month,
        "window_start": selectors.month_shift(month, -(selectors.SCORING_WINDOW_MONTHS - 1)),
        "months": available,
        "rows": rows,
        "funnel_svg": _funnel_svg(funnel, month),
        "city_trir": selectors.city_trir(scores),
        "signals": [row for row in rows if row.score.control_signal],
        # Beyond the outer (99.8%) limit only, as the reasons and the packet read "more than
        # chance"; above the inner one alone is one department in twenty by chance.
        "above_funnel": [row for row in rows if row.funnel_status == "above_outer"],
        "rising": [
            row for row in rows if row.score.trend_significant and row.trend_direction == "up"
        ],
        "computed_at": computed_at,
        "packet_built_before": _packet_built_before(month, computed_at),
        "can_recompute": _can_recompute(request.user),
    }
    return render(request, "riskcabinet/dashboard.html", context)


def _packet_built_before(month: date, computed_at: datetime | None):
    """The month's published packet when the ranking shown was computed again after it was built
    (late reports, corrected hours): the two may differ, and the page says so."""
    from reports.models import BriefingPacket, PacketStatus

    if computed_at is None:
        return None
    packet = BriefingPacket.objects.filter(month=month, status=PacketStatus.PUBLISHED).first()
    if packet is None or packet.generated_at is None:
        return None
    return packet if computed_at > packet.generated_at + timedelta(minutes=5) else None


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    if not _can_recompute(request.user):
        raise PermissionDenied("Only risk managers and administrators recompute rankings.")
    try:
        month = selectors.month_parse(request.POST.get("month", ""))
    except ValueError as error:
        messages.error(request, str(error))
        return redirect("cabinet:dashboard")
    # With the task queue down, the ranking is computed here (a second or two) instead.
    task_queue_on_commit(
        department_scores_refresh,
        f"{month:%Y-%m}",
        fallback=lambda: department_scores_compute(month=month),
    )
    messages.success(
        request,
        f"The ranking for {month:%B %Y} is being recomputed from the latest reports and "
        f"payroll hours; it replaces the stored one when done.",
    )
    return redirect(f"{reverse('cabinet:dashboard')}?month={month:%Y-%m}")


def _rate_points(series: list[dict]) -> list[charts.RatePoint]:
    points = []
    for item in series:
        month = selectors.month_parse(item["month"])
        points.append(
            charts.RatePoint(
                label=f"{month:%b %Y}",
                short_label=f"{month:%b}" if month.month != 1 else f"{month:%b %y}",
                rate=item.get("rate"),
                centre=item.get("centre"),
                upper=item.get("upper"),
                lower=item.get("lower"),
                signal=bool(item.get("signal")),
            )
        )
    return points


@login_required
@permission_required(VIEW_PERMISSION, raise_exception=True)
def department(request: HttpRequest, code: str) -> HttpResponse:
    department = Department.objects.filter(code=code).first()
    if department is None:
        # A page kept under a department's former code (renamed, or merged into another).
        department = selectors.departments_by_code().get(code.upper())
        if department is None:
            raise Http404("No such department.")
        return redirect(
            f"{reverse('cabinet:department', args=[department.code])}"
            f"{'?' + request.GET.urlencode() if request.GET else ''}"
        )
    available = selectors.scoring_months_available()
    month = _month_from(request, available)
    scores = _scores_or_compute(request, month)
    funnel, statuses = _funnel_and_statuses(scores, month)
    row = next(
        (r for r in _rank_rows(scores, month, statuses) if r.score.department_id == department.pk),
        None,
    )
    profile = selectors.department_profile(department=department, month=month)
    series = selectors.scoring_series_for(month=month).get(department.code, []) if row else []
    rate_svg, rate_phone_span = {}, ""
    if series:
        points = _rate_points(series)
        recent = points[-12:]
        # For a screen, and as wide as a phone with its last twelve months (CSS shows it below
        # 40rem): a phone showed a screen-wide chart scrolled to its end, scale and legend out
        # of view.
        rate_svg = {
            size: mark_safe(  # noqa: S308 - built by charts.py, every text escaped there.
                charts.rate_chart_svg(
                    points=shown,
                    title=f"{department.name}: monthly rate of cases with harm, with its "
                    f"expected level and control limits",
                    y_label="Cases with harm per 200,000 hours",
                    chart_id=f"rate-{size}",
                    width=width,
                )
            )
            for size, shown, width in (("screen", points, 760), ("phone", recent, 380))
        }
        # The phone's axis names every other month, so the year may not be on it.
        rate_phone_span = f"{recent[0].label} to {recent[-1].label}"
    severity_svg = mark_safe(  # noqa: S308
        charts.bars_svg(
            bars=[
                charts.Bar(
                    label=label,
                    value=count,
                    display=f"{count:,}",
                    tone="danger" if index < 2 else ("warn" if index < 5 else "neutral"),
                )
                for index, (label, count) in enumerate(profile.by_severity)
            ],
            title=f"{department.name}: incidents by severity, worst first",
            chart_id="severity",
        )
    )
    type_svg = mark_safe(  # noqa: S308
        charts.bars_svg(
            bars=[
                charts.Bar(label=label, value=count, display=f"{count:,}", tone="brand")
                for label, count in profile.by_type
            ],
            title=f"{department.name}: incidents by type",
            chart_id="types",
        )
    )
    context = {
        "department": department,
        "month": month,
        "months": available,
        "row": row,
        "ranked": len(scores),
        "city_trir": selectors.city_trir(scores),
        "profile": profile,
        "investigation_pct": (
            None
            if profile.investigation_share is None
            else math.floor(profile.investigation_share * 100)  # 399 of 400 is 99%.
        ),
        "claims_incurred": charts.money_text(profile.claims_incurred),
        "claims_paid": charts.money_text(profile.claims_paid),
        "rate_svg": rate_svg,
        "rate_phone_span": rate_phone_span,
        "severity_svg": severity_svg,
        "type_svg": type_svg,
        "funnel_svg": _funnel_svg(funnel, month, highlight=department.code),
    }
    return render(request, "riskcabinet/department.html", context)
