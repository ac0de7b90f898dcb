"""Server-side SVG charts: valid XML, accessible, labelled, and free of style attributes."""

import xml.etree.ElementTree as ET

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from riskcabinet import charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(root: ET.Element) -> list[str]:
    return ["".join(node.itertext()) for node in root.iter(f"{SVG}text")]


def assert_accessible(root: ET.Element) -> None:
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    labelled_by = root.get("aria-labelledby").split()
    ids = {node.get("id") for node in root.iter() if node.get("id")}
    assert set(labelled_by) <= ids
    assert root.find(f"{SVG}title").text
    assert root.find(f"{SVG}desc").text
    assert not [node for node in root.iter() if node.get("style") is not None]


def funnel_svg(**overrides) -> str:
    points = [
        charts.FunnelPoint("BIG", "Big & Co", 4_000_000, 9.5, 190),
        charts.FunnelPoint("MID", "Middle", 600_000, 5.0, 15),
        charts.FunnelPoint("TINY", "Tiny <unit>", 20_000, 0.0, 0),
    ]
    curves = [
        charts.FunnelCurve("upper_95", [10_000, 1_000_000, 10_000_000], [30, 7, 5.8], False),
        charts.FunnelCurve("upper_99.8", [10_000, 1_000_000, 10_000_000], [60, 8, 6.2], True),
    ]
    arguments = {
        "points": points,
        "statuses": {"BIG": "above_outer", "MID": "within", "TINY": "within"},
        "city_rate": 5.2,
        "curves": curves,
        "title": "Funnel plot",
    }
    arguments.update(overrides)
    return charts.funnel_plot_svg(**arguments)


def test_it_draws_a_funnel_plot_that_parses_and_is_accessible():
    root = parse(funnel_svg())

    assert_accessible(root)
    points = [c for c in root.iter(f"{SVG}circle") if c.find(f"{SVG}title") is not None]
    assert len(points) == 3
    assert len(list(root.iter(f"{SVG}polyline"))) == 2


def test_it_labels_the_funnel_outliers_and_names_them_in_the_description():
    root = parse(funnel_svg())

    assert "BIG" in texts(root)
    assert "MID" not in texts(root)
    assert "Above the limits: Big & Co (9.5)" in root.find(f"{SVG}desc").text


@pytest.mark.parametrize("width", [760, 360])
def test_the_funnels_legend_stays_inside_the_chart_at_a_screens_and_a_phones_width(width):
    root = parse(funnel_svg(width=width))

    assert root.get("viewBox") == f"0 0 {width} {root.get('viewBox').split()[3]}"
    legend = [
        node
        for node in root.iter(f"{SVG}text")
        if node.text in ("95% limits", "99.8% limits", "within the limits")
        or (node.text or "").startswith(("City TRIR", "above the", "below the"))
    ]
    assert len(legend) == 7
    for node in legend:
        # 6.6 units a character is about the widest the charts' 12-unit lower-case text runs.
        assert float(node.get("x")) + 6.6 * len(node.text) <= width
    rows = {node.get("y") for node in legend}
    assert len(rows) == (2 if width == 760 else 5)


@pytest.mark.parametrize(
    "points",
    [
        # Nearly the same rate, one near the right edge (its label to its left), one just
        # before it (its label to its right): the labels would cross.
        [
            charts.FunnelPoint("LADOT", "Transportation", 3_500_000, 32.4, 60),
            charts.FunnelPoint("LAPD", "Police", 24_000_000, 32.2, 380),
        ],
        # The same rate, the dots 43 units apart: "WATER" in bold capitals is wider than that
        # (44 units in Helvetica Bold, 48 in DejaVu Sans Bold), so the second label must move.
        [
            charts.FunnelPoint("WATER", "Water", 100_000, 40.0, 9),
            charts.FunnelPoint("LASAN", "Sanitation", 290_000, 40.0, 9),
        ],
    ],
)
def test_labels_of_neighbouring_outliers_do_not_print_over_each_other_on_a_phone(points):
    first, second = points
    root = parse(
        funnel_svg(
            points=[
                *points,
                charts.FunnelPoint("TINY", "Tiny", 20_000, 0.0, 0),
                charts.FunnelPoint("BIG", "Big", 1_000_000, 5.0, 0),
            ],
            statuses={first.code: "above_inner", second.code: "above_outer"},
            city_rate=24.0,
            width=360,
        )
    )

    def extent(node):
        x, w = float(node.get("x")), stringWidth(node.text, "Helvetica-Bold", 12)
        return (x - w, x) if node.get("text-anchor") == "end" else (x, x + w)

    a, b = (
        next(node for node in root.iter(f"{SVG}text") if node.text == point.code)
        for point in points
    )
    (a0, a1), (b0, b1) = extent(a), extent(b)
    crossing = a0 < b1 and b0 < a1
    assert not crossing or abs(float(a.get("y")) - float(b.get("y"))) >= 13


def test_it_escapes_department_names():
    svg = funnel_svg()

    assert "Tiny &lt;unit&gt;" in svg
    assert "Big &amp; Co" in svg


def test_it_draws_limits_centre_and_signals_on_the_rate_chart():
    points = [
        charts.RatePoint(f"M{i} 2026", f"M{i}", 4.0 + i % 3, 4.5, 8.0, 1.0) for i in range(11)
    ] + [charts.RatePoint("Oct 2026", "Oct", 9.4, 4.5, 8.0, 1.0, signal=True)]
    root = parse(charts.rate_chart_svg(points=points, title="Monthly rate"))

    assert_accessible(root)
    assert len(list(root.iter(f"{SVG}path"))) == 3  # upper, lower, centre
    assert "Months above the upper control limit: Oct 2026." in root.find(f"{SVG}desc").text
    assert "Oct" in texts(root)


def test_it_draws_a_rate_chart_with_missing_months():
    points = [
        charts.RatePoint("Sep 2026", "Sep", None, None, None, None),
        charts.RatePoint("Oct 2026", "Oct", 3.0, 2.5, 6.0, 0.0),
    ]
    assert_accessible(parse(charts.rate_chart_svg(points=points, title="Monthly rate")))


def test_it_draws_bars_with_their_values_as_text():
    bars = [charts.Bar("Fatality", 0, "0", "danger"), charts.Bar("First aid", 40, "40")]
    root = parse(charts.bars_svg(bars=bars, title="Severity"))

    assert_accessible(root)
    assert {"Fatality", "0", "First aid", "40"} <= set(texts(root))


def test_it_classifies_a_point_against_the_funnel_limits():
    limits = {"upper_outer": 8.0, "upper_inner": 6.0, "lower_inner": 2.0}

    def limit_at(name, exposure):
        return limits[name]

    def status(rate):
        return charts.funnel_classify(charts.FunnelPoint("X", "X", 1, rate), limit_at)

    assert [status(9), status(7), status(4), status(1)] == [
        "above_outer",
        "above_inner",
        "within",
        "below_inner",
    ]


def test_a_limit_above_the_plot_runs_off_its_top_instead_of_along_it():
    root = parse(funnel_svg())
    top = min(float(node.get("y")) for node in root.iter(f"{SVG}rect") if node.get("y"))
    upper = next(iter(root.iter(f"{SVG}polyline")))
    ys = [float(pair.split(",")[1]) for pair in upper.get("points").split()]
    # The 95% limit of 30 at 10,000 hours lies far above the axis (which ends near 11): its
    # point sits above the plot, where the clip path hides it, not on the plot's top edge.
    assert ys[0] < top - 100
    assert ys[1] > top


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (950, "$950"),
        (9_999.4, "$9,999"),
        (812_345, "$812k"),
        (999_499, "$999k"),
        (999_500, "$1.0M"),
        (999_999.99, "$1.0M"),
        (11_700_000, "$11.7M"),
    ],
)
def test_money_is_written_short_without_a_thousand_thousands(amount, text):
    from reports.pdf.theme import format_money

    assert charts.money_text(amount) == text
    assert format_money(amount) == text  # The packet writes it as the dashboard does.


@pytest.mark.parametrize(
    ("hours", "text"), [(850, "850"), (999.6, "1k"), (999_600, "1M"), (1_250_000, "1.2M")]
)
def test_hours_are_written_short_without_a_thousand_thousands(hours, text):
    assert charts.hours_text(hours) == text
