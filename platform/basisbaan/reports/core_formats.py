"""The core's report formats (offered to every municipality by basisbaan.defaults): the key-figure overview
and the data export. KPI_SECTIONS are also what a plugin's format without sections of its own shows."""

from __future__ import annotations

from basisbaan.reports.formats import TABLES, ReportFormat, Section, Text

KPI_SECTIONS = (
    Section("key-figures", Text("Kerncijfers", "Key figures"), paragraphs=(
        Text("Dit overzicht geeft de kerncijfers van de basisbanen van {municipality}: de voorraden op {as_of} en "
             "de stromen over de periode van {from} tot en met {to_last}. De tabel noemt bij elk cijfer hoe het "
             "wordt berekend.",
             "This overview gives the key figures of the basisbanen of {municipality}: stocks on {as_of} and flows "
             "over the period from {from} up to and including {to_last}. The table says how each figure is "
             "computed."),), tables=("key_figures",)),
    Section("participants", Text("Deelnemers", "Participants"), paragraphs=(
        Text("Op {as_of} werken {participants_active} deelnemers, van wie {permanent_contracts} met een vast "
             "contract. In de periode begonnen er {participants_started_total} en stopten er {exits_total}.",
             "On {as_of}, {participants_active} participants are working, {permanent_contracts} of them on a "
             "permanent contract. In the period {participants_started_total} started and {exits_total} left."),),
        charts=("participants_by_neighbourhood", "hours_distribution"), tables=("exits_by_reason",)),
    Section("intake", Text("Instroom", "Intake"), paragraphs=(
        Text("In de periode zijn {candidates_spoken} kandidaten gesproken; {conversion_rate} van hen begon.",
             "In the period {candidates_spoken} candidates were spoken to; {conversion_rate} of them started."),),
        tables=("funnel",)),
    Section("absence-coaching", Text("Verzuim en begeleiding", "Absence and coaching"), paragraphs=(
        Text("Het ziekteverzuim over de periode is {absence_rate}; de begeleiding "
             "{coaching_hours_per_participant_week} uur per deelnemer per week.",
             "Absence over the period is {absence_rate}; coaching {coaching_hours_per_participant_week} hours per "
             "participant per week."),),
        charts=("absence_over_time", "coaching_over_time")),
    Section("wellbeing", Text("Welzijn", "Wellbeing"), paragraphs=(
        Text("Gemeten met {wellbeing_instrument}.", "Measured with {wellbeing_instrument}."),),
        charts=("wellbeing",)),
    Section("costs", Text("Kosten", "Costs"), paragraphs=(
        Text("De netto kosten over de periode zijn {costs_net}: {costs_gross} bruto en {costs_offsets} aan "
             "loonkostensubsidie en bespaarde uitkeringen.",
             "Net costs over the period are {costs_net}: {costs_gross} gross and {costs_offsets} in wage-cost "
             "subsidy and social assistance no longer paid."),),
        charts=("costs_per_year",)),
)

KPI_OVERVIEW = ReportFormat(
    "kpi-overview", "Kerncijfers", "Key figures",
    "The platform's key figures for a date and period, with their definitions and charts.",
    ("html", "pdf", "xlsx"), KPI_SECTIONS,
    description_nl="De kerncijfers van het platform op een peildatum en over een periode, met hun definities en "
                   "grafieken.")

DATA_EXPORT = ReportFormat(
    "data-export", "Gegevensexport", "Data export",
    "Every aggregated table of the reports as a spreadsheet, one sheet per table.", ("xlsx",),
    (Section("tables", Text("Alle tabellen", "All tables"), tables=tuple(TABLES)),),
    description_nl="Alle geaggregeerde tabellen van de rapportages als spreadsheet, één tabblad per tabel.")

FORMATS = (KPI_OVERVIEW, DATA_EXPORT)
