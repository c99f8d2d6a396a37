"""Amersfoort's feasibility report for its council, answering the three points of the motion (research the
possibilities of basisbanen; on the conditions of at least the minimum wage, the government's collective
agreement with pension accrual and no displacement; report the findings), with every figure computed from
the records and the saved forecast scenario by the core's engine (basisbaan.reports.engine)."""

from basisbaan.reports.formats import ReportFormat, Section, Text

FEASIBILITY = ReportFormat(
    "amersfoort-feasibility", "Haalbaarheid basisbanen", "Feasibility of basisbanen",
    "The council motion's three points: possibilities, conditions (minimum wage, government CAO with pension, "
    "no displacement) and a cost projection.", ("html", "pdf", "xlsx"),
    description_nl="De drie punten van de motie: mogelijkheden, voorwaarden (minimumloon, overheids-cao met "
                   "pensioen, geen verdringing) en een kostenraming.",
    intro=(Text(
        "De raad heeft het college in een motie verzocht (1) onderzoek te doen naar de mogelijkheden om een "
        "basisbaan in te voeren, (2) daarbij uit te gaan van minimaal het minimumloon, de cao van de overheid met "
        "goede secundaire arbeidsvoorwaarden en pensioenopbouw en geen verdringing van werkgelegenheid, en (3) de "
        "raad over de bevindingen te rapporteren. Deze rapportage volgt die drie punten, met de stand op {as_of}.",
        "In a motion the council asked the executive (1) to research the possibilities of introducing a basisbaan, "
        "(2) on the assumptions of at least the minimum wage, the government's collective agreement with good "
        "secondary terms and pension accrual, and no displacement of jobs, and (3) to report the findings to the "
        "council. This report follows those three points, as they stand on {as_of}."),),
    sections=(
        Section("mogelijkheden", Text("1. Mogelijkheden", "1. Possibilities"), paragraphs=(
            Text("De basisbaan is bedoeld voor inwoners die langdurig in de bijstand zitten en niet op eigen kracht "
                 "werk vinden, met taken die partijen in de wijk aandragen en een dienstverband bij de gemeente. "
                 "Van {from} tot en met {to_last} zijn {candidates_referred} kandidaten aangemeld en "
                 "{candidates_spoken} gesproken.",
                 "The basisbaan is meant for residents long on social assistance who cannot find work on their own, "
                 "with tasks proposed by neighbourhood partners and employment by the municipality. From {from} up "
                 "to and including {to_last}, {candidates_referred} candidates were referred and "
                 "{candidates_spoken} spoken to."),),
            tables=("funnel", "tasks_by_category")),
        Section("voorwaarden", Text("2. Voorwaarden", "2. Conditions"), paragraphs=(
            Text("Minimaal het minimumloon: het wettelijk minimumuurloon is {minimum_hourly_wage} en niemand "
                 "verdient minder. De cao van de overheid met pensioenopbouw: nieuwe contracten vallen onder "
                 "{cao_name}, met {employer_name} als werkgever en een pensioenpremie van {pension_rate}. Geen "
                 "verdringing: elke taak wordt vooraf getoetst; {tasks_checked} taken zijn goedgekeurd en "
                 "{tasks_rejected} afgewezen.",
                 "At least the minimum wage: the statutory minimum hourly wage is {minimum_hourly_wage} and nobody "
                 "earns less. The government's collective agreement with pension: new contracts fall under "
                 "{cao_name}, with {employer_name} as employer and a pension premium of {pension_rate}. No "
                 "displacement: every task is checked first; {tasks_checked} tasks were approved and "
                 "{tasks_rejected} rejected."),),
            tables=("conditions",)),
        Section("kosten", Text("3. Kostenraming", "3. Cost projection"), paragraphs=(
            Text("De raming “{forecast_name}” rekent met dezelfde kostenregels als het platform voor echte "
                 "deelnemers. In {forecast_last_year} gaat het om {forecast_jobs} basisbanen met netto kosten van "
                 "{forecast_net_last_year}, {forecast_net_per_job} per basisbaan.",
                 "The projection “{forecast_name}” uses the platform's cost rules for real participants. In "
                 "{forecast_last_year} it comes to {forecast_jobs} basisbanen with net costs of "
                 "{forecast_net_last_year}, {forecast_net_per_job} per basisbaan."),),
            tables=("forecast",)),
    ),
)

FORMATS = (FEASIBILITY,)
