"""Officers' corrections, exported by the incident app as JSON lines, used as training data.

One object per line::

    {"narrative": "Slipped on ice, broke finger", "event": "422", "nature": "111", "part": "4420"}

``narrative`` is required and non-empty. ``event``, ``nature`` and ``part`` are optional OIICS
2.01 codes (strings of digits, any level); a field that is missing or null was not corrected
and teaches nothing about that field. Blank lines are ignored. Any other problem stops the
load with an error naming the line, so a bad export never trains silently.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import astuple, dataclass
from pathlib import Path

import pandas as pd

from riskcabinet.autocode.labels import FIELDS, codebook

# A correction counts as this many reports: an officer's answer on a city report is worth more
# than one of fifteen thousand OSHA examples.
CORRECTION_WEIGHT = 5.0


class CorrectionsError(ValueError):
    pass


@dataclass(frozen=True)
class Correction:
    narrative: str
    event: str | None = None
    nature: str | None = None
    part: str | None = None


def parse_correction(line: str, line_number: int = 1) -> Correction:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        raise CorrectionsError(f"line {line_number}: not valid JSON ({error.msg})") from None
    return correction_from_record(record, line_number)


def correction_from_record(record: object, line_number: int = 1) -> Correction:
    """One correction from its decoded record (a mapping), checked as a file's line is."""
    if not isinstance(record, dict):
        raise CorrectionsError(f"line {line_number}: expected a JSON object")
    narrative = record.get("narrative")
    if not isinstance(narrative, str) or not narrative.strip():
        raise CorrectionsError(f"line {line_number}: 'narrative' must be a non-empty string")
    codes: dict[str, str | None] = {}
    for field in FIELDS:
        code = record.get(field)
        if code is None:
            codes[field] = None
            continue
        code = str(code).strip()
        if not codebook(field).is_code(code):
            raise CorrectionsError(f"line {line_number}: {code!r} is not an OIICS {field} code")
        codes[field] = code
    return Correction(narrative=narrative.strip(), **codes)


def load_corrections(path: Path | str) -> list[Correction]:
    corrections = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                corrections.append(parse_correction(line, number))
    return corrections


def corrections_fingerprint(corrections: list[Correction]) -> str:
    """SHA-256 of the corrections as a set: the same officers' answers, in any order, give the
    same fingerprint, so a model already trained on them is not trained again."""
    rows = sorted(json.dumps(astuple(c), ensure_ascii=False) for c in corrections)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def corrections_frame(corrections: list[Correction]) -> pd.DataFrame:
    """Corrections in the shape of ``dataset.load_reports`` (no date)."""
    return pd.DataFrame(
        {
            "narrative": [c.narrative for c in corrections],
            **{field: [getattr(c, field) for c in corrections] for field in FIELDS},
        },
        columns=["narrative", *FIELDS],
    )
