"""Writes for the cabinet: department scores from the engine, and payroll exposure imports.

Every function here runs in a transaction and takes keyword arguments.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
import time
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from riskcabinet import selectors
from riskcabinet.links import site_link
from riskcabinet.mail import mail_sent
from riskcabinet.models import (
    DataImport,
    Department,
    DepartmentScore,
    ExposureMonth,
    ImportKind,
    Language,
    Person,
)
from riskcabinet.queueing import task_queue_on_commit
from riskcabinet.roles import Role, users_to_email
from riskcabinet.textfiles import separator_hint, utf8_text

logger = logging.getLogger(__name__)

# --- Department scores ---------------------------------------------------------------------


def department_scores_compute(
    *, month: date, result: selectors.ScoringResult | None = None
) -> list[DepartmentScore]:
    """Rank every department as of `month` and keep the ranking in DepartmentScore.

    Running it again for the same month replaces that month's rows, so a recomputation after
    late reports or corrected payroll hours leaves one row per department. A department that
    dropped out of the ranking (no hours in the window) loses its row for the month. ``result``
    is the engine's run as of `month` when the caller already has it (the packet's build).

    On PostgreSQL, two workers ranking the same month take turns: each holds the month's lock
    from before the engine reads the cases until its rows are committed, so the one that ranks
    last has read everything the other saw, and an older reading never overwrites a newer one.
    A ``result`` read before the lock (the packet's, kept as the packet printed it) can still
    replace a newer ranking of the month; the next night's run ranks it again.
    SQLite lets one writer in at a time and its transactions take the write lock as they
    start, so there the engine reads outside the transaction: reports are not held while it
    works.
    """
    month = month.replace(day=1)
    if connection.vendor == "postgresql":
        with transaction.atomic():
            _ranking_lock(month)
            return _department_scores_write(month, result)
    return _department_scores_write(month, result)


# The first key of PostgreSQL's two-key advisory locks that belong to the monthly rankings.
RANKING_LOCK_CLASS = 8_201


def _ranking_lock(month: date) -> None:
    """Wait for, and hold until the transaction ends, the lock on ranking `month`."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [RANKING_LOCK_CLASS, month.year * 12 + month.month - 1],
        )


def _department_scores_write(
    month: date, result: selectors.ScoringResult | None
) -> list[DepartmentScore]:
    if result is None:
        result = selectors.scoring_result_compute(month=month)
    departments = {d.code: d for d in Department.objects.filter(code__in=result.codes())}
    kept: list[DepartmentScore] = []
    with transaction.atomic():
        for row in result.rows:
            department = departments.get(row["department"])
            if department is None:
                continue
            score, _ = DepartmentScore.objects.update_or_create(
                month=month,
                department=department,
                defaults={key: value for key, value in row.items() if key != "department"},
            )
            kept.append(score)
        DepartmentScore.objects.filter(month=month).exclude(
            pk__in=[score.pk for score in kept]
        ).delete()
    selectors.scoring_charts_remember(month=month, result=result)
    return kept


def department_scores_refresh_since(
    *, month: date, budget_seconds: float | None = None
) -> list[date]:
    """Rank again every stored month from `month` on, newest first, after its hours changed.

    A ranking as of a month reads that month's hours and the months before it, so corrected
    hours for `month` can move every stored ranking from then on. A month that can no longer
    be ranked keeps its stored ranking, and the reason is logged. Returns the months ranked.

    With ``budget_seconds`` (a web request doing the task queue's work), it stops once that
    time is spent, after at least the newest month: the months the cabinet reads first are
    fresh, and the warning names the command that ranks the rest.
    """
    months = sorted(
        set(
            DepartmentScore.objects.filter(month__gte=month.replace(day=1)).values_list(
                "month", flat=True
            )
        ),
        reverse=True,
    )
    started = time.monotonic()
    done = []
    for position, stored in enumerate(months):
        if budget_seconds is not None and position and time.monotonic() - started > budget_seconds:
            left = months[position:]
            logger.warning(
                "The rankings for %s to %s were not computed again here (the task queue is "
                "down and the request had spent %.0f s); run `python manage.py score --since "
                "%s` to rank them again.",
                f"{left[-1]:%Y-%m}",
                f"{left[0]:%Y-%m}",
                budget_seconds,
                f"{left[-1]:%Y-%m}",
            )
            break
        try:
            department_scores_compute(month=stored)
        except selectors.ScoringUnavailable as error:
            logger.warning("The ranking for %s was kept as it was: %s", f"{stored:%Y-%m}", error)
            continue
        done.append(stored)
    return done


# --- Exposure import -----------------------------------------------------------------------

EXPOSURE_IMPORT_COLUMNS = ("department", "month", "hours_worked", "headcount")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# A payroll month outside these is a typing mistake (1026 or 2062 for 2026), which would stretch
# the hours page and the month pickers over centuries.
FIRST_PAYROLL_MONTH = date(1970, 1, 1)
# ExposureMonth.hours_worked holds 12 digits with one decimal place.
_MAX_HOURS = Decimal("99999999999.9")
# More people than any employer has: a typing mistake (and more than the column holds).
_MAX_HEADCOUNT = 10_000_000


class ExposureFileError(ValueError):
    """The file as a whole cannot be read (not UTF-8, not CSV, a column missing)."""


@dataclass(frozen=True)
class ExposureRowProblem:
    line: int
    reason: str


@dataclass
class ExposureImportReport:
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[ExposureRowProblem] = field(default_factory=list)
    unknown_departments: list[str] = field(default_factory=list)
    # The months whose hours were added or changed.
    months_changed: set[date] = field(default_factory=set)
    record: DataImport | None = None

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass(frozen=True)
class _ExposureRow:
    line: int
    department: Department
    month: date
    hours_worked: Decimal
    headcount: int


def exposure_import(
    *, data: bytes, source_name: str = "the file", user=None
) -> ExposureImportReport:
    """Load payroll hours (`department, month, hours_worked, headcount`) from CSV bytes.

    Each department-month is inserted or updated in place, so importing the same file twice
    changes nothing the second time. Bad rows are reported with their line number and reason
    and skipped; the good rows are imported. A problem with the whole file (not UTF-8, a column
    missing) raises ExposureFileError and imports nothing.

    The import is kept as a DataImport (`report.record`), by `user` (None: the command
    line), and each row it adds or changes gets a history entry naming the file. Stored
    rankings that read the changed months are ranked again once the import is committed.
    """
    reader, rows_start = _exposure_reader(data, source_name)
    by_code = selectors.departments_by_code()
    by_name = {d.name.casefold(): d for d in by_code.values()}
    report = ExposureImportReport()
    good: dict[tuple[int, date], _ExposureRow] = {}
    codes_for: dict[tuple[int, date], set[str | None]] = {}
    unknown: dict[str, None] = {}
    for record in reader:
        line = rows_start + reader.line_num - 1
        if not any(_cell_text(value) for value in record.values()):
            continue  # A blank line is not a row.
        report.rows_read += 1
        if any("\x00" in _cell_text(value) for value in record.values()):
            # Kept out of the problem list's text too: PostgreSQL stores no NUL in text or JSON.
            report.problems.append(
                ExposureRowProblem(line=line, reason="the row contains a NUL character")
            )
            continue
        row, reason = _exposure_row_parse(record, line, by_code, by_name)
        if row is None:
            report.problems.append(ExposureRowProblem(line=line, reason=reason))
            if reason.startswith("unknown department"):
                unknown[(record.get("department") or "").strip()] = None
            continue
        key = (row.department.pk, row.month)
        # A department's former codes are departments merged into it (or its code before a
        # change): a file that still lists them apart gives each part's hours, added up here.
        # The same code twice, or a row naming the department by name, is a repeat.
        code = (record.get("department") or "").strip().upper()
        code = code if by_code.get(code) is row.department else None  # None: by its name
        earlier = codes_for.get(key, set())
        if key in good and code is not None and None not in earlier and code not in earlier:
            first = good[key]
            good[key] = replace(
                first,
                hours_worked=first.hours_worked + row.hours_worked,
                headcount=first.headcount + row.headcount,
            )
            codes_for[key].add(code)
            continue
        if key in good:
            report.problems.append(
                ExposureRowProblem(
                    line=line,
                    reason=f"{row.department.code} {row.month:%Y-%m} repeats line "
                    f"{good[key].line}; the first is kept",
                )
            )
            continue
        good[key] = row
        codes_for[key] = {code}
    report.unknown_departments = list(unknown)
    rows = list(good.values())
    try:
        _exposure_import_save(rows, report, data=data, source_name=source_name, user=user)
    except IntegrityError:
        # The same file sent twice at once (a double click): the other import added some of
        # these department-months after this one looked. Looking again finds them.
        report.created = report.updated = report.unchanged = 0
        report.months_changed = set()
        _exposure_import_save(rows, report, data=data, source_name=source_name, user=user)
    return report


def _exposure_import_save(
    rows: list[_ExposureRow], report: ExposureImportReport, *, data: bytes, source_name: str, user
) -> None:
    with transaction.atomic():
        _exposure_rows_save(rows, report, user=user, reason=f"Imported from {source_name}")
        report.record = data_import_create(
            kind=ImportKind.HOURS,
            data=data,
            source_name=source_name,
            user=user,
            rows_read=report.rows_read,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            problems=[{"line": p.line, "reason": p.reason} for p in report.problems],
            unknown_departments=report.unknown_departments,
            first_month=min((row.month for row in rows), default=None),
            last_month=max((row.month for row in rows), default=None),
        )
        if report.months_changed:
            rankings_refresh_queue(since=min(report.months_changed))


def data_import_create(
    *, kind: ImportKind, data: bytes, source_name: str, user, **figures
) -> DataImport:
    """Keep the record of one imported file: its kind, who brought it in (None: the command
    line), its name and SHA-256, and `figures` (the counts and the rows refused)."""
    return DataImport.objects.create(
        kind=kind,
        imported_by=user,
        # PostgreSQL keeps no NUL in text.
        file_name=source_name.replace("\x00", "")[:255],
        file_sha256=hashlib.sha256(data).hexdigest(),
        **figures,
    )


# How long a web request spends ranking stored months again when the task queue is down.
IN_REQUEST_REFRESH_SECONDS = 10.0


def rankings_refresh_queue(*, since: date) -> None:
    """Rank again, through the task queue, every stored month from `since` on."""
    # Imported here: the tasks module imports this one.
    from riskcabinet.tasks import department_scores_refresh_since_task as refresh_task

    if not DepartmentScore.objects.filter(month__gte=since).exists():
        return  # No stored ranking reads these months; the dashboard ranks them when asked.
    # With the task queue down, the rankings are computed here instead (a second or two each),
    # the newest first, for as long as a request can wait.
    task_queue_on_commit(
        refresh_task,
        f"{since:%Y-%m}",
        fallback=lambda: department_scores_refresh_since(
            month=since, budget_seconds=IN_REQUEST_REFRESH_SECONDS
        ),
    )


def _exposure_reader(data: bytes, source_name: str) -> tuple[csv.DictReader, int]:
    text = utf8_text(data, source_name, ExposureFileError)
    if not text.strip():
        raise ExposureFileError(f"{source_name}: the file is empty")
    try:
        for _ in csv.reader(io.StringIO(text, newline="")):
            pass
    except csv.Error as error:
        raise ExposureFileError(f"{source_name}: not a readable CSV file ({error})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), skipinitialspace=True)
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [column for column in EXPOSURE_IMPORT_COLUMNS if column not in header]
    if missing:
        raise ExposureFileError(
            f"{source_name}, line 1: missing column(s) {', '.join(missing)}; the header must be "
            f"{', '.join(EXPOSURE_IMPORT_COLUMNS)}{separator_hint(header)}"
        )
    reader.fieldnames = header
    # reader.line_num counts physical lines read so far, header included.
    return reader, 1


def _exposure_row_parse(
    record: dict, line: int, by_code: dict, by_name: dict
) -> tuple[_ExposureRow | None, str]:
    department_text = (record.get("department") or "").strip()
    month_text = (record.get("month") or "").strip()
    hours_text = (record.get("hours_worked") or "").strip().replace(",", "")
    headcount_text = (record.get("headcount") or "").strip().replace(",", "")

    if not department_text:
        return None, "department is empty"
    department = by_code.get(department_text.upper()) or by_name.get(department_text.casefold())
    if department is None:
        return None, f"unknown department '{department_text}'"

    matched = _MONTH.match(month_text)
    if not matched or not 1 <= int(matched.group(2)) <= 12 or int(matched.group(1)) < 1:
        return None, f"month '{month_text}' is not a month written YYYY-MM (e.g. 2026-10)"
    month = date(int(matched.group(1)), int(matched.group(2)), 1)
    if month < FIRST_PAYROLL_MONTH:
        return None, f"month {month_text} is before {FIRST_PAYROLL_MONTH:%Y}: a mistyped year?"
    if month > timezone.localdate().replace(day=1):
        return None, f"month {month_text} has not begun yet: a mistyped year?"

    try:
        hours = Decimal(hours_text)
    except InvalidOperation:
        return None, f"hours_worked '{hours_text}' is not a number"
    if not hours.is_finite():
        return None, f"hours_worked '{hours_text}' is not a number"
    if hours < 0:
        return None, f"hours_worked {hours_text} is negative"
    if hours > _MAX_HOURS:
        return None, f"hours_worked {hours_text} is too large"

    if not (headcount_text.isascii() and headcount_text.isdigit()):
        return None, f"headcount '{headcount_text}' is not a whole number of people, 0 or more"
    headcount = int(headcount_text)
    if headcount > _MAX_HEADCOUNT:
        return None, f"headcount {headcount_text} is too large"
    if headcount == 0 and hours > 0:
        return None, "headcount is 0 but hours were worked"

    return (
        _ExposureRow(
            line=line,
            department=department,
            month=month,
            hours_worked=hours.quantize(Decimal("0.1")),
            headcount=headcount,
        ),
        "",
    )


def _cell_text(value) -> str:
    # Cells beyond the header arrive as a list under the key None.
    if isinstance(value, list):
        return " ".join(cell or "" for cell in value).strip()
    return (value or "").strip()


def _exposure_rows_existing(rows: list[_ExposureRow]) -> dict[tuple[int, date], ExposureMonth]:
    """The stored department-months among `rows`, locked until the import commits."""
    return {
        (item.department_id, item.month): item
        for item in ExposureMonth.objects.select_for_update().filter(
            department__in={row.department for row in rows},
            month__in={row.month for row in rows},
        )
    }


def _exposure_rows_save(
    rows: list[_ExposureRow], report: ExposureImportReport, *, user, reason: str
) -> None:
    if not rows:
        return
    with transaction.atomic():
        existing = _exposure_rows_existing(rows)
        to_create, to_update = [], []
        for row in rows:
            current = existing.get((row.department.pk, row.month))
            if current is None:
                to_create.append(
                    ExposureMonth(
                        department=row.department,
                        month=row.month,
                        hours_worked=row.hours_worked,
                        headcount=row.headcount,
                    )
                )
            elif current.hours_worked != row.hours_worked or current.headcount != row.headcount:
                current.hours_worked = row.hours_worked
                current.headcount = row.headcount
                to_update.append(current)
            else:
                report.unchanged += 1
        history = {"default_user": user, "default_change_reason": reason[:100]}
        bulk_create_with_history(to_create, ExposureMonth, batch_size=500, **history)
        bulk_update_with_history(
            to_update, ExposureMonth, ["hours_worked", "headcount"], batch_size=500, **history
        )
        report.created = len(to_create)
        report.updated = len(to_update)
        report.months_changed = {item.month for item in to_create + to_update}


# --- Department merges ---------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentMerge:
    cases: int
    establishments: int
    people: int
    months_added: int  # payroll months the surviving department had too: hours summed
    months_moved: int


@transaction.atomic
def departments_merge(*, merged: Department, into: Department, user=None) -> DepartmentMerge:
    """Fold `merged` into `into` (a reorganisation): its cases (audited), sites, people, the
    officers who covered it and its payroll hours (summed with `into`'s for a month both
    have) move to `into`, which keeps its codes as former codes, so later payroll files in the
    old code still find it; then `merged` is deleted and the months it reached ranked again.
    """
    from incidents.models import Incident

    if merged.pk == into.pk:
        raise ValueError("A department cannot be merged into itself.")
    reason = f"{merged.code} merged into {into.code}"[:100]
    history = {"default_user": user, "default_change_reason": reason}
    cases = list(Incident.objects.select_for_update().filter(department=merged))
    for case in cases:
        case.department = into
    bulk_update_with_history(cases, Incident, ["department"], batch_size=500, **history)
    establishments = _establishments_move(merged=merged, into=into)
    people = Person.objects.filter(department=merged).update(department=into)
    for officer in Person.objects.filter(covered_departments=merged):
        officer.covered_departments.add(into)

    added, moved = _exposure_move(merged=merged, into=into, reason=reason, user=user)
    months = [row.month for row in added + moved]
    months += DepartmentScore.objects.filter(department=merged).values_list("month", flat=True)
    # A case's month is the city's, as the rankings count it.
    months += [timezone.localdate(case.occurred_at).replace(day=1) for case in cases]

    codes = [*into.former_code_list, merged.code, *merged.former_code_list]
    merged.delete()
    into.former_codes = ", ".join(dict.fromkeys(code for code in codes if code != into.code))
    into.save(update_fields=["former_codes"])
    if months:
        rankings_refresh_queue(since=min(months))
    return DepartmentMerge(
        cases=len(cases),
        establishments=establishments,
        people=people,
        months_added=len(added),
        months_moved=len(moved),
    )


def _establishments_move(*, merged: Department, into: Department) -> int:
    """Move `merged`'s sites to `into`; how many. A site's name is unique within its
    department: one named as a site of `into` keeps its name with the old code after it, so
    both sites (and their OSHA logs) are kept apart."""
    from incidents.models import Establishment

    their_sites = set(Establishment.objects.filter(department=into).values_list("name", flat=True))
    taken = their_sites | set(
        Establishment.objects.filter(department=merged).values_list("name", flat=True)
    )
    name_limit = Establishment._meta.get_field("name").max_length
    for site in Establishment.objects.filter(department=merged, name__in=their_sites):
        suffix, number = f" ({merged.code})", 1
        while (name := site.name[: name_limit - len(suffix)] + suffix) in taken:
            number += 1
            suffix = f" ({merged.code} {number})"
        taken.add(name)
        Establishment.objects.filter(pk=site.pk).update(name=name)
    return Establishment.objects.filter(department=merged).update(department=into)


def _exposure_move(
    *, merged: Department, into: Department, reason: str, user
) -> tuple[list[ExposureMonth], list[ExposureMonth]]:
    """Move `merged`'s payroll months to `into`, summed with `into`'s for a month both have;
    the months added to and the months moved, each change (and each row that goes) in the
    history with who merged and why."""
    theirs = {row.month: row for row in ExposureMonth.objects.filter(department=into)}
    added, moved, gone = [], [], []
    for row in ExposureMonth.objects.filter(department=merged).order_by("month"):
        mine = theirs.get(row.month)
        if mine is None:
            row.department = into
            moved.append(row)
        else:
            mine.hours_worked += row.hours_worked
            mine.headcount += row.headcount
            added.append(mine)
            gone.append(row)
    for row in gone:
        row._change_reason, row._history_user = reason, user
        row.delete()
    history = {"default_user": user, "default_change_reason": reason}
    bulk_update_with_history(moved, ExposureMonth, ["department"], batch_size=500, **history)
    bulk_update_with_history(
        added, ExposureMonth, ["hours_worked", "headcount"], batch_size=500, **history
    )
    return added, moved


# --- Payroll hours reminders ---------------------------------------------------------------


def payroll_hours_reminders_send(*, today: date | None = None) -> int:
    """Email every risk manager when last month's payroll hours are missing for a department.

    Beat runs it each morning of the month's first days, so the reminders stop once the file is
    in. Returns the number of emails sent (none when every department has its hours).
    """
    last_month = selectors.last_complete_month(today=today)
    coverage = selectors.exposure_coverage(months=1, through=last_month)[0]
    if coverage.complete:
        return 0
    context = {"coverage": coverage, "hours_url": site_link("cabinet:hours")}
    missing = len(coverage.missing)
    subject = (
        f"[riskcabinet] Payroll hours for {coverage.month:%B %Y} are missing for "
        f"{missing} department{'s' if missing != 1 else ''}"
    )
    sent = 0
    for manager in users_to_email(Role.RISK_MANAGER):
        message = render_to_string(
            "riskcabinet/hours_reminder_email.txt", {**context, "manager": manager}
        )
        sent += mail_sent(subject=subject, message=message, to=manager.email)
    return sent


def person_language_remember(user, language: str) -> None:
    """Note the language a signed-in person reads the site in, for their emails."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    language = (language or "").split("-")[0]
    if person is None or language not in dict(Language.choices) or person.last_language == language:
        return
    person.last_language = language
    # An update, not a save: the profile's history records the person's changes, not this.
    Person.objects.filter(pk=person.pk).update(last_language=language)
