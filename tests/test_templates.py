"""Checks every template of the project could fail in silence."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = sorted(
    path
    for folder in ("templates", "incidents", "reports", "riskcabinet")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in {".html", ".txt"} and "templates" in path.parts
)


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_no_comment_runs_over_a_line(path):
    # Django's {# #} ends on its line: one that goes on is printed on the page as text (the case
    # page showed a comment to officers). Longer comments use {% comment %}.
    unclosed = [
        number
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\{#(?!.*#\})", line)
    ]
    assert unclosed == [], f"{path.name}: a {{# comment runs over line(s) {unclosed}"
