"""Regular expressions for the identifiers that have a shape: numbers, addresses, dates, ages.

Every pattern is compiled once at import. :func:`shaped_candidates` runs them over one text and
returns ``(start, end, category)`` spans, possibly overlapping; the screen resolves overlaps.
Each family of patterns runs only when cheap tests on the text say it could match (how many ASCII
digits, how long the longest run of them, an ``@``, a month name, a street word), so ordinary talk,
even talk with a count or a year in it, costs a few scans of the text.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator

from attune_jupyter.core.deid.findings import Category
from attune_jupyter.core.deid.vocabulary import split_words

Span = tuple[int, int, Category]

_AP = "['’]"  # straight or curly apostrophe

# ---------------------------------------------------------------------------------- validators


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _luhn_ok(number: str) -> bool:
    digits = [int(d) for d in number]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _iban_ok(text: str) -> bool:
    compact = text.replace(" ", "")
    rearranged = compact[4:] + compact[:4]
    try:
        number = int("".join(str(int(ch, 36)) for ch in rearranged))
    except ValueError:
        return False
    return 15 <= len(compact) <= 34 and number % 97 == 1


def _is_date(first: int, second: int) -> bool:
    """Day and month in either order."""
    return (1 <= first <= 31 and 1 <= second <= 12) or (1 <= first <= 12 and 1 <= second <= 31)


def _year_like(digits: str) -> bool:
    return len(digits) == 4 and digits[:2] in ("19", "20")


# ------------------------------------------------------------------------------------- phones

_PHONE_INTL = re.compile(r"(?<![\w+])\+\d{1,3}(?:[ .\-]?(?:\(\d{1,4}\)|\d{1,6})){1,7}")
_PHONE_NANP = re.compile(
    r"(?<![\w+.\-/])(?:1[ .\-])?(?:\(\d{3}\)[ .\-]?|\d{3}[ .\-])\d{3}[ .\-]\d{4}(?![\w\-/]|\.\d)"
)
_PHONE_LOCAL = re.compile(r"(?<![\w+.\-/])\d{3}-\d{4}(?![\w\-/]|\.\d)")
_PHONE_TRUNK = re.compile(  # national numbers with a trunk 0: 020 7946 0958, 0612345678
    r"(?<![\w+.\-/])(?:\(0\d{1,4}\)|0\d{1,4})(?:[ \-]?\d{2,8}){1,4}(?![\w/]|[.\-]\d)"
    # dotted, the same dot throughout (06.71.99.29.45); a full stop after it ends the sentence
    r"|(?<![\w+.\-/])0\d{1,4}(?:\.\d{2,4}){2,5}(?![\w/]|[.\-]\d)"
    # a slash after the area code (030/2207029); two digits before it would be a date
    r"|(?<![\w+.\-/])0\d{2,4}/ ?\d{3,8}(?:[ \-]\d{2,6})?(?![\w/]|[.\-]\d)"
)
_PHONE_IN = re.compile(r"(?<![\w+.\-/])[6-9]\d{4}[ \-]\d{5}(?![\w\-/]|\.\d)")
_PHONE_CUE = re.compile(
    r"(?i:\b(?:phone|telephone|tel|mobile|cell|landline|whats ?app|number|call me|text me|"
    r"ring me|reach me)(?:\s+(?:number|no\.?|is|was|at|on))*\s*[:#]?\s*)"
    r"(\+?\d[\d .\-]{5,18}\d)(?![\w\-/]|\.\d)"
)

# ------------------------------------------------------------------------------- net addresses

_EMAIL = re.compile(r"(?<![\w.+\-])[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[A-Za-z]{2,24}(?![\w\-])")
_TLDS = (
    "com|org|net|edu|gov|mil|int|io|co|uk|nl|de|fr|es|it|ca|us|eu|in|au|nz|ie|za|ng|ke|gh|jp|cn|"
    "kr|br|mx|ch|be|se|no|dk|fi|pl|ru|info|biz|me|app|dev|ly|tv|health|online|site"
)
_URL = re.compile(
    r"(?i:\b(?:https?|ftp)://[^\s<>\"'()\[\]{}]+"
    r"|\bwww\.[^\s<>\"'()\[\]{}]+"
    rf"|(?<![\w@.\-])(?:[a-z0-9](?:[a-z0-9\-]{{0,62}}[a-z0-9])?\.)+(?:{_TLDS})\b"
    r"(?:/[^\s<>\"'()\[\]{}]*)?)"
)
_URL_TRAILING = ".,;:!?'\"’”)"
_IPV4 = re.compile(
    r"(?<![\w.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?![\w]|\.\d)"
)
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\w:])")

# ------------------------------------------------------------------------ national ids, records

_SSN = re.compile(
    r"(?<![\w\-])(?!000|666|9\d\d)\d{3}([ \-])(?!00)\d{2}\1(?!0000)\d{4}(?![\w\-]|\.\d)"
)
_NINO = re.compile(  # UK National Insurance number: QQ 12 34 56 C
    r"(?<![\w])(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![\w])"
)
_SIN = re.compile(r"(?<![\w\-.])\d{3}([ \-])\d{3}\1\d{3}(?![\w\-]|[.]\d)")  # Canada, Luhn
_AADHAAR = re.compile(r"(?<![\w\-.])[2-9]\d{3} \d{4} \d{4}(?![\w\-]| \d)")
_CARD = re.compile(r"(?<![\w\-.])\d{4}([ \-]?)\d{4}\1\d{4}\1\d{1,4}(?![\w\-]|[.]\d)")
_IBAN = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w])")
#: A value after an id cue: groups holding a digit (``2021-78430``, ``AB-778812``), optionally
#: after a prefix of capitals (``CLM 344796``), optionally ending in a letter (NINO ``... C``).
_ID_VALUE = (
    r"((?:[A-Z]{1,4}[ \-])?[A-Z0-9]*\d[A-Z0-9]*(?:[ \-/][A-Z0-9]*\d[A-Z0-9]*){0,5}"
    r"(?: [A-D](?![\w]))?)"
)
#: Between cue and value: "is", "number", "#", a colon, or a comma ("a reference number, 2021-7").
_ID_GLUE = r"(?:\s+(?:is|was|number|no\.?|num|ending(?:\s+in)?|#))*\s*[:#,]?\s*"
_NATIONAL_CUE = re.compile(
    r"(?i:\b(?:social\s+security(?:\s+number)?|SSN|SIN|social\s+insurance(?:\s+number)?|"
    r"national\s+insurance(?:\s+number)?|NI\s+number|NINO|BSN|burgerservicenummer|"
    r"aadhaa?r(?:\s+number)?|passport(?:\s+number)?|driver"
    + _AP
    + r"?s\s+licen[cs]e(?:\s+number)?|"
    r"driving\s+licen[cs]e(?:\s+number)?|licen[cs]e\s+number|NHS(?:\s+number)?|CHI\s+number|"
    r"health\s+card(?:\s+number)?|personnummer|PESEL|national\s+id(?:entity)?"
    r"(?:\s+card)?(?:\s+number)?|id(?:entity)?\s+card(?:\s+number)?|tax\s+(?:id|number)|"
    r"TIN|Steuer-?ID|NIF|NIE|DNI|CPF|CURP)\b)" + _ID_GLUE + _ID_VALUE
)
_RECORD_CUE = re.compile(
    r"(?i:\b(?:MRN|medical\s+record(?:\s+number)?|(?:patient\s+)?record\s+(?:number|no\.?)|"
    r"hospital\s+(?:number|no\.?|id)|patient\s+(?:id|number|no\.?)|"
    r"account(?:\s+number|\s+no\.?)?|acct\.?|member(?:ship)?\s+(?:id|number|no\.?)|"
    r"policy(?:\s+number|\s+no\.?)?|insurance\s+(?:id|number)|claim(?:\s+number|\s+no\.?)?|"
    r"case\s+(?:number|no\.?|id)|reference(?:\s+number|\s+no\.?)?|ref\.?|"
    r"chart\s+(?:number|no\.?)|(?:client|customer|user)\s+(?:id|number|no\.?)|"
    r"invoice(?:\s+number|\s+no\.?)?|booking(?:\s+number|\s+ref(?:erence)?)?|"
    r"order\s+(?:number|no\.?)|sort\s+code|IBAN|(?:credit\s+|debit\s+)?card\s+number|"
    r"ID|id\s+number)\b)" + _ID_GLUE + _ID_VALUE
)

# ------------------------------------------------------------------------ addresses, postcodes

_STREET_TYPES = (
    "street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|court|ct|close|way|place|pl|"
    "terrace|crescent|cres|square|sq|parkway|pkwy|highway|hwy|gardens|grove|row|mews|circle|"
    "cir|trail"
)
_CAP = r"[A-ZÀ-ÖØ-Þ][\w'’\-]*"
_STREET = re.compile(
    r"(?<![\w])(?:(?i:apt|apartment|flat|unit|suite)\.?\s*#?\d{1,4}[A-Za-z]?,?\s+)?"
    r"\d{1,5}[A-Za-z]?(?:[\-/]\d{1,4})?,?\s+"
    rf"(?:(?:{_CAP}|de|la|of|the)\s+){{0,3}}{_CAP}\s+(?i:{_STREET_TYPES})\b"
    r"(?:,?\s+(?i:apt|apartment|flat|unit|suite)\.?\s*#?\d{1,4}[A-Za-z]?\b)?"
)
_STREET_CONTINENTAL = re.compile(  # Hauptstraße 5, Keizersgracht 123, Berliner Straße 12a
    r"(?<![\w])[A-ZÀ-ÖØ-Þ][\w\-]*?(?i:stra(?:ß|ss)e|str\.|weg|gasse|allee|platz|damm|ufer|"
    r"laan|straat|gracht|plein|kade|dijk|singel|steeg)"
    r"(?:\s+\d{1,4}[a-zA-Z]?(?![\w]))"
    r"|(?<![\w])[A-ZÀ-ÖØ-Þ][\w\-]+\s+(?:Stra(?:ß|ss)e|Str\.|Weg|Allee|Platz|Gasse)"
    r"\s+\d{1,4}[a-zA-Z]?(?![\w])"
)
#: French order: number, street word, name ("58 rue Victor Hugo", "114 rue de la Paix",
#: "3 bis avenue d'Italie"). The name is particles and capitalised words, at most four of them.
_FR_STREET_WORDS = (
    "rue|avenue|av\\.|boulevard|bd|place|all[ée]e|impasse|chemin|quai|route|cours|passage|"
    "square|esplanade|promenade|faubourg|sentier|parvis|rond-point"
)
_FR_PARTICLE = r"(?:de\s+la|de\s+l['’]|d['’]|l['’]|des|de|du|la|le|les|aux|au|à|sur|sous|en)"
_FR_NAME = rf"(?!I\b|I['’]){_CAP}"  # not "I": "the 1 place I feel safe"
_FR_STREET = re.compile(
    r"(?<![\w.,])\d{1,4}(?:\s?(?:bis|ter)|[A-Za-z])?,?\s+"
    rf"(?i:{_FR_STREET_WORDS})\s+(?:{_FR_PARTICLE}\s*)*{_FR_NAME}"
    rf"(?:[ \-](?:{_FR_PARTICLE}\s*)*{_FR_NAME}){{0,3}}"
)
#: Spanish, Catalan, Portuguese and Italian order: street word, name, number ("Calle Mayor 31",
#: "Rua da Prata, 80", "Via Roma 12", "Avenida de la Constitución nº 5"). The street word must be
#: capitalised (lower-case "via" is English) and the number must not count something ("Via Zoom
#: 3 people joined", "Plaza Hotel 5 nights").
_ROMANCE_STREET_WORDS = (
    "Calle|C/|Avenida|Avda\\.|Paseo|Plaza|Pla[çc]a|Carrer|Avinguda|Passeig|Camino|Carretera|"
    "Ronda|Traves[ií]a|Glorieta|Rua|Travessa|Largo|Pra[çc]a|Alameda|Estrada|Via|Viale|Piazza|"
    "Piazzale|Corso|Vicolo|Lungomare"
)
_ROMANCE_PARTICLE = (
    r"(?:de\s+la|de\s+las|de\s+los|del|de|da|do|das|dos|di|della|delle|dello|dei|degli|"
    r"d['’]|el|la|las|los|y|e)"
)
_ROMANCE_STREET = re.compile(
    rf"(?<![\w/])(?:{_ROMANCE_STREET_WORDS})\s+(?:{_ROMANCE_PARTICLE}\s*)*{_CAP}"
    rf"(?:\s+(?:{_ROMANCE_PARTICLE}\s*)*{_CAP}){{0,3}}"
    r",?\s+(?:(?i:n\.?\s?º|nº|n\.|no\.?|núm\.?|número)\s*)?\d{1,4}[A-Za-z]?(?![\w/]|[.,]\d)"
    r"(?!\s+(?i:people|persons|men|women|kids|children|guests|times|nights|days|weeks|months|"
    r"years|hours|minutes|mins|euros|dollars|pounds|miles|km|steps|points|pages|stops|floors|"
    r"percent)\b)"
)
_PO_BOX = re.compile(r"(?i:\bP\.?\s?O\.?\s+Box)\s+\d{1,6}\b")
#: Necessary conditions for the street patterns above, each a fast scan (a literal or a digit
#: first). A number followed by a capitalised or a French street word:
_STREET_HINT_NUMBER_FIRST = re.compile(
    r"[0-9](?:\s?(?:bis|ter)|[A-Za-z])?,?\s+(?:[A-ZÀ-ÖØ-Þ]|(?:de|la|of|the|"
    + _FR_STREET_WORDS
    + r")(?![\w]))"
)
#: a Romance street word:
_STREET_HINT_ROMANCE = re.compile(rf"(?:{_ROMANCE_STREET_WORDS})\s")
#: a Germanic street suffix then a number ("Hauptstraße 5"), searched in the reversed lower-cased
#: text, where the number comes first and the scan can skip to digits.
_GERMANIC_SUFFIXES = split_words(
    "straße strasse str. weg gasse allee platz damm ufer laan straat gracht plein kade dijk "
    "singel steeg"
)
_STREET_HINT_GERMANIC_REVERSED = re.compile(
    r"[0-9]\s+(?:"
    + "|".join(re.escape(suffix[::-1]) for suffix in sorted(_GERMANIC_SUFFIXES))
    + ")"
)


_UK_POSTCODE = re.compile(
    r"(?<![\w])(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}(?![\w])"
)
_CA_POSTCODE = re.compile(
    r"(?<![\w])[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ \-]?\d[ABCEGHJ-NPRSTV-Z]\d(?![\w])"
)
#: Digit first, the look-behind after it (on the digit and the character before): a pattern
#: that starts with a character class lets the engine skip to candidate positions.
_NL_POSTCODE = re.compile(r"[1-9](?<![\w\-/.,:][1-9])\d{3} ?([A-Z]{2})(?![\w])")
_NL_NOT_LETTERS = split_words(
    "SA SD SS AD BC CE AM PM OK TV UK US EU GB MB KB TB HD CD DJ PC GP AE ML KG KM CM MM HZ PS "
    "ID IQ NY LA DC UN"
)
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ|"
    "NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|DC|PR"
)
_US_ZIP = re.compile(rf"(?:{_US_STATES})(?<![\w]..),?\s+(\d{{5}}(?:-\d{{4}})?)(?![\w\-])")
_ZIP4 = re.compile(r"(?<![\w\-.])\d{5}-\d{4}(?![\w\-]|\.\d)")
#: A continental postcode before a capitalised town: five digits (DE, FR, IT, ES, FI:
#: "17280 Hamburg", "75008 Paris"), PT "1100-148 Lisboa", PL "00-950 Warszawa", SE/CZ/SK/GR
#: "114 55 Stockholm". Four digits alone are left out: before a capital they are mostly years.
_NOT_A_TOWN = (
    "Euros?|Dollars?|Pounds?|Francs?|Yen|Rupees?|Steps?|People|Years?|Miles?|Words?|Points?"
)
_EU_POSTCODE = re.compile(
    r"[0-9](?<![\w\-/.,:$£€#+][0-9])(?:\d{4}|\d{3}-\d{3}|\d-\d{3}|\d{2} \d{2})"
    rf"(?= (?!(?:{_NOT_A_TOWN})\b)[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿß]+)"
)
_POSTCODE_CUE = re.compile(
    r"(?i:\b(?:zip(?:\s+code)?|post\s?code|postal\s+code|PLZ)(?:\s+(?:is|was))?\s*[:#]?\s*)"
    r"([A-Z0-9]{2,4}[ \-]?[A-Z0-9]{2,4})(?![\w])"
)

# ---------------------------------------------------------------------------------------- dates

_MONTH = (
    r"(?:Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?|"
    r"Aug(?:ust|\.)?|Sep(?:t(?:ember)?)?\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
    r"(?![\w])"
)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?![\w])"
_ORDINAL_WORD = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|"
    r"thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|"
    r"twenty[\- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)|thirtieth|"
    r"thirty[\- ]first)"
)
_YEAR = r"(?:1[89]\d\d|20\d\d|'\d\d)(?![\w])"
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_RELATIVE = r"(?:(?i:last|next|this|that)\s+)?"
_DATE_WORDS = re.compile(  # one look-behind for all: most positions fail it, inside words
    r"(?<![\w])(?:"
    # Tuesday the 4th (of March) (2021); Tuesday, 4 March
    rf"{_RELATIVE}{_WEEKDAY},?\s+(?:the\s+)?{_DAY}(?:\s+(?:of\s+)?{_MONTH})?(?:,?\s+{_YEAR})?"
    # Tuesday, March 4(th) (2021)
    rf"|{_RELATIVE}{_WEEKDAY},?\s+{_MONTH}\s+(?:the\s+)?{_DAY}(?:,?\s+{_YEAR})?"
    # (the) 3(rd) (of) March (2021); the third of March
    rf"|(?:[Tt]he\s+)?(?:{_DAY}|{_ORDINAL_WORD})\s+(?:of\s+)?{_MONTH}(?:,?\s+{_YEAR})?"
    # March 3(rd)(, 2021); March the third
    rf"|{_MONTH}\s+(?:the\s+)?(?:{_DAY}|{_ORDINAL_WORD}(?![\w]))(?:,?\s+{_YEAR})?"
    # March 2021 (a month and a year is more than a year)
    rf"|{_MONTH},?\s+(?:of\s+)?{_YEAR}"
    r")"
)
_DATE_NUMERIC = re.compile(
    r"(?<![\w/.\-])(?:(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})"
    r"|(\d{4})([/.\-])(\d{1,2})\6(\d{1,2}))(?![\w/]|[.\-]\d)"
)

# ----------------------------------------------------------------------------------------- ages

_AGE_NUM = r"(?:9\d|1[01]\d)"
_AGE_WORD = (
    r"(?:ninety(?:[\- ](?:one|two|three|four|five|six|seven|eight|nine))?"
    r"|(?:a|one)\s+hundred(?:\s+and\s+(?:one|two|three|four|five|six|seven|eight|nine|ten))?)"
)
_NOT_AGE_UNIT = (
    r"(?!\s*(?:%|percent|per\s*cent|kg|kilos?|pounds?|lbs?|stone|min|minutes?|mins|seconds?|secs?|"
    r"hours?|hrs?|days?|weeks?|months?|points?|dollars?|euros?|quid|pence|p\b|cm|km|mm|metres?|"
    r"meters?|miles?|mph|times|pages?|people|percentile|mg|ml|degrees|°|beats|bpm|steps|/|"
    r"out\s+of|of\b|x\b|[.,]\d))"
)
_AGE_CUE = (
    r"(?i:\b(?:I" + _AP + r"m|I\s+am|she" + _AP + r"s|she\s+is|he" + _AP + r"s|he\s+is|"
    r"they" + _AP + r"re|they\s+are|you" + _AP + r"re|you\s+are|we" + _AP + r"re|aged?|"
    r"turned|turning|turns|age\s+of)\s+)"
)
_AGE = re.compile(
    rf"(?<![\w.]){_AGE_NUM}(?=[ \-]?(?i:years?|yrs?)[ \-]?(?i:old)\b|(?i:-?y/?o)\b)"
    rf"|(?<![\w.]){_AGE_NUM}(?:st|nd|rd|th)(?=\s+(?i:birthday))"
    rf"|(?<={_AP}s ){_AGE_NUM}(?=\s*(?:,|\.|!|\?|$|\s+(?i:and|now|this|next|last)\b))"
    rf"|(?i:(?<![\w]){_AGE_WORD}(?=[ \-]years?[ \-]old\b))"
    rf"|(?i:\b(?:ninetieth|ninety[\- ](?:first|second|third|fourth|fifth|sixth|seventh|eighth|"
    rf"ninth)|hundredth)(?=\s+birthday))"
)
_AGE_AFTER_CUE = re.compile(
    _AGE_CUE + rf"({_AGE_NUM}(?![\w.,]?\d){_NOT_AGE_UNIT}|(?i:{_AGE_WORD})(?![\w\-]))"
)
_AGE_DECADE = re.compile(
    r"(?i:\bin\s+(?:his|her|their|my|your|our)\s+(?:early\s+|mid[\- ]?|late\s+)?)"
    r"((?i:nineties|90s|90['’]s|hundreds))\b"
)


def _spans(
    pattern: re.Pattern[str], text: str, category: Category, group: int = 0
) -> Iterator[Span]:
    for m in pattern.finditer(text):
        start, end = m.span(group)
        if start < end:
            yield start, end, category


def _checked(
    pattern: re.Pattern[str],
    text: str,
    category: Category,
    check: Callable[[re.Match[str]], bool],
    group: int = 0,
) -> Iterator[Span]:
    for m in pattern.finditer(text):
        if check(m):
            start, end = m.span(group)
            yield start, end, category


def _digits_between(low: int, high: int, group: int = 0) -> Callable[[re.Match[str]], bool]:
    def check(m: re.Match[str]) -> bool:
        return low <= len(_digits(m.group(group))) <= high

    return check


def _id_value_ok(min_digits: int) -> Callable[[re.Match[str]], bool]:
    def check(m: re.Match[str]) -> bool:
        digits = _digits(m.group(1))
        return len(digits) >= min_digits and not (
            _year_like(digits) and m.group(1).strip() == digits
        )

    return check


def _numeric_date_ok(m: re.Match[str]) -> bool:
    if m.group(1) is not None:
        first, sep, second, year = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        if len(year) == 2 and sep != "/":
            return False
        return _is_date(first, second)
    year4, month, day = m.group(5), int(m.group(7)), int(m.group(8))
    return year4[:2] in ("19", "20") and 1 <= month <= 12 and 1 <= day <= 31


def _ipv6_ok(m: re.Match[str]) -> bool:
    text = m.group()
    if text.count(":") < 2 or not any(ch.isdigit() for ch in text):
        return False
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def _url_spans(text: str) -> Iterator[Span]:
    for m in _URL.finditer(text):
        start, end = m.span()
        while end > start and text[end - 1] in _URL_TRAILING:
            end -= 1
        if end > start:
            yield start, end, "url"


def _date_word_spans(text: str) -> Iterator[Span]:
    """Dates in words. A final dot (``13 Oct.``) is left out: there it ends the sentence."""
    for m in _DATE_WORDS.finditer(text):
        start, end = m.span()
        if text[end - 1] == ".":
            end -= 1
        yield start, end, "date"


_DATE_HINT = re.compile(
    "Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Monday|Tuesday|Wednesday|Thursday|Friday|"
    "Saturday|Sunday"
)
_ORDINAL_HINT = re.compile(
    "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth|teenth|tieth"
)
_ASCII_DIGIT = re.compile("[0-9]")  # a search is three times faster than a findall that fails
_DIGIT_RUN = re.compile("[0-9]+")
#: The digit runs an age over 89 can be: every age pattern needs one of them, alone.
_AGE_RUNS = frozenset(str(n) for n in range(90, 120))
_CAP_DIGIT = re.compile("[A-Z][0-9]")  # every UK or Canadian postcode but GIR 0AA holds one
_DOT_LETTER = re.compile(r"\.[^\W\d_]")
_TLD_HINT = re.compile(rf"\.(?:{_TLDS})\b")
#: What the record and national-id cues need in the lower-cased text: a word of each cue
#: ("id" also ends "said": a hint may pass where the cue will not match, never the reverse).
_RECORD_HINT = re.compile(
    "mrn|record|hospital|patient|account|acct|member|policy|insurance|claim|case|ref|chart|"
    "client|customer|user|invoice|booking|order|sort|iban|card|id(?![a-z])"
)
_NATIONAL_HINT = re.compile(
    r"social|ssn|sin(?![a-z])|insurance|ni\s|nino|bsn|burgerservice|aadha|passport|licen|nhs|"
    r"chi\s|health|personnummer|pesel|national|identity|id(?![a-z])|tax|tin(?![a-z])|steuer|"
    r"nif|nie|dni|cpf|curp"
)


def _add_ages(text: str, lowered: str, found: list[Span]) -> None:
    found.extend(_spans(_AGE, text, "age_over_89"))
    found.extend(_spans(_AGE_AFTER_CUE, text, "age_over_89", 1))
    if "90" in text or "ninet" in lowered or "hundreds" in lowered:
        found.extend(_spans(_AGE_DECADE, text, "age_over_89", 1))


def _add_streets(text: str, lowered: str, found: list[Span]) -> None:
    """Each street pattern after its hint: three fast scans instead of four slow ones."""
    if _STREET_HINT_NUMBER_FIRST.search(text):
        found.extend(_spans(_STREET, text, "street_address"))
        found.extend(_spans(_FR_STREET, text, "street_address"))
    if _STREET_HINT_ROMANCE.search(text):
        found.extend(_spans(_ROMANCE_STREET, text, "street_address"))
    if _STREET_HINT_GERMANIC_REVERSED.search(lowered[::-1]):
        found.extend(_spans(_STREET_CONTINENTAL, text, "street_address"))


def _add_phones_and_long_ids(text: str, runs: list[str], digits: int, found: list[Span]) -> None:
    """Patterns that need at least seven digits: phones, SSN, SIN, Aadhaar, cards, IBANs."""
    if "+" in text:
        found.extend(_checked(_PHONE_INTL, text, "phone", _digits_between(7, 15)))
    if digits >= 9 and any(run[0] == "0" for run in runs):
        found.extend(_checked(_PHONE_TRUNK, text, "phone", _digits_between(9, 12)))
    if "-" in text:
        found.extend(_spans(_PHONE_LOCAL, text, "phone"))
    found.extend(_checked(_PHONE_CUE, text, "phone", _digits_between(7, 15, 1), 1))
    found.extend(_checked(_IBAN, text, "record_number", lambda m: _iban_ok(m.group())))
    if digits < 9:
        return
    found.extend(_spans(_SSN, text, "national_id"))
    found.extend(_checked(_SIN, text, "national_id", lambda m: _luhn_ok(_digits(m.group()))))
    if digits < 10:
        return
    found.extend(_spans(_PHONE_NANP, text, "phone"))
    found.extend(_spans(_PHONE_IN, text, "phone"))
    if digits >= 12:
        found.extend(_spans(_AADHAAR, text, "national_id"))
        found.extend(_checked(_CARD, text, "record_number", lambda m: _luhn_ok(_digits(m.group()))))


def shaped_candidates(text: str) -> list[Span]:
    """Spans of every shaped identifier in ``text`` (possibly overlapping).

    Each family of patterns runs only when cheap tests say it could match: the ASCII digit runs
    (how many digits, how long the longest run, whether one is 90 to 119), an ``@``, a month name,
    a street word. Most turns of talk hold no number, or a count or a year, and cost a few scans.
    """
    found: list[Span] = []
    lowered = text.lower()
    if "@" in text:
        found.extend(_spans(_EMAIL, text, "email"))
    if (
        "://" in text
        or "www." in lowered
        or (_DOT_LETTER.search(text) and _TLD_HINT.search(lowered))
    ):
        found.extend(_url_spans(text))
    age_words = "ninet" in lowered or "hundred" in lowered
    if not _ASCII_DIGIT.search(text):
        if _DATE_HINT.search(text) and _ORDINAL_HINT.search(lowered):
            found.extend(_date_word_spans(text))
        if age_words:
            _add_ages(text, lowered, found)
        return found

    runs = _DIGIT_RUN.findall(text)
    if _DATE_HINT.search(text):
        found.extend(_date_word_spans(text))
    if age_words or not _AGE_RUNS.isdisjoint(runs):
        _add_ages(text, lowered, found)
    _add_streets(text, lowered, found)
    if "box" in lowered:
        found.extend(_spans(_PO_BOX, text, "street_address"))
    digits = len("".join(runs))
    if _CAP_DIGIT.search(text) or "GIR" in text:
        found.extend(_spans(_UK_POSTCODE, text, "postcode"))
        found.extend(_spans(_CA_POSTCODE, text, "postcode"))
    if "zip" in lowered or "post" in lowered or "plz" in lowered:
        found.extend(_checked(_POSTCODE_CUE, text, "postcode", _digits_between(1, 10, 1), 1))
    if digits < 4:
        return found

    longest = max(map(len, runs))
    if longest >= 4:
        found.extend(
            _checked(_NL_POSTCODE, text, "postcode", lambda m: m[1] not in _NL_NOT_LETTERS)
        )
    if len(runs) >= 3:
        found.extend(_checked(_DATE_NUMERIC, text, "date", _numeric_date_ok))
        if len(runs) >= 4 and "." in text:
            found.extend(_spans(_IPV4, text, "ip_address"))
    if "::" in text or text.count(":") >= 7:
        found.extend(_checked(_IPV6, text, "ip_address", _ipv6_ok))
    records: list[Span] = []
    if _RECORD_HINT.search(lowered):
        records.extend(_checked(_RECORD_CUE, text, "record_number", _id_value_ok(4), 1))
        found.extend(records)
    if digits < 5:
        return found

    nationals: list[Span] = []
    if _NATIONAL_HINT.search(lowered):
        nationals.extend(_checked(_NATIONAL_CUE, text, "national_id", _id_value_ok(5), 1))
        found.extend(nationals)
    found.extend(_spans(_EU_POSTCODE, text, "postcode"))
    if longest >= 5:
        found.extend(_spans(_US_ZIP, text, "postcode", 1))
        found.extend(_spans(_ZIP4, text, "postcode"))
    if digits >= 6:
        found.extend(_spans(_NINO, text, "national_id"))
    if digits >= 7:
        _add_phones_and_long_ids(text, runs, digits, found)
    if records and digits >= 6:
        return _cue_decides(found, records, nationals)
    return found


def _cue_decides(found: list[Span], records: list[Span], nationals: list[Span]) -> list[Span]:
    """Drop a national-id shape (SIN, SSN, NINO) without a national cue on a record cue's value.

    "The case number is 613 957 034" is a record number even though the digits pass the SIN
    check; the category priority alone would call it a national id.
    """
    claimed = {(start, end) for start, end, _ in records}
    cued = {(start, end) for start, end, _ in nationals}
    return [
        span
        for span in found
        if span[2] != "national_id" or span[:2] not in claimed or span[:2] in cued
    ]
