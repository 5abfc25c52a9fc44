"""Word lists for the name screen: given names, surnames, English words, and capitalised words
that are never names or are not taken for names without a cue.

Data files, read once with :mod:`importlib.resources`: ``attune_jupyter/core/data/given_names.txt``
(given names), ``deid/surnames.txt`` (surnames) and ``deid/english_words.txt`` (lower-case English
words from SCOWL; its licence is ``deid/english_words_LICENSE.txt``). The other lists are small
enough to read here. All are lower-cased (``str.casefold``) for lookup.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def split_words(text: str) -> frozenset[str]:
    """The white-space separated words of ``text``, as written."""
    return frozenset(text.split())


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in text.split())


def _read_words(package: str, *path: str) -> frozenset[str]:
    text = resources.files(package).joinpath(*path).read_text(encoding="utf-8")
    return _words(" ".join(line.split("#", 1)[0] for line in text.splitlines()))


@cache
def given_names() -> frozenset[str]:
    """The built-in given names, case-folded."""
    return _read_words("attune_jupyter.core", "data", "given_names.txt")


@cache
def surnames() -> frozenset[str]:
    """The built-in surnames, case-folded."""
    return _read_words("attune_jupyter.core.deid", "surnames.txt")


@cache
def english_words() -> frozenset[str]:
    """Lower-case English words (SCOWL, sizes 10 to 60), with ``'`` as the apostrophe."""
    return _read_words("attune_jupyter.core.deid", "english_words.txt")


WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTHS = _words(
    "January February March April May June July August September October November December "
    "Feb Mar Apr Jul Aug Sep Sept Oct Nov Dec"
)
#: Month abbreviations that are also given names ("Jan", "Jun"): names unless next to a number.
MONTH_NAMES = _words("Jan Jun")
HOLIDAYS = _words(
    "Christmas Xmas Easter Eid Diwali Deepavali Hanukkah Chanukah Thanksgiving Ramadan Ramzan "
    "Passover Pesach Halloween Hogmanay Holi Navratri Vesak Lent Advent Kwanzaa Yom Kippur Rosh "
    "Hashanah Purim Sukkot Nowruz Vaisakhi Baisakhi Onam Pongal Juneteenth Valentine Valentine's "
    "Midsummer Carnival Mardi Gras Epiphany Pentecost Shavuot Songkran Tet Chuseok Obon Durga "
    "Puja Raksha Bandhan Lohri Karva Chauth Ganesh Chaturthi Solstice Equinox Boxing"
)
LANGUAGES_AND_NATIONALITIES = _words(
    "English British American French German Dutch Flemish Spanish Italian Portuguese Polish "
    "Russian Ukrainian Belarusian Chinese Mandarin Cantonese Hokkien Japanese Korean Vietnamese "
    "Thai Filipino Filipina Tagalog Indonesian Malay Burmese Khmer Lao Hindi Urdu Punjabi "
    "Bengali Bangla Gujarati Tamil Telugu Kannada Malayalam Marathi Sinhala Sinhalese Nepali "
    "Arabic Farsi Persian Dari Pashto Turkish Kurdish Hebrew Greek Swahili Yoruba Igbo Hausa "
    "Amharic Tigrinya Oromo Somali Zulu Xhosa Afrikaans Shona Twi Wolof Lingala Nigerian "
    "Ghanaian Kenyan Ethiopian Eritrean Sudanese Ugandan Zimbabwean Congolese Irish Scottish "
    "Welsh Canadian Mexican Brazilian Argentinian Colombian Peruvian Chilean Cuban Venezuelan "
    "Indian Pakistani Bangladeshi Lankan Afghan Iranian Iraqi Syrian Lebanese Egyptian "
    "Moroccan Algerian Tunisian Libyan Jamaican Trinidadian Barbadian Caribbean African Asian "
    "European Latino Latina Latinx Hispanic Swedish Norwegian Danish Finnish Icelandic Czech "
    "Slovak Hungarian Romanian Moldovan Bulgarian Serbian Croatian Bosnian Slovenian Albanian "
    "Macedonian Lithuanian Latvian Estonian Georgian Armenian Azerbaijani Kazakh Uzbek Australian "
    "Kiwi Creole Patois Yiddish Latin Sanskrit Catalan Basque Galician Maori Samoan Tongan "
    "Fijian Hawaiian Inuit Cherokee Navajo Ojibwe Cree Aboriginal Indigenous Roma Romani "
    "Brit Brits Yank Yanks Americans Europeans Asians Africans Muslim Muslims Islamic Jewish "
    "Jew Jews Christian Christians Catholic Catholics Protestant Anglican Methodist Baptist "
    "Orthodox Hindu Hindus Sikh Sikhs Buddhist Buddhists Jain Bahai Atheist Pagan Quran Koran "
    "Bible Torah Talmud Gita Mosque Church Temple Gurdwara Synagogue"
)
COUNTRIES_AND_REGIONS = _words(
    "Afghanistan Albania Algeria Argentina Armenia Australia Austria Azerbaijan Bahrain "
    "Bangladesh Barbados Belarus Belgium Bolivia Bosnia Botswana Brazil Britain Bulgaria "
    "Cambodia Cameroon Canada Chile China Colombia Congo Croatia Cuba Cyprus Czechia Denmark "
    "Ecuador Egypt England Eritrea Estonia Ethiopia Europe Africa Asia America Americas "
    "Antarctica Oceania Fiji Finland France Gambia Germany Ghana Greece Guatemala Guyana Haiti "
    "Honduras Hungary Iceland Indonesia Iran Iraq Ireland Italy Jamaica Japan Kazakhstan Kenya "
    "Korea Kosovo Kuwait Laos Latvia Lebanon Liberia Libya Lithuania Luxembourg Malawi Malaysia "
    "Mali Malta Mexico Moldova Mongolia Montenegro Morocco Mozambique Myanmar Burma Namibia "
    "Nepal Netherlands Holland Nicaragua Nigeria Norway Oman Pakistan Palestine Panama Paraguay "
    "Peru Philippines Poland Portugal Qatar Romania Russia Rwanda Scotland Senegal Serbia "
    "Singapore Slovakia Slovenia Somalia Spain Lanka Sudan Sweden Switzerland Syria Taiwan "
    "Tanzania Thailand Tibet Togo Trinidad Tobago Tunisia Turkey Türkiye Uganda Ukraine Emirates "
    "Uruguay Uzbekistan Venezuela Vietnam Wales Yemen Zambia Zimbabwe UK USA US UAE India Israel "
    "Jordan Chad Niger Saudi Arabia Gulf Guinea Benin Burundi Djibouti Lesotho Eswatini Swaziland "
    "Mauritius Madagascar Seychelles Maldives Bhutan Brunei Timor Papua Samoa Tonga Vanuatu "
    "Belize Dominica Grenada Bahamas Bermuda Andorra Monaco Liechtenstein Gibraltar Kyrgyzstan "
    "Tajikistan Turkmenistan Angola Gabon Mauritania Comoros Kashmir Kurdistan Catalonia "
    "Bavaria Flanders Wallonia Sicily Sardinia Crete Corsica Scandinavia Balkans Caucasus "
    "Anatolia Levant Sahel Caribbean Hebrides Orkney Shetland Faroe Greenland Antigua Barbuda "
    "Lucia Vincent Kitts Nevis Curacao Aruba Suriname Polynesia Micronesia Melanesia"
)
BRANDS = _words(
    "Google Zoom Teams Microsoft Skype iPhone iPad Mac MacBook Apple Android Samsung Facebook "
    "Instagram WhatsApp Messenger TikTok Snapchat Twitter YouTube Netflix Amazon Alexa Siri "
    "Spotify Uber Lyft Deliveroo Tesco Walmart Starbucks McDonald's Fitbit Headspace Slack "
    "LinkedIn Reddit Tinder Hinge Bumble Grindr Xbox PlayStation Nintendo ChatGPT Outlook Gmail "
    "Hotmail Discord Telegram Pinterest Twitch Roblox Minecraft Fortnite Coke Pepsi Lego Ikea "
    "Primark Nike Adidas Costco Tesla Duolingo Kindle Excel Word PowerPoint Etsy eBay PayPal"
)
RELIGIOUS = _words("God Allah Jesus Christ Lord Buddha Bhagwan Yahweh Jehovah")
ROLE_WORDS = _words(
    "Therapist Client Counsellor Counselor Patient Clinician Trainee Supervisor Interviewer "
    "Interviewee Speaker Participant Moderator Facilitator Name Person Unknown Redacted Inaudible "
    "Crosstalk Laughter Pause Silence"
)
KIN_WORDS = _words(
    "Mum Mom Mummy Mommy Mother Dad Daddy Father Mama Mamma Papa Pa Ma Nan Nana Nanny Gran "
    "Granny Grandma Grandpa Grandad Granddad Grandmother Grandfather Auntie Aunty Aunt Uncle Sis "
    "Bro Babe Bae Baby Honey Darling Sweetheart Love Mate Dude Sir Madam Ma'am Miss Doctor Doc "
    "Nurse Officer Coach Teacher Boss Guys Folks Everybody Everyone"
)

#: Capitalised words that are never reported as names, whatever cue precedes them.
NEVER_NAMES = (
    WEEKDAYS
    | MONTHS
    | HOLIDAYS
    | LANGUAGES_AND_NATIONALITIES
    | COUNTRIES_AND_REGIONS
    | BRANDS
    | RELIGIOUS
    | ROLE_WORDS
)

#: Titles that announce a name ("Dr Okafor"); also never names themselves.
TITLES = _words(
    "Mr Mrs Ms Miss Mx Dr Prof Professor Doctor Sir Dame Lady Lord Rev Revd Reverend Fr Father "
    "Sister Brother Pastor Imam Rabbi Sheikh Auntie Aunty Aunt Uncle Grandma Grandpa Granny Nana "
    "Nani Dadi Cousin Coach Nurse Officer Judge Madam Mister Missus Señor Señora Herr Frau "
    "Mevrouw Meneer Monsieur Madame Mme Mlle Sra Srta Dra Señorita Doña Doktor"
)

#: Abbreviations whose full stop does not end a sentence.
ABBREVIATIONS = _words(
    "Mr Mrs Ms Mx Dr Prof Rev Revd Fr Sr Jr St Mt vs etc e.g i.e approx dept no nr tel ext "
    "Ave Rd Sq Ln Blvd"
)

#: Common English words that are capitalised at the start of a sentence or as interjections; a
#: cue ("Thanks, So ...") followed by one of them is not a name.
COMMON_WORDS = _words(
    "The A An And But Or Nor So Then Than I It It's Its He She We They You This That These "
    "Those There Here What When Where Why How Who Whom Whose Which Yes No Not Yeah Yep Yup Nope "
    "Nah OK Okay Oh Ah Aha Um Umm Uh Uhm Er Erm Hmm Mm Mhm Well Right Sure Maybe Perhaps Really "
    "Actually Just Also Anyway Because If As At In On Of To For With By From About After Before "
    "Like Sorry Thanks Thank Please Hi Hello Hey Bye Goodbye Good Great Fine Nice Cool Wow "
    "Alright All Every Some Any Most Much Many More Less My Your His Her Our Their Me Him Us Them "
    "Is Are Was Were Be Been Being Do Does Did Done Have Has Had Can Could Would Should Will "
    "Shall Might Must Let Lets Today Tomorrow Yesterday Tonight Now Later Soon Never Always "
    "Sometimes Often Still Even Only Very Too Again Someone Something Somebody Nobody Nothing "
    "Anyone Anything None One Two Three Four Five Six Seven Eight Nine Ten First Second Third "
    "Last Next Dear Absolutely Exactly Totally Definitely Certainly Indeed Honestly Basically "
    "Literally Obviously Apparently Hopefully Unfortunately Fortunately Luckily Sadly Anyhow "
    "Besides However Although Though While Whilst Until Unless Since Whether Either Neither Both "
    "Each Such Same Other Another Whatever Whoever Wherever Whenever Morning Afternoon Evening "
    "Night Welcome Cheers Bless Congratulations Listen Look See Say Tell Go Come Get Take Make "
    "Know Think Mean Feel Try Wait Stop Hang Hold Thankyou Please Everything Nothing Mine Yours "
    "Hers Ours Theirs Myself Yourself Himself Herself Ourselves Themselves Street Road Avenue "
    "Lane Drive Court Close Way Place Square Hospital Clinic School University College Centre "
    "Center Surgery Ward Unit Internet Covid COVID Brexit TV PS"
)

#: Name particles that may sit between a given name and a surname ("Aisha bint Khalid").
PARTICLES = (
    "van der",
    "van den",
    "van de",
    "de la",
    "de los",
    "van",
    "von",
    "del",
    "de",
    "da",
    "das",
    "dos",
    "du",
    "di",
    "le",
    "la",
    "al",
    "el",
    "bin",
    "binti",
    "bint",
    "ibn",
    "ben",
    "ter",
    "ten",
)

#: Medicines, by generic and brand name: capitalised in talk ("I've been on Prozac"), never names.
MEDICINES = _words(
    "Sertraline Zoloft Lustral Fluoxetine Prozac Citalopram Cipramil Celexa Escitalopram "
    "Cipralex Lexapro Paroxetine Seroxat Paxil Fluvoxamine Venlafaxine Effexor Efexor "
    "Desvenlafaxine Pristiq Duloxetine Cymbalta Mirtazapine Zispin Remeron Bupropion Wellbutrin "
    "Zyban Trazodone Vortioxetine Trintellix Agomelatine Amitriptyline Nortriptyline Clomipramine "
    "Imipramine Dosulepin Lofepramine Phenelzine Moclobemide Diazepam Valium Lorazepam Ativan "
    "Alprazolam Xanax Clonazepam Klonopin Rivotril Chlordiazepoxide Librium Temazepam Nitrazepam "
    "Oxazepam Zopiclone Zolpidem Ambien Stilnoct Zaleplon Melatonin Circadin Promethazine "
    "Phenergan Hydroxyzine Atarax Propranolol Inderal Pregabalin Lyrica Gabapentin Neurontin "
    "Buspirone Quetiapine Seroquel Olanzapine Zyprexa Risperidone Risperdal Aripiprazole Abilify "
    "Clozapine Clozaril Haloperidol Haldol Chlorpromazine Largactil Lurasidone Latuda "
    "Paliperidone Invega Amisulpride Ziprasidone Lithium Priadel Camcolit Valproate Depakote "
    "Epilim Lamotrigine Lamictal Carbamazepine Tegretol Topiramate Levetiracetam Keppra "
    "Methylphenidate Ritalin Concerta Medikinet Equasym Lisdexamfetamine Elvanse Vyvanse "
    "Dexamfetamine Adderall Atomoxetine Strattera Guanfacine Intuniv Modafinil Methadone "
    "Buprenorphine Subutex Suboxone Espranor Naltrexone Naloxone Narcan Nalmefene Selincro "
    "Acamprosate Campral Disulfiram Antabuse Varenicline Champix Chantix Nicorette Cytisine "
    "Morphine Codeine Tramadol Oxycodone Oxycontin Percocet Vicodin Hydrocodone Fentanyl "
    "Dihydrocodeine Co-codamol Codapane Solpadeine Nurofen Ibuprofen Advil Motrin Naproxen "
    "Aspirin Paracetamol Panadol Acetaminophen Tylenol Diclofenac Voltarol Celecoxib Ketamine "
    "Esketamine Spravato Metformin Insulin Ozempic Wegovy Mounjaro Semaglutide Tirzepatide "
    "Saxenda Levothyroxine Thyroxine Omeprazole Lansoprazole Ranitidine Gaviscon Rennie "
    "Statin Statins Atorvastatin Simvastatin Lipitor Amlodipine Ramipril Lisinopril Bisoprolol "
    "Warfarin Apixaban Eliquis Rivaroxaban Xarelto Clopidogrel Salbutamol Ventolin Seretide "
    "Symbicort Prednisolone Prednisone Hydrocortisone Amoxicillin Penicillin Doxycycline "
    "Antibiotic Antibiotics Loperamide Imodium Immodium Senna Lactulose Movicol Cetirizine "
    "Loratadine Piriton Benadryl Sudafed Lemsip Beechams Viagra Cialis Sildenafil Tadalafil "
    "Microgynon Cerazette Depo-Provera Nexplanon Mirena Truvada PrEP Adcal Folic "
    "Vitamin Vitamins Spice Mamba Fentanyl MDMA Ecstasy Ketamine Valium Diazepam "
    "Pregabs Gabbies Xannies Benzos Benzo Oxy Oxys Percs Roxy Lean Codeine"
)

#: Places a person name might be mistaken for (cities, regions, districts, football clubs): not
#: taken for a name without a cue ("my daughter Chelsea"), though a given name in the list is.
PLACES = _words(
    "London Manchester Birmingham Liverpool Leeds Sheffield Bristol Newcastle Nottingham "
    "Leicester Coventry Bradford Sunderland Wolverhampton Plymouth Southampton Portsmouth "
    "Brighton Hove Reading Derby Swindon Oxford Cambridge Norwich Ipswich Exeter Bath York Hull "
    "Middlesbrough Stoke Preston Blackpool Blackburn Bolton Wigan Stockport Oldham Rochdale "
    "Salford Huddersfield Wakefield Doncaster Rotherham Barnsley Lincoln Peterborough Luton "
    "Watford Slough Croydon Bromley Harrow Ealing Camden Islington Hackney Lambeth Southwark "
    "Lewisham Greenwich Brixton Peckham Tottenham Walthamstow Stratford Wembley Hammersmith "
    "Fulham Chelsea Kensington Westminster Soho Shoreditch Clapham Battersea Wimbledon Hampstead "
    "Arsenal Everton Villa Spurs Celtic Rangers Glasgow Edinburgh Aberdeen Dundee Inverness "
    "Stirling Cardiff Swansea Newport Wrexham Belfast Derry Dublin Cork Galway Limerick Kent "
    "Essex Surrey Sussex Devon Cornwall Dorset Somerset Yorkshire Lancashire Cheshire Cumbria "
    "Norfolk Suffolk Hampshire Berkshire Wiltshire Gloucestershire Oxfordshire Midlands "
    "Merseyside Tyneside Teesside Northumberland Durham Lothian Fife Highlands Ulster Leinster "
    "Munster Connacht Snowdonia Cotswolds Heathrow Gatwick Stansted "
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Hawaii "
    "Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts "
    "Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Hampshire Jersey Mexico "
    "Carolina Ohio Oklahoma Oregon Pennsylvania Rhode Tennessee Texas Utah Vermont Virginia "
    "Washington Wisconsin Wyoming Manhattan Brooklyn Queens Bronx Harlem Chicago Boston "
    "Philadelphia Detroit Cleveland Pittsburgh Baltimore Atlanta Miami Orlando Tampa Houston "
    "Dallas Austin Antonio Phoenix Tucson Denver Seattle Portland Francisco Angeles Diego Vegas "
    "Sacramento Oakland Minneapolis Milwaukee Omaha Memphis Nashville Louisville Cincinnati "
    "Columbus Indianapolis Charlotte Raleigh Richmond Albuquerque Honolulu Anchorage Buffalo "
    "Toronto Montreal Vancouver Calgary Edmonton Ottawa Winnipeg Quebec Ontario Alberta Manitoba "
    "Saskatchewan Halifax Victoria Sydney Melbourne Brisbane Perth Adelaide Canberra Hobart "
    "Darwin Tasmania Queensland Auckland Wellington Christchurch Hamilton Dunedin Tauranga "
    "Paris Lyon Marseille Toulouse Nice Bordeaux Berlin Hamburg Munich Cologne Frankfurt "
    "Stuttgart Dusseldorf Leipzig Dresden Amsterdam Rotterdam Utrecht Hague Eindhoven Groningen "
    "Brussels Antwerp Ghent Madrid Barcelona Valencia Seville Malaga Bilbao Lisbon Porto Rome "
    "Milan Naples Turin Florence Venice Bologna Vienna Zurich Geneva Basel Bern Prague Warsaw "
    "Krakow Gdansk Wroclaw Budapest Bucharest Sofia Athens Istanbul Ankara Izmir Moscow "
    "Petersburg Kyiv Kiev Kharkiv Lviv Odesa Minsk Vilnius Riga Tallinn Helsinki Stockholm Oslo "
    "Copenhagen Reykjavik Belgrade Zagreb Sarajevo Tirana Skopje Ljubljana Bratislava "
    "Lagos Abuja Ibadan Kano Accra Kumasi Nairobi Mombasa Kisumu Kampala Kigali Dar Salaam "
    "Addis Ababa Mogadishu Hargeisa Khartoum Cairo Alexandria Casablanca Rabat Marrakech Tunis "
    "Algiers Tripoli Dakar Freetown Monrovia Abidjan Kinshasa Luanda Lusaka Harare Bulawayo "
    "Johannesburg Joburg Soweto Pretoria Durban Cape Gaborone Windhoek Maputo Lilongwe "
    "Dubai Abu Dhabi Doha Riyadh Jeddah Mecca Makkah Medina Kuwait Muscat Manama Baghdad Basra "
    "Mosul Erbil Damascus Aleppo Homs Beirut Amman Jerusalem Tel Aviv Gaza Tehran Mashhad "
    "Isfahan Shiraz Tabriz Kabul Kandahar Herat Karachi Lahore Islamabad Rawalpindi Peshawar "
    "Faisalabad Multan Quetta Mirpur Sylhet Dhaka Chittagong Delhi Mumbai Bombay Kolkata "
    "Calcutta Chennai Madras Bangalore Bengaluru Hyderabad Ahmedabad Pune Jaipur Lucknow "
    "Kanpur Amritsar Chandigarh Ludhiana Kerala Goa Gujarat Punjab Bengal Tamil Nadu Kathmandu "
    "Colombo Kandy Jaffna Male Beijing Shanghai Guangzhou Shenzhen Wuhan Chengdu Hong Kong "
    "Macau Taipei Tokyo Osaka Kyoto Yokohama Seoul Busan Pyongyang Hanoi Saigon Bangkok Phuket "
    "Manila Cebu Davao Jakarta Bali Surabaya Kuala Lumpur Penang Yangon Rangoon Mandalay "
    "Phnom Penh Vientiane Ulaanbaatar Almaty Tashkent Bishkek Tbilisi Yerevan Baku "
    "Havana Kingston Montego Bridgetown Nassau Bogota Medellin Cali Lima Quito Caracas Santiago "
    "Valparaiso Buenos Aires Montevideo Asuncion Sao Paulo Rio Brasilia Salvador Recife "
    "Guadalajara Monterrey Tijuana Cancun Juarez Oaxaca Panama Managua Tegucigalpa Guatemala "
    "Everest Kilimanjaro Sahara Himalayas Alps Andes Amazon Nile Thames Severn Mersey Tyne "
    "Hudson Mississippi Danube Rhine Ganges Yangtze Pacific Atlantic Mediterranean Caribbean "
    "Balkans Scandinavia Siberia Patagonia Hollywood Broadway Disneyland Disney Vatican "
    "Glastonbury Wimbledon Anfield Wembley Twickenham Lourdes Mecca Medina Bethlehem Nazareth"
)

#: Words of address and blessing from many languages, capitalised in talk ("Inshallah", "my Nonna"):
#: not English words, but not taken for names without a cue.
ADDRESS_AND_BLESSING = _words(
    "Inshallah InshaAllah Insha'Allah Mashallah MashaAllah Alhamdulillah Subhanallah Bismillah "
    "Wallahi Wallah Habibi Habibti Yalla Yallah Salaam Salam Assalamualaikum Shalom Mazel Tov "
    "Namaste Namaskar Vanakkam Waheguru Ji Bhai Bhaiya Didi Beta Bibi Abba Ammi Ammu Abbu Baba "
    "Mami Papi Abuela Abuelo Abuelita Abuelito Tia Tio Mija Mijo Oma Opa Babcia Dziadek Bubbe "
    "Zayde Bubby Halmeoni Harabeoji Umma Appa Eomma Oppa Unni Noona Hyung Obaachan Ojiichan "
    "Nonna Nonno Yiayia Pappou Mzee Babu Dada Nani Dadi Chacha Chachi Mamu Mami Khala Phupho "
    "Tante Onkel Tata Tatay Nanay Inay Kuya Ate Lolo Tito Tita Whanau Whānau Kaumatua Kuia Koro "
    "Aiga Tutu Haole Bro Bruv Cuz Fam Innit Ciao Merci Danke Gracias Hola Adios Bonjour Oui Si"
)

#: Words put before a place named after a person: "St Mary's", "San Diego", "Lake Victoria".
PLACE_PREFIXES = _words(
    "St St. Saint Ste Ste. San Santa Santo São Sao Sankt Fort Port Mount Mt Mt. Lake Cape Loch "
    "Glen Ben Isle Kings Queens Royal"
)

#: More brands, shops, chains, teams and organisations that are capitalised in talk.
MORE_BRANDS = _words(
    "Sainsbury Sainsbury's Asda Morrisons Waitrose Aldi Lidl Iceland Boots Superdrug Argos "
    "Currys Greggs Nando's Nandos Wetherspoons Spoons Costa Pret Subway Domino's Dominos KFC "
    "Wendy's Applebee's Applebee Chipotle Walgreens Kroger Safeway "
    "Publix Wegmans Dunkin Hortons Uber Bolt Lyft Ocado Deliveroo JustEat Gumtree "
    "Vinted Depop Shein Zara Asos ASOS Boohoo Topshop Next Selfridges Harrods Debenhams "
    "Poundland Wilko Halfords Screwfix Wickes Homebase Dunelm Ryanair EasyJet Jet2 Vodafone "
    "Verizon Comcast Xfinity Sky BT Virgin Barclays Lloyds Halifax Santander Natwest Monzo "
    "Revolut Nationwide Klarna Venmo Zelle Cashapp Tinder OnlyFans Hulu Disney Peloton Strava "
    "Samaritans Rethink Barnardo's Oxfam Macmillan Alanon Nar-Anon "
    "Heineken Budweiser Bud Carlsberg Guinness Strongbow Smirnoff Bacardi Baileys "
    "Jägermeister Jager Jameson Bourbon Tequila Prosecco Corona Fosters Carling Peroni Coors "
    "Kronenbourg Magners Thatchers Glenfiddich Hennessy Absolut Malibu Pimm's Pimms Lucozade "
    "Monster Rockstar Tango Fanta Sprite Irn-Bru Ribena Nesquik Nescafe Cadbury "
    "Haribo Walkers Doritos Pringles Kellogg's Heinz Marmite Weetabix Nutella Oreo Snickers "
    "Ozempic Juul Elf Vuse Marlboro Rizla Playstation Steam Valorant "
    "Warzone Pokemon Pokémon Sonic Tetris Wordle Kahoot Canva Zoom "
    "Airbnb Booking Expedia Trustpilot Rightmove Zoopla Indeed Glassdoor Ofsted DWP HMRC "
    "Medicare Medicaid Obamacare Centrelink McDonald McDonalds Kia Hyundai Toyota Honda Nissan "
    "Mazda Subaru Mitsubishi Volkswagen VW Audi BMW Porsche Lexus Vauxhall Peugeot "
    "Renault Citroen Citroën Fiat Skoda Škoda Volvo Chevy Chevrolet Dodge Jeep Chrysler Buick "
    "Cadillac Harley Yamaha Kawasaki Ducati Lamborghini Maserati Prius Corolla Civic"
)

#: Well-known phrases that hold a given name but name no person (brands, drinks, songs, fiction,
#: places, seasonal figures); a candidate inside one of these is not reported.
NOT_PERSON_PHRASES = tuple(
    phrase.strip()
    for phrase in """
Jack Daniel's | Jack Daniels | Jack Daniel | Jim Beam | Johnnie Walker | Captain Morgan
Jose Cuervo | Dr Pepper | Dr. Pepper | Dr Martens | Doc Martens | Dr Oetker | Dr Who
Doctor Who | Dr Google | Dr. Google | Ben & Jerry's | Ben and Jerry's | Marks and Spencer
Marks & Spencer | Marks and Sparks | Tim Hortons | Tim Horton's | Wendy's | Uncle Ben's
Aunt Jemima | Betty Crocker | Sara Lee | Little Debbie | Papa John's | Papa Johns
Chuck E. Cheese | Mr Kipling | Mr Muscle | Mr Sheen | Mr Bean | Mr Men | Mr Blobby
Mr Motivator | Mrs Brown's Boys | Mrs Doubtfire | Harry Potter | Peter Pan | Peter Rabbit
Winnie the Pooh | Paddington | Thomas the Tank Engine | Bob the Builder | Peppa Pig
Postman Pat | Fireman Sam | Sherlock Holmes | James Bond | Mickey Mouse | Minnie Mouse
Donald Duck | Tom and Jerry | Scooby Doo | Charlie Brown | Lord of the Rings
Father Christmas | Santa Claus | Saint Nick | Jack Frost | Mother Nature | Lady Luck
Grim Reaper | Amazing Grace | Ave Maria | Hey Jude | Danny Boy | Sweet Caroline | Jolene
Bloody Mary | Typhoid Mary | Tom Collins | Earl Grey | Big Ben | Billy Elliot | Forrest Gump
Jerry Springer | Dear John | John Doe | Jane Doe | Joe Bloggs | Joe Public | Average Joe
Peeping Tom | Tom, Dick and Harry | Johnny-come-lately | Charley horse | Jack Russell
Saint Bernard | St Bernard | Victoria Station | Victoria Line | Elizabeth Line
Victoria Sponge | Albert Hall | Albert Dock | Mary Rose | Queen Mary | Queen Elizabeth
King George | Prince Albert | Johns Hopkins | Mayo Clinic | Sloan Kettering | Phillip Island
Alice Springs | Ivy League | Mary Poppins | Julius Caesar | Romeo and Juliet | Hamlet
Good Samaritan | Samaritans | Tai Chi | Virgin Mary | Alzheimer's | Alzheimers | Parkinson's
Parkinsons | Crohn's | Crohns | Asperger's | Aspergers | Asperger | Tourette's | Tourettes
Huntington's | Hodgkin's | Addison's | Cushing's | Graves' disease | Hashimoto's
Bell's palsy | Raynaud's | Lyme disease | Epstein-Barr | Guillain-Barré | Guillain-Barre
Ménière's | Meniere's | Sjögren's | Munchausen | Stockholm syndrome | Korsakoff's
Korsakoff | Ehlers-Danlos | Tay-Sachs | Down's syndrome | Down syndrome | Turner syndrome
Williams syndrome | Prader-Willi | Marfan | Rett syndrome | Myers-Briggs | Rorschach
Holy Mary | Hail Mary | Mother Mary | Mother Teresa
""".replace("\n", " | ").split(" | ")
    if phrase.strip()
)
