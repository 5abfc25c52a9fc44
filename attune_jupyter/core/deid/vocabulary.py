"""Word lists for the name screen: given names, and capitalised words that are never names.

The given names live in ``attune_jupyter/core/data/given_names.txt`` (read once with
:mod:`importlib.resources`); the other lists are small enough to read here. All are lower-cased
(``str.casefold``) for lookup.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


def split_words(text: str) -> frozenset[str]:
    """The white-space separated words of ``text``, as written."""
    return frozenset(text.split())


def _words(text: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in text.split())


@cache
def given_names() -> frozenset[str]:
    """The built-in given names, case-folded."""
    text = resources.files("attune_jupyter.core").joinpath("data", "given_names.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return _words(" ".join(line.split("#", 1)[0] for line in lines))


WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTHS = _words(
    "January February March April May June July August September October November December "
    "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec"
)
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
    "Uruguay Uzbekistan Venezuela Vietnam Wales Yemen Zambia Zimbabwe UK USA US UAE"
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
    "Mevrouw Meneer Monsieur Madame"
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
