"""Narrative cleanup and the check that a narrative is readable English.

Cleanup is deliberately light: it unifies spelling the reports vary on (abbreviations, digits,
typography) and marks a negated word, so "no fracture" does not read as "fracture".
"""

from __future__ import annotations

import re

_ABBREVIATIONS = {
    "ee": "employee",
    "ees": "employees",
    "emp": "employee",
    "empl": "employee",
    "employe": "employee",
    "rt": "right",
    "lt": "left",
    "fx": "fracture",
    "fxs": "fractures",
    "amp": "amputation",
    "amputated": "amputation",
    "hosp": "hospital",
    "hospitalised": "hospitalized",
    "approx": "approximately",
    "ft": "feet",
    "fingertip": "finger tip",
    "fingertips": "finger tips",
    "w": "with",
}
_NEGATORS = {"no", "not", "never", "without", "denied", "didnt", "wasnt"}
_WORD = re.compile(r"[a-z]+|[0-9]+|[.,;:!?()]")
_CLAUSE_END = {".", ",", ";", ":", "!", "?", "(", ")"}
_NEGATION_REACH = 3


def clean_narrative(text: str) -> str:
    """Lower-case, unify typography, expand abbreviations, mark up to three negated words."""
    text = str(text).lower()
    text = re.sub(r"[\u2018\u2019\u0092`']", "", text)
    text = re.sub(r"[\u2010-\u2015\u2212\-/]", " ", text)
    out: list[str] = []
    negate = 0
    for token in _WORD.findall(text):
        if token in _CLAUSE_END:
            negate = 0
            out.append(token)
            continue
        if token.isdigit():
            out.append("0" * min(len(token), 3))
            continue
        word = _ABBREVIATIONS.get(token, token)
        if word in _NEGATORS:
            negate = _NEGATION_REACH
            out.append(word)
            continue
        if negate:
            negate -= 1
            out.append(f"not_{word}")
        else:
            out.append(word)
    return " ".join(out)


def english_words(text: str) -> list[str]:
    """The alphabetic words of a narrative, for the readability check."""
    return re.findall(r"[a-z]+", str(text).lower())


def readability(text: str, vocabulary: frozenset[str]) -> float:
    """How readable a narrative is for the coder, from 0 (nothing known) to 1.

    It multiplies the share of words the coder saw often in training by a length factor that
    reaches 1 at eight known words. A Spanish, empty, nonsense or two-word narrative scores low;
    a plain English report of one or two sentences scores near 1.
    """
    words = english_words(text)
    if not words:
        return 0.0
    known = [w for w in words if w in vocabulary]
    share = len(known) / len(words)
    length = min(1.0, len(set(known)) / 8)
    return share * length
