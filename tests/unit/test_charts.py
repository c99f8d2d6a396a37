"""Server-side SVG charts (no database): bars proportional to their values, text escaped, missing values
shown as "no data" rather than 0, an empty chart that says so, and the same output for the same input."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

from basisbaan.web.charts import bar_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ET.Element:
    root = ET.fromstring(str(markup))  # also proves the output is well-formed XML
    assert root.tag == f"{SVG}svg"
    return root


def bars(root) -> list[ET.Element]:
    return [el for el in root.iter(f"{SVG}rect") if el.get("class") == "chart-bar"]


def texts(root) -> list[str]:
    return [el.text for el in root.iter(f"{SVG}text")]


def test_the_chart_is_an_image_with_a_title_and_a_description():
    root = parse(bar_chart("Wellbeing", "First and latest score per domain.", ["Income"], [("First", [2])],
                           chart_id="wellbeing"))
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "wellbeing-title wellbeing-desc"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert (title.get("id"), title.text) == ("wellbeing-title", "Wellbeing")
    assert (desc.get("id"), desc.text) == ("wellbeing-desc", "First and latest score per domain.")


def test_bar_lengths_are_proportional_to_the_values():
    root = parse(bar_chart("t", "d", ["a", "b", "c"], [("s", [1, Decimal("2"), 4.0])], max_value=8))
    widths = [float(b.get("width")) for b in bars(root)]
    assert len(widths) == 3 and widths[0] > 0
    assert abs(widths[1] / widths[0] - 2) < 0.01 and abs(widths[2] / widths[0] - 4) < 0.01
    # All bars start at the same axis; 4 of 8 is half the plot, so a value of 8 would be twice the last bar.
    assert len({b.get("x") for b in bars(root)}) == 1
    full = parse(bar_chart("t", "d", ["a", "b"], [("s", [8, 20])], max_value=8))
    assert [float(b.get("width")) for b in bars(full)] == [widths[2] * 2] * 2  # clamped at the maximum
    # Without a maximum the axis runs to a round number above the largest value.
    auto = parse(bar_chart("t", "d", ["a", "b"], [("s", [30, 123])]))
    assert "160" in texts(auto) and "0" in texts(auto)


def test_values_and_axis_are_visible_as_text_in_the_given_format():
    root = parse(bar_chart("t", "d", ["Income"], [("First", [Decimal("2.50")])], max_value=5,
                           value_format=lambda v: f"{v:.1f}".replace(".", ",")))
    assert "2,5" in texts(root)  # the value at the end of its bar
    assert ["0,0", "1,0", "2,0", "3,0", "4,0", "5,0"] == [t for t in texts(root) if t.endswith(",0")]  # the axis
    assert "Income" in texts(root) and "First" in texts(root)  # category and legend


def test_series_differ_by_pattern_as_well_as_colour_and_have_a_legend():
    root = parse(bar_chart("t", "d", ["a"], [("First", [1]), ("Latest", [2]), ("Target", [3])], chart_id="x"))
    fills = [b.get("fill") for b in bars(root)]
    assert fills[0].startswith("#") and fills[1] == "url(#x-pattern-1)" and fills[2] == "url(#x-pattern-2)"
    assert {p.get("id") for p in root.iter(f"{SVG}pattern")} == {"x-pattern-1", "x-pattern-2"}
    assert len({b.get("stroke") for b in bars(root)}) == 3
    assert {"First", "Latest", "Target"} <= set(texts(root))


def test_labels_are_escaped():
    markup = str(bar_chart("<script>alert(1)</script>", "a & b", ["<b>", "Oost & West"],
                           [("<i>serie</i>", [1, 2])]))
    assert "<b>" not in markup and "&lt;b&gt;" in markup
    assert "<script>" not in markup and "<i>" not in markup and "a &amp; b" in markup
    root = parse(markup)
    assert "<b>" in texts(root) and "Oost & West" in texts(root)  # the text itself, as written


def test_a_missing_value_reads_no_data_and_is_not_drawn_as_zero():
    root = parse(bar_chart("t", "d", ["a", "b"], [("s", [None, 0])], max_value=5))
    assert len(bars(root)) == 1  # only the 0 is a (zero-length) bar
    [missing] = [el for el in root.iter(f"{SVG}text") if el.get("class") == "chart-no-data"]
    assert missing.text == "no data"
    assert float(missing.get("y")) < float(bars(root)[0].get("y"))  # in the first category's row
    everything_missing = parse(bar_chart("t", "d", ["a"], [("s", [None]), ("u", [None])]))
    assert not bars(everything_missing) and texts(everything_missing).count("no data") == 2


def test_empty_input_gives_a_chart_that_says_there_is_no_data():
    for categories, series in (([], []), (["a"], []), ([], [("s", [])])):
        root = parse(bar_chart("Costs", "Costs per year.", categories, series))
        assert root.get("role") == "img" and root.find(f"{SVG}title").text == "Costs"
        assert not bars(root) and texts(root) == ["No data"]


def test_the_output_is_deterministic_and_ids_are_safe():
    args = ("t", "d", ["a", "b"], [("s", [1, 2]), ("u", [3, None])])
    assert str(bar_chart(*args)) == str(bar_chart(*args))
    assert str(bar_chart(*args, chart_id="one")) != str(bar_chart(*args, chart_id="two"))
    root = parse(bar_chart(*args, chart_id='a" onload="x'))
    assert root.get("onload") is None and root.find(f"{SVG}title").get("id") == "a--onload--x-title"
