"""Report formats as the plugins and the core offer them: unique ids and titles per municipality, only tables,
charts and values the engine knows, outputs the engine renders (no database)."""

from __future__ import annotations

import pytest

from basisbaan.reports import engine
from basisbaan.reports.formats import CHARTS, OUTPUTS, TABLES, VALUES, ReportFormat, Section, Text, check_format

MUNICIPAL_FORMATS = {
    "groningen": "groningen-council-letter",
    "tilburg": "tilburg-pilot-monitor",
    "amersfoort": "amersfoort-feasibility",
    "testville": "testville-monitor",
}
CORE = {"kpi-overview", "data-export"}


@pytest.mark.parametrize("name", sorted(MUNICIPAL_FORMATS))
def test_every_municipality_gets_its_own_format_and_the_cores(registry, name):
    found = engine.formats(registry.hooks(name))
    ids = [f.id for f in found]
    assert set(ids) == CORE | {MUNICIPAL_FORMATS[name]}
    assert len(ids) == len(set(ids))
    for language in ("nl", "en"):
        titles = [f.title(language) for f in found]
        assert all(titles) and len(titles) == len(set(titles)), (name, language, titles)
    for fmt in found:
        check_format(fmt)
        assert fmt.outputs and set(fmt.outputs) <= set(OUTPUTS)
        assert fmt.description_en


@pytest.mark.parametrize("name", ["groningen", "tilburg", "amersfoort"])
def test_council_formats_are_printable_and_written_in_both_languages(registry, name):
    fmt = engine.get_format(registry.hooks(name), MUNICIPAL_FORMATS[name])
    assert set(fmt.outputs) == set(OUTPUTS)
    assert fmt.sections and fmt.description_nl
    for text in list(fmt.intro) + [p for s in fmt.sections for p in s.paragraphs] + [s.title for s in fmt.sections]:
        assert text.nl and text.en and text.nl != text.en, text
    # Every table and chart the council format shows is one the engine computes.
    assert {t for s in fmt.sections for t in s.tables} <= set(TABLES)
    assert {c for s in fmt.sections for c in s.charts} <= set(CHARTS)


def test_the_formats_follow_their_documents(registry):
    groningen = engine.get_format(registry.hooks("groningen"), "groningen-council-letter")
    shown = {t for s in groningen.sections for t in s.tables + s.charts}
    # The letter of 8 March 2023: funnel, hours, absence, wellbeing, coaching, the cost table and the outlook.
    assert {"funnel", "hours_distribution", "absence_over_time", "wellbeing", "coaching_over_time",
            "participants_by_neighbourhood", "cost_per_participant_year", "forecast"} <= shown
    tilburg = engine.get_format(registry.hooks("tilburg"), "tilburg-pilot-monitor")
    assert {"places", "contracts_ending", "host_tasks", "host_contributions"} <= {
        t for s in tilburg.sections for t in s.tables}
    amersfoort = engine.get_format(registry.hooks("amersfoort"), "amersfoort-feasibility")
    # The motion's three points, in order.
    assert [s.id for s in amersfoort.sections] == ["mogelijkheden", "voorwaarden", "kosten"]
    assert {"conditions", "forecast"} <= {t for s in amersfoort.sections for t in s.tables}


def test_the_data_export_has_every_table_and_is_a_spreadsheet(registry):
    export = engine.get_format(registry.hooks("groningen"), "data-export")
    assert export.outputs == ("xlsx",)
    assert [t for s in export.sections for t in s.tables] == list(TABLES)


def test_every_table_has_a_builder_and_every_chart_a_table():
    assert set(engine.TABLE_BUILDERS) == set(TABLES)
    assert set(CHARTS) <= set(TABLES)


def test_a_format_with_unknown_parts_is_refused_by_name():
    bad = ReportFormat("bad-format", "Fout", "Bad", "Bad.", ("html", "doc"), (
        Section("a", Text("A", "A"), paragraphs=(Text("{no_such_value}", "{as_of}"),), tables=("no_table",),
                charts=("funnel",)),))
    with pytest.raises(ValueError) as raised:
        check_format(bad)
    message = str(raised.value)
    for name in ("doc", "no_table", "'funnel'", "no_such_value"):
        assert name in message, message
    with pytest.raises(ValueError, match="id"):
        check_format(ReportFormat("Bad Id", "x", "y", "z"))


def test_duplicate_ids_across_plugin_and_core_are_refused():
    class Hooks:
        @staticmethod
        def report_formats():
            return [[ReportFormat("kpi-overview", "Dubbel", "Double", "Again.")],
                    [ReportFormat("kpi-overview", "Kerncijfers", "Key figures", "Core.")]]

    with pytest.raises(ValueError, match="kpi-overview"):
        engine.formats(Hooks())


def test_the_documented_values_are_the_ones_texts_may_use():
    # The names a format may use are documented once (formats.VALUES) and all are lower-case identifiers.
    assert all(name.replace("_", "").isalnum() and name.islower() for name in VALUES)
    assert {"participants_active", "as_of", "costs_net", "target", "places", "forecast_name"} <= set(VALUES)
