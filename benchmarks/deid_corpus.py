"""A seeded synthetic set of therapy dialogues with planted identifiers, for bench_deid.py.

Every identifier is made up here (random digits, names from the lists below, which were written
independently of the screen's own given-name list) and its span is recorded as ground truth. Clean
dialogues hold no identifier but the usual traps of talk: weekdays, months, holidays, countries,
languages, brands, drug names, God, capitalised sentence openers that are also names ("Will",
"Hope"), counts, times and years on their own.

    >>> corpus = generate(seed=7, planted_dialogues=10, clean_dialogues=5)
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

# ------------------------------------------------------------------------------------ names


def _words(text: str) -> list[str]:
    """The words of ``text``; an underscore stands for a space within one (``van_der_Berg``)."""
    return [word.replace("_", " ") for word in text.split()]


#: Given names from many cultures (West, East and Southern Africa, the Arab world, Iran, Turkey,
#: South, East and South-East Asia, Latin America, Europe, the Pacific, North America), a few of
#: them also ordinary words (Hope, Dawn, Joy).
GIVEN_NAMES = _words(
    """
Chinedu Ngozi Oluwaseun Adaeze Kwabena Akosua Yaw Efua Folake Tunde Chiamaka Emeka Abiodun Ifeoma
Wanjiru Kamau Achieng Otieno Tesfaye Meron Abebe Hodan Thandiwe Sipho Lerato Nomvula Tendai
Layla Omar Yousef Fatima Khalid Rania Tariq Noor Samir Huda Dariush Shirin Parisa Kian Roya
Emre Elif Mehmet Zeynep Burak Arjun Ananya Rohan Lakshmi Sanjay Deepika Harpreet Gurpreet Ravi
Kavya Imran Nusrat Farhan Shreya Vikram Tanvir Wei Xiaoling Jun Mei Hiroshi Yuki Haruto Sakura
Minjun Jiwoo Seojun Hana Takeshi Linh Thao Minh Somchai Malai Rizal Putri Dewi Bayani Maricel
Alejandro Lucía Mateo Valentina Santiago Camila Joaquín Ximena Rodrigo Guadalupe João Thiago
Beatriz Gonçalo Raquel Siobhan Niamh Ciarán Eoin Aoife Sven Astrid Björn Freya Ingrid Katarzyna
Wojciech Agnieszka Piotr Dmitri Oksana Natalia Yuri Giulia Lorenzo Francesca Margot Étienne
Amélie Benoît Jürgen Anneliese Maarten Sanne Joost Femke Eleni Giorgos Oliver Charlotte Harry
Emily Megan Dylan Bethany Trevor Shirley Darnell Keisha Tyrone Latoya DeShawn Jaylen Brianna
Yael Avraham Moshe Rivka Eitan Aroha Tane Mele Sione Hope Dawn Joy Jean-Luc Anne-Sophie
"""
)

SURNAMES = _words(
    """
Okafor Adeyemi Mensah Boateng Owusu Nwosu Abubakar Kamara Diallo Traoré Mwangi Ochieng Haile
Tesfamariam Dlamini Ndlovu Khumalo Mahlangu Al-Sayed Haddad Mansour Rahimi Hosseini Yilmaz Demir
Sharma Patel Singh Iyer Reddy Chowdhury Rahman Hussain Malik Qureshi Gill Sandhu Wang Zhang Chen
Liu Tanaka Suzuki Watanabe Kim Park Choi Nguyen Tran Pham Santos Reyes Wijaya Suryadi García
Hernández López Rodríguez Fernández Oliveira Pereira Souza O'Brien McCarthy Murphy Kowalski
Nowak Wiśniewska Ivanova Petrov Shevchenko Rossi Bianchi Esposito Dubois Lefèvre Moreau Müller
Schmidt Schneider Jansen Bakker Papadopoulos Nikolaidis Johansson Lindqvist Hansen Smith Jones
Williams Brown Taylor Thompson Jackson Cohen Levi Friedman Tupou Ngata Fonoti Begay Yazzie
van_der_Berg de_Vries Dela_Cruz
"""
)

RELATIVES = _words(
    "sister brother son daughter husband wife partner mum dad boss friend cousin grandson "
    "granddaughter nan neighbour girlfriend boyfriend stepdad manager"
)
TITLES = ("Dr", "Dr.", "Mrs", "Mr", "Ms", "Prof")

# ----------------------------------------------------------------------------- trap vocabulary

WEEKDAYS = _words("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
MONTHS = _words(
    "January February March April May June July August September October November December"
)
HOLIDAYS = _words("Christmas Easter Eid Diwali Ramadan Thanksgiving Hanukkah Halloween Passover")
COUNTRIES = _words(
    "Nigeria Poland India Jamaica Pakistan Spain Ireland Ghana Brazil Vietnam Turkey Germany Kenya "
    "Portugal Syria Canada Australia Somalia"
)
LANGUAGES = _words("Polish Urdu Arabic Spanish Portuguese Yoruba Punjabi Mandarin Turkish Somali")
BRANDS = _words(
    "Netflix Instagram WhatsApp Facebook TikTok Amazon Tesco Uber Spotify Zoom Starbucks "
    "YouTube Snapchat Deliveroo"
)
DRUGS = _words("Sertraline Prozac Xanax Diazepam Citalopram Zopiclone Lithium Methadone")
OPENERS = (
    "Will", "Hope", "May", "Grace", "Faith", "Rose", "Mark", "Bill", "Frank", "Sue", "Amber",
    "Summer", "Sky", "Jack", "Pat",
)  # fmt: skip

# --------------------------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Planted:
    """One planted identifier: ``turn`` indexes the dialogue's turns, ``end`` is exclusive."""

    turn: int
    start: int
    end: int
    category: str
    form: str  # what kind of value, e.g. "FR +33 mobile"
    context: str  # which sentence frame, e.g. "cue: my number is"


@dataclass
class Dialogue:
    id: str
    clean: bool
    turns: list[tuple[str, str]] = field(default_factory=list)  # (role, text)
    planted: list[Planted] = field(default_factory=list)
    hard: set[int] = field(default_factory=set)  # clean turns made from the harder traps
    variant: bool = False  # from generate_variants (further shapes, their own random stream)


Value = tuple[str, int, int, str]  # text, span start, span end (within text), form


def _d(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def _luhn_complete(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + _d(rng, length - len(prefix) - 1)
    for check in "0123456789":
        digits = [int(c) for c in body + check]
        total = sum(d if i % 2 == 0 else (d * 2 - 9 if d > 4 else d * 2)
                    for i, d in enumerate(reversed(digits)))  # fmt: skip
        if total % 10 == 0:
            return body + check
    raise AssertionError


def _whole(text: str, form: str) -> Value:
    return text, 0, len(text), form


# -- names


def _given(rng: random.Random) -> Value:
    return _whole(rng.choice(GIVEN_NAMES), "given name")


def _full(rng: random.Random) -> Value:
    return _whole(f"{rng.choice(GIVEN_NAMES)} {rng.choice(SURNAMES)}", "given + surname")


def _title_surname(rng: random.Random) -> Value:
    title, surname = rng.choice(TITLES), rng.choice(SURNAMES)
    return f"{title} {surname}", len(title) + 1, len(title) + 1 + len(surname), "title + surname"


def _title_full(rng: random.Random) -> Value:
    title, name = rng.choice(TITLES), f"{rng.choice(GIVEN_NAMES)} {rng.choice(SURNAMES)}"
    return f"{title} {name}", len(title) + 1, len(title) + 1 + len(name), "title + full name"


def _relative_name(rng: random.Random) -> Value:
    relative, name = rng.choice(RELATIVES), rng.choice(GIVEN_NAMES)
    return f"my {relative} {name}", 4 + len(relative), 4 + len(relative) + len(name), "relative"


def _relative_comma(rng: random.Random) -> Value:
    relative, name = rng.choice(RELATIVES), rng.choice(GIVEN_NAMES)
    start = 5 + len(relative)
    return f"my {relative}, {name},", start, start + len(name), "relative, name,"


# -- phones


def _phone(rng: random.Random) -> Value:
    d = lambda n: _d(rng, n)  # noqa: E731
    nz = lambda: rng.choice("23456789")  # noqa: E731
    formats: list[tuple[str, str]] = [
        ("UK mobile", f"07{d(3)} {d(6)}"),
        ("UK landline", f"020 {nz()}{d(3)} {d(4)}"),
        ("UK +44", f"+44 7{d(3)} {d(6)}"),
        ("UK +44 (0)", f"+44 (0)20 {nz()}{d(3)} {d(4)}"),
        ("US (xxx)", f"({nz()}{d(2)}) {nz()}{d(2)}-{d(4)}"),
        ("US dashes", f"{nz()}{d(2)}-{nz()}{d(2)}-{d(4)}"),
        ("US dots", f"{nz()}{d(2)}.{nz()}{d(2)}.{d(4)}"),
        ("US +1", f"+1 {nz()}{d(2)} {nz()}{d(2)} {d(4)}"),
        ("US 1-800", f"1-800-{nz()}{d(2)}-{d(4)}"),
        ("NL mobile", f"06 {d(8)}"),
        ("NL mobile dash", f"06-{d(8)}"),
        ("NL +31", f"+31 6 {d(8)}"),
        ("NL landline", f"020-{nz()}{d(6)}"),
        ("IN +91", f"+91 9{d(4)} {d(5)}"),
        ("IN mobile", f"9{d(4)} {d(5)}"),
        ("DE landline", f"030 {nz()}{d(7)}"),
        ("DE +49", f"+49 30 {nz()}{d(7)}"),
        ("DE mobile", f"0151 {d(8)}"),
        ("FR pairs", f"06 {d(2)} {d(2)} {d(2)} {d(2)}"),
        ("FR +33", f"+33 6 {d(2)} {d(2)} {d(2)} {d(2)}"),
        ("FR dots", f"06.{d(2)}.{d(2)}.{d(2)}.{d(2)}"),
        ("AU mobile", f"04{d(2)} {d(3)} {d(3)}"),
        ("AU +61", f"+61 4{d(2)} {d(3)} {d(3)}"),
        ("AU (02)", f"(02) {nz()}{d(3)} {d(4)}"),
        ("NG +234", f"+234 80{d(1)} {d(3)} {d(4)}"),
        ("JP +81", f"+81 90-{d(4)}-{d(4)}"),
        ("BR +55", f"+55 11 9{d(4)}-{d(4)}"),
        ("IE +353", f"+353 87 {d(3)} {d(4)}"),
    ]
    form, text = rng.choice(formats)
    return _whole(text, form)


# -- net


def _email(rng: random.Random) -> Value:
    first = rng.choice(GIVEN_NAMES).casefold().replace("-", "")
    first = first.encode("ascii", "ignore").decode() or "sam"
    last = rng.choice(SURNAMES).casefold().replace(" ", "").replace("'", "")
    last = last.encode("ascii", "ignore").decode() or "lee"
    domain = rng.choice(
        ["gmail.com", "outlook.com", "yahoo.co.uk", "web.de", "hotmail.fr", "proton.me",
         "nhs.net", "uni-leiden.nl", "company.com.au", "mail.ru"]
    )  # fmt: skip
    local, form = rng.choice(
        [
            (f"{first}.{last}", "first.last"),
            (f"{first}_{last}{rng.randint(1, 99)}", "first_last99"),
            (f"{first[0]}{last}", "flast"),
            (f"{first}+therapy", "plus tag"),
            (f"{last}{rng.randint(1960, 2005)}", "last+year"),
        ]
    )
    return _whole(f"{local}@{domain}", form)


def _url(rng: random.Random) -> Value:
    word = rng.choice(["sunrise", "bluebird", "oakfield", "mindful", "recovery", "studio"])
    other = rng.choice(["coaching", "designs", "bakery", "garage", "yoga", "photos"])
    handle = rng.choice(GIVEN_NAMES).casefold().encode("ascii", "ignore").decode() + _d(rng, 2)
    form, text = rng.choice(
        [
            ("www.", f"www.{word}{other}.com"),
            ("https path", f"https://{word}-{other}.org/about"),
            ("bare .co.uk", f"{word}{other}.co.uk"),
            ("social profile", f"instagram.com/{handle}"),
            ("http www", f"http://www.{word}{other}.net/blog/{handle}"),
            ("linkedin", f"linkedin.com/in/{handle}"),
        ]
    )
    return _whole(text, form)


def _ip(rng: random.Random) -> Value:
    if rng.random() < 0.15:
        groups = ":".join(f"{rng.randint(0, 65535):x}" for _ in range(4))
        return _whole(f"2001:db8::{groups}", "IPv6")
    return _whole(".".join(str(rng.randint(1, 254)) for _ in range(4)), "IPv4")


# -- national ids and records


def _national_id(rng: random.Random, kind: int) -> Value:
    if kind == 0:
        area = rng.choice([n for n in range(1, 900) if n != 666])
        sep = rng.choice("- ")
        text = f"{area:03d}{sep}{rng.randint(1, 99):02d}{sep}{rng.randint(1, 9999):04d}"
        return _whole(text, "US SSN")
    if kind == 1:
        while True:
            body = _d(rng, 9)
            check = 11 - sum(int(c) * (10 - i) for i, c in enumerate(body)) % 11
            check = 0 if check == 11 else check
            if check != 10:
                break
        digits = body + str(check)
        return _whole(f"{digits[:3]} {digits[3:6]} {digits[6:]}", "UK NHS number")
    if kind == 2:
        first, second = "B", "G"
        while first + second in ("BG", "GB", "NK", "KN", "TN", "NT", "ZZ"):  # never issued
            first = rng.choice("ABCEGHJKLMNOPRSTWXYZ")
            second = rng.choice("ABCEGHJKLMNPRSTWXYZ")
        digits = _d(rng, 6)
        text = f"{first}{second} {digits[:2]} {digits[2:4]} {digits[4:]} {rng.choice('ABCD')}"
        return _whole(text, "UK NI number")
    if kind == 3:
        digits = _luhn_complete(rng, rng.choice("1234567"), 9)
        return _whole(f"{digits[:3]} {digits[3:6]} {digits[6:]}", "CA SIN")
    if kind == 4:
        return _whole(f"{rng.randint(2, 9)}{_d(rng, 3)} {_d(rng, 4)} {_d(rng, 4)}", "IN Aadhaar")
    if kind == 5:
        return _whole(_d(rng, 9), "passport / BSN digits")
    return _whole(f"{rng.choice('ABCDEFGHJKLMNPRSTXYZ')}{_d(rng, 8)}", "letter + 8 digits")


def _record(rng: random.Random) -> Value:
    kind = rng.randrange(7)
    if kind == 0:
        return _whole(_d(rng, 7), "7 digits")
    if kind == 1:
        return _whole(f"{rng.randint(1, 9)}{_d(rng, 7)}", "8 digits")
    if kind == 2:
        return _whole(f"{rng.choice(['AB', 'KX', 'PL', 'HC'])}-{_d(rng, 6)}", "AA-999999")
    if kind == 3:
        return _whole(f"{rng.choice(['XK', 'Q', 'RT'])}{_d(rng, 5)}", "letters+digits")
    if kind == 4:
        return _whole(f"{rng.randint(2015, 2024)}-{_d(rng, 5)}", "year-serial")
    if kind == 5:
        return _whole(f"{_d(rng, 3)} {_d(rng, 3)} {_d(rng, 3)}", "999 999 999")
    return _whole(f"CLM {_d(rng, 6)}", "CLM 999999")


def _card(rng: random.Random) -> Value:
    if rng.random() < 0.5:
        digits = _luhn_complete(rng, "4", 16)
        sep = rng.choice(" -")
        return _whole(sep.join(digits[i : i + 4] for i in range(0, 16, 4)), "card (Luhn)")
    bban = "WEST" + _d(rng, 14)
    number = int("".join(str(int(c, 36)) for c in bban + "GB00"))
    iban = f"GB{98 - number % 97:02d}{bban}"
    return _whole(" ".join(iban[i : i + 4] for i in range(0, len(iban), 4)), "IBAN")


# -- addresses, postcodes

_STREET_WORDS = _words(
    "Oak Willow Station Church Mill Victoria Kingsley Park High Green Maple Cedar Jubilee Albert "
    "Elm Birch Spring Chapel Main Pine Sunset Riverside Orchard Meadow Queen's Hill"
)
_STREET_TYPES = "Street Road Lane Avenue Close Drive Way Crescent St Rd Ave Court Gardens Terrace"


def _street(rng: random.Random) -> Value:
    name, kind = rng.choice(_STREET_WORDS), rng.choice(_STREET_TYPES.split())
    number = rng.randint(1, 240)
    forms = [
        ("number + street", f"{number} {name} {kind}"),
        ("number + two words", f"{number} {name} {rng.choice(['Park', 'Hill', 'Green'])} {kind}"),
        ("flat, number + street", f"Flat {rng.randint(1, 20)}, {number} {name} {kind}"),
        ("number + letter", f"{number}{rng.choice('ABC')} {name} {kind}"),
        ("US apt", f"{rng.randint(100, 9999)} {name} {kind}, Apt {rng.randint(1, 30)}"),
        ("DE -straße", f"{rng.choice(['Haupt', 'Linden', 'Garten', 'Bahnhof'])}straße {number}"),
        ("DE two words", f"Berliner Straße {number}{rng.choice(['', 'a'])}"),
        (
            "NL -straat/-gracht",
            f"{rng.choice(['Kerkstraat', 'Keizersgracht', 'Dorpsweg'])} {number}",
        ),
        ("FR rue", f"{number} rue {rng.choice(['Victor Hugo', 'de la Paix', 'Pasteur'])}"),
        ("ES calle", f"Calle {rng.choice(['Mayor', 'Real', 'Sol'])} {number}"),
        ("PO box", f"P.O. Box {rng.randint(10, 9999)}"),
    ]
    weights = [6, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1]
    form, text = rng.choices(forms, weights)[0]
    return _whole(text, form)


def _postcode_text(rng: random.Random) -> tuple[str, str]:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    kind = rng.randrange(6)
    if kind == 0:
        area = rng.choice(["SW1A", "E1", "N7", "M1", "B15", "LS6", "EH8", "G12", "CF10", "BS3"])
        return "UK", f"{area} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    if kind == 1:
        return "US ZIP", f"{rng.randint(10000, 99950)}"
    if kind == 2:
        return "US ZIP+4", f"{rng.randint(10000, 99950)}-{_d(rng, 4)}"
    if kind == 3:
        first, rest = "ABCEGHJKLMNPRSTVXY", "ABCEGHJKLMNPRSTVWXYZ"
        text = f"{rng.choice(first)}{rng.randint(0, 9)}{rng.choice(rest)} "
        return "CA", text + f"{rng.randint(0, 9)}{rng.choice(rest)}{rng.randint(0, 9)}"
    if kind == 4:
        pair = rng.choice(["AB", "LK", "KX", "JT", "MN", "PR", "EG", "CW"])
        return "NL", f"{rng.randint(1000, 9999)} {pair}"
    return "DE", f"{rng.randint(10000, 99999)}"


# -- dates and ages


def _date(rng: random.Random) -> Value:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(1950, 2024)
    name = MONTHS[month - 1]
    suffix = {1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}.get(day, "th")
    ordinals = ["first", "second", "third", "fourth", "fifth", "sixth", "tenth", "twelfth",
                "fifteenth", "twentieth", "twenty-first", "twenty-third"]  # fmt: skip
    forms = [
        ("d Month yyyy", f"{day} {name} {year}"),
        ("Month dth", f"{name} {day}{suffix}"),
        ("Month d, yyyy", f"{name} {day}, {year}"),
        ("the dth of Month", f"the {day}{suffix} of {name}"),
        ("dd/mm/yyyy", f"{day:02d}/{month:02d}/{year}"),
        ("d.m.yyyy", f"{day}.{month}.{year}"),
        ("yyyy-mm-dd", f"{year}-{month:02d}-{day:02d}"),
        ("m/d/yy", f"{month}/{day}/{year % 100:02d}"),
        ("Weekday the dth", f"{rng.choice(WEEKDAYS)} the {day}{suffix}"),
        ("Month yyyy", f"{name} {year}"),
        ("the ordinal of Month", f"the {rng.choice(ordinals)} of {name}"),
        ("d Mon", f"{day} {name[:3]}"),
    ]
    form, text = rng.choice(forms)
    return _whole(text, form)


def _age(rng: random.Random) -> Value:
    age = rng.randint(90, 109)
    words = ["ninety", "ninety-one", "ninety-two", "ninety-three", "ninety-five", "ninety-eight"]
    forms = [
        ("N years old", f"{age} years old", 0, len(str(age))),
        ("N-year-old", f"{age}-year-old", 0, len(str(age))),
        ("ninety-x years old", f"{(w := rng.choice(words))} years old", 0, len(w)),
        ("Nth birthday", f"{age}th birthday", 0, len(str(age)) + 2),
        ("bare N after cue", f"{age}", 0, len(str(age))),
    ]
    form, text, start, end = rng.choice(forms)
    return text, start, end, form


# ------------------------------------------------------------------------------ sentence frames

# Each frame: (context label, role, template). A slot {kind} names a maker in _MAKERS (planted,
# its span is ground truth) or a filler in _FILLERS (not an identifier).
_PLANTED_FRAMES: dict[str, list[tuple[str, str, str]]] = {
    "person_name": [
        ("relative cue", "client", "I think {relative} is the only one who really listens."),
        ("relative cue", "client", "It started when {relative} moved out in {month}."),
        ("relative, name,", "client", "I told {relative_comma} that I was coming here today."),
        ("title + surname", "client", "{title_surname} said I should try cutting down."),
        ("title + surname", "client", "I've got an appointment with {title_surname} on {weekday}."),
        ("title + full name", "client", "The letter was from {title_full} at the clinic."),
        ("self-introduction", "client", "My name is {given}, and I'm here because of my drinking."),
        ("self-introduction", "therapist", "Hi, I'm {given}, I'll be working with you today."),
        ("self-introduction", "client", "Everyone calls me {given}."),
        ("direct address", "therapist", "How did that feel, {given}?"),
        ("direct address", "therapist", "Thanks, {given}. That took courage to say."),
        ("direct address", "therapist", "Okay {given}, where would you like to start?"),
        ("mid-sentence", "client", "I haven't spoken to {given} since the argument."),
        ("mid-sentence", "client", "Me and {given} used to go running together."),
        ("mid-sentence possessive", "client", "I stayed at {given}'s place for a few nights."),
        ("sentence-initial", "client", "{given} thinks I'm overreacting, to be honest."),
        ("sentence-initial full", "client", "{full} from work keeps texting me at night."),
        ("mid-sentence full", "client", "I asked {full} to cover my shift."),
    ],
    "phone": [
        ("cue: my number is", "client", "My number is {phone} if you need to reach me."),
        ("cue: call me on", "client", "You can call me on {phone} after six."),
        ("cue: mobile", "client", "Her mobile is {phone}, but she never picks up."),
        ("no cue", "client", "I wrote it down somewhere, {phone}, that's the helpline."),
        ("no cue, end", "therapist", "The crisis team is on {phone}."),
    ],
    "email": [
        ("cue", "client", "Just email me at {email} with the worksheet."),
        ("no cue", "client", "I think it was {email} or something like that."),
    ],
    "url": [
        ("cue", "client", "She posts everything on {url}, it's so embarrassing."),
        ("no cue", "therapist", "There's a self-help guide at {url} you might like."),
    ],
    "ip_address": [
        ("cue", "client", "He traced my IP address, {ip}, and found where I live."),
        ("no cue", "client", "The logs showed {ip} logging in at three in the morning."),
    ],
    "national_id": [
        ("cue: NHS number", "client", "My NHS number is {nhs}, it's on the letter."),
        ("cue: social security", "client", "They asked for my social security number, {ssn}."),
        ("cue: SSN", "client", "My SSN is {ssn} if the form needs it."),
        ("cue: NI number", "client", "My national insurance number is {nino}, I think."),
        ("cue: SIN", "client", "My SIN is {sin}, from when I worked over there."),
        ("cue: Aadhaar", "client", "My Aadhaar number is {aadhaar}."),
        ("cue: passport", "client", "My passport number is {passport}, I had to renew it."),
        ("cue: BSN", "client", "My BSN is {passport}, the gemeente needs it."),
        ("cue: driving licence", "client", "My driving licence number is {licence}."),
        ("no cue", "client", "I keep the number {ssn} on a card in my wallet."),
        ("no cue", "client", "It's on the card, {nino}, next to my photo."),
    ],
    "record_number": [
        ("cue: MRN", "therapist", "I've got you here as MRN {record}."),
        ("cue: account number", "client", "The account number is {record}, the bank froze it."),
        ("cue: policy number", "client", "My policy number is {record}."),
        (
            "cue: reference",
            "client",
            "They gave me a reference number, {record}, for the complaint.",
        ),
        ("cue: patient ID", "therapist", "Your patient ID is {record} for the portal."),
        ("cue: case number", "client", "The court case number is {record}."),
        ("card / IBAN", "client", "He used my card, {card}, without asking."),
    ],
    "street_address": [
        ("we live at", "client", "We live at {street} now, near the school."),
        ("moved to", "client", "She moved to {street} last year."),
        ("bare", "client", "The meeting is at {street}, in the back room."),
    ],
    "postcode": [
        ("cue: postcode", "client", "My postcode is {postcode} but the letters never arrive."),
        ("no cue", "client", "We're in {postcode} now, it's a quieter area."),
        ("address line", "client", "It's {street}, {postcode_address}."),
    ],
    "date": [
        ("on DATE", "client", "It happened on {date}, I remember because it was raining."),
        ("since DATE", "client", "I haven't had a drink since {date}."),
        ("born", "client", "My son was born {date}."),
        ("DATE, start", "client", "{date} was the worst day of my life."),
    ],
    "age_over_89": [
        ("she's AGE", "client", "My nan is {age_years} and still lives on her own."),
        ("he turned AGE", "client", "My grandad turned {age_bare} in {month}."),
        ("AGE birthday", "client", "We had a party for her {age_birthday} on {weekday}."),
        ("a AGE woman", "client", "She's a {age_hyphen} woman and she still drives."),
    ],
}

_CLEAN_FRAMES: list[tuple[str, str]] = [
    ("therapist", "What would you like to talk about today?"),
    ("therapist", "On a scale of 0 to 10, how important is it for you to cut down?"),
    ("therapist", "So you're drinking around {num} times a week, mostly in the evenings."),
    ("therapist", "It sounds like {weekday} evenings are the hardest for you."),
    ("therapist", "What happened over {holiday}?"),
    ("therapist", "You've mentioned your mum a few times. Tell me more about her."),
    ("therapist", "That makes a lot of sense. What else?"),
    ("therapist", "How has the {drug} been since the dose went up?"),
    ("therapist", "Let's go back to what you said about {month}."),
    ("therapist", "So on one hand you enjoy it, and on the other it's costing you a lot."),
    ("therapist", "Would it help to write it down, maybe on your phone?"),
    ("therapist", "You said you've been sleeping about {num} hours a night."),
    ("therapist", "What would your Dad say if he could see you now?"),
    ("therapist", "We have about {num} minutes left today."),
    ("client", "I usually have my first drink around {hour} pm."),
    ("client", "Back in {year} things were different, I had a job and everything."),
    ("client", "We went to {country} for {holiday} and I didn't drink at all."),
    ("client", "My parents only speak {language} at home, so it's hard to explain."),
    ("client", "I spend hours on {brand} every night, I can't stop scrolling."),
    ("client", "{opener} is a funny thing. I don't know."),
    ("client", "{opener} you think it will get better?"),
    ("client", "Honestly, I just want to feel normal again."),
    ("client", "I pray to God every night that it will stop."),
    ("client", "I've been on {drug} for {num} months now."),
    ("client", "Since {year} I've moved house {num} times."),
    ("client", "It was {weekday}, I think, or maybe {weekday}."),
    ("client", "Every {month} it gets worse, I don't know why."),
    ("client", "I'm {small_age} and I feel like I've wasted my life."),
    ("client", "I lost about {num} kilos since {month}."),
    ("client", "My Mum keeps sending me {brand} messages about it."),
    ("client", "We order from {brand} most nights, it's easier."),
    ("client", "The AA meeting is on {weekday} at {hour}."),
    ("client", "I only had {num} beers, that's not a lot for me."),
    ("client", "My doctor said I might have ADHD, or maybe it's OCD."),
    ("client", "Sometimes I go {num} days without eating properly."),
    ("client", "Around {year} I stopped going to church."),
    ("client", "Yeah. Yeah, I suppose so."),
    ("client", "Mm-hmm."),
    ("client", "I don't know, maybe {num} or {num} drinks on a bad night."),
    ("client", "My Nan used to say that, God rest her."),
    ("client", "It's like the Christmas before last, all over again."),
    ("client", "I watched the whole thing on {brand} in one night."),
    ("client", "Our family is from {country}, but I grew up here."),
    ("client", "Work is {num} days a week, {hour} till {hour}."),
    ("client", "During {holiday} I stayed sober for the first time in years."),
    ("client", "At the Job Centre they just don't get it."),
    ("client", "Mark my words, I'll be back to square one by {month}."),
    ("client", "Grace before meals was a big thing in our house."),
    ("client", "Hope is all I've got left, really."),
    ("client", "Will power isn't the problem, it's the cravings."),
    ("client", "I scored {num} out of 10 on that questionnaire."),
    ("client", "I take {num} mg in the morning and {num} at night."),
    ("client", "Room {num} on the second floor, that's where the group meets."),
    ("client", "I was in the Army for {num} years."),
    ("client", "We watched the Premier League at the pub on {weekday}."),
    ("client", "My English isn't perfect, sorry."),
    ("therapist", "It's {month}, so the days are getting {light}."),
    ("therapist", "I'll see you next {weekday} at the same time."),
]

#: Harder traps, used for HARD_SHARE of the clean turns: brands, places, songs and fiction that
#: hold a name or follow a title, a greeting before a capitalised word, a spelt-out backchannel.
_HARD_CLEAN_FRAMES: list[tuple[str, str]] = [
    ("client", "I finished a bottle of Jack Daniel's on my own."),
    ("client", "I'm on Dr Pepper instead of beer now."),
    ("client", "We watched Harry Potter with the kids on {weekday}."),
    ("client", "I went to St Mary's for the scan."),
    ("client", "We sang Amazing Grace at the funeral."),
    ("client", "I buy my lunch at Marks and Spencer."),
    ("client", "Dr Google says I've got everything."),
    ("client", "The kids still believe in Father Christmas."),
    ("client", "I support Chelsea, so {weekday} was a bad day."),
    ("client", "Thanks, Doctor, that really helps."),
    ("client", "Mh-hmm. Yeah."),
    ("therapist", "Okay, Great. Let's look at the next {num} weeks."),
]

_SMALL_FILLERS: dict[str, Callable[[random.Random], str]] = {
    "weekday": lambda r: r.choice(WEEKDAYS),
    "month": lambda r: r.choice(MONTHS),
    "holiday": lambda r: r.choice(HOLIDAYS),
    "country": lambda r: r.choice(COUNTRIES),
    "language": lambda r: r.choice(LANGUAGES),
    "brand": lambda r: r.choice(BRANDS),
    "drug": lambda r: r.choice(DRUGS),
    "opener": lambda r: r.choice(OPENERS),
    "num": lambda r: str(r.choice([2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 45])),
    "hour": lambda r: str(r.randint(1, 12)),
    "year": lambda r: str(r.randint(1985, 2024)),
    "small_age": lambda r: str(r.randint(18, 75)),
    "light": lambda r: r.choice(["longer", "shorter"]),
}

_MAKERS: dict[str, tuple[str, Callable[[random.Random], Value]]] = {
    "given": ("person_name", _given),
    "full": ("person_name", _full),
    "title_surname": ("person_name", _title_surname),
    "title_full": ("person_name", _title_full),
    "relative": ("person_name", _relative_name),
    "relative_comma": ("person_name", _relative_comma),
    "phone": ("phone", _phone),
    "email": ("email", _email),
    "url": ("url", _url),
    "ip": ("ip_address", _ip),
    "ssn": ("national_id", lambda r: _national_id(r, 0)),
    "nhs": ("national_id", lambda r: _national_id(r, 1)),
    "nino": ("national_id", lambda r: _national_id(r, 2)),
    "sin": ("national_id", lambda r: _national_id(r, 3)),
    "aadhaar": ("national_id", lambda r: _national_id(r, 4)),
    "passport": ("national_id", lambda r: _national_id(r, 5)),
    "licence": ("national_id", lambda r: _national_id(r, 6)),
    "record": ("record_number", _record),
    "card": ("record_number", _card),
    "street": ("street_address", _street),
    "age_years": ("age_over_89", lambda r: _age_form(r, ("N years old", "ninety-x years old"))),
    "age_bare": ("age_over_89", lambda r: _age_form(r, ("bare N after cue",))),
    "age_birthday": ("age_over_89", lambda r: _age_form(r, ("Nth birthday",))),
    "age_hyphen": ("age_over_89", lambda r: _age_form(r, ("N-year-old",))),
    "date": ("date", _date),
}


def _age_form(rng: random.Random, forms: tuple[str, ...]) -> Value:
    while True:
        value = _age(rng)
        if value[3] in forms:
            return value


def _postcode(rng: random.Random) -> Value:
    form, text = _postcode_text(rng)
    if form == "US ZIP":  # a bare five-digit number needs its state, as on an envelope
        state = rng.choice(["NY", "CA", "TX", "IL", "WA"])
        return f"{state} {text}", 3, 3 + len(text), "US state + ZIP"
    if form == "DE":
        return f"{text} {rng.choice(['Berlin', 'Hamburg', 'Leipzig'])}", 0, len(text), "DE + city"
    return _whole(text, form)


_MAKERS["postcode"] = ("postcode", _postcode)
_MAKERS["postcode_address"] = ("postcode", _postcode)

_SLOT = re.compile(r"\{(\w+)\}")


def _fill(rng: random.Random, template: str, context: str, turn: int) -> tuple[str, list[Planted]]:
    parts: list[str] = []
    planted: list[Planted] = []
    position = 0
    cursor = 0
    for m in _SLOT.finditer(template):
        literal = template[cursor : m.start()]
        parts.append(literal)
        position += len(literal)
        kind = m.group(1)
        if kind in _MAKERS:
            category, maker = _MAKERS[kind]
            text, start, end, form = maker(rng)
            planted.append(Planted(turn, position + start, position + end, category, form, context))
        else:
            text = _SMALL_FILLERS[kind](rng)
        if position == 0 and text[:1].islower():
            text = text[0].upper() + text[1:]  # "My sister ..." at the start of a turn
        parts.append(text)
        position += len(text)
        cursor = m.end()
    parts.append(template[cursor:])
    return "".join(parts), planted


HARD_SHARE = 0.05


def _clean_turn(rng: random.Random, role: str) -> tuple[str, str, bool]:
    hard = rng.random() < HARD_SHARE
    frames = [f for f in (_HARD_CLEAN_FRAMES if hard else _CLEAN_FRAMES) if f[0] == role]
    frame_role, template = rng.choice(frames or _HARD_CLEAN_FRAMES)
    text, _ = _fill(rng, template, "", 0)
    return frame_role, text, hard


def generate(
    seed: int = 2026,
    planted_dialogues: int = 600,
    clean_dialogues: int = 500,
    turns: int = 20,
    variant_dialogues: int = 0,
) -> list[Dialogue]:
    """Dialogues of ``turns`` turns: planted ones (every 4th turn plants one identifier, the
    categories taken in turn so that each is planted about equally often, names twice as often)
    and clean ones (no identifier; HARD_SHARE of their turns from the harder traps). With
    ``variant_dialogues``, :func:`generate_variants` adds that many more of each kind at the end,
    leaving the dialogues before them unchanged."""
    rng = random.Random(seed)
    schedule = [c for c in _PLANTED_FRAMES for _ in range(2 if c == "person_name" else 1)]
    slot = 0
    dialogues: list[Dialogue] = []
    for i in range(planted_dialogues):
        dialogue = Dialogue(f"planted-{i:04d}", clean=False)
        for t in range(turns):
            if t % 4 == 1:
                category = schedule[slot % len(schedule)]
                slot += 1
                context, role, template = rng.choice(_PLANTED_FRAMES[category])
                text, planted = _fill(rng, template, context, t)
                dialogue.planted.extend(planted)
            else:
                role, text, hard = _clean_turn(rng, "therapist" if t % 2 == 0 else "client")
                if hard:
                    dialogue.hard.add(t)
            dialogue.turns.append((role, text))
        dialogues.append(dialogue)
    for i in range(clean_dialogues):
        dialogue = Dialogue(f"clean-{i:04d}", clean=True)
        for t in range(turns):
            role, text, hard = _clean_turn(rng, "therapist" if t % 2 == 0 else "client")
            if hard:
                dialogue.hard.add(t)
            dialogue.turns.append((role, text))
        dialogues.append(dialogue)
    if variant_dialogues:
        dialogues.extend(generate_variants(seed, variant_dialogues, turns))
    return dialogues


# ------------------------------------------------------------------ variants (added 2026-11-26)
# Further shapes of the structured categories, beyond the ones above: French, Spanish, Catalan,
# Portuguese and Italian street forms, continental postcodes before a town, record numbers with
# letter prefixes or after a comma, dotted and slashed phone numbers; and traps for them (counts
# after a street-like word, a year before a town, a year after a record word). They come from
# their own random stream, so that the dialogues of generate() before them stay as they were.

_TOWNS = _words("Paris Lyon Marseille Roma Milano Madrid Sevilla Barcelona Lisboa Porto Kraków")


def _street_variant(rng: random.Random) -> Value:
    n = rng.randint(1, 240)
    forms = [
        (
            "FR avenue/boulevard",
            f"{n} {rng.choice(['avenue', 'boulevard'])} "
            f"{rng.choice(['Jean Jaurès', 'de la République', 'Gambetta', 'des Champs-Élysées'])}",
        ),
        ("FR bis + d'", f"{n} bis rue d'{rng.choice(['Alésia', 'Orléans', 'Italie'])}"),
        (
            "FR place/chemin/allée/quai",
            f"{n} {rng.choice(['place', 'chemin', 'allée', 'impasse', 'quai'])} "
            f"{rng.choice(['du Marché', 'des Vignes', 'Saint-Michel', 'de la Gare'])}",
        ),
        ("FR number, Rue", f"{n}, Rue {rng.choice(['Pasteur', 'Nationale', 'Sainte-Catherine'])}"),
        ("ES calle de, number", f"Calle de {rng.choice(['Alcalá', 'Toledo', 'Serrano'])}, {n}"),
        (
            "ES avenida/paseo/plaza",
            f"{rng.choice(['Avenida', 'Paseo', 'Plaza'])} de "
            f"{rng.choice(['Gracia', 'la Castellana', 'España'])} {n}",
        ),
        ("ES nº", f"Calle {rng.choice(['Mayor', 'Ancha', 'Real'])} nº {n}"),
        ("CA carrer", f"Carrer de {rng.choice(['Balmes', 'Aragó', 'Provença'])} {n}"),
        (
            "PT rua/avenida/travessa",
            f"{rng.choice(['Rua', 'Avenida', 'Travessa'])} "
            f"{rng.choice(['da Prata', 'Augusta', 'do Carmo', 'da Liberdade'])}, {n}",
        ),
        (
            "IT via/piazza/corso/viale",
            f"{rng.choice(['Via', 'Piazza', 'Corso', 'Viale'])} "
            f"{rng.choice(['Roma', 'Garibaldi', 'Vittorio Emanuele', 'dei Mille'])} {n}",
        ),
    ]
    form, text = rng.choice(forms)
    return _whole(text, form)


def _postcode_variant(rng: random.Random) -> Value:
    town = rng.choice(_TOWNS)
    kind = rng.randrange(4)
    if kind == 0:
        code, form = f"{rng.randint(1000, 95999):05d}", "FR/IT/ES 5 digits + town"
    elif kind == 1:
        code, form = f"{rng.randint(1000, 9999)}-{_d(rng, 3)}", "PT 9999-999 + town"
    elif kind == 2:
        code, form = f"{_d(rng, 2)}-{_d(rng, 3)}", "PL 99-999 + town"
    else:
        code, form = f"{rng.randint(10000, 99999)}", "DE 5 digits + town"
    return f"{code} {town}", 0, len(code), form


def _record_variant(rng: random.Random) -> Value:
    letters = rng.choice(["ACC", "REF", "PX", "HN", "INV", "K"])
    forms = [
        ("letters space digits", f"{letters} {_d(rng, 6)}"),
        ("letters-digits-digits", f"{letters}-{_d(rng, 4)}-{_d(rng, 3)}"),
        ("digits + letter", f"{rng.randint(1, 9)}{_d(rng, 6)}{rng.choice('ABKX')}"),
        ("digits with slash", f"{_d(rng, 4)}/{_d(rng, 5)}"),
        ("year-serial", f"{rng.randint(2015, 2024)}/{_d(rng, 4)}"),
    ]
    form, text = rng.choice(forms)
    return _whole(text, form)


def _phone_variant(rng: random.Random) -> Value:
    pairs = " ".join(_d(rng, 2) for _ in range(4))
    forms = [
        ("FR dots", f"0{rng.choice('1234567')}.{pairs.replace(' ', '.')}"),
        (
            "DE slash",
            f"0{rng.choice(['30', '40', '89', '221'])}/{rng.choice('2345678')}{_d(rng, 6)}",
        ),
        ("BE mobile", f"04{rng.randint(60, 99)} {pairs[:-3]}"),
        ("IT +39", f"+39 3{_d(rng, 2)} {_d(rng, 3)} {_d(rng, 4)}"),
    ]
    form, text = rng.choice(forms)
    return _whole(text, form)


_VARIANT_MAKERS: dict[str, tuple[str, Callable[[random.Random], Value]]] = {
    "street_v": ("street_address", _street_variant),
    "postcode_v": ("postcode", _postcode_variant),
    "record_v": ("record_number", _record_variant),
    "phone_v": ("phone", _phone_variant),
}

_VARIANT_FRAMES: dict[str, list[tuple[str, str, str]]] = {
    "street_address": [
        ("we live at", "client", "We live at {street_v} now, near the school."),
        ("moved to", "client", "She moved to {street_v} last year."),
        ("address line", "client", "It's {street_v}, {postcode_v}."),
        ("end", "client", "My dad's flat was at {street_v}."),
    ],
    "postcode": [
        ("no cue", "client", "We're in {postcode_v} now, it's a quieter area."),
        ("from", "client", "The letter came from {postcode_v}, the old address."),
    ],
    "record_number": [
        ("cue, comma", "client", "My membership number, {record_v}, is on the card."),
        ("cue: claim no.", "client", "The claim no. is {record_v}, they said."),
        ("cue: hospital number", "therapist", "Your hospital number is {record_v}."),
        ("cue: invoice, comma", "client", "I quoted the invoice number, {record_v}, twice."),
        ("cue: client ID colon", "client", "My client ID: {record_v}."),
    ],
    "phone": [
        ("no cue, end", "therapist", "The out-of-hours line is {phone_v}."),
        ("no cue, mid", "client", "I wrote down {phone_v} on my hand."),
        ("cue", "client", "Her number is {phone_v} if you need it."),
    ],
}

#: Clean turns with traps for the patterns above.
_VARIANT_TRAPS: list[tuple[str, str]] = [
    ("client", "We went via Rome {num} times last summer."),
    ("client", "We stayed {num} nights at the Plaza Hotel."),
    ("client", "I paid {num}000 euros for the car."),
    ("client", "In {year} Berlin was where I wanted to be."),
    ("client", "Since {year} Paris has felt like home."),
    ("client", "My case dragged on from {year} to {year}."),
    ("client", "The reference letter was from {year}, I think."),
    ("client", "Room {num}, Ward {hour}, that's where I was."),
    ("client", "Version {hour}.0.{num} of the app kept crashing."),
    ("client", "We walked {num} km along the avenue by the river."),
    ("client", "It was 0.5 mg, then {num} mg by {month}."),
    ("client", "Policy {hour} and {num} apply to me, apparently."),
    ("therapist", "You scored {num} out of 27 on the PHQ-9."),
    ("client", "Our street had {num} houses and a plaza, {num} of them empty."),
]


def generate_variants(seed: int = 2026, dialogues: int = 120, turns: int = 20) -> list[Dialogue]:
    """``dialogues`` planted dialogues of the further shapes (every 4th turn, categories in turn)
    and as many clean ones, a quarter of whose turns hold the traps for them."""
    rng = random.Random(f"variants-{seed}")
    categories = list(_VARIANT_FRAMES)
    saved = dict(_MAKERS)
    _MAKERS.update(_VARIANT_MAKERS)  # _fill looks makers up there
    try:
        result: list[Dialogue] = []
        slot = 0
        for i in range(dialogues):
            dialogue = Dialogue(f"variant-{i:04d}", clean=False, variant=True)
            for t in range(turns):
                if t % 4 == 1:
                    category = categories[slot % len(categories)]
                    slot += 1
                    context, role, template = rng.choice(_VARIANT_FRAMES[category])
                    text, planted = _fill(rng, template, context, t)
                    dialogue.planted.extend(planted)
                else:
                    role, text, _ = _clean_turn(rng, "therapist" if t % 2 == 0 else "client")
                dialogue.turns.append((role, text))
            result.append(dialogue)
        for i in range(dialogues):
            dialogue = Dialogue(f"variant-clean-{i:04d}", clean=True, variant=True)
            for t in range(turns):
                if rng.random() < 0.25:
                    role, template = rng.choice(_VARIANT_TRAPS)
                    text, _ = _fill(rng, template, "", 0)
                    dialogue.hard.add(t)
                else:
                    role, text, _ = _clean_turn(rng, "therapist" if t % 2 == 0 else "client")
                dialogue.turns.append((role, text))
            result.append(dialogue)
        return result
    finally:
        _MAKERS.clear()
        _MAKERS.update(saved)
