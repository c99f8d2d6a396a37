"""Tilburg's pilot monitor: the five places of the pilot, the two-year contracts as they end, and what host
organisations pay for the work, with hours, absence, coaching and costs; every figure computed from the
records by the core's engine (basisbaan.reports.engine)."""

from basisbaan.reports.formats import ReportFormat, Section, Text

PILOT_MONITOR = ReportFormat(
    "tilburg-pilot-monitor", "Monitor pilot basisbanen", "Basisbanen pilot monitor",
    "The pilot's places, contracts ending and host fees, with hours, absence, coaching and costs.",
    ("html", "pdf", "xlsx"),
    description_nl="De plaatsen van de pilot, aflopende contracten en vergoedingen van werkbiedende partijen, met "
                   "uren, verzuim, begeleiding en kosten.",
    intro=(Text(
        "Sinds de zomer van 2023 werken inwoners van Tilburg in een basisbaan, in een pilot met een vast aantal "
        "plaatsen en tweejarige contracten. Deze monitor geeft de stand op {as_of}, met de stromen over de periode "
        "van {from} tot en met {to_last}.",
        "Since the summer of 2023 residents of Tilburg have worked in a basisbaan, in a pilot with a fixed number "
        "of places and two-year contracts. This monitor gives the state on {as_of}, with flows over the period from "
        "{from} up to and including {to_last}."),),
    sections=(
        Section("plaatsen", Text("Plaatsen", "Places"), paragraphs=(
            Text("De pilot heeft {places} plaatsen. Op {as_of} zijn er {places_occupied} bezet en {places_free} vrij; "
                 "{participants_active} deelnemers werken. Op de wachtlijst staan {waiting_list} kandidaten.",
                 "The pilot has {places} places. On {as_of}, {places_occupied} are taken and {places_free} free; "
                 "{participants_active} participants are working. {waiting_list} candidates are on the waiting "
                 "list."),),
            tables=("places", "funnel")),
        Section("contracten", Text("Aflopende contracten", "Contracts ending"), paragraphs=(
            Text("Een eerste contract loopt {contract_months} maanden. In het jaar na {as_of} lopen "
                 "{contracts_ending_next_year} tijdelijke contracten af; voor {contracts_without_next_next_year} "
                 "daarvan is nog geen vervolgcontract vastgelegd.",
                 "A first contract runs {contract_months} months. In the year after {as_of}, "
                 "{contracts_ending_next_year} temporary contracts end; {contracts_without_next_next_year} of them "
                 "have no next contract recorded yet."),),
            tables=("contracts_ending", "exits_by_reason")),
        Section("vergoedingen", Text("Vergoedingen van werkbiedende partijen", "Host fees"), paragraphs=(
            Text("Werkbiedende partijen betalen een vergoeding voor het werk. {host_tasks} taken hebben een "
                 "vergoeding; over de periode ontving de gemeente {host_contributions_total}.",
                 "Host organisations pay a fee for the work. {host_tasks} tasks carry a fee; over the period the "
                 "municipality received {host_contributions_total}."),),
            tables=("host_tasks", "host_contributions")),
        Section("werk", Text("Uren, verzuim en begeleiding", "Hours, absence and coaching"), paragraphs=(
            Text("Deelnemers werken gemiddeld {average_hours} uur per week. Het verzuim over de periode is "
                 "{absence_rate}, de begeleiding {coaching_hours_per_participant_week} uur per deelnemer per week.",
                 "Participants work {average_hours} hours a week on average. Absence over the period is "
                 "{absence_rate}, coaching {coaching_hours_per_participant_week} hours per participant per week."),),
            charts=("hours_distribution", "absence_over_time", "coaching_over_time")),
        Section("kosten", Text("Kosten", "Costs"), paragraphs=(
            Text("De netto kosten van de pilot over de periode zijn {costs_net}, na {host_contributions_total} aan "
                 "vergoedingen en {costs_offsets} aan loonkostensubsidie en bespaarde uitkeringen.",
                 "The pilot's net costs over the period are {costs_net}, after {host_contributions_total} in host "
                 "fees and {costs_offsets} in wage-cost subsidy and social assistance no longer paid."),),
            charts=("costs_per_year",)),
    ),
)

FORMATS = (PILOT_MONITOR,)
