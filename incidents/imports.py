"""Import of incidents from files: OSHA's severe injury reports, or a generic CSV.

`osha-severe` reads OSHA's "Severe Injury Reports" extract (riskcabinet/data/README.md). Each row
becomes a closed, recordable injury at the in-patient hospitalisation rung, in a department per
state ("ST-TX", "Texas (OSHA severe injury reports)") with one establishment, unless a department
is given. OIICS titles are matched to codes; titles that match nothing are counted per field.

`generic-csv` reads a CSV with a header row and these columns:

| column          | required | meaning                                                           |
|-----------------|----------|-------------------------------------------------------------------|
| external_id     | yes      | the row's id in the source system; re-imports skip known ids      |
| department      | yes*     | a department code (*unless --department is given)                 |
| occurred_at     | yes      | YYYY-MM-DD (noon local) or YYYY-MM-DDTHH:MM[:SS] (local time)     |
| incident_type   | yes      | injury_illness, near_miss, vehicle, assault, exposure or          |
|                 |          | property_damage                                                   |
| severity        | yes      | fatality, hospitalization, days_away, restricted, medical,        |
|                 |          | first_aid or none                                                 |
| narrative       | yes      | what happened                                                     |
| location        | no       | where it happened                                                 |
| recordable      | no       | yes/no, true/false or 1/0; blank means not yet decided            |
| days_away       | no       | whole days (blank means 0)                                        |
| days_restricted | no       | whole days (blank means 0)                                        |

Every row's `source_key` ("osha-severe:<row_no>" or "generic:<external_id>") makes a second
import of the same file add nothing; the client UUID is derived from it (uuid5). Rows that
cannot be read are listed with their line number and reason, and the rest is imported. Inserts
go in batches with one block of references per year taken from ReferenceSequence. Each case's
history starts with a "created" row whose reason names the file.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from incidents.models import (
    Establishment,
    Incident,
    IncidentType,
    ReferenceSequence,
    Severity,
    Source,
    Status,
    Treatment,
)
from incidents.osha.oiics_titles import title_code
from incidents.services import format_reference
from riskcabinet.inserts import HistoryRowCopy
from riskcabinet.models import Department
from riskcabinet.selectors import departments_by_code
from riskcabinet.textfiles import separator_hint, utf8_text

FORMATS = ("osha-severe", "generic-csv")
# A count of days or people above this is a typing mistake (and would not fit the column).
MAX_COUNT = 36_500
EARLIEST_YEAR = 1900
BATCH_SIZE = 1000
_copy_history = HistoryRowCopy(Incident.history.model)
SOURCE_KEY_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://riskcabinet.example/source-key")

# OSHA's file names states and territories in full, in capitals.
STATE_CODES = {
    "ALABAMA": "AL", "ALASKA": "AK", "ARIZONA": "AZ", "ARKANSAS": "AR", "CALIFORNIA": "CA",
    "COLORADO": "CO", "CONNECTICUT": "CT", "DELAWARE": "DE", "DISTRICT OF COLUMBIA": "DC",
    "FLORIDA": "FL", "GEORGIA": "GA", "HAWAII": "HI", "IDAHO": "ID", "ILLINOIS": "IL",
    "INDIANA": "IN", "IOWA": "IA", "KANSAS": "KS", "KENTUCKY": "KY", "LOUISIANA": "LA",
    "MAINE": "ME", "MARYLAND": "MD", "MASSACHUSETTS": "MA", "MICHIGAN": "MI", "MINNESOTA": "MN",
    "MISSISSIPPI": "MS", "MISSOURI": "MO", "MONTANA": "MT", "NEBRASKA": "NE", "NEVADA": "NV",
    "NEW HAMPSHIRE": "NH", "NEW JERSEY": "NJ", "NEW MEXICO": "NM", "NEW YORK": "NY",
    "NORTH CAROLINA": "NC", "NORTH DAKOTA": "ND", "OHIO": "OH", "OKLAHOMA": "OK", "OREGON": "OR",
    "PENNSYLVANIA": "PA", "RHODE ISLAND": "RI", "SOUTH CAROLINA": "SC", "SOUTH DAKOTA": "SD",
    "TENNESSEE": "TN", "TEXAS": "TX", "UTAH": "UT", "VERMONT": "VT", "VIRGINIA": "VA",
    "WASHINGTON": "WA", "WEST VIRGINIA": "WV", "WISCONSIN": "WI", "WYOMING": "WY",
    "AMERICAN SAMOA": "AS", "GUAM": "GU", "NORTHERN MARIANA ISLANDS": "MP", "PUERTO RICO": "PR",
    "VIRGIN ISLANDS": "VI",
}  # fmt: skip

OSHA_TITLE_COLUMNS = {
    "nature": "NatureTitle",
    "part": "Part of Body Title",
    "event": "EventTitle",
    "source": "SourceTitle",
}
OSHA_REQUIRED_COLUMNS = (
    "row_no",
    "EventDate",
    "State",
    "Hospitalized",
    "Amputation",
    "Final Narrative",
)
GENERIC_REQUIRED_COLUMNS = ("external_id", "occurred_at", "incident_type", "severity", "narrative")


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (unknown format, missing columns)."""


class BadRow(ValueError):
    pass


@dataclass
class ImportReport:
    rows_read: int = 0
    created: int = 0
    already_imported: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    unmatched_titles: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    matched_codes: Counter = field(default_factory=Counter)
    departments_created: list[str] = field(default_factory=list)
    by_department: Counter = field(default_factory=Counter)
    dry_run: bool = False


@dataclass
class _Draft:
    line: int
    source_key: str
    department_key: str  # a department code, or "STATE:<name>" for a per-state department
    fields: dict


def source_key_uuid(source_key: str) -> uuid.UUID:
    return uuid.uuid5(SOURCE_KEY_NAMESPACE, source_key)


def _rows(path: Path) -> Iterator[tuple[int, dict]]:
    """CSV rows with the line on which each begins (narratives may span lines)."""
    text = utf8_text(path.read_bytes(), path.name, ImportFileError)
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle)
        try:
            columns = [c.strip() for c in reader.fieldnames or ()]
        except csv.Error as error:
            raise ImportFileError(f"{path.name}, line 1: {error}") from error
        yield 0, {"__columns__": columns}
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ImportFileError(f"line {line}: {error}") from error
            yield (
                line,
                {(k or "").strip(): (v if isinstance(v, str) else "") for k, v in row.items()},
            )


def _noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)), timezone.get_current_timezone())


def _count(value: str, column: str) -> int:
    value = (value or "").strip()
    if not value:
        return 0
    try:
        number = int(float(value))
    except (ValueError, OverflowError):
        raise BadRow(f"{column} '{value}' is not a number") from None
    if number < 0 or number != float(value):
        raise BadRow(f"{column} '{value}' is not a whole number of 0 or more")
    if number > MAX_COUNT:
        raise BadRow(f"{column} {value} is too large")
    return number


def _coordinate(value: str, column: str, limit: int) -> Decimal | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise BadRow(f"{column} '{value}' is not a number") from None
    if not number.is_finite():  # "NaN" and "Infinity" parse, but compare with nothing.
        raise BadRow(f"{column} '{value}' is not a number")
    if not -limit <= number <= limit:
        raise BadRow(f"{column} {value} is out of range")
    return number.quantize(Decimal("0.000001"))


def _osha_draft(line: int, row: dict, report: ImportReport, department_code: str | None) -> _Draft:
    row_no = (row.get("row_no") or "").strip()
    if not row_no.isdigit():
        raise BadRow(f"row_no '{row_no}' is not a number")
    try:
        day = date.fromisoformat((row.get("EventDate") or "").strip())
    except ValueError:
        raise BadRow(f"EventDate '{row.get('EventDate', '')}' is not a date (YYYY-MM-DD)") from None
    state = " ".join((row.get("State") or "").split()).upper()
    if department_code is None and state not in STATE_CODES:
        raise BadRow(f"State '{row.get('State', '')}' is not a US state or territory")
    hospitalized = _count(row.get("Hospitalized", ""), "Hospitalized")
    amputations = _count(row.get("Amputation", ""), "Amputation")
    narrative = (row.get("Final Narrative") or "").strip()
    if not narrative:
        raise BadRow("Final Narrative is empty")
    latitude = _coordinate(row.get("Latitude", ""), "Latitude", 90)
    longitude = _coordinate(row.get("Longitude", ""), "Longitude", 180)
    codes = {}
    for family, column in OSHA_TITLE_COLUMNS.items():
        title = (row.get(column) or "").strip()
        code = title_code(family, title) if title else None
        if code:
            report.matched_codes[family] += 1
        elif title:
            report.unmatched_titles[family][" ".join(title.split())] += 1
        codes[family] = code or ""
    city = " ".join((row.get("City") or "").split()).title()
    state_code = STATE_CODES.get(state, "")
    occurred = _noon(day)
    return _Draft(
        line=line,
        source_key=f"osha-severe:{row_no}",
        department_key=department_code or f"STATE:{state}",
        fields={
            "incident_type": IncidentType.INJURY_ILLNESS,
            "occurred_at": occurred,
            "occurred_time_known": False,  # The OSHA file gives the day only.
            "reported_at": occurred,
            "learned_at": occurred,
            "location_text": ", ".join(p for p in (city, state_code) if p)[:300] or "Not stated",
            "latitude": latitude,
            "longitude": longitude,
            "narrative": narrative,
            "body_part": (row.get("Part of Body Title") or "").strip()[:60],
            "injury_kind": (row.get("NatureTitle") or "").strip()[:60],
            # Every severe injury report is an in-patient hospitalisation, an amputation or the
            # loss of an eye: the second rung of the ladder, whatever the counts say.
            "severity": Severity.HOSPITALIZATION,
            "treatment": Treatment.HOSPITAL_STAY if hospitalized else Treatment.ER,
            "hospitalized_overnight": bool(hospitalized),
            "recordable": True,
            "state_reportable": True,
            "oiics_nature": codes["nature"],
            "oiics_part": codes["part"],
            "oiics_event": codes["event"],
            "oiics_source": codes["source"],
            "status": Status.CLOSED,
            "closed_at": occurred,
            "close_reason": "Imported from OSHA's severe injury reports.",
            "recordability_answers": {
                "imported": {"hospitalized": hospitalized, "amputations": amputations}
            },
        },
    )


_TRUE = {"yes", "y", "true", "t", "1"}
_FALSE = {"no", "n", "false", "f", "0"}


def _generic_draft(
    line: int, row: dict, report: ImportReport, department_code: str | None
) -> _Draft:
    external_id = (row.get("external_id") or "").strip()
    if not external_id:
        raise BadRow("external_id is empty")
    source_key = f"generic:{external_id}"
    if len(source_key) > 60:
        raise BadRow("external_id is longer than 52 characters")
    department = department_code or (row.get("department") or "").strip()
    if not department:
        raise BadRow("department is empty")
    raw_when = (row.get("occurred_at") or "").strip()
    try:
        if len(raw_when) == 10:
            occurred = _noon(date.fromisoformat(raw_when))
        else:
            parsed = datetime.fromisoformat(raw_when)
            occurred = (
                parsed
                if timezone.is_aware(parsed)
                else timezone.make_aware(parsed, timezone.get_current_timezone())
            )
    except ValueError:
        raise BadRow(f"occurred_at '{raw_when}' is not a date or date and time") from None
    if not datetime(EARLIEST_YEAR, 1, 1, tzinfo=occurred.tzinfo) <= occurred <= timezone.now():
        raise BadRow(f"occurred_at '{raw_when}' is before {EARLIEST_YEAR} or in the future")
    incident_type = (row.get("incident_type") or "").strip().lower()
    if incident_type not in IncidentType.values:
        raise BadRow(
            f"incident_type '{incident_type}' is not one of {', '.join(IncidentType.values)}"
        )
    severity = (row.get("severity") or "").strip().lower()
    if severity not in Severity.values:
        raise BadRow(f"severity '{severity}' is not one of {', '.join(Severity.values)}")
    narrative = (row.get("narrative") or "").strip()
    if not narrative:
        raise BadRow("narrative is empty")
    raw_recordable = (row.get("recordable") or "").strip().lower()
    if raw_recordable and raw_recordable not in _TRUE | _FALSE:
        raise BadRow(f"recordable '{raw_recordable}' is not yes or no")
    recordable = None if not raw_recordable else raw_recordable in _TRUE
    return _Draft(
        line=line,
        source_key=source_key,
        department_key=department,
        fields={
            "incident_type": incident_type,
            "occurred_at": occurred,
            "occurred_time_known": len(raw_when) != 10,  # A bare date gives no hour.
            "reported_at": occurred,
            "learned_at": occurred,
            "location_text": (row.get("location") or "").strip()[:300] or "Not stated",
            "narrative": narrative,
            "severity": severity,
            "recordable": recordable,
            "days_away": _count(row.get("days_away", ""), "days_away"),
            "days_restricted": _count(row.get("days_restricted", ""), "days_restricted"),
            "status": Status.TRIAGED if recordable is not None else Status.NEW,
        },
    )


def _read(
    path: Path, fmt: str, department_code: str | None, report: ImportReport, progress
) -> list[_Draft]:
    if fmt not in FORMATS:
        raise ImportFileError(f"Unknown format '{fmt}': use one of {', '.join(FORMATS)}")
    make = _osha_draft if fmt == "osha-severe" else _generic_draft
    required = OSHA_REQUIRED_COLUMNS if fmt == "osha-severe" else GENERIC_REQUIRED_COLUMNS
    rows = _rows(path)
    _, header = next(rows)
    missing = [c for c in required if c not in header["__columns__"]]
    if (
        fmt == "generic-csv"
        and department_code is None
        and "department" not in header["__columns__"]
    ):
        missing.append("department")
    if missing:
        hint = separator_hint(header["__columns__"])
        raise ImportFileError(f"{path.name}: missing column(s) {', '.join(missing)}{hint}")
    drafts: list[_Draft] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        report.rows_read += 1
        try:
            if any("\x00" in value for value in row.values()):
                raise BadRow("the row contains a NUL character")
            draft = make(line, row, report, department_code)
        except BadRow as error:
            report.bad_rows.append((line, str(error)))
        else:
            if draft.source_key in seen:
                report.bad_rows.append(
                    (line, f"{draft.source_key} repeats line {seen[draft.source_key]}")
                )
            else:
                seen[draft.source_key] = line
                drafts.append(draft)
        if progress is not None:
            progress(1)
    return drafts


def _state_department(state: str) -> tuple[str, str]:
    return f"ST-{STATE_CODES[state]}", f"{state.title()} (OSHA severe injury reports)"


def incidents_import(
    *,
    path: Path,
    fmt: str,
    department_code: str | None = None,
    dry_run: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a file of incidents; see the module docstring for the formats."""
    report = ImportReport(dry_run=dry_run)
    if department_code is not None:
        department = departments_by_code().get(department_code.strip().upper())
        if department is None:
            raise ImportFileError(f"No department with code '{department_code}'")
        department_code = department.code
    drafts = _read(path, fmt, department_code, report, progress)

    keys = [d.source_key for d in drafts]
    known: set[str] = set()
    for start in range(0, len(keys), 5000):
        known.update(
            Incident.objects.filter(source_key__in=keys[start : start + 5000]).values_list(
                "source_key", flat=True
            )
        )
    report.already_imported = len(known)
    drafts = [d for d in drafts if d.source_key not in known]

    # A code is looked up as payroll's are: in any case, and among former codes too, so that a
    # file in a department's old code reaches it and no department is made under a code
    # another one had.
    by_code = departments_by_code()
    departments = {d.code: d for d in by_code.values()}
    resolved: list[tuple[_Draft, str]] = []
    to_create: dict[str, str] = {}
    for draft in drafts:
        if draft.department_key.startswith("STATE:"):
            code, name = _state_department(draft.department_key[6:])
            known = by_code.get(code.upper())
            if known is not None:
                code = known.code
            else:
                to_create[code] = name
        else:
            known = by_code.get(draft.department_key.strip().upper())
            if known is None:
                report.bad_rows.append(
                    (draft.line, f"no department with code '{draft.department_key}'")
                )
                continue
            code = known.code
        resolved.append((draft, code))
    report.bad_rows.sort()
    report.departments_created = sorted(to_create)
    for _, code in resolved:
        report.by_department[code] += 1
    if dry_run:
        report.created = len(resolved)
        return report
    with transaction.atomic():
        _create(resolved, to_create, departments, report, source_name=path.name)
    return report


def _create(
    resolved, to_create: dict[str, str], departments: dict, report: ImportReport, source_name: str
) -> None:
    for code, name in sorted(to_create.items()):
        department = Department.objects.create(code=code, name=name)
        departments[code] = department
        Establishment.objects.create(
            department=department,
            name=name,
            street_address="Various employers",
            city="Various",
            state=code[3:],
            zip_code="",
            naics_code="",
            industry_description="Employers filing OSHA severe injury reports (several industries)",
            size=Establishment.Size.OVER_249,
            establishment_type=Establishment.EstablishmentType.PRIVATE,
        )
    first_establishment: dict[int, int] = {}
    for row in Establishment.objects.order_by("pk").values("pk", "department_id"):
        first_establishment.setdefault(row["department_id"], row["pk"])

    # One block of references per year, taken under the sequence's row lock.
    per_year = Counter(timezone.localtime(d.fields["reported_at"]).year for d, _ in resolved)
    next_number: dict[int, int] = {}
    for year, count in per_year.items():
        ReferenceSequence.objects.get_or_create(year=year)
        sequence = ReferenceSequence.objects.select_for_update().get(year=year)
        next_number[year] = sequence.last_number + 1
        ReferenceSequence.objects.filter(year=year).update(last_number=F("last_number") + count)

    incidents = []
    for draft, code in sorted(
        resolved, key=lambda pair: (pair[0].fields["reported_at"], pair[0].line)
    ):
        department = departments[code]
        year = timezone.localtime(draft.fields["reported_at"]).year
        reference = format_reference(year=year, number=next_number[year])
        next_number[year] += 1
        incidents.append(
            Incident(
                reference=reference,
                client_uuid=source_key_uuid(draft.source_key),
                source=Source.IMPORT,
                source_key=draft.source_key,
                department=department,
                establishment_id=first_establishment.get(department.pk),
                **draft.fields,
            )
        )
    # Each case's history starts with its import: the file it came from, when, by nobody in the
    # app. The rows are copied inside the database, a batch at a time.
    reason = f"Imported from {source_name}"[:100]
    for start in range(0, len(incidents), BATCH_SIZE):
        batch = incidents[start : start + BATCH_SIZE]
        Incident.objects.bulk_create(batch, batch_size=BATCH_SIZE)
        _copy_history.copy_rows(
            [incident.pk for incident in batch], user=None, change_reason=reason
        )
    report.created = len(incidents)
