"""Groningen's report for its council: the structure of the council letter of 8 March 2023 on the basisbanen
(state of affairs, the work and the neighbourhoods, participants and intake, hours and absence, wellbeing,
coaching, finances with the cost table per participant per year, outlook to the target of 250), with every
figure computed from the records by the core's engine (basisbaan.reports.engine)."""

from basisbaan.reports.formats import ReportFormat, Section, Text

COUNCIL_LETTER = ReportFormat(
    "groningen-council-letter", "Raadsinformatiebrief basisbanen", "Council information letter on basisbanen",
    "The state of the basisbanen for the council, following the structure of the letter of 8 March 2023.",
    ("html", "pdf", "xlsx"),
    description_nl="De stand van de basisbanen voor de gemeenteraad, in de opbouw van de brief van 8 maart 2023.",
    intro=(Text(
        "Deze brief informeert de raad over de basisbanen: betaald werk met maatschappelijke meerwaarde in de wijken "
        "en dorpen, voor inwoners die de aansluiting met de arbeidsmarkt hebben verloren. De cijfers gelden op "
        "{as_of}; stromen gaan over de periode van {from} tot en met {to_last}.",
        "This letter informs the council about the basisbanen: paid work of value to the neighbourhoods and "
        "villages, for residents who lost their connection with the labour market. The figures hold on {as_of}; "
        "flows cover the period from {from} up to and including {to_last}."),),
    sections=(
        Section("stand-van-zaken", Text("Stand van zaken", "State of affairs"), paragraphs=(
            Text("Op {first_start} zijn we met de basisbanen gestart. Op {as_of} zijn {participants_active} "
                 "deelnemers aan het werk, van wie {permanent_contracts} met een vast contract.",
                 "We started the basisbanen on {first_start}. On {as_of}, {participants_active} participants are "
                 "working, {permanent_contracts} of them on a permanent contract."),
            Text("In de periode zijn {participants_started_total} deelnemers begonnen en {exits_total} gestopt. "
                 "Van die vertrekkers telt de gemeente er {dropouts} als uitval; de redenen staan in de tabel.",
                 "In the period {participants_started_total} participants started and {exits_total} left. Of those "
                 "who left, the municipality counts {dropouts} as drop-out; the table gives the reasons.")),
            tables=("exits_by_reason",)),
        Section("werk-en-wijken", Text("Het uitgevoerde werk en de wijken", "The work and the neighbourhoods"),
                paragraphs=(
            Text("De taken komen van organisaties in de wijken en dorpen en van de gebiedsteams. Bij elke taak "
                 "toetsen we of er geen sprake is van verdringing van betaald werk of vrijwilligerswerk. Op {as_of} "
                 "werken deelnemers aan {tasks_active} taken.",
                 "The tasks come from organisations in the neighbourhoods and villages and from the area teams. For "
                 "every task we check that it displaces no paid work or volunteering. On {as_of} participants work "
                 "on {tasks_active} tasks."),
            Text("Deelnemers wonen in {neighbourhoods_count} wijken en dorpen. De grootste groep woont in "
                 "{largest_neighbourhood} ({largest_neighbourhood_count}).",
                 "Participants live in {neighbourhoods_count} neighbourhoods and villages. The largest group lives "
                 "in {largest_neighbourhood} ({largest_neighbourhood_count}).")),
            tables=("tasks_by_category",), charts=("participants_by_neighbourhood",)),
        Section("deelnemers", Text("De deelnemers", "The participants"), paragraphs=(
            Text("Gedurende de periode hebben de coaches {candidates_spoken} potentiële kandidaten gesproken. "
                 "Hiervan zijn er {candidates_not_started} afgevallen: bij {not_started_cannot_share} omdat men niet "
                 "kan deelnemen, bij {not_started_will_not_share} omdat men niet wil en bij "
                 "{not_started_may_not_share} omdat men niet mag deelnemen. Van degenen die we hebben gesproken, "
                 "gaat {conversion_rate} aan de slag in een basisbaan.",
                 "During the period the coaches spoke to {candidates_spoken} potential candidates. Of these, "
                 "{candidates_not_started} did not start: {not_started_cannot_share} because they cannot take part, "
                 "{not_started_will_not_share} because they will not and {not_started_may_not_share} because they "
                 "may not. Of those we spoke to, {conversion_rate} start in a basisbaan."),
            Text("Van de deelnemers is {share_over_50} 50 jaar of ouder. {debt_support_count} deelnemers krijgen "
                 "ondersteuning bij schulden.",
                 "Of the participants, {share_over_50} are aged 50 or over. {debt_support_count} participants "
                 "receive debt support.")),
            tables=("funnel",)),
        Section("uren-en-verzuim", Text("Uren en verzuim", "Hours and absence"), paragraphs=(
            Text("Gemiddeld hebben deelnemers een arbeidsomvang van {average_hours} uur per week. Het ziekteverzuim "
                 "over de hele periode is {absence_rate}; de grafiek toont het verloop per half jaar.",
                 "On average participants work {average_hours} hours a week. Absence over the whole period is "
                 "{absence_rate}; the chart shows it per half year."),),
            charts=("hours_distribution", "absence_over_time")),
        Section("welzijn", Text("De waarde van het werk voor de deelnemers", "The value of the work for participants"),
                paragraphs=(
            Text("We meten het welzijn van de deelnemers met de {wellbeing_instrument}. De grafiek toont per "
                 "leefgebied de gemiddelde score bij de eerste en bij de laatste meting.",
                 "We measure participants' wellbeing with the {wellbeing_instrument}. The chart shows the mean score "
                 "per life domain at the first and at the latest measurement."),),
            charts=("wellbeing",)),
        Section("begeleiding", Text("De begeleiding", "Coaching"), paragraphs=(
            Text("De begeleiding bij inkomen en welzijn komt van de coaches van de gemeente, de begeleiding bij het "
                 "werk van de begeleidende partijen. Over de periode was de begeleiding gemiddeld "
                 "{coaching_hours_per_participant_week} uur per deelnemer per week.",
                 "Coaching on income and wellbeing comes from the municipality's coaches, coaching at work from the "
                 "coaching organisations. Over the period coaching averaged {coaching_hours_per_participant_week} "
                 "hours per participant per week."),),
            charts=("coaching_over_time",)),
        Section("financien", Text("De financiën", "Finances"), paragraphs=(
            Text("De kosten bestaan vooral uit loonkosten en begeleidingskosten. De tabel geeft de kosten per "
                 "deelnemer per jaar: de kosten van het programma over de periode, gedeeld door de "
                 "{participant_years} deelnemersjaren erin. Netto kost een basisbaan {net_per_participant_year} per "
                 "jaar; over de hele periode {costs_net}.",
                 "The costs are mainly wages and coaching. The table gives the costs per participant per year: the "
                 "programme's costs over the period divided by the {participant_years} participant-years in it. Net, "
                 "a basisbaan costs {net_per_participant_year} a year; {costs_net} over the whole period."),),
            tables=("cost_per_participant_year",), charts=("costs_per_year",)),
        Section("vooruitblik", Text("Vooruitblik", "Outlook"), paragraphs=(
            Text("We breiden het aantal basisbanen uit tot {target} in {target_year}. Op {as_of} zijn er "
                 "{participants_active}; er zijn er nog {target_remaining} nodig, ongeveer {per_year_needed} per jaar.",
                 "We are growing the number of basisbanen to {target} by {target_year}. On {as_of} there are "
                 "{participants_active}; {target_remaining} more are needed, about {per_year_needed} a year."),),
            tables=("forecast",)),
    ),
)

FORMATS = (COUNCIL_LETTER,)
