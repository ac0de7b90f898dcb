"""OIICS 2.01 code lists and the mapping from published titles to codes.

The OSHA severe-injury file carries OIICS *titles*, not codes. A title maps to a code by exact
match after a normalisation that only undoes typography: case, the dash OSHA types as a hyphen
where OIICS prints an em dash, curly or garbled apostrophes, spacing and the spelling of
"n.e.c.". Nothing is matched by similarity, so a mapped code is always the code the title names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pandas as pd

FIELDS = ("event", "nature", "part")
OIICS_DIR = Path(__file__).resolve().parent.parent / "data" / "oiics"

_DASHES = re.compile(r"[\u2010-\u2015\u2212\-]")
# U+0092 is how a right single quote survives a cp1252 round trip in the OSHA extract.
_APOSTROPHES = re.compile(r"[\u0092\u2018\u2019'`]")
_NEC = re.compile(r"\bn\.?\s*e\.?\s*c\b\.?")
_SPACES = re.compile(r"\s+")


def normalise_title(title: str) -> str:
    text = str(title).strip().lower()
    text = _DASHES.sub("-", text)
    text = _APOSTROPHES.sub("", text)
    text = _NEC.sub("n.e.c.", text)
    text = re.sub(r"\s*-\s*", "-", text)
    text = re.sub(r"\s*,\s*", ", ", text)
    return _SPACES.sub(" ", text).strip()


def group_of(code: str) -> str:
    """The 2-digit group of a code; a 1-digit (division) code is its own group."""
    return code[:2]


@dataclass(frozen=True)
class CodeBook:
    """One OIICS code family (event, nature or part of body)."""

    field: str
    titles: dict[str, str]
    levels: dict[str, int]

    def title(self, code: str) -> str:
        """The code's title; for a 2-digit group OIICS does not list (such as part "99"), the
        title of the shallowest code inside it."""
        if code in self.titles:
            return self.titles[code]
        inside = [c for c in self.titles if c.startswith(code)]
        return self.titles[min(inside, key=lambda c: (len(c), c))] if inside else ""

    def is_code(self, code: str) -> bool:
        return code in self.titles

    def code_for_title(self, title: str) -> str | None:
        return _title_index(self.field).get(normalise_title(title))


@cache
def codebook(field: str) -> CodeBook:
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}; expected one of {', '.join(FIELDS)}")
    frame = pd.read_csv(OIICS_DIR / f"oiics_2.01_{field}.csv", dtype=str)
    codes = frame["CASE_CODE"].str.strip()
    titles = frame["CASE_CODE_TITLE"].str.strip()
    levels = frame["Hierarchy_level"].astype(int)
    return CodeBook(
        field=field,
        titles=dict(zip(codes, titles, strict=True)),
        levels=dict(zip(codes, levels, strict=True)),
    )


@cache
def _title_index(field: str) -> dict[str, str]:
    book = codebook(field)
    index: dict[str, str] = {}
    # Two titles repeat in OIICS at a division and a group level ("Other exertions or bodily
    # reactions", 73 and 739). Visiting shallow codes first lets the deeper code win; both share
    # the same 2-digit group, so the group label is the same either way.
    for code in sorted(book.titles, key=lambda c: (book.levels[c], c)):
        index[normalise_title(book.titles[code])] = code
    return index


def codes_for_titles(field: str, titles: pd.Series) -> pd.Series:
    """Map a column of OIICS titles to codes; unmatched titles become missing values."""
    index = _title_index(field)
    return titles.map(lambda t: index.get(normalise_title(t)) if isinstance(t, str) else None)
