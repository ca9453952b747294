"""The facts the demo is built from: real places in Helsingborg, the expo's own themes,
invented partner organisations and programme topics.

Plain data only, so that the programme generator stays readable and the content can be
corrected without touching any logic. Addresses and coordinates are approximate.
"""

from dataclasses import dataclass

ENTRY = "entry"
ENTRY_EXIT = "entry_exit"


@dataclass(frozen=True)
class VenueFact:
    slug: str
    name: str
    area: str
    address: str
    latitude: str
    longitude: str
    max_occupancy: int
    description_sv: str
    description_en: str
    entrances: tuple[tuple[str, str], ...]  # (name, mode)


VENUES: tuple[VenueFact, ...] = (
    VenueFact(
        "oceanhamnen",
        "Oceanhamnen",
        "Oceanhamnen",
        "Oceanhamnen, 252 25 Helsingborg",
        "56.040100",
        "12.688900",
        3000,
        "Expons nav: en ny stadsdel vid vattnet med pirer, kajpromenad och paviljonger.",
        "The heart of the expo: a new waterfront district with piers, a promenade and pavilions.",
        (
            ("Entré Kajpromenaden", ENTRY_EXIT),
            ("Entré Oceanpiren", ENTRY_EXIT),
            ("Entré Sundsterminalen", ENTRY),
        ),
    ),
    VenueFact(
        "h22-arena",
        "H22 Arena, Hamntorget",
        "Centrum",
        "Hamntorget, 252 21 Helsingborg",
        "56.044800",
        "12.691500",
        4000,
        "Den stora arenan på Hamntorget med scen, partnerutställningar och foodcourt.",
        "The big arena on Hamntorget with a main stage, partner exhibitions and a food court.",
        (("Norra entrén", ENTRY), ("Södra entrén", ENTRY)),
    ),
    VenueFact(
        "sundstorget",
        "Sundstorget",
        "Centrum",
        "Sundstorget, 252 21 Helsingborg",
        "56.045500",
        "12.690200",
        1500,
        "Torget vid sundet med utomhusscen, marknad och smakprov från framtidens mat.",
        "The square by the Sound with an outdoor stage, a market and tastings of future food.",
        (("Scenentrén", ENTRY),),
    ),
    VenueFact(
        "angfarjeparken",
        "Ångfärjeparken",
        "Centrum",
        "Ångfärjeparken, 252 21 Helsingborg",
        "56.044200",
        "12.693000",
        800,
        "Parken vid gamla ångfärjestationen – lek, vila och generationsmöten.",
        "The park by the old steam ferry station – play, rest and meetings across generations.",
        (("Parkentrén", ENTRY_EXIT),),
    ),
    VenueFact(
        "slottshagen-karnan",
        "Slottshagen och Kärnan",
        "Slottshagen",
        "Slottshagen, 252 23 Helsingborg",
        "56.047900",
        "12.696300",
        1200,
        "Den medeltida kärntornet och slottshagen, med utsikt över hela expon.",
        "The medieval keep and its castle garden, overlooking the whole expo.",
        (("Kärnantrappan", ENTRY), ("Slottshagen norra", ENTRY_EXIT)),
    ),
    VenueFact(
        "fredriksdal",
        "Fredriksdal museer och trädgårdar",
        "Fredriksdal",
        "Gisela Trapps väg 1, 254 37 Helsingborg",
        "56.055300",
        "12.713700",
        2500,
        "Friluftsmuseum och trädgårdar där historia möter framtidens odling.",
        "Open-air museum and gardens where history meets the farming of the future.",
        (("Huvudentrén", ENTRY_EXIT), ("Entré Hävertgatan", ENTRY_EXIT)),
    ),
    VenueFact(
        "drottninghog",
        "Drottninghög",
        "Drottninghög",
        "Drottninghögs centrum, 254 55 Helsingborg",
        "56.057200",
        "12.736800",
        600,
        "Stadsdelen i förnyelse: nya bostäder, torg och mötesplatser byggs tillsammans med "
        "de boende.",
        "A district being renewed: new homes, squares and meeting places built together with "
        "its residents.",
        (("Torgentrén", ENTRY_EXIT),),
    ),
    VenueFact(
        "dunkers-kulturhus",
        "Dunkers kulturhus",
        "Norra hamnen",
        "Kungsgatan 11, 252 21 Helsingborg",
        "56.048800",
        "12.689600",
        1100,
        "Kulturhus med utställningshallar, teatersal och ateljéer vid Norra hamnen.",
        "Arts centre with exhibition halls, a theatre and studios by the North Harbour.",
        (("Huvudentré Kungsgatan", ENTRY_EXIT), ("Entré Norra hamnen", ENTRY_EXIT)),
    ),
    VenueFact(
        "knutpunkten",
        "Knutpunkten",
        "Centrum",
        "Järnvägsgatan 10, 252 24 Helsingborg",
        "56.043700",
        "12.694900",
        900,
        "Resecentrumet där tåg, bussar och färjor möts – och där framtidens resor visas upp.",
        "The travel hub where trains, buses and ferries meet – showcasing the travel of "
        "the future.",
        (("Entré Järnvägsgatan", ENTRY_EXIT), ("Entré färjeläget", ENTRY_EXIT)),
    ),
    VenueFact(
        "stadsbiblioteket",
        "Helsingborgs stadsbibliotek",
        "Centrum",
        "Bollbrogatan 1, 252 25 Helsingborg",
        "56.044900",
        "12.698500",
        400,
        "Biblioteket som mötesplats: läsning, makerspace och samtal.",
        "The library as a meeting place: reading, a makerspace and conversations.",
        (("Huvudentrén", ENTRY_EXIT),),
    ),
    VenueFact(
        "stadsteatern",
        "Helsingborgs stadsteater",
        "Centrum",
        "Karl Johans gata 1, 252 67 Helsingborg",
        "56.049900",
        "12.693500",
        600,
        "Stadsteaterns scener för föreställningar, kvällssamtal och paneldebatter.",
        "The city theatre's stages for performances, evening talks and panel debates.",
        (("Foajén", ENTRY_EXIT), ("Scenentrén", ENTRY)),
    ),
    VenueFact(
        "campus-helsingborg",
        "Campus Helsingborg, Lunds universitet",
        "Centrum",
        "Universitetsplatsen 2, 252 25 Helsingborg",
        "56.042100",
        "12.698800",
        700,
        "Universitetets campus: forskning om tjänster, lärande och hållbar stadsutveckling.",
        "The university campus: research on services, learning and sustainable cities.",
        (("Entré Universitetsplatsen", ENTRY_EXIT), ("Entré Bredgatan", ENTRY_EXIT)),
    ),
    VenueFact(
        "stortorget-radhuset",
        "Rådhuset och Stortorget",
        "Centrum",
        "Stortorget 17, 252 23 Helsingborg",
        "56.045600",
        "12.693200",
        500,
        "Rådhuset öppnar sina salar: här möter du politiker och stadens förvaltningar.",
        "The town hall opens its chambers: meet politicians and the city's departments.",
        (("Rådhusets entré", ENTRY_EXIT),),
    ),
    VenueFact(
        "sofiero",
        "Sofiero slott och slottspark",
        "Sofiero",
        "Sofierovägen 131, 251 89 Helsingborg",
        "56.083800",
        "12.660100",
        2000,
        "Kungliga sommarslottet och parken, med visningar om hållbar parkskötsel.",
        "The royal summer palace and its park, with tours on sustainable park care.",
        (("Slottsentrén", ENTRY_EXIT), ("Parkentrén", ENTRY_EXIT)),
    ),
    VenueFact(
        "norra-hamnen",
        "Norra hamnen",
        "Norra hamnen",
        "Norra hamnen, 252 70 Helsingborg",
        "56.051500",
        "12.688000",
        1500,
        "Bryggor, bad och testbäddar för vatten och energi i stadens norra hamn.",
        "Jetties, swimming and testbeds for water and energy in the city's North Harbour.",
        (("Bryggentrén", ENTRY),),
    ),
)

# Where partners have stands: venue → (stand code prefix, relative share of the stands).
# Most partners exhibit in the two big expo areas by the harbour.
STAND_AREAS: dict[str, tuple[str, int]] = {
    "oceanhamnen": ("O", 4),
    "h22-arena": ("A", 4),
    "dunkers-kulturhus": ("D", 2),
    "campus-helsingborg": ("C", 2),
    "knutpunkten": ("K", 1),
    "sundstorget": ("S", 1),
    "fredriksdal": ("F", 1),
    "drottninghog": ("DH", 1),
    "norra-hamnen": ("N", 1),
}

# Where sessions of each kind fit: halls for talks, rooms with tables for workshops.
TALK_VENUES = (
    "dunkers-kulturhus",
    "stadsteatern",
    "stadsbiblioteket",
    "campus-helsingborg",
    "knutpunkten",
    "h22-arena",
    "stortorget-radhuset",
    "oceanhamnen",
)
WORKSHOP_VENUES = (
    "dunkers-kulturhus",
    "stadsbiblioteket",
    "campus-helsingborg",
    "fredriksdal",
    "drottninghog",
    "knutpunkten",
    "oceanhamnen",
)

# --- Themes: the expo's three perspectives and its four questions --------------------
THEMES: tuple[tuple[str, str, str, str, str], ...] = (  # slug, sv, en, description sv, en
    (
        "livskvalitet",
        "Livskvalitet",
        "Improving quality of life",
        "Hur kan nya lösningar ge alla helsingborgare ett bättre vardagsliv – i skolan, "
        "på jobbet, hemma och i staden?",
        "How new solutions can give everyone in Helsingborg a better everyday life – at "
        "school, at work, at home and around town.",
    ),
    (
        "innovativ-stadsplanering",
        "Innovativ stadsplanering",
        "Innovative urban planning",
        "En smartare, mer hållbar och omtänksam stad: bostäder, gator, grönska och "
        "mötesplatser för framtiden.",
        "A smarter, more sustainable and caring city: homes, streets, greenery and meeting "
        "places for the future.",
    ),
    (
        "nya-satt-att-styra-staden",
        "Nya sätt att styra staden",
        "Reinventing city governance",
        "Samarbete med invånare, föreningsliv, universitet och näringsliv – och en förvaltning "
        "som vågar testa nytt.",
        "Working with residents, associations, universities and businesses – and a city "
        "administration that dares to try new things.",
    ),
    (
        "framtidens-skola",
        "Framtidens skola",
        "The school of the future",
        "Hur ser framtidens skola ut?",
        "What will the school of the future look like?",
    ),
    (
        "minskad-klimatpaverkan",
        "Minskad klimatpåverkan",
        "Reducing our climate impact",
        "Hur minskar vi vår klimatpåverkan?",
        "How do we reduce our impact on the climate?",
    ),
    (
        "de-aldres-behov",
        "De äldres behov",
        "The needs of the elderly",
        "Hur tillgodoser vi de äldres nya och växande behov?",
        "How do we meet the new and growing needs of older people?",
    ),
    (
        "trygghet",
        "Trygghet",
        "Safety and security",
        "Hur ökar vi invånarnas trygghet?",
        "How do we make residents feel safer?",
    ),
)

# --- Sectors: what an organisation works on, which themes that touches, its topics ---
SECTOR_THEMES: dict[str, tuple[str, ...]] = {
    "school": ("framtidens-skola", "livskvalitet"),
    "elderly": ("de-aldres-behov", "livskvalitet"),
    "climate": ("minskad-klimatpaverkan", "innovativ-stadsplanering"),
    "mobility": ("innovativ-stadsplanering", "minskad-klimatpaverkan"),
    "safety": ("trygghet", "nya-satt-att-styra-staden"),
    "governance": ("nya-satt-att-styra-staden",),
    "housing": ("innovativ-stadsplanering", "livskvalitet"),
}
SECTORS = tuple(SECTOR_THEMES)

TOPICS: dict[str, tuple[tuple[str, str], ...]] = {  # noun phrases, lower case
    "school": (
        ("AI som stöd i klassrummet", "AI as a helper in the classroom"),
        ("programmering för de yngsta", "coding for the youngest pupils"),
        ("utomhuspedagogik", "outdoor learning"),
        ("digitala läromedel", "digital learning materials"),
        ("skolgårdar som gröna rum", "schoolyards as green spaces"),
        ("elevhälsa och välmående", "pupil health and well-being"),
        ("flerspråkigt lärande", "multilingual learning"),
        ("VR i undervisningen", "VR in teaching"),
        ("framtidens skolbyggnader", "school buildings of the future"),
        ("läslust i en digital tid", "the joy of reading in a digital age"),
    ),
    "elderly": (
        ("välfärdsteknik i hemtjänsten", "welfare technology in home care"),
        ("sensorer som förebygger fallolyckor", "sensors that prevent falls"),
        ("digital tillsyn på natten", "digital night-time check-ins"),
        ("social robotik", "social robots"),
        ("ensamhet bland äldre", "loneliness among older people"),
        ("måltidsglädje för seniorer", "meals that older people enjoy"),
        ("bostäder för alla åldrar", "homes for all ages"),
        ("vård på distans", "remote care"),
        ("träning för seniorer", "exercise for seniors"),
        ("stöd till anhöriga", "support for family carers"),
    ),
    "climate": (
        ("solceller på flerbostadshus", "solar panels on apartment blocks"),
        ("cirkulärt byggande", "circular construction"),
        ("minskat matsvinn", "less food waste"),
        ("fossilfri fjärrvärme", "fossil-free district heating"),
        ("återbruk och delningsekonomi", "reuse and the sharing economy"),
        ("gröna tak och dagvatten", "green roofs and stormwater"),
        ("vätgas i hamnen", "hydrogen in the port"),
        ("klimatsmart mat", "climate-smart food"),
        ("avloppsvatten som resurs", "wastewater as a resource"),
        ("energisnåla hem", "energy-efficient homes"),
    ),
    "mobility": (
        ("självkörande bussar", "self-driving buses"),
        ("elcyklar och lådcyklar", "e-bikes and cargo bikes"),
        ("smarta parkeringar", "smart parking"),
        ("fossilfria godstransporter", "fossil-free freight"),
        ("drönarleveranser", "drone deliveries"),
        ("gator för gång och cykel", "streets for walking and cycling"),
        ("mobilitet som tjänst", "mobility as a service"),
        ("laddinfrastruktur", "charging infrastructure"),
    ),
    "safety": (
        ("trygga stråk och smart belysning", "safe routes and smart lighting"),
        ("krisberedskap i vardagen", "everyday crisis preparedness"),
        ("digital säkerhet för alla", "digital security for everyone"),
        ("brottsförebyggande stadsplanering", "crime prevention through urban design"),
        ("trygghetsvandringar", "neighbourhood safety walks"),
        ("räddningstjänstens nya verktyg", "new tools for fire and rescue"),
        ("säkra bad", "safe swimming"),
        ("grannsamverkan", "neighbourhood watch"),
    ),
    "governance": (
        ("öppna data", "open data"),
        ("medborgardialog", "citizen dialogue"),
        ("AI i offentlig förvaltning", "AI in public administration"),
        ("tjänstedesign", "service design"),
        ("innovationsupphandling", "innovation procurement"),
        ("digitala tvillingar", "digital twins"),
        ("medskapande budget", "participatory budgeting"),
        ("automatiserade e-tjänster", "automated e-services"),
    ),
    "housing": (
        ("blandstad vid vattnet", "mixed-use waterfront districts"),
        ("förnyelsen av Drottninghög", "the renewal of Drottninghög"),
        ("gemensamma bostadsytor", "shared living spaces"),
        ("trähus i stadsmiljö", "timber buildings in the city"),
        ("grönska i den täta staden", "greenery in a dense city"),
        ("prisvärda bostäder", "affordable housing"),
        ("smarta hem", "smart homes"),
        ("tysta stadsrum", "quiet urban spaces"),
    ),
}

SECTOR_DESCRIPTIONS: dict[str, tuple[str, str]] = {  # {name}, {topic}
    "school": (
        "{name} utvecklar lösningar för {topic} och testar dem tillsammans med elever och "
        "lärare i Helsingborgs skolor.",
        "{name} develops solutions for {topic} and tests them with pupils and teachers in "
        "Helsingborg's schools.",
    ),
    "elderly": (
        "{name} arbetar med {topic} så att äldre kan leva tryggt och självständigt hemma längre.",
        "{name} works on {topic} so that older people can live safe, independent lives at "
        "home for longer.",
    ),
    "climate": (
        "{name} minskar stadens klimatavtryck – just nu med fokus på {topic}.",
        "{name} cuts the city's climate footprint – right now with a focus on {topic}.",
    ),
    "mobility": (
        "{name} gör det enklare att resa hållbart i Helsingborg, med fokus på {topic}.",
        "{name} makes sustainable travel in Helsingborg easier, with a focus on {topic}.",
    ),
    "safety": (
        "{name} bidrar till en tryggare stad, dag som natt, genom arbete med {topic}.",
        "{name} helps make the city safer, day and night, through its work on {topic}.",
    ),
    "governance": (
        "{name} hjälper offentlig sektor att arbeta smartare med {topic}.",
        "{name} helps the public sector work smarter with {topic}.",
    ),
    "housing": (
        "{name} bygger och förvaltar framtidens boendemiljöer med sikte på {topic}.",
        "{name} builds and manages the homes of the future, with an eye on {topic}.",
    ),
}


@dataclass(frozen=True)
class OrganisationFact:
    name: str
    sector: str
    description_sv: str = ""  # empty: written from the sector's template
    description_en: str = ""


# Invented partners (no real trademarks) plus the city's own departments. The first one
# is the organisation the demo exhibitor account owns.
ORGANISATIONS: tuple[OrganisationFact, ...] = (
    OrganisationFact("Sundlab Mobility AB", "mobility"),
    OrganisationFact(
        "Helsingborgs stad – skol- och fritidsförvaltningen",
        "school",
        "Stadens skolor och fritidsgårdar visar hur barn och unga lär sig i framtidens skola.",
        "The city's schools and youth centres show how children learn in the school of the future.",
    ),
    OrganisationFact(
        "Helsingborgs stad – vård- och omsorgsförvaltningen",
        "elderly",
        "Äldreomsorgen i Helsingborg testar välfärdsteknik tillsammans med brukare och personal.",
        "Helsingborg's elderly care tests welfare technology together with residents and staff.",
    ),
    OrganisationFact(
        "Helsingborgs stad – stadsbyggnadsförvaltningen",
        "housing",
        "Planerar staden 2035: bostäder, gator, parker och hamnar.",
        "Planning the city of 2035: homes, streets, parks and harbours.",
    ),
    OrganisationFact("Helsingborgs stad – miljöförvaltningen", "climate"),
    OrganisationFact(
        "Helsingborgs stad – stadsledningsförvaltningen",
        "governance",
        "Leder stadens innovationsarbete – närmare 300 initiativ sedan 2019.",
        "Leads the city's innovation work – close to 300 initiatives since 2019.",
    ),
    OrganisationFact("Helsingborgs stad – socialförvaltningen", "safety"),
    OrganisationFact("Helsingborgs stad – kulturförvaltningen", "school"),
    OrganisationFact("Helsingborgs stad – fastighetsförvaltningen", "climate"),
    OrganisationFact("Räddningstjänsten Skåne Nordväst", "safety"),
    OrganisationFact(
        "Lunds universitet, Campus Helsingborg",
        "governance",
        "Forskning och utbildning om tjänsteinnovation, lärande och hållbar stadsutveckling.",
        "Research and education in service innovation, learning and sustainable urban development.",
    ),
    OrganisationFact("Öresundshem AB", "housing"),
    OrganisationFact("Kärnhus Bostäder AB", "housing"),
    OrganisationFact("Sundsvatten AB", "climate"),
    OrganisationFact("Nordvästra Skånes Energi AB", "climate"),
    OrganisationFact("Hamnstaden Fastigheter AB", "housing"),
    OrganisationFact("Skolklok AB", "school"),
    OrganisationFact("LärLabbet Sverige AB", "school"),
    OrganisationFact("Omsorgsteknik Norden AB", "elderly"),
    OrganisationFact("TryggHem Sensorer AB", "elderly"),
    OrganisationFact("Seniorkraft ekonomisk förening", "elderly"),
    OrganisationFact("Grönkvarteret AB", "climate"),
    OrganisationFact("CirkelBygg Skåne AB", "climate"),
    OrganisationFact("Öresund Hydrogen AB", "climate"),
    OrganisationFact("Kustbuss Autonom AB", "mobility"),
    OrganisationFact("Cykelköket Helsingborg", "mobility"),
    OrganisationFact("ParkSmart Nordic AB", "mobility"),
    OrganisationFact("Lastcykelkollektivet", "mobility"),
    OrganisationFact("Stadsljus Belysning AB", "safety"),
    OrganisationFact("Cybertrygg AB", "safety"),
    OrganisationFact("Grannskap i samverkan", "safety"),
    OrganisationFact("Öppna Staden Data AB", "governance"),
    OrganisationFact("Dialogverkstaden AB", "governance"),
    OrganisationFact("Tvillingstaden Analytics AB", "governance"),
    OrganisationFact(
        "Civic Design Studio",
        "governance",
        "Internationell designbyrå som gör offentliga tjänster begripliga.",
        "An international design studio making public services easy to understand.",
    ),
    OrganisationFact("Nordic Care Robotics AB", "elderly"),
    OrganisationFact("Matglädje i Skåne AB", "elderly"),
    OrganisationFact(
        "SoundHarbour Labs",
        "climate",
        "Startup från Öresundsregionen som mäter och minskar hamnens utsläpp.",
        "A start-up from the Öresund region that measures and cuts the port's emissions.",
    ),
    OrganisationFact("Kvarterslådan AB", "housing"),
    OrganisationFact("Hamnlogistik Nordväst AB", "mobility"),
    OrganisationFact("Medborgarlabbet", "governance"),
    OrganisationFact("Vågbrytaren Fritid", "school"),
    OrganisationFact("Lekplatsfabriken AB", "school"),
    OrganisationFact("Friskvårdshuset Råå", "elderly"),
)

# Parts for the rest of the partners (and for benchmark scales): «Sund» + «energi» + «AB».
NAME_PREFIXES = (
    "Sund",
    "Kärn",
    "Hamn",
    "Vind",
    "Ljus",
    "Grön",
    "Norr",
    "Ek",
    "Bok",
    "Hav",
    "Sten",
    "Pir",
    "Våg",
    "Sol",
    "Mynt",
    "Kust",
    "Ros",
    "Lund",
    "Bro",
    "Fyr",
)
NAME_CORES: tuple[tuple[str, str], ...] = (  # (core, sector)
    ("tech", "governance"),
    ("lab", "school"),
    ("energi", "climate"),
    ("bygg", "housing"),
    ("omsorg", "elderly"),
    ("mobilitet", "mobility"),
    ("trygghet", "safety"),
    ("analys", "governance"),
    ("vård", "elderly"),
    ("hem", "housing"),
    ("cykel", "mobility"),
    ("kraft", "climate"),
    ("skola", "school"),
    ("säkerhet", "safety"),
    ("data", "governance"),
    ("pedagogik", "school"),
)
NAME_FORMS = ("AB", "AB", "AB", "Nordic AB", "Sverige AB", "ekonomisk förening", "Labs")
DISTRICTS = (
    "Råå",
    "Påarp",
    "Mörarp",
    "Ödåkra",
    "Rydebäck",
    "Allerum",
    "Bårslöv",
    "Kattarp",
    "Hittarp",
    "Laröd",
    "Gantofta",
    "Vallåkra",
    "Domsten",
)

STAND_HOURS = (  # (opens, closes) in whole hours; most stands keep the expo's 10–18
    (10, 18),
    (10, 18),
    (10, 18),
    (10, 18),
    (11, 17),
    (10, 20),
    (12, 18),
)


@dataclass(frozen=True)
class ExhibitionFact:
    slug: str
    title_sv: str
    title_en: str
    venue_slug: str
    themes: tuple[str, ...]
    first_day: int  # days after the expo's first day
    last_day: int
    description_sv: str
    description_en: str


WHOLE_EXPO = (0, 34)
EXHIBITIONS: tuple[ExhibitionFact, ...] = (
    ExhibitionFact(
        "framtidens-klassrum",
        "Framtidens klassrum",
        "The classroom of the future",
        "campus-helsingborg",
        ("framtidens-skola", "livskvalitet"),
        *WHOLE_EXPO,
        "Sätt dig i skolbänken 2035: lärmiljöer, verktyg och pedagogik som testas i dag.",
        "Take a seat in the classroom of 2035: learning spaces, tools and teaching being "
        "tested today.",
    ),
    ExhibitionFact(
        "hemma-hela-livet",
        "Hemma hela livet",
        "At home for life",
        "dunkers-kulturhus",
        ("de-aldres-behov", "livskvalitet"),
        *WHOLE_EXPO,
        "En lägenhet full av välfärdsteknik som låter äldre bo kvar hemma tryggt.",
        "A flat full of welfare technology that lets older people live safely at home.",
    ),
    ExhibitionFact(
        "klimatsmarta-oceanhamnen",
        "Klimatsmarta Oceanhamnen",
        "Climate-smart Oceanhamnen",
        "oceanhamnen",
        ("minskad-klimatpaverkan", "innovativ-stadsplanering"),
        *WHOLE_EXPO,
        "Så byggs en stadsdel med låga utsläpp: energi, material och dagvatten.",
        "How a low-emission district is built: energy, materials and stormwater.",
    ),
    ExhibitionFact(
        "trygg-stad",
        "Trygg stad, natt och dag",
        "A safe city, day and night",
        "knutpunkten",
        ("trygghet",),
        *WHOLE_EXPO,
        "Belysning, design och samverkan som gör staden tryggare att röra sig i.",
        "Lighting, design and cooperation that make the city safer to move around in.",
    ),
    ExhibitionFact(
        "staden-som-plattform",
        "Staden som plattform",
        "The city as a platform",
        "h22-arena",
        ("nya-satt-att-styra-staden",),
        *WHOLE_EXPO,
        "Öppna data, digitala tjänster och nya sätt att samarbeta med invånarna.",
        "Open data, digital services and new ways of working with residents.",
    ),
    ExhibitionFact(
        "morgondagens-mobilitet",
        "Morgondagens mobilitet",
        "Tomorrow's mobility",
        "h22-arena",
        ("innovativ-stadsplanering", "minskad-klimatpaverkan"),
        *WHOLE_EXPO,
        "Självkörande bussar, lådcyklar och drönare – provåk framtidens resor.",
        "Self-driving buses, cargo bikes and drones – try the travel of the future.",
    ),
    ExhibitionFact(
        "drottninghog-i-forandring",
        "Drottninghög – en stadsdel i förändring",
        "Drottninghög – a district in transition",
        "drottninghog",
        ("innovativ-stadsplanering", "trygghet"),
        *WHOLE_EXPO,
        "De boendes egna berättelser om en stadsdel som byggs om tillsammans.",
        "Residents' own stories of a district rebuilt together.",
    ),
    ExhibitionFact(
        "tradgarden-som-klassrum",
        "Trädgården som klassrum",
        "The garden as a classroom",
        "fredriksdal",
        ("framtidens-skola", "minskad-klimatpaverkan"),
        0,
        20,
        "Odling, pollinatörer och klimat – lär dig med händerna i jorden.",
        "Growing, pollinators and climate – learn with your hands in the soil.",
    ),
    ExhibitionFact(
        "cirkulara-helsingborg",
        "Cirkulära Helsingborg",
        "Circular Helsingborg",
        "oceanhamnen",
        ("minskad-klimatpaverkan",),
        7,
        34,
        "Från avfall till resurs: återbruk, reparation och delning i stadens vardag.",
        "From waste to resource: reuse, repair and sharing in everyday city life.",
    ),
    ExhibitionFact(
        "valfardsteknikens-vardag",
        "Välfärdsteknikens vardag",
        "Welfare technology in everyday life",
        "campus-helsingborg",
        ("de-aldres-behov",),
        0,
        27,
        "Forskare och omsorgspersonal visar vad tekniken betyder i praktiken.",
        "Researchers and care staff show what the technology means in practice.",
    ),
    ExhibitionFact(
        "helsingborg-2035",
        "Helsingborg 2035",
        "Helsingborg 2035",
        "stortorget-radhuset",
        ("nya-satt-att-styra-staden", "innovativ-stadsplanering"),
        *WHOLE_EXPO,
        "Visionen om en skapande, pulserande, gemensam, global och balanserad stad.",
        "The vision of a creative, vibrant, united, global and balanced city.",
    ),
    ExhibitionFact(
        "ljus-i-morkret",
        "Ljus i mörkret",
        "Light in the dark",
        "slottshagen-karnan",
        ("trygghet", "livskvalitet"),
        14,
        34,
        "Ljusinstallationer kring Kärnan som visar hur belysning skapar trygghet.",
        "Light installations around Kärnan showing how lighting creates a sense of safety.",
    ),
    ExhibitionFact(
        "vatten-i-staden",
        "Vatten i staden",
        "Water in the city",
        "norra-hamnen",
        ("minskad-klimatpaverkan",),
        *WHOLE_EXPO,
        "Skyfall, havsnivåer och rent vatten – stadens vattenfrågor på bryggan.",
        "Cloudbursts, sea levels and clean water – the city's water challenges on the jetty.",
    ),
    ExhibitionFact(
        "den-digitala-tvillingen",
        "Helsingborgs digitala tvilling",
        "Helsingborg's digital twin",
        "dunkers-kulturhus",
        ("nya-satt-att-styra-staden",),
        0,
        20,
        "Gå runt i en 3D-modell av staden och se hur beslut påverkar den.",
        "Walk through a 3D model of the city and see how decisions shape it.",
    ),
    ExhibitionFact(
        "lasning-for-livet",
        "Läsning för livet",
        "Reading for life",
        "stadsbiblioteket",
        ("framtidens-skola", "livskvalitet"),
        *WHOLE_EXPO,
        "Bibliotekets nya sätt att väcka läslust hos barn, unga och vuxna.",
        "The library's new ways of sparking a love of reading in children and adults.",
    ),
    ExhibitionFact(
        "scen-for-framtiden",
        "Scen för framtiden",
        "A stage for the future",
        "stadsteatern",
        ("livskvalitet",),
        0,
        13,
        "Kulissernas värld: hållbar scenografi och teater för alla sinnen.",
        "Behind the scenes: sustainable stage design and theatre for all senses.",
    ),
    ExhibitionFact(
        "mat-for-framtiden",
        "Mat för framtiden",
        "Food for the future",
        "sundstorget",
        ("minskad-klimatpaverkan", "livskvalitet"),
        *WHOLE_EXPO,
        "Smaka på lokala, klimatsmarta råvaror och lär dig laga mat utan svinn.",
        "Taste local, climate-smart produce and learn to cook without waste.",
    ),
    ExhibitionFact(
        "sofieros-hallbara-tradgardar",
        "Sofieros hållbara trädgårdar",
        "Sofiero's sustainable gardens",
        "sofiero",
        ("minskad-klimatpaverkan",),
        *WHOLE_EXPO,
        "Parkskötsel utan gifter, med regnvatten och biologisk mångfald.",
        "Park care without pesticides, with rainwater and biodiversity.",
    ),
    ExhibitionFact(
        "moten-over-generationer",
        "Möten över generationer",
        "Meetings across generations",
        "angfarjeparken",
        ("de-aldres-behov", "livskvalitet"),
        7,
        27,
        "Lek, spel och samtal där unga och äldre möts i parken.",
        "Games and conversations where young and old meet in the park.",
    ),
    ExhibitionFact(
        "partnerinnovationer",
        "Innovationer från H22:s partner",
        "Innovations from H22's partners",
        "h22-arena",
        ("livskvalitet", "innovativ-stadsplanering", "nya-satt-att-styra-staden"),
        *WHOLE_EXPO,
        "Över 100 partner visar lösningar som testats i Helsingborg.",
        "More than 100 partners show solutions tested in Helsingborg.",
    ),
    ExhibitionFact(
        "smarta-hem-trygga-hem",
        "Smarta hem, trygga hem",
        "Smart homes, safe homes",
        "knutpunkten",
        ("trygghet", "de-aldres-behov"),
        14,
        34,
        "Uppkopplade hem som varnar, påminner och hjälper – utan att övervaka.",
        "Connected homes that warn, remind and help – without spying.",
    ),
)


@dataclass(frozen=True)
class SignatureItem:
    """A hand-written programme item: landmark tours and evening performances."""

    title_sv: str
    title_en: str
    venue_slug: str
    themes: tuple[str, ...]
    minutes: int
    capacity: int
    description_sv: str
    description_en: str
    language: str = "sv"


LANDMARK_TOURS: tuple[SignatureItem, ...] = (
    SignatureItem(
        "Guidad tur: Oceanhamnen – en ny stadsdel",
        "Guided tour: Oceanhamnen – a new district",
        "oceanhamnen",
        ("innovativ-stadsplanering", "minskad-klimatpaverkan"),
        45,
        30,
        "Promenera längs piren och hör hur stadsdelen planerats för låga utsläpp och liv "
        "året runt.",
        "Walk along the pier and hear how the district was planned for low emissions and "
        "life all year round.",
    ),
    SignatureItem(
        "Guidad tur i H22 Arena",
        "Guided tour of the H22 Arena",
        "h22-arena",
        ("livskvalitet", "nya-satt-att-styra-staden"),
        45,
        25,
        "En guide visar de viktigaste partnerlösningarna i arenan på 45 minuter.",
        "A guide shows the key partner solutions in the arena in 45 minutes.",
    ),
    SignatureItem(
        "Kärnan och stadens historia",
        "Kärnan and the city's history",
        "slottshagen-karnan",
        ("livskvalitet",),
        45,
        20,
        "Från medeltida borg till framtidsstad – med utsikt över sundet från tornets topp.",
        "From medieval castle to city of the future – with a view of the Sound from the top.",
    ),
    SignatureItem(
        "Fredriksdal: framtidens trädgård",
        "Fredriksdal: the garden of the future",
        "fredriksdal",
        ("minskad-klimatpaverkan", "framtidens-skola"),
        45,
        25,
        "Odlingar, bin och gamla sorter som klarar ett förändrat klimat.",
        "Crops, bees and heritage varieties that cope with a changing climate.",
    ),
    SignatureItem(
        "Promenad: Drottninghög förnyas",
        "Walk: Drottninghög renewed",
        "drottninghog",
        ("innovativ-stadsplanering", "trygghet"),
        45,
        20,
        "Boende och stadsplanerare visar nya torg, bostäder och trygga stråk.",
        "Residents and planners show new squares, homes and safe walking routes.",
    ),
    SignatureItem(
        "Sofiero: hållbar parkskötsel",
        "Sofiero: sustainable park care",
        "sofiero",
        ("minskad-klimatpaverkan",),
        45,
        25,
        "Trädgårdsmästarna berättar om parkskötsel utan gifter och med regnvatten.",
        "The gardeners explain park care without pesticides and with rainwater.",
    ),
)
ENGLISH_TOUR = SignatureItem(
    "Guidad tur på engelska: H22 på en timme",
    "Guided tour in English: H22 in an hour",
    "oceanhamnen",
    ("livskvalitet", "innovativ-stadsplanering"),
    60,
    30,
    "Expons höjdpunkter för internationella besökare, på engelska.",
    "The expo's highlights for international visitors, in English.",
    language="en",
)

PERFORMANCES: tuple[SignatureItem, ...] = (
    SignatureItem(
        "Konsert: Sundets ljud",
        "Concert: Sounds of the Sound",
        "sundstorget",
        ("livskvalitet",),
        75,
        300,
        "Musik skriven för H22 med ljud inspelade i hamnen.",
        "Music written for H22 using sounds recorded in the harbour.",
    ),
    SignatureItem(
        "Dansföreställning: Staden i rörelse",
        "Dance performance: City in motion",
        "stadsteatern",
        ("livskvalitet",),
        60,
        250,
        "Dansare tolkar hur vi rör oss genom framtidens stad.",
        "Dancers interpret how we move through the city of the future.",
    ),
    SignatureItem(
        "Teater: Helsingborg 2035",
        "Theatre: Helsingborg 2035",
        "stadsteatern",
        ("nya-satt-att-styra-staden",),
        90,
        250,
        "En komedi om en stad där invånarna bestämmer allt – på riktigt.",
        "A comedy about a city where the residents decide everything – for real.",
    ),
    SignatureItem(
        "Drönarshow över Öresund",
        "Drone show over the Öresund",
        "oceanhamnen",
        ("innovativ-stadsplanering",),
        30,
        300,
        "Hundratals drönare ritar framtidens stad på kvällshimlen.",
        "Hundreds of drones draw the city of the future in the evening sky.",
    ),
    SignatureItem(
        "Poesi på piren",
        "Poetry on the pier",
        "norra-hamnen",
        ("livskvalitet",),
        60,
        120,
        "Unga poeter läser texter om staden de vill leva i.",
        "Young poets read about the city they want to live in.",
    ),
    SignatureItem(
        "Kör: Helsingborg sjunger",
        "Choir: Helsingborg sings",
        "slottshagen-karnan",
        ("livskvalitet", "de-aldres-behov"),
        60,
        300,
        "Körer från hela staden, från förskolebarn till seniorer.",
        "Choirs from across the city, from preschoolers to seniors.",
    ),
    SignatureItem(
        "Ljusspel vid Kärnan",
        "Light show at Kärnan",
        "slottshagen-karnan",
        ("trygghet",),
        30,
        300,
        "Kärnan lyses upp i ett ljusspel om trygghet i mörker.",
        "Kärnan lit up in a light show about feeling safe after dark.",
    ),
    SignatureItem(
        "Barnteater: Roboten Rut",
        "Children's theatre: Rut the robot",
        "dunkers-kulturhus",
        ("framtidens-skola",),
        45,
        150,
        "Roboten Rut vill börja skolan. Går det?",
        "Rut the robot wants to start school. Can she?",
    ),
    SignatureItem(
        "Jazz i Slottshagen",
        "Jazz in Slottshagen",
        "slottshagen-karnan",
        ("livskvalitet",),
        90,
        300,
        "Sommarkväll med jazz under träden.",
        "A summer evening of jazz under the trees.",
    ),
    SignatureItem(
        "Nycirkus på Sundstorget",
        "Contemporary circus at Sundstorget",
        "sundstorget",
        ("livskvalitet",),
        45,
        300,
        "Akrobatik och humor för hela familjen.",
        "Acrobatics and humour for the whole family.",
    ),
    SignatureItem(
        "Filmkväll: Städer i förändring",
        "Film night: Changing cities",
        "dunkers-kulturhus",
        ("innovativ-stadsplanering",),
        90,
        200,
        "Kortfilmer från städer världen över, med samtal efteråt.",
        "Short films from cities around the world, followed by a discussion.",
        language="en",
    ),
    SignatureItem(
        "Stå upp: Livet i den smarta staden",
        "Stand-up: Life in the smart city",
        "knutpunkten",
        ("nya-satt-att-styra-staden",),
        60,
        150,
        "Komiker om sensorer, appar och kylskåp som vet för mycket.",
        "Comedians on sensors, apps and fridges that know too much.",
    ),
)

# --- Programme templates: («Swedish», «English») titles around a topic --------------
TALK_TITLES = (
    ("Samtal om {sv}", "Conversation: {en}"),
    ("Framtidsspaning: {sv}", "Looking ahead: {en}"),
    ("Panel: {sv}", "Panel: {en}"),
    ("Föreläsning om {sv}", "Lecture: {en}"),
    ("Frukostseminarium om {sv}", "Breakfast seminar: {en}"),
    ("Kvällssamtal om {sv}", "Evening talk: {en}"),
)
WORKSHOP_TITLES = (
    ("Workshop: {sv}", "Workshop: {en}"),
    ("Prova själv: {sv}", "Try it yourself: {en}"),
    ("Idéverkstad om {sv}", "Idea lab: {en}"),
)
DEMO_TITLES = (
    ("Demo: {sv}", "Demo: {en}"),
    ("Se det i praktiken: {sv}", "See it in action: {en}"),
    ("Testbädd: {sv}", "Testbed: {en}"),
)

TALK_TEXTS = (
    (
        "{who} berättar om {sv} – vad som redan fungerar i Helsingborg och vad som behöver "
        "prövas härnäst. Efteråt finns tid för frågor.",
        "{who} talks about {en} – what already works in Helsingborg and what needs testing "
        "next. Questions welcome afterwards.",
    ),
    (
        "Forskare, invånare och stadens medarbetare samtalar om {sv}. Hur ser Helsingborg ut "
        "2035 om vi lyckas?",
        "Researchers, residents and city staff discuss {en}. What will Helsingborg look like "
        "in 2035 if we succeed?",
    ),
    (
        "Korta inspel och öppen diskussion om {sv}. Ta med dina egna erfarenheter!",
        "Short talks and an open discussion about {en}. Bring your own experience!",
    ),
)
WORKSHOP_TEXT = (
    "En praktisk workshop om {sv} med {who}. Material finns på plats. Kom i tid: platser "
    "som inte checkats in släpps {release} minuter efter start.",
    "A hands-on workshop on {en} with {who}. Materials are provided. Please be on time: "
    "seats not checked in are released {release} minutes after the start.",
)
DEMO_TEXT = (
    "{who} visar {sv} i praktiken i monter {stand}. Ställ frågor och testa själv.",
    "{who} shows {en} in practice at stand {stand}. Ask questions and give it a try.",
)
EXHIBITION_TOUR_TITLE = ("Visning: {sv}", "Guided viewing: {en}")
EXHIBITION_TOUR_TEXT = (
    "En guide tar dig genom utställningen «{sv}» och berättar om idéerna bakom.",
    "A guide takes you through the exhibition “{en}” and tells the stories behind it.",
)
CITY_HOST = ("Helsingborgs stad", "the City of Helsingborg")
CANCELLED_REASON = "Inställt på grund av sjukdom. / Cancelled due to illness."
