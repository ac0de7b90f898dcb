"""Risk scoring for the Risk Reduction Cabinet: incidents and exposure in, ranked departments out.

A pure package (pandas, NumPy, SciPy, scikit-learn); it imports no Django, so it can be run and
tested on plain files. The Django side (selectors, the PDF packet) uses this API, which is kept
stable:

    validate_incidents(frame, source="incidents") -> DataFrame
    validate_exposure(frame, source="exposure") -> DataFrame
        Check and type the inputs; raise ScoringInputError naming source, data row and column.
    read_csv_file(path) -> DataFrame
        Read a CSV as text, refusing empty and non-UTF-8 files.
    rank_departments(incidents, exposure, *, as_of="YYYY-MM", window=12,
                     settings=ScoringSettings()) -> Ranking
        Ranking fields: as_of, window, city_harm_rate, city_trir, city_dart, departments (rank
        order), city_monthly, department_monthly, funnel, funnel_curve, settings; to_dict().
    backtest(incidents, exposure, *, horizon=3, window=12, settings=ScoringSettings())
        -> BacktestResult (horizon, window, first_as_of, last_as_of, summary, per_month; to_dict()).
    osha_severe_injuries_to_incidents(frame) -> DataFrame; uniform_exposure(incidents, hours)
        Convert OSHA's Severe Injury Reports to the incidents format.
    ScoringSettings: every weight and threshold, named (a frozen dataclass).

Incidents columns: department, occurred_on (YYYY-MM-DD), severity (fatality, hospitalization,
days_away, restricted, medical, first_aid, none), recordable (true/false), days_away,
days_restricted, incident_type (injury_illness, near_miss, vehicle, assault, exposure,
property_damage). Exposure columns: department, month (YYYY-MM), hours_worked, headcount.
Rates are per 200,000 hours worked. See README.md in this folder for the methods.
"""

from riskcabinet.scoring.backtest import METHODS, BacktestResult, backtest
from riskcabinet.scoring.osha import (
    osha_severe_injuries_to_incidents,
    read_osha_severe_injuries,
    uniform_exposure,
)
from riskcabinet.scoring.ranking import Ranking, rank_departments
from riskcabinet.scoring.settings import HOURS_BASE, INCIDENT_TYPES, SEVERITIES, ScoringSettings
from riskcabinet.scoring.validation import (
    ScoringInputError,
    read_csv_file,
    validate_exposure,
    validate_incidents,
)

__all__ = [
    "HOURS_BASE",
    "INCIDENT_TYPES",
    "METHODS",
    "SEVERITIES",
    "BacktestResult",
    "Ranking",
    "ScoringInputError",
    "ScoringSettings",
    "backtest",
    "osha_severe_injuries_to_incidents",
    "rank_departments",
    "read_csv_file",
    "read_osha_severe_injuries",
    "uniform_exposure",
    "validate_exposure",
    "validate_incidents",
]
