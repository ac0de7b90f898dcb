"""The briefing packet PDF: sections, page numbers, determinism and the empty months."""

from __future__ import annotations

import dataclasses
import io
import re
from datetime import date

import pytest
from pypdf import PdfReader

from reports.pdf import PacketData, build_packet_pdf
from reports.pdf import packet as packet_module
from reports.pdf.packet_data import DEFAULT_METHOD_NOTES, ClockState
from reports.pdf.sample import sample_packet_data


@pytest.fixture(scope="module")
def sample() -> PacketData:
    return sample_packet_data()


@pytest.fixture(scope="module")
def sample_pdf(sample: PacketData) -> bytes:
    return build_packet_pdf(sample)


def _pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_it_builds_a_pdf_that_opens(sample_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(sample_pdf))

    assert sample_pdf.startswith(b"%PDF-")
    assert len(reader.pages) > 8


def test_it_is_us_letter(sample_pdf: bytes) -> None:
    page = PdfReader(io.BytesIO(sample_pdf)).pages[0]

    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (612, 792)


def test_it_has_every_section_heading(sample_pdf: bytes) -> None:
    text = "\n".join(_pages_text(sample_pdf))

    for heading in (
        "Risk Reduction Cabinet briefing",
        "October 2026",
        "Where the city stands",
        "Citywide trend and department comparison",
        "Department ranking",
        "Department that needs attention".upper(),
        "Serious cases",
        "Notes on data and method",
    ):
        assert heading in text, heading


def test_it_names_each_attention_department_on_its_own_page(sample: PacketData) -> None:
    pages = _pages_text(build_packet_pdf(sample))

    for focus in sample.attention:
        kicker_pages = [
            text for text in pages if "NEEDS ATTENTION" in text and focus.department.name in text
        ]
        assert kicker_pages, focus.department.name


def test_it_numbers_every_page_out_of_the_total(sample_pdf: bytes) -> None:
    pages = _pages_text(sample_pdf)

    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text


def test_it_puts_the_running_header_on_every_page_but_the_cover(sample_pdf: bytes) -> None:
    pages = _pages_text(sample_pdf)

    assert "City of Los Angeles \u00b7 October 2026" not in pages[0].replace("  ", " ")
    for text in pages[1:]:
        assert "Risk Reduction Cabinet briefing" in text
        assert "October 2026" in text


def test_it_lists_the_contents_with_page_numbers_on_the_cover(sample_pdf: bytes) -> None:
    pages = _pages_text(sample_pdf)
    notes_page = next(
        number
        for number, text in enumerate(pages, start=1)
        if "NOTES ON DATA" in text.upper() and number > 1
    )
    listed = re.search(r"Notes on data and method\s+(\d+)", pages[0])

    assert "In this packet" in pages[0]
    assert listed is not None
    assert int(listed.group(1)) == notes_page


def test_it_builds_the_same_bytes_twice(sample: PacketData) -> None:
    assert build_packet_pdf(sample) == build_packet_pdf(sample)


def test_it_builds_the_same_bytes_from_an_equal_packet(sample: PacketData) -> None:
    assert build_packet_pdf(sample_packet_data()) == build_packet_pdf(sample)


def test_it_dates_the_pdf_from_the_packet_not_the_clock(sample_pdf: bytes) -> None:
    created = PdfReader(io.BytesIO(sample_pdf)).metadata.creation_date

    assert created.date() == date(2026, 11, 3)


def test_it_splits_a_long_ranking_over_pages_with_the_header_repeated() -> None:
    data = sample_packet_data(department_count=45)
    pages = _pages_text(build_packet_pdf(data))
    ranking_pages = [text for text in pages if "Department and reasons" in text]

    assert len(ranking_pages) >= 2
    assert data.ranking[0].department.name in ranking_pages[0]
    assert data.ranking[-1].department.name in ranking_pages[-1]


def test_it_says_none_this_month_when_nothing_needs_attention() -> None:
    data = sample_packet_data(attention_count=0, serious_case_count=0)
    data = dataclasses.replace(
        data, summary=dataclasses.replace(data.summary, attention=(), serious_case_count=0)
    )
    text = "\n".join(_pages_text(build_packet_pdf(data)))

    assert text.count("None this month") >= 3
    assert "Departments that need attention" in text


def test_it_says_none_this_month_without_serious_cases() -> None:
    pages = _pages_text(build_packet_pdf(sample_packet_data(serious_case_count=0)))
    serious_page = next(
        text for text in pages if "Serious cases\n" in text and "Page 1 " not in text
    )

    assert "None this month" in serious_page


def test_it_counts_serious_privacy_cases_and_their_deadlines_without_a_row() -> None:
    missed, met = ClockState.MISSED, ClockState.MET
    data = dataclasses.replace(
        sample_packet_data(serious_case_count=0),
        serious_private_clocks=((met, missed), (met,)),
    )
    pages = _pages_text(build_packet_pdf(data))
    serious_page = " ".join(
        next(text for text in pages if "Serious cases\n" in text and "Page 1 " not in text).split()
    )

    assert "None this month" not in serious_page
    assert "2 privacy cases, not described here; their deadlines are in these counts." in (
        serious_page
    )
    assert "1 deadline missed and 0 deadlines still running." in serious_page


def test_it_builds_a_month_without_hours_worked() -> None:
    data = sample_packet_data(zero_exposure=True)
    text = "\n".join(_pages_text(build_packet_pdf(data)))

    assert data.citywide_trend[-1].rate is None
    assert "Where the city stands" in text


def test_it_builds_a_packet_with_no_data_at_all(sample: PacketData) -> None:
    empty_trend = tuple(
        dataclasses.replace(point, rate=None, cases=0, hours=0.0) for point in sample.citywide_trend
    )
    data = dataclasses.replace(
        sample,
        summary=dataclasses.replace(
            sample.summary,
            trir_per_200k_hours=None,
            dart_per_200k_hours=None,
            hours_worked=0.0,
            recordable_cases=0,
            cases_by_severity=(),
            investigations_required=0,
            investigations_complete=0,
            attention=(),
        ),
        citywide_trend=empty_trend,
        funnel=dataclasses.replace(sample.funnel, points=(), limits=()),
        ranking=(),
        attention=(),
        serious_cases=(),
    )
    text = "\n".join(_pages_text(build_packet_pdf(data)))

    assert "no hours worked on record" in text
    assert text.count("None this month") >= 4


def test_it_falls_back_to_plain_signs_without_the_symbol_font(
    sample: PacketData, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packet_module.fonts, "unicode_font", lambda: None)

    first, second = build_packet_pdf(sample), build_packet_pdf(sample)
    text = "\n".join(_pages_text(first))

    assert first == second
    assert "\u25b2" not in text
    assert "+0." in text


def test_it_stays_small(sample_pdf: bytes) -> None:
    assert len(sample_pdf) < 2 * 1024 * 1024


def _with_actions(sample: PacketData, *, description: str, total: int, overdue: int):
    focus = sample.attention[0]
    template = focus.open_actions[0]
    listed = tuple(
        dataclasses.replace(template, description=description, overdue=n < 2) for n in range(5)
    )
    changed = dataclasses.replace(
        focus, open_actions=listed, open_action_count=total, overdue_action_count=overdue
    )
    return dataclasses.replace(sample, attention=(changed, *sample.attention[1:]))


def _attention_page(pages: list[str], name: str) -> str:
    return next(text for text in pages if "NEEDS ATTENTION" in text and name in text)


def test_it_counts_all_a_departments_open_actions_not_only_those_listed(sample: PacketData):
    packet = _with_actions(sample, description="Fit a lift gate.", total=50, overdue=12)
    name = packet.attention[0].department.name
    page = _attention_page(_pages_text(build_packet_pdf(packet)), name)
    assert "Open corrective actions · 50 open, 12 overdue" in page
    assert "The 5 most urgent of 50: overdue first, then by due date." in page


def test_long_action_texts_list_fewer_rows_on_the_departments_page_not_a_page_more(
    sample: PacketData,
):
    short = _with_actions(sample, description="Fit a lift gate.", total=5, overdue=2)
    long_text = (
        "Re-route pedestrians away from the loading area with barriers, signs and a painted "
        "walkway, and brief every crew on the new route before the next shift"
    )
    long = _with_actions(sample, description=long_text, total=5, overdue=2)
    short_pages, long_pages = (_pages_text(build_packet_pdf(packet)) for packet in (short, long))
    assert len(long_pages) == len(short_pages)
    name = long.attention[0].department.name
    page = _attention_page(long_pages, name)
    listed = page.count("Re-route pedestrians")
    assert 1 <= listed < 5
    assert f"The {listed} most urgent of 5: overdue first" in page
    assert sum("Re-route pedestrians" in text for text in long_pages) == 1


def test_a_department_cannot_have_fewer_open_actions_than_it_lists(sample: PacketData):
    with pytest.raises(ValueError, match="cannot cover the 4 listed"):
        dataclasses.replace(sample.attention[0], open_action_count=3)


@pytest.mark.parametrize(
    ("count", "total", "text"), [(2, 1000, "<1%"), (0, 1000, "0%"), (5, 10, "50%"), (7, 1000, "1%")]
)
def test_a_few_cases_never_read_as_a_share_of_none(count, total, text):
    assert packet_module._share_text(count, total) == text


def test_the_funnel_caption_names_each_outlier_with_the_code_on_the_chart(sample: PacketData):
    from reports.pdf import charts

    funnel = sample.funnel
    above = [
        point.department
        for point in funnel.points
        if charts.funnel_position(point, funnel.limits) is charts.FunnelPosition.ABOVE_998
    ]
    assert above
    text = " ".join(" ".join(_pages_text(build_packet_pdf(sample))).split())
    for department in above:
        assert f"{department.name} ({department.code})" in text


@pytest.mark.parametrize(
    ("count", "line"),
    [
        (1, "1 injury was never reported; first known from a claim"),
        (14, "14 injuries were never reported; first known from a claim"),
    ],
)
def test_the_claims_tile_says_how_many_injuries_were_never_reported(
    sample: PacketData, count: int, line: str
) -> None:
    data = dataclasses.replace(
        sample, summary=dataclasses.replace(sample.summary, unreported_injuries=count)
    )
    summary_page = _pages_text(build_packet_pdf(data))[1]

    assert line in " ".join(summary_page.split())


def test_the_claims_tile_says_nothing_of_unreported_injuries_when_there_are_none(
    sample: PacketData,
) -> None:
    data = dataclasses.replace(
        sample, summary=dataclasses.replace(sample.summary, unreported_injuries=0)
    )
    text = "\n".join(_pages_text(build_packet_pdf(data)))

    assert "never reported" not in text


def test_an_action_under_way_reads_in_progress_unless_it_is_overdue(sample: PacketData) -> None:
    focus = sample.attention[0]
    template = focus.open_actions[0]
    actions = (
        dataclasses.replace(
            template, description="Fit a lift gate.", overdue=True, in_progress=True
        ),
        dataclasses.replace(
            template, description="Mark the aisles.", overdue=False, in_progress=True
        ),
        dataclasses.replace(
            template, description="Add a mirror.", overdue=False, in_progress=False
        ),
    )
    changed = dataclasses.replace(
        focus, open_actions=actions, open_action_count=3, overdue_action_count=1
    )
    data = dataclasses.replace(sample, attention=(changed, *sample.attention[1:]))
    pages = PdfReader(io.BytesIO(build_packet_pdf(data))).pages
    laid_out = [page.extract_text(extraction_mode="layout") for page in pages]
    page = next(text for text in laid_out if "Fit a lift gate." in text)
    rows = {
        text: next(line for line in page.splitlines() if text in line)
        for text in ("Fit a lift gate.", "Mark the aisles.", "Add a mirror.")
    }

    assert rows["Fit a lift gate."].rstrip().endswith("Overdue")
    assert rows["Mark the aisles."].rstrip().endswith("In progress")
    assert rows["Add a mirror."].rstrip().endswith("Open")


def test_it_shows_the_score_to_one_decimal_as_the_dashboard_does(sample: PacketData) -> None:
    # The dashboard shows 21.4 and 21.1 for two neighbours in the ranking; the packet showed
    # "21" and "21", two different ranks with the same score, and 42 where the dashboard said
    # 42.3.
    first = sample.ranking[0]
    ranking = (dataclasses.replace(first, score=87.66), *sample.ranking[1:])
    pages = _pages_text(build_packet_pdf(dataclasses.replace(sample, ranking=ranking)))
    ranking_pages = [text for text in pages if "Department and reasons" in text]
    assert any("87.7" in text for text in ranking_pages)
    assert not any("88" in text.split() for text in ranking_pages)


def test_its_method_notes_do_not_say_the_score_is_the_adjusted_rate_carried_forward() -> None:
    # The score's level is the department's cases over the trend span (three years), not the
    # twelve-month adjusted rate: Aging, with no harm in twelve months and an adjusted rate of
    # 4.8, scored 12.7 on a falling trend. The notes must not tell the cabinet otherwise.
    text = " ".join(note.text for note in DEFAULT_METHOD_NOTES)
    assert "carried forward" not in text
    assert "which the rank is built on" not in text
    assert "three years" in text
