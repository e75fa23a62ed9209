"""Word lists behind the context recognizers: generic vocabularies, not values from any dataset."""

from __future__ import annotations

from functools import cache

# Street types written after the street name (English-speaking countries).
STREET_TYPES_AFTER = (
    "street st avenue ave av road rd boulevard blvd lane ln drive dr court ct terrace ter tce way "
    "place pl square sq parkway pkwy highway hwy circle cir trail trl close crescent cres row alley "
    "gateway union hills hill gardens garden grove park plaza point ridge run view walk heights mews "
    "rise green loop pass path pike estates expressway freeway junction knoll landing manor meadows "
    "meadow mill mount oval ranch shore springs summit turnpike valley vista village wharf wells "
    "common cove creek crossing dale falls ferry field fields ford forest fork fort gate glen harbor "
    "harbour haven island isle lake lakes lodge mall motorway orchard pines plains prairie route "
    "stream trace track parade esplanade quay promenade causeway bypass wynd broadway"
).split()

# Street types written before the name (Romance, Slavic, Greek, ... conventions), lower-case.
STREET_TYPES_BEFORE = (
    "rue avenue av. avda avda. avenida calle c/ carrer camino paseo plaza pza. via viale piazza corso largo "
    "vicolo strada rua travessa praça praca alameda estrada ul. ulica al. aleja pl. plac os. osiedle "
    "trg odos leoforos chemin boulevard bd bd. impasse allée allee place quai route cours rte calea "
    "bulevardul piața str. str ulitsa prospekt pr. trida tř. náměstí namesti nábřeží cesta ulice "
    "sokak caddesi cad. jalan jl. lorong heol ffordd stryd lôn"
).split()

# Endings of one-word street names ("Ditscheinergasse", "Snellmaninkatu", "Nybyvägen").
STREET_ENDINGS = (
    "strasse straße str. gasse weg vej gade gatan gata vägen väg katu tie kuja polku laan straat "
    "plein gracht dreef kade singel allee platz ring damm ufer veien vegen gate utca út u. iela "
    "gatve tee põik tänav cesta ulica ulice ovej stræde torv steig pfad markt"
).split()

UNIT_WORDS = "apt apartment suite ste unit flat floor fl room rm bldg building #".split()

# USPS state and territory codes with the first three digits of their ZIP codes (the sectional
# centres' published ranges): a code and a ZIP that disagree are no address ("Order ID 12345").
US_ZIP_PREFIXES = {
    "AL": ((350, 369),), "AK": ((995, 999),), "AZ": ((850, 865),), "AR": ((716, 729),), "CA": ((900, 961),),
    "CO": ((800, 816),), "CT": ((60, 69),), "DE": ((197, 199),), "DC": ((200, 205), (569, 569)),
    "FL": ((320, 349),), "GA": ((300, 319), (398, 399)), "HI": ((967, 968),), "ID": ((832, 838),),
    "IL": ((600, 629),), "IN": ((460, 479),), "IA": ((500, 528),), "KS": ((660, 679),), "KY": ((400, 427),),
    "LA": ((700, 714),), "ME": ((39, 49),), "MD": ((206, 219),), "MA": ((10, 27), (55, 55)),
    "MI": ((480, 499),), "MN": ((550, 567),), "MS": ((386, 397),), "MO": ((630, 658),), "MT": ((590, 599),),
    "NE": ((680, 693),), "NV": ((889, 898),), "NH": ((30, 38),), "NJ": ((70, 89),), "NM": ((870, 884),),
    "NY": ((5, 5), (100, 149)), "NC": ((270, 289),), "ND": ((580, 588),), "OH": ((430, 459),),
    "OK": ((730, 749),), "OR": ((970, 979),), "PA": ((150, 196),), "RI": ((28, 29),), "SC": ((290, 299),),
    "SD": ((570, 577),), "TN": ((370, 385),), "TX": ((750, 799), (885, 885)), "UT": ((840, 847),),
    "VT": ((50, 59),), "VA": ((201, 201), (220, 246)), "WA": ((980, 994),), "WV": ((247, 268),),
    "WI": ((530, 549),), "WY": ((820, 831),), "PR": ((6, 9),), "VI": ((8, 8),), "GU": ((969, 969),),
    "AA": ((340, 340),), "AE": ((90, 98),), "AP": ((962, 966),),
}

# Job-title head nouns: "booking clerk", "property manager", "rolling machine operator".
OCCUPATION_HEADS = (
    "clerk cleaner writer manager operator consultant attendant nurse soldier distributor engineer "
    "technician analyst designer officer assistant director teacher scientist developer programmer "
    "accountant lawyer attorney solicitor barrister paralegal secretary receptionist administrator "
    "supervisor inspector installer mechanic electrician plumber carpenter driver pilot surgeon "
    "physician doctor dentist pharmacist therapist psychologist psychiatrist counsellor counselor "
    "worker labourer laborer farmer fisherman cook chef baker butcher waiter waitress bartender "
    "cashier salesperson representative agent broker banker economist editor journalist reporter "
    "photographer artist musician singer actor actress dancer architect surveyor planner "
    "librarian curator archivist professor lecturer tutor instructor trainer coach researcher "
    "specialist coordinator executive president officer controller auditor underwriter adjuster "
    "estimator buyer merchandiser marketer strategist advisor adviser therapist radiographer "
    "echocardiographer sonographer paramedic midwife hygienist optician optometrist veterinarian "
    "geologist chemist physicist biologist statistician mathematician translator interpreter "
    "guard firefighter policeman officer detective sergeant constable lieutenant captain "
    "machinist welder fitter assembler fabricator printer tailor dresser hairdresser barber "
    "housekeeper janitor caretaker gardener landscaper nanny carer caregiver porter courier "
    "dispatcher scheduler planner producer director presenter announcer stylist "
    "repairer setter tender handler loader packer sorter picker sewer polisher grinder student pupil "
    "practitioner anaesthesiologist anesthesiologist breadwinner homemaker housewife pensioner"
).split()

# Eponyms that clinical text uses as the names of devices, signs, manoeuvres and scores ("Foley
# catheter", "Swan-Ganz", "Babinski sign"): alone, they name a thing, not a person.
CLINICAL_EPONYMS = frozenset("""
    foley hickman swan ganz quinton groshong broviac mediport dobhoff penrose hemovac yankauer salem
    sengstaken blakemore minnesota jackson-pratt pratt ambu heimlich trendelenburg fowler babinski
    kussmaul cheyne stokes korotkoff homans murphy mcburney rovsing chvostek trousseau brudzinski kernig
    romberg glasgow apgar braden killip mallampati ranson doppler holter coombs gram wernicke korsakoff
    parkinson alzheimer crohn hodgkin cushing addison graves hashimoto guillain barre tourette raynaud
    bell's down's wolff parkinson-white levine ludwig barrett mallory weiss zenker meckel hirschsprung
    kaposi reiter sjogren wilms ewing burkitt lyme paget hartmann whipple billroth nissen roux
    """.split())

COMPANY_SUFFIXES = (
    "Inc Inc. Incorporated LLC L.L.C. Ltd Ltd. Limited GmbH AG KG SE Corp Corp. Corporation Co Co. "
    "Company PLC plc LLP LP SA S.A. SAS SARL S.r.l. SRL SpA S.p.A. BV B.V. NV N.V. AB ASA Oy A/S ApS "
    "Pty Pte KK Group Holdings Partners Associates Technologies Systems Solutions Consulting Analytics "
    "Insurance Bank Labs Industries International Enterprises Ventures Capital Media Networks"
).split()

# Nationalities, religions and political groups (NRP); plurals are added by the recognizer.
# A country's people: the adjective a state's organs take too ("the Danish Government").
COUNTRY_DEMONYMS = (
    "afghan albanian algerian american andorran angolan argentine argentinian armenian australian "
    "austrian azerbaijani bahamian bahraini bangladeshi barbadian belarusian belgian belizean beninese "
    "bhutanese bolivian bosnian botswanan brazilian british bruneian bulgarian burkinabe burmese "
    "burundian cambodian cameroonian canadian chadian chilean chinese colombian congolese costa rican "
    "croatian cuban cypriot czech danish dane djiboutian dominican dutch dutchman dutchwoman "
    "ecuadorean ecuadorian egyptian emirati english englishman englishwoman eritrean estonian "
    "ethiopian fijian filipino finnish finn french frenchman frenchwoman gabonese gambian georgian "
    "german ghanaian greek greenlander greenlandic grenadian guatemalan guinean guyanese haitian "
    "honduran hungarian icelandic icelander indian indonesian iranian iraqi irish irishman israeli "
    "italian ivorian jamaican japanese jordanian kazakh kenyan korean kosovar kuwaiti kyrgyz lao "
    "laotian latvian lebanese liberian libyan liechtensteiner lithuanian luxembourgish luxembourger "
    "macedonian malagasy malawian malaysian maldivian malian maltese mauritanian mauritian mexican "
    "moldovan monegasque mongolian montenegrin moroccan mozambican namibian nepalese nepali "
    "zealander nicaraguan nigerien nigerian norwegian omani pakistani palestinian panamanian "
    "paraguayan peruvian polish pole portuguese qatari romanian russian rwandan salvadoran samoan "
    "saudi scottish scot scotsman senegalese serbian seychellois singaporean slovak slovakian "
    "slovenian slovene somali african spanish spaniard sri lankan sudanese surinamese swazi swedish "
    "swede swiss syrian taiwanese tajik tanzanian thai togolese tongan trinidadian tunisian turkish "
    "turk turkmen ugandan ukrainian uruguayan uzbek venezuelan vietnamese welsh welshman yemeni "
    "zambian zimbabwean"
).split()
# Peoples without a state of their own, continents, religions and political groups.
GROUP_DEMONYMS = (
    "arab arabian asian european latino latina hispanic caucasian chechen basque "
    "catalan flemish walloon kurdish kurd tamil sikh pashtun uyghur tibetan roma romani "
    "christian catholic protestant orthodox anglican lutheran methodist baptist evangelical mormon "
    "muslim moslem islamic sunni shia shii shiite jewish jew hindu buddhist atheist agnostic "
    "democrat republican socialist communist conservative liberal libertarian labourite tory"
).split()
DEMONYMS = COUNTRY_DEMONYMS + GROUP_DEMONYMS


@cache
def country_names() -> frozenset[str]:
    """Country names in the languages phonenumbers ships (English, German, French, ...), lower-case."""
    from phonenumbers.geodata.locale import LOCALE_DATA

    names = set()
    for per_language in LOCALE_DATA.values():
        for name in per_language.values():
            if name and not name.startswith("*") and len(name) > 3:
                names.add(name.lower())
    return frozenset(names)
