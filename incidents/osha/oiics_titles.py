"""OIICS code titles, both ways, read from the shipped BLS lists. No Django here.

A small local lookup so that the OSHA forms and the importer do not wait on the full OIICS
search; titles are compared after `title_normalise`, which forgives case, spacing, dash and
apostrophe variants (OSHA's published file carries cp1252 apostrophes and trailing spaces).
"""

import csv
import re
from functools import cache
from pathlib import Path

OIICS_DIR = Path(__file__).resolve().parents[2] / "riskcabinet" / "data" / "oiics"
FAMILIES = ("nature", "part", "event", "source")

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\x96\x97"), "-")
_QUOTES = dict.fromkeys(map(ord, "\u2018\u2019\u201b\u2032\x91\x92`"), "'")
_SPACES = re.compile(r"\s+")
_AROUND_DASH = re.compile(r"\s*-\s*")


def title_normalise(title: str) -> str:
    text = title.translate(_DASHES).translate(_QUOTES).replace("\xa0", " ")
    text = _SPACES.sub(" ", text).strip().lower()
    return _AROUND_DASH.sub("-", text)


@cache
def _family(family: str) -> tuple[dict[str, str], dict[str, str]]:
    titles: dict[str, str] = {}
    codes: dict[str, str] = {}
    with open(OIICS_DIR / f"oiics_2.01_{family}.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            code, title = row["CASE_CODE"].strip(), row["CASE_CODE_TITLE"].strip()
            titles[code] = title
            # The first (most general) code wins when two share a title.
            codes.setdefault(title_normalise(title), code)
    return titles, codes


def code_title(family: str, code: str) -> str:
    if not code:
        return ""
    return _family(family)[0].get(code, "")


def title_code(family: str, title: str) -> str | None:
    """The OIICS code whose title matches, or None."""
    if not title or not title.strip():
        return None
    return _family(family)[1].get(title_normalise(title))
