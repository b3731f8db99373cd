"""Short demo stories for Buna Times, spread over every section, so each reader page has content.

``illustration`` names the motif of the story's abstract lead image (see ``illustrations.py``), or None.
"""

STORIES = [
    {
        "title": "Regional leaders agree emergency fund as Sarune delta floods displace 200,000",
        "kicker": "",
        "standfirst": "Six governments pledged money for shelters, clean water and rebuilding after a week of record rain left much of the delta under water.",
        "body": """Leaders from six neighbouring states agreed on Tuesday night to set up a joint emergency fund for the Sarune delta, where a week of record rainfall has forced about 200,000 people from their homes.

The fund will start with pledges worth roughly 400 million dollars, to be paid out over two years. Officials said the first tranche would go on temporary shelters, water purification and medical supplies for the camps that have grown up on higher ground around the river port of Tellan.

## Water still rising in the south

Relief agencies warned that the worst may not be over. River gauges downstream of Tellan were still climbing on Tuesday, and forecasters expect more heavy rain at the weekend. Roads into the southern districts remain cut, and supplies are being moved by boat and by two borrowed cargo helicopters.

> “We are reaching people, but too slowly,” said Ines Marovic, who coordinates the regional Red Crescent response. “Every day without clean water raises the risk of disease in the camps.”

Health workers have already reported a rise in cases of diarrhoea among children in three of the largest camps.

## Arguments over who pays

The agreement followed two days of tense talks. Upstream states had resisted a formula that linked contributions to the size of each economy, arguing that their own farmers had also lost crops. The compromise splits the bill equally for the first year and reviews it after that.

Diplomats at the summit said the fund was the first of its kind in the region, and that it could become permanent if floods of this scale keep returning. Climate scientists have warned for years that the delta, low-lying and densely farmed, is among the most exposed places in the region.""",
        "section": "world",
        "authors": ["david-wyatt"],
        "tags": ["Climate", "Health", "Aid"],
        "source": "Buna Times",
        "hours_ago": 2,
        "front_page_slot": 2,
        "illustration": "waves",
    },
    {
        "title": "Low water in the Caldera Strait slows shipping and lifts freight costs",
        "kicker": "",
        "standfirst": "A third dry season in a row has forced cargo ships to sail half-empty through one of the region’s busiest trade routes.",
        "body": """Cargo ships passing through the Caldera Strait are carrying up to a third less than normal after water levels in the channel fell to their lowest point in four decades, port authorities said on Monday.

The strait links two of the region’s largest container ports and handles about a fifth of its seaborne trade. With the channel shallower than usual, the strait’s pilots have lowered the maximum draught allowed, which means heavier vessels must either unload part of their cargo before entering or wait for higher tides.

Queues at the northern entrance have grown to more than 60 ships on some days. Freight brokers said the cost of moving a standard container between the two ports had almost doubled since the start of the summer.

Hydrologists blame a third consecutive dry season in the highlands that feed the rivers flowing into the strait. Rainfall over the catchment has been about 40 per cent below its long-term average this year.

> “This is not a one-off anymore,” said Farida Osei, a water engineer at the regional ports authority. “We are planning for a strait that is shallow more often than it is deep.”

The authority is considering dredging a deeper central lane, a project that engineers estimate would take three years and could harm fish nurseries along the shore. Fishing cooperatives in the town of Port Amsel have already said they would challenge the plan.

Exporters of grain and fertiliser, whose bulk cargoes are among the heaviest to move through the strait, say they are shifting some shipments to rail, although capacity on the coastal line is limited. Shipping lines have begun adding low-water surcharges to their prices, and analysts expect some of the extra cost to reach shop shelves before the end of the year.""",
        "section": "world",
        "authors": ["david-wyatt", "tomas-rivera"],
        "tags": ["Trade", "Climate", "Transport"],
        "source": "Meridian Wire",
        "hours_ago": 30,
        "front_page_slot": None,
        "illustration": "stripes",
    },
    {
        "title": "European ministers back night-train network linking twelve capitals",
        "kicker": "Explainer",
        "standfirst": "Transport ministers have endorsed a plan for overnight rail routes across the continent. Here is what is proposed, and what could still derail it.",
        "body": """Transport ministers from across the European Union on Thursday endorsed a plan to create a network of overnight trains linking twelve capitals by the end of the decade. The plan still needs money and agreement from rail operators, but supporters say it is the clearest political backing sleeper trains have had in a generation.

## What is proposed

The plan sets out a first wave of routes that ministers want running within five years:

- a northern line connecting three Baltic and Nordic capitals with central Europe;
- a western route running from the Atlantic coast to the Alps;
- a southern corridor along the Mediterranean, with connections to the Balkans;
- an eastern link reaching the borders of Ukraine, with an option to extend it later.

Each route would run at least five nights a week, with seats, couchettes and private compartments on every train.

## What stands in the way

The biggest obstacle is rolling stock. Only a handful of manufacturers build sleeper carriages, and orders placed today would not be delivered for several years. Track access charges, which vary widely from country to country, can also make a single overnight journey far more expensive to run than a short flight.

Rail operators have asked for a common booking system, so that passengers can buy one ticket for a journey crossing several borders. Ministers agreed to study the idea but made no commitment.

Environmental groups welcomed the plan, noting that a night train emits a fraction of the carbon of a short-haul flight. Airlines were more cautious, saying that any public support for rail should not come at the cost of fair competition on the busiest routes.""",
        "section": "europe",
        "authors": ["lena-hoffmann"],
        "tags": ["Transport", "Climate", "Energy"],
        "source": "Buna Times",
        "hours_ago": 9,
        "front_page_slot": None,
        "illustration": "hills",
    },
    {
        "title": "Northern allies open joint training centre for air-defence crews",
        "kicker": "",
        "standfirst": "Four NATO members will share instructors and simulators at a new base near the coast, cutting the time it takes to train new crews.",
        "body": """Four NATO members on the alliance’s northern flank opened a shared training centre for air-defence crews on Wednesday, in a move officials said would halve the time it takes to prepare new operators.

The centre, built on the site of a former naval depot outside the coastal town of Ostvik, will host soldiers from all four countries and use a common set of simulators. Until now, each country has trained its crews separately, often sending them abroad for months at a time.

Defence officials said the war in Ukraine had shown how quickly air-defence systems can be overwhelmed, and how long it takes to train the people who run them. The centre will be able to train about 600 operators a year once it is working at full capacity.

> “A launcher without a trained crew is just an expensive piece of metal,” said Colonel Aino Lahtela, the centre’s first commander. “What we are building here is people.”

The project cost about 180 million euros, shared between the four governments, with a contribution from a common alliance fund. Instructors will rotate between the member states, and lessons will be taught in English.

Local officials in Ostvik welcomed the jobs the centre will bring, estimating that around 250 civilians will work on the site. Some residents, however, have raised concerns about noise from training flights and about the town’s small harbour being closed to leisure boats during exercises.

Officials said the first course, for 40 trainees, would begin next month, and that other allies had already asked about sending crews.""",
        "section": "europe",
        "authors": ["lena-hoffmann"],
        "tags": ["NATO", "Ukraine", "Defence"],
        "source": "Meridian Wire",
        "hours_ago": 52,
        "front_page_slot": None,
        "illustration": "rings",
    },
    {
        "title": "Coalition seals budget deal after all-night talks, averting early election",
        "kicker": "Analysis",
        "standfirst": "The three governing parties agreed spending plans just before dawn. The deal buys the coalition time, but leaves its hardest choices for next year.",
        "body": """The three parties in the governing coalition agreed a budget for next year shortly before dawn on Friday, ending weeks of public quarrelling that had raised the prospect of an early election.

The deal keeps the overall deficit close to the level promised in the spring, while finding extra money for hospitals and for the rail upgrade that the smaller Green Alliance had made a condition of its support. In return, the Greens dropped their demand for a new tax on private jets, which the centre-right Civic Party had refused to accept.

## Who won, who gave way

On paper, the Civic Party came out ahead. Income tax rates stay as they are, and the finance ministry keeps control over when the rail money is released. But the Social Democrats secured a rise in the child benefit that they can present to voters as a clear gain, and the Greens left with a multi-year commitment to public transport that would be hard for any future government to reverse.

Party officials from all three sides spent Friday morning insisting that nobody had lost. That, in itself, is a sign of how close the coalition came to breaking apart.

## Problems postponed

The harder questions have simply been moved to next year. The deal relies on growth forecasts that several economists consider optimistic, and it does not say how the government will pay for rising pension costs from the end of the decade.

Opposition parties called the agreement a patch rather than a plan. Parliament is expected to vote on the budget within three weeks, and the coalition’s combined majority should be enough to pass it, so long as its backbenchers stay loyal.""",
        "section": "politics",
        "authors": ["priya-raman"],
        "tags": ["Economy", "Elections", "Budget"],
        "source": "Buna Times",
        "hours_ago": 5,
        "front_page_slot": None,
        "illustration": "circles",
    },
    {
        "title": "Electoral commission proposes lowering voting age to 16 for local elections",
        "kicker": "",
        "standfirst": "The independent commission says younger voters should be able to choose their councillors from the next round of local polls, and has opened a public consultation.",
        "body": """The independent electoral commission has recommended lowering the voting age for local elections from 18 to 16, arguing that younger people who pay taxes, work or volunteer should have a say in how their towns are run.

In a report published on Monday, the commission said the change could be in place in time for the next round of council elections, provided parliament passes the necessary law within a year. It would add around 140,000 people to the electoral roll.

The commission looked at evidence from regions and countries that have already lowered the voting age. It found that 16- and 17-year-olds who vote while still living at home and attending school are more likely to keep voting as adults than those who first become eligible at 18.

The proposal does not cover national elections, which would require a change to the constitution.

Reactions in parliament split broadly along party lines. The Social Democrats and the Green Alliance welcomed the report, while several Civic Party members said the commission was straying into political questions that should be left to elected representatives. The party’s leadership has not yet taken a formal position.

Head teachers’ associations said schools would need time and resources to expand civic education if the change goes ahead. Youth councils in several towns, including Kestrel Falls and Valdera, said they had been campaigning for the change for years.

Members of the public can respond through [the commission’s consultation page](https://example.org/electoral-commission/voting-age-consultation) until the end of next month. The commission will then send its final recommendation to parliament.""",
        "section": "politics",
        "authors": ["priya-raman"],
        "tags": ["Elections", "Education"],
        "source": "Buna Times",
        "hours_ago": 74,
        "front_page_slot": None,
        "illustration": "tiles",
    },
    {
        "title": "Central bank holds interest rates but signals cut as inflation eases",
        "kicker": "",
        "standfirst": "Policymakers kept borrowing costs unchanged for a fourth meeting in a row, but said falling prices could allow a reduction early next year.",
        "body": """The central bank kept its main interest rate at 4.25 per cent on Thursday, the fourth meeting in a row without a change, but gave its clearest hint yet that borrowing costs could start to fall early next year.

Inflation fell to 2.9 per cent in the year to October, down from more than 7 per cent at its peak, as energy and food prices settled. The bank’s target is 2 per cent.

## A change of tone

In its statement, the bank’s monetary policy committee said risks to inflation were now “more balanced”, dropping language from previous meetings that warned of the need to stay vigilant. Seven of the nine committee members voted to hold rates, while two voted for an immediate cut of a quarter of a percentage point.

> “We are not declaring victory,” the bank’s deputy governor, Helena Strand, told reporters. “But the direction of travel is now clearer than it has been for two years.”

Markets reacted quickly. The currency slipped against the dollar, and shares in house builders rose on expectations that mortgage rates would follow the bank’s lead.

## Households still stretched

For many households, relief will come slowly. Around half of mortgage holders are on fixed-rate deals taken out when rates were much lower, and will face higher payments when those deals end over the next two years.

Business groups urged the bank to move faster, saying that high borrowing costs were holding back investment, especially among small manufacturers. Unions said wage growth had only just begun to catch up with prices. The bank’s next decision is due in six weeks, alongside new forecasts for growth and unemployment.""",
        "section": "business",
        "authors": ["amara-okafor"],
        "tags": ["Economy", "Interest rates", "Housing"],
        "source": "Buna Times",
        "hours_ago": 14,
        "front_page_slot": None,
        "illustration": "columns",
    },
    {
        "title": "Harbour factory to build wind-turbine blades, bringing 900 jobs to Marrow Bay",
        "kicker": "",
        "standfirst": "A turbine maker has secured financing for a blade plant on the site of a former shipyard, reviving a town that lost its biggest employer a decade ago.",
        "body": """A wind-turbine manufacturer has secured the financing to build a blade factory at Marrow Bay, on the site of the shipyard that closed eleven years ago, in a project expected to create about 900 permanent jobs.

The company, Nordvind Components, said on Wednesday that a group of banks and a state-backed green investment fund had agreed to lend it most of the 620 million euros needed. Construction is due to start in the spring, and the first blades should leave the quay within three years.

The plant will make blades more than 100 metres long for offshore turbines. Because blades of that size are difficult to move by road, the deep-water harbour at Marrow Bay, built for ships, was a decisive advantage, the company said.

For the town, the news is significant. Unemployment in Marrow Bay has stayed well above the national average since the shipyard shut, and many younger residents have moved away. The local council has promised to work with the regional college on training courses in composite materials and electrical engineering.

Some caution remains. The offshore wind industry has been squeezed by higher interest rates and rising costs for steel and other materials, and several planned wind farms elsewhere have been delayed or cancelled. Nordvind said it already had enough orders to keep the factory busy for its first five years.

Environmental groups supported the project but asked the company to publish a plan for recycling old blades, which are hard to break down. The company said it would do so before construction begins.""",
        "section": "business",
        "authors": ["amara-okafor", "tomas-rivera"],
        "tags": ["Energy", "Jobs", "Climate"],
        "source": "Buna Times",
        "hours_ago": 97,
        "front_page_slot": None,
        "illustration": "stripes",
    },
    {
        "title": "Survey finds surprising recovery on bleached southern reef",
        "kicker": "",
        "standfirst": "Divers recorded young coral growing back on sections of reef that were badly bleached three years ago, though scientists warn the gains are fragile.",
        "body": """Parts of the southern reef that were badly bleached during a marine heatwave three years ago are recovering faster than expected, according to a survey published on Tuesday by the Coastal Research Institute.

Divers who revisited 48 monitoring sites found that live coral cover had returned to more than half its pre-heatwave level at about a third of them. At the most sheltered sites, young colonies of fast-growing branching coral now cover large patches of the seabed that were bare two years ago.

## Why some sites bounced back

The researchers think two factors made the difference. Sites that recovered best were close to deeper, cooler water, which may have protected some corals during the heatwave and supplied larvae afterwards. They were also in areas where fishing has been restricted, so fish that graze on algae were plentiful and kept the seabed clear for new coral to settle.

> “It is good news, but it is the good news of a patient who is out of intensive care, not a patient who is healthy,” said Dr Marisol Ebbe, who led the survey.

Other sites, especially those near river mouths where run-off from farmland clouds the water, showed little or no recovery.

## A race against the next heatwave

The scientists cautioned that the branching corals leading the recovery are also among the most vulnerable to heat. Sea temperatures in the region are forecast to be above average again this summer, and a fresh bleaching event could wipe out much of the new growth.

The institute recommended extending protected areas and reducing farm run-off, measures it said would give reefs the best chance between heatwaves.""",
        "section": "science",
        "authors": ["tomas-rivera"],
        "tags": ["Climate", "Oceans", "Research"],
        "source": "Buna Times",
        "hours_ago": 21,
        "front_page_slot": None,
        "illustration": "waves",
    },
    {
        "title": "Hospital trial tests a faster, cheaper blood test for early sepsis",
        "kicker": "Explainer",
        "standfirst": "Doctors at Buna General are comparing a 20-minute test with standard lab checks. If it works, it could help emergency staff spot sepsis hours earlier.",
        "body": """Doctors at Buna General Hospital have begun a two-year trial of a bedside blood test that they hope will help emergency staff recognise sepsis hours earlier than they can today.

Sepsis happens when the body’s response to an infection begins to damage its own organs. It can develop quickly, and each hour of delay in treatment increases the risk of death. Yet its early signs, such as fever, a fast heartbeat and confusion, are easily mistaken for less serious illness.

## How the test works

The test measures a small set of proteins that the immune system releases when an infection starts to run out of control. It uses a drop of blood and a portable reader about the size of a shoebox, and gives a result in around 20 minutes. Standard laboratory tests can take several hours, particularly at night.

The trial will enrol about 3,000 adults who arrive at the emergency department with suspected infection. Half will be assessed with the new test alongside usual care, and half with usual care alone. Researchers will compare how quickly patients receive antibiotics, how long they stay in hospital and how many recover.

## Reasons for caution

Previous rapid tests for sepsis have looked promising in the laboratory and then disappointed in busy hospitals. A test that raises too many false alarms could lead to unnecessary antibiotics, which fuel drug resistance.

The trial’s lead investigator, Dr Kwame Adjei, said the team would publish its results whether or not the test proved useful. The study is funded by the national health research council, and the test’s maker has no role in analysing the data.""",
        "section": "science",
        "authors": ["tomas-rivera"],
        "tags": ["Health", "Research"],
        "source": "Buna Times",
        "hours_ago": 188,
        "front_page_slot": None,
        "illustration": "rings",
    },
    {
        "title": "A garden above the river: a Ukrainian novel finds its voice in translation",
        "kicker": "Review",
        "standfirst": "Oksana Hrytsenko’s quiet, precise novel about three generations of one family arrives in English, and it is worth the wait.",
        "body": """Some novels announce themselves loudly. Oksana Hrytsenko’s *The Garden Above the River* does the opposite. It unfolds slowly, season by season, in a village on a bend of a river, and by the end it has told the story of a country through the life of a single orchard.

The book was first published in Ukrainian as «Сад над річкою» (“The Garden Above the River”) and quickly became a word-of-mouth success. Now it reaches English readers in a careful translation by Daniel Morrow, who keeps the author’s short, plain sentences and her habit of letting silence do the work.

## Three women, one orchard

The novel follows Halyna, her daughter Vira and her granddaughter Solomiia. Each section belongs to one of them, and each is set in a different decade, but the orchard is always there: planted, neglected, replanted, fought over and finally, in the last chapters, left behind.

Hrytsenko is at her best with small things. A jar of cherries kept for a wedding that never happens. A neighbour who mends the same fence every spring. A letter read aloud so many times that Vira can recite it without looking.

> “We did not plant the trees for ourselves,” Halyna tells her granddaughter. “We planted them for whoever would still be here.”

The war arrives late in the book, and Hrytsenko resists the temptation to turn it into spectacle. Its weight is felt in what the family must choose to carry, and what they must leave.

If the middle section, set in the 1990s, drifts a little, it is a small complaint. This is a humane, patient novel, and a reminder of what translation can give us.""",
        "section": "culture",
        "authors": ["mei-lin-chen"],
        "tags": ["Books", "Ukraine", "Translation"],
        "source": "Buna Times",
        "hours_ago": 45,
        "front_page_slot": None,
        "illustration": "hills",
    },
    {
        "title": "Buna Rovers clinch promotion with stoppage-time winner",
        "kicker": "",
        "standfirst": "A header from substitute Luca Ferrante sealed a 2–1 win over Kestrel Falls and returned Rovers to the top division after six years away.",
        "body": """Buna Rovers are back in the top division. A header from substitute Luca Ferrante three minutes into stoppage time gave them a 2–1 win over Kestrel Falls on Saturday and sealed promotion with one match of the season to spare.

For most of the afternoon, it looked as though the celebrations would have to wait. Kestrel Falls, playing for pride near the bottom of the table, took the lead after 26 minutes when Tomasz Wilk curled a free kick over the wall and into the top corner.

Rovers pushed forward for the rest of the half without creating much, and the mood among the 14,000 supporters at Riverside Park grew tense. The equaliser finally came on the hour, when captain Sami Haddad turned in a low cross from the right.

Ferrante, who had come on with ten minutes left, won the game from the last corner of the match. He rose above two defenders at the near post and glanced the ball in off the crossbar, setting off a pitch invasion that delayed the final whistle by several minutes.

> “I have been waiting my whole career for a moment like that,” Ferrante said. “I didn’t even see it go in. I just heard the noise.”

Rovers’ manager, Petra Lindqvist, who took over when the club was in the bottom half two seasons ago, said the squad had earned its place.

> “Nobody gave us a chance in August,” she said. “These players never stopped believing it was possible.”

Rovers were relegated six years ago amid financial trouble. Their final league game is away at Valdera next weekend.""",
        "section": "sport",
        "authors": ["jonas-berg"],
        "tags": ["Football", "Buna Rovers"],
        "source": "Buna Times",
        "hours_ago": 18,
        "front_page_slot": None,
        "illustration": "stripes",
    },
    {
        "title": "Our towns need reliable buses, not another bypass",
        "kicker": "Opinion",
        "standfirst": "The region is about to spend a fortune on roads. A fraction of that money would transform life for people who cannot or do not drive.",
        "body": """Next month the regional council will vote on a 300-million plan to build a new bypass around Valdera. Supporters say it will cut congestion and speed up deliveries. Perhaps it will, for a few years. But before councillors raise their hands, they should ask a simpler question: who is this for?

Around one in four households in our region does not own a car. Many more have one car shared between two working adults. For teenagers, older people, people with disabilities and anyone who cannot afford to run a vehicle, the bus is not a lifestyle choice. It is the only way to get to a job, a clinic or a school.

And the bus has been quietly falling apart. Since the last reorganisation, evening services have been cut on most rural routes. In several villages, the last bus home leaves before six o’clock. A nurse finishing a late shift, or a student at an evening class, is simply stranded.

Experience elsewhere suggests that new roads rarely solve congestion for long. Extra capacity attracts extra traffic, and within a decade the queues return. Reliable, frequent buses, on the other hand, take cars off the road and give people a real alternative.

The council could spend a small share of the bypass budget on restoring evening services, adding bus lanes on the busiest corridors and introducing a single fare for all operators. It would cost less, help more people and do more for the region’s climate targets.

A road is easy to cut a ribbon on. A decent bus service is harder to photograph, but it changes far more lives.""",
        "section": "opinion",
        "authors": ["amara-okafor"],
        "tags": ["Transport", "Climate", "Opinion"],
        "source": None,
        "hours_ago": 160,
        "front_page_slot": 6,  # an old column the desk keeps among the headlines
        "illustration": None,
    },
]
