"""Import of the claims administrator's workers' compensation file.

File format (CSV, UTF-8, header row, one claim per row):

| column              | required | meaning                                                        |
|---------------------|----------|----------------------------------------------------------------|
| claim_number        | yes      | the administrator's claim number; re-imports update this claim |
| incident_reference  | either   | riskcabinet reference, e.g. INC-2025-000123                    |
| employee_id         | or both  | the injured employee's id (Person.employee_id) ...             |
| date_of_injury      |          | ... and the date of injury (YYYY-MM-DD or MM/DD/YYYY)          |
| opened_on           | yes      | date the claim was opened                                      |
| status              | yes      | open, reopened, closed or denied                               |
| paid_to_date        | yes      | dollars, e.g. 1234.56 (a "$" and thousands commas are allowed)  |
| total_incurred      | yes      | dollars: paid plus reserves, so not less than paid_to_date    |
| lost_days           | no       | whole days lost (blank means 0)                                |

A claim is linked to its incident by reference when one is given, otherwise by the date of
injury and the employee: the case linked to their record by an officer, or the report they
filed for themselves. Claims that cannot be linked are still stored (without an
incident) and listed; rows that cannot be read are listed with their line number and skipped.
The employee and the date of injury are kept with the claim, so that a risk manager can find its
case, or open one from the claim when the injury was never reported (`claim_case_open`). A claim
a risk manager linked stays with that case: a later file that matches it to another case says so
on the import's page (`DataImport.links_kept`) and moves nothing.
"""

import csv
import io
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from incidents.clocks import clock_complete
from incidents.models import (
    Claim,
    ClaimStatus,
    ClockKind,
    Incident,
    IncidentType,
    Severity,
    Source,
)
from incidents.services import INJURY_DETAIL_TYPES, incident_create
from riskcabinet.models import DataImport, Department, ImportKind, Person
from riskcabinet.services import data_import_create
from riskcabinet.textfiles import separator_hint, utf8_text

REQUIRED_COLUMNS = ("claim_number", "opened_on", "status", "paid_to_date", "total_incurred")
# What the Claim columns hold: numeric(12, 2) dollars, a 40-character number, a day count.
MAX_AMOUNT = Decimal("9999999999.99")
CLAIM_NUMBER_MAX = 40
MAX_LOST_DAYS = 36_500
EMPLOYEE_ID_MAX = 20
_FIELDS = (
    "incident_id",
    "employee_id",
    "injured_on",
    "opened_on",
    "status",
    "paid_to_date",
    "total_incurred",
    "lost_days",
)
# What a later file that leaves them blank does not erase: the link to the case (made by an
# earlier file or by hand) and whom and when the claim is for.
_KEPT_WHEN_BLANK = ("incident_id", "employee_id", "injured_on")


class ClaimFileError(ValueError):
    """The file as a whole cannot be read (missing columns, not a CSV)."""


class ClaimLinkError(ValueError):
    """A claim cannot be linked to the case named (no such case, or it is linked already)."""


@dataclass
class ClaimImportResult:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    unlinked: list[tuple[int, str, str]] = field(default_factory=list)  # line, claim, reason
    links_kept: list[tuple[int, str, str]] = field(default_factory=list)  # line, claim, reason
    bad_rows: list[tuple[int, str]] = field(default_factory=list)  # line, reason
    record: DataImport | None = None


# Claims older than this, or dated beyond next year, are typing mistakes.
FIRST_CLAIM_YEAR = 1950


def _parse_date(value: str) -> date:
    value = value.strip()
    parsed = None
    try:
        if "/" in value:
            month, day, year = value.split("/")
            # A two-digit year (a spreadsheet's short date, 3/4/25) is refused: read as it is,
            # it would be the year 25.
            if len(year.strip()) == 4:
                parsed = date(int(year), int(month), int(day))
        else:
            parsed = date.fromisoformat(value)
    except ValueError:
        pass
    if parsed is None:
        raise ValueError(f"'{value}' is not a date (YYYY-MM-DD or MM/DD/YYYY)")
    if not FIRST_CLAIM_YEAR <= parsed.year <= timezone.localdate().year + 1:
        raise ValueError(f"'{value}' is not a plausible date for a claim: a mistyped year?")
    return parsed


def _parse_money(value: str, column: str) -> Decimal:
    cleaned = value.strip().replace("$", "").replace(",", "")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{column} '{value}' is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{column} '{value}' is not an amount")
    if amount < 0:
        raise ValueError(f"{column} is negative")
    if amount > MAX_AMOUNT:
        raise ValueError(f"{column} {value} is too large")
    return min(amount.quantize(Decimal("0.01")), MAX_AMOUNT)


def _incident_for(row: dict) -> tuple[Incident | None, str]:
    reference = (row.get("incident_reference") or "").strip()
    if reference:
        incident = Incident.objects.filter(reference=reference).first()
        if incident is None:
            return None, f"no incident with reference {reference}"
        if incident.merged_into_id:
            incident = incident.merged_into
        return incident, ""
    employee_id, day = _employee_and_day(row)
    if not employee_id or day is None:
        return None, "neither incident_reference nor employee_id and date_of_injury given"
    matches = _reports_of(employee_id, day)
    if not matches:
        return None, f"no report by employee {employee_id} on {day.isoformat()}"
    if len(matches) > 1:
        return None, f"several reports by employee {employee_id} on {day.isoformat()}"
    return matches[0], ""


def _reports_of(employee_id: str, day: date) -> list[Incident]:
    """The cases (two at most) in which the employee was hurt on that day, by the city's clock:
    the cases linked to their record or filed under their ID, and the injuries they reported for
    themselves (a case that names someone else as the person hurt is not theirs)."""
    tz = timezone.get_current_timezone()
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()), tz)
    end = timezone.make_aware(datetime.combine(day, datetime.max.time()), tz)
    theirs = (
        Q(injured_person__employee_id=employee_id)
        # Filed for them under an ID the records did not know yet (a new hire).
        | Q(injured_person__isnull=True, injured_employee_id_unmatched=employee_id)
        | Q(
            injured_person__isnull=True,
            injured_name="",
            reporter__person__employee_id=employee_id,
        )
    )
    return list(
        Incident.objects.filter(
            theirs,
            # A near miss or property damage they reported is not their injury.
            incident_type__in=INJURY_DETAIL_TYPES,
            occurred_at__range=(start, end),
            merged_into__isnull=True,
        ).order_by("pk")[:2]
    )


def _employee_and_day(row: dict) -> tuple[str, date | None]:
    employee_id = (row.get("employee_id") or "").strip()
    if len(employee_id) > EMPLOYEE_ID_MAX:
        raise ValueError(f"employee_id is longer than {EMPLOYEE_ID_MAX} characters")
    injured_on = (row.get("date_of_injury") or "").strip()
    return employee_id, _parse_date(injured_on) if injured_on else None


def _row_values(row: dict) -> dict:
    status = (row.get("status") or "").strip().lower()
    if status not in ClaimStatus.values:
        raise ValueError(
            f"status '{row.get('status', '')}' is not one of {', '.join(ClaimStatus.values)}"
        )
    lost = (row.get("lost_days") or "").strip() or "0"
    if not (lost.isascii() and lost.isdigit()):
        raise ValueError(f"lost_days '{lost}' is not a whole number of days")
    if int(lost) > MAX_LOST_DAYS:
        raise ValueError(f"lost_days {lost} is too large")
    employee_id, injured_on = _employee_and_day(row)
    paid = _parse_money(row.get("paid_to_date") or "", "paid_to_date")
    incurred = _parse_money(row.get("total_incurred") or "", "total_incurred")
    if incurred < paid:
        # Incurred is paid plus reserves: below paid, the columns are swapped or a figure is
        # wrong, and either would understate what the claim costs.
        raise ValueError(
            f"total_incurred {incurred:,.2f} is less than paid_to_date {paid:,.2f} "
            "(incurred is paid plus reserves)"
        )
    return {
        "employee_id": employee_id,
        "injured_on": injured_on,
        "opened_on": _parse_date(row.get("opened_on") or ""),
        "status": status,
        "paid_to_date": paid,
        "total_incurred": incurred,
        "lost_days": int(lost),
    }


@transaction.atomic
def claims_import(*, data: bytes, source_name: str = "the file", user=None) -> ClaimImportResult:
    """Create or update one Claim per row, keyed on claim_number; history records each change.

    The import is kept as a DataImport (`result.record`), by `user` (None: the command line).
    """
    result = ClaimImportResult()
    reason = f"Imported from {source_name}"[:100]
    with io.StringIO(utf8_text(data, source_name, ClaimFileError), newline="") as handle:
        reader = csv.DictReader(handle)
        try:
            columns = [c.strip() for c in reader.fieldnames or ()]
        except csv.Error as error:
            problem = f"{source_name}, line 1: not a readable CSV file ({error})"
            raise ClaimFileError(problem) from None
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise ClaimFileError(
                f"{source_name}: missing column(s) {', '.join(missing)}{separator_hint(columns)}"
            )
        reader.fieldnames = columns
        seen: set[str] = set()
        while True:
            line = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                raise ClaimFileError(
                    f"{source_name}, line {line}: not a readable CSV file ({error})"
                ) from None
            result.rows_read += 1
            if any("\x00" in value for value in row.values() if isinstance(value, str)):
                result.bad_rows.append((line, "the row contains a NUL character"))
                continue
            claim_number = (row.get("claim_number") or "").strip()
            if not claim_number:
                result.bad_rows.append((line, "claim_number is empty"))
                continue
            if len(claim_number) > CLAIM_NUMBER_MAX:
                result.bad_rows.append(
                    (line, f"claim_number is longer than {CLAIM_NUMBER_MAX} characters")
                )
                continue
            if claim_number in seen:
                result.bad_rows.append((line, f"claim {claim_number} appears twice in the file"))
                continue
            seen.add(claim_number)
            try:
                values = _row_values(row)
                incident, unlinked_reason = _incident_for(row)
            except ValueError as error:
                result.bad_rows.append((line, str(error)))
                continue
            values["incident_id"] = incident.pk if incident else None
            linked = _claim_save(line, claim_number, values, result, reason, user)
            if linked is None:
                result.unlinked.append((line, claim_number, unlinked_reason))
    result.record = data_import_create(
        kind=ImportKind.CLAIMS,
        data=data,
        source_name=source_name,
        user=user,
        rows_read=result.rows_read,
        created=result.created,
        updated=result.updated,
        unchanged=result.unchanged,
        problems=[{"line": line, "reason": why} for line, why in result.bad_rows],
        unlinked=_listed(result.unlinked),
        links_kept=_listed(result.links_kept),
    )
    return result


def _listed(claims: list[tuple[int, str, str]]) -> list[dict]:
    """Claims as the import's record lists them: line, claim number and what happened."""
    return [{"line": line, "claim": number, "reason": why} for line, number, why in claims]


def _claim_save(
    line: int, claim_number: str, values: dict, result: ClaimImportResult, reason: str, user
) -> int | None:
    """Create or update the claim; returns the id of the case it ends up linked to."""
    claim = Claim.objects.select_related("incident").filter(claim_number=claim_number).first()
    if claim is None:
        claim = Claim(claim_number=claim_number, **values)
        _history_note(claim, reason, user)
        claim.save()
        result.created += 1
        return claim.incident_id
    # A file that names another employee or day (a corrected claim) is matched afresh, even to
    # no case: the earlier match was to someone else's injury.
    identity_changed = any(
        values[name] not in (None, "") and values[name] != getattr(claim, name)
        for name in ("employee_id", "injured_on")
    )
    for name in _KEPT_WHEN_BLANK:
        if name == "incident_id" and identity_changed:
            continue
        if values[name] in (None, "") and getattr(claim, name) not in (None, ""):
            values[name] = getattr(claim, name)
    if claim.linked_by_hand and values["incident_id"] != claim.incident_id:
        # A risk manager looked and linked it: the file's match does not overrule them.
        matched = (
            Incident.objects.only("reference").get(pk=values["incident_id"]).reference
            if values["incident_id"]
            else "no case"
        )
        result.links_kept.append(
            (
                line,
                claim_number,
                f"linked by hand to {claim.incident.reference}; the file matches {matched}",
            )
        )
        values["incident_id"] = claim.incident_id
    if all(getattr(claim, name) == values[name] for name in _FIELDS):
        result.unchanged += 1
        return claim.incident_id
    for name in _FIELDS:
        setattr(claim, name, values[name])
    _history_note(claim, reason, user)
    claim.save()
    result.updated += 1
    return claim.incident_id


def _history_note(claim: Claim, reason: str, user) -> None:
    claim._change_reason = reason
    if user is not None:
        claim._history_user = user


@transaction.atomic
def claim_link(*, claim: Claim, reference: str, user) -> Incident:
    """Link a claim the file could not match to its case, by the case's reference.

    A case merged into another links the claim to the one it was merged into. A claim already
    linked (by the file, or by someone else meanwhile) is left as it is.
    """
    reference = reference.strip().upper()
    if not reference:
        raise ClaimLinkError("Type the case's reference, for example INC-2026-000123.")
    incident = Incident.objects.filter(reference=reference).select_related("merged_into").first()
    if incident is None:
        raise ClaimLinkError(f"There is no case {reference}.")
    if incident.merged_into_id:
        incident = incident.merged_into
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.incident_id is not None:
        raise ClaimLinkError(
            f"Claim {claim.claim_number} is already linked to {claim.incident.reference}."
        )
    _claim_link_to(claim, incident, f"Linked by hand to {incident.reference}", user)
    return incident


# The case opened from a claim has the same client UUID however often it is asked for, so a
# double click or two risk managers at once open one case, as the intake form does.
CLAIM_CASE_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://riskcabinet.example/claim-case")


@dataclass(frozen=True)
class ClaimCase:
    incident: Incident
    # "opened": a new case; "reported": linked to the employee's own report, filed meanwhile;
    # "opened before": the case this claim opened earlier (a double click).
    outcome: str


def claim_case_refusal(claim: Claim) -> str:
    """Why the file's claim says too little to open its case from ("" when it says enough): the
    employee and a day of injury that has come."""
    if not claim.employee_id or claim.injured_on is None:
        return (
            f"The claims file gives no employee ID and date of injury for {claim.claim_number}, "
            "so a case cannot be opened from it. File the report, then link the claim to it."
        )
    if claim.injured_on > timezone.localdate():
        return (
            f"The claims file gives {claim.injured_on:%Y-%m-%d}, a day still to come, as the "
            f"date of injury for {claim.claim_number}. Ask the claims administrator to correct it."
        )
    return ""


@transaction.atomic
def claim_case_open(*, claim: Claim, user, department: Department | None = None) -> ClaimCase:
    """Open the case of an injury that was never reported, from its claim, and link the claim.

    The file gives the employee and the date of injury, so the case is theirs: their department,
    their record as the person hurt, the day at noon (the hour is not known). An employee not yet
    in the records (a new hire, say) is named by their ID, in the `department` the risk manager
    chooses, for the officer to complete. Severity is days away from work when the claim has lost
    days, otherwise medical treatment; the officer who triages the case confirms it. The claim
    form's deadline is met by the claim itself. When the employee has meanwhile reported the
    injury, the claim is linked to that report instead of opening a second case.
    """
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.incident_id is not None:
        raise ClaimLinkError(
            f"Claim {claim.claim_number} is already linked to {claim.incident.reference}."
        )
    refusal = claim_case_refusal(claim)
    if refusal:
        raise ClaimLinkError(refusal)
    person = Person.with_employee_id(claim.employee_id)
    known = person is not None and person.department is not None
    if not known and department is None:
        why = "is not in the employee records" if person is None else "has no department"
        raise ClaimLinkError(
            f"Employee {claim.employee_id} {why}: choose the department they work in."
        )
    reported = _reports_of(claim.employee_id, claim.injured_on)
    if len(reported) > 1:
        raise ClaimLinkError(
            f"Employee {claim.employee_id} has several reports of {claim.injured_on:%Y-%m-%d} "
            f"now: link {claim.claim_number} to the right one by its reference."
        )
    if reported:
        existing = reported[0]
        _claim_link_to(claim, existing, f"Linked to {existing.reference}, reported meanwhile", user)
        return ClaimCase(incident=existing, outcome="reported")
    if person is not None:
        injured_name, injured_job_title = str(person), person.job_title
    else:
        # Named by the ID until the officer gives the name: an empty name would mean that the
        # risk manager who opened the case was the person hurt.
        injured_name, injured_job_title = Person.stand_in_name(claim.employee_id), ""
    name = str(person) if known else f"employee {claim.employee_id}"
    number = uuid.uuid5(CLAIM_CASE_NAMESPACE, claim.claim_number)
    if Incident.objects.filter(client_uuid=number).exclude(source=Source.CLAIM).exists():
        # Taken by a report that is not this claim's case (the phone refuses such numbers now):
        # the case gets a number of its own rather than joining that report.
        number = uuid.uuid4()
    created = incident_create(
        client_uuid=number,
        department=person.department if known else department,
        incident_type=IncidentType.INJURY_ILLNESS,
        occurred_at=timezone.make_aware(
            datetime.combine(claim.injured_on, time(12, 0)), timezone.get_current_timezone()
        ),
        occurred_time_known=False,
        location_text="Not known: no report was filed",
        narrative=(
            f"No incident report was filed for this injury. The case was opened from workers' "
            f"compensation claim {claim.claim_number}, opened on {claim.opened_on:%Y-%m-%d}; "
            "the claim gives the day of the injury, not the hour. "
            f"Ask {name} and their supervisor what happened, when and where, and record it here."
        ),
        reporter=user,
        source=Source.CLAIM,
        injured_name=injured_name,
        injured_job_title=injured_job_title,
        injured_person=person,
        # An ID not in the records yet stays on the case, where the next claim or report finds it.
        injured_employee_id_unmatched="" if person is not None else claim.employee_id,
        severity=Severity.DAYS_AWAY if claim.lost_days else Severity.MEDICAL,
    )
    incident = created.incident
    if created.created:
        # The claim is the employee's claim form, filed: that deadline is met.
        for clock in incident.clocks.filter(kind=ClockKind.CLAIM_FORM, completed_at__isnull=True):
            clock_complete(clock=clock, user=user, confirmation=f"Claim {claim.claim_number}")
    _claim_link_to(claim, incident, f"Case {incident.reference} opened from this claim", user)
    return ClaimCase(incident=incident, outcome="opened" if created.created else "opened before")


def _claim_link_to(claim: Claim, incident: Incident, reason: str, user) -> None:
    claim.incident = incident
    claim.linked_by_hand = True
    _history_note(claim, reason, user)
    claim.save(update_fields=["incident", "linked_by_hand"])
