"""The BLS OIICS 2.01 code lists (nature, part of body, event or exposure, source).

Read once from riskcabinet/data/oiics/*.csv and kept in memory: about 3,000 short rows.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

FAMILIES = ("nature", "part", "event", "source")
FAMILY_LABELS = {
    "nature": "Nature of injury or illness",
    "part": "Part of body",
    "event": "Event or exposure",
    "source": "Source",
}


@dataclass(frozen=True)
class OiicsCode:
    code: str
    title: str
    level: int

    @property
    def label(self) -> str:
        return f"{self.code} {self.title}"


def _data_dir() -> Path:
    return Path(settings.BASE_DIR) / "riskcabinet" / "data" / "oiics"


@cache
def oiics_codes(family: str) -> tuple[OiicsCode, ...]:
    if family not in FAMILIES:
        raise ValueError(f"Unknown OIICS family {family!r}")
    with (_data_dir() / f"oiics_2.01_{family}.csv").open(encoding="utf-8") as handle:
        rows = sorted(csv.DictReader(handle), key=lambda row: int(row["Sort_sequence"]))
    return tuple(
        OiicsCode(
            code=row["CASE_CODE"].strip(),
            title=row["CASE_CODE_TITLE"].strip(),
            level=int(row["Hierarchy_level"]),
        )
        for row in rows
    )


@cache
def _by_code(family: str) -> dict[str, OiicsCode]:
    return {code.code: code for code in oiics_codes(family)}


def oiics_get(family: str, code: str) -> OiicsCode | None:
    return _by_code(family).get((code or "").strip())


def oiics_title(family: str, code: str) -> str:
    found = oiics_get(family, code)
    return found.title if found else ""


def oiics_search(family: str, query: str, *, limit: int = 15) -> list[OiicsCode]:
    """Codes whose code starts with the query or whose title contains every word of it."""
    query = (query or "").strip().lower()
    if not query:
        return []
    words = query.split()
    by_code, by_title = [], []
    for code in oiics_codes(family):
        if code.code.startswith(query):
            by_code.append(code)
        elif all(word in code.title.lower() for word in words):
            by_title.append(code)
    # Detailed codes are the ones officers pick; show them before the broad headings.
    by_title.sort(key=lambda code: -code.level)
    return (by_code + by_title)[:limit]
