"""Rule-based named-entity extraction: people, organisations, places and outlets in a story.

Owns `extract_entities` and the small gazetteer it needs (countries, capitals and big cities,
demonyms, role titles, organisation words), plus the `OutletResolver` protocol that the outlet
registry (`bot.context.outlets.OutletRegistry`) satisfies. No model, no network: capitalised
spans, role-title patterns ("Russian ambassador to Caracas Vladimir Zaemsky"), honorifics,
possessives ("Rostec's press service" → Rostec), apposition ("defense contractor Rostec") and
the gazetteer. Precision over recall: a capitalised span we cannot classify is left out.

Three languages (`lang`, or by script when not given: Cyrillic text is Russian): English;
Spanish (its function words, role nouns looked up before a name, "Moscú, 4 jun (PL)"
datelines); Russian, where every word is reduced to its nominative by `bot.context.morph`
("Ростеха" → "Ростех", "в Кремле" → "Кремль") and classified by the morphology dictionary's
proper-noun tags. Datelines ("WASHINGTON (AP) —", "МОСКВА, 3 декабря. /ТАСС/.") are cut
before extraction, people are found without a role when they say something or are named
again by surname, and a surname alone folds into the full name ("Nadal" into "Rafael
Nadal"). Cross-script matching (Rostec ↔ Ростех) is `bot.context.translit`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from bot.context.morph import (
    SPAN_CACHE,
    has_cyrillic,
    ru_can_be_genitive,
    ru_is_common_word,
    ru_lemma,
    ru_name_kind,
)
from bot.context.sentences import split_sentences
from bot.context.translit import alias_of, lookup_key
from bot.models import Entity, OutletCard


class OutletResolver(Protocol):
    """What the context step needs from the outlet registry."""

    def by_name(self, text: str) -> OutletCard | None: ...

    def find_in_text(self, text: str) -> list[tuple[int, int, OutletCard]]: ...

    def by_domain(self, host_or_url: str) -> OutletCard | None: ...


# ---------------------------------------------------------------- gazetteer (hand-written data)

# Countries and common short forms → canonical name.
COUNTRIES: dict[str, str] = {
    name: name
    for name in (
        "Afghanistan", "Albania", "Algeria", "Angola", "Argentina", "Armenia", "Australia",
        "Austria", "Azerbaijan", "Bahrain", "Bangladesh", "Belarus", "Belgium", "Bolivia",
        "Bosnia", "Brazil", "Bulgaria", "Cambodia", "Cameroon", "Canada", "Chad", "Chile",
        "China", "Colombia", "Croatia", "Cuba", "Cyprus", "Denmark", "Ecuador", "Egypt",
        "Eritrea", "Estonia", "Ethiopia", "Finland", "France", "Georgia", "Germany", "Ghana",
        "Greece", "Guatemala", "Haiti", "Honduras", "Hungary", "Iceland", "India", "Indonesia",
        "Iran", "Iraq", "Ireland", "Israel", "Italy", "Jamaica", "Japan", "Jordan", "Kazakhstan",
        "Kenya", "Kosovo", "Kuwait", "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Libya",
        "Lithuania", "Luxembourg", "Malaysia", "Mali", "Malta", "Mexico", "Moldova", "Mongolia",
        "Montenegro", "Morocco", "Mozambique", "Myanmar", "Nepal", "Netherlands", "Nicaragua",
        "Niger", "Nigeria", "North Korea", "South Korea", "Norway", "Oman", "Pakistan",
        "Palestine", "Panama", "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Qatar",
        "Romania", "Russia", "Rwanda", "Saudi Arabia", "Senegal", "Serbia", "Singapore",
        "Slovakia", "Slovenia", "Somalia", "South Africa", "South Sudan", "Spain", "Sri Lanka",
        "Sudan", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania",
        "Thailand", "Tunisia", "Turkey", "Turkmenistan", "Uganda", "Ukraine",
        "United Arab Emirates", "United Kingdom", "United States", "Uruguay", "Uzbekistan",
        "Venezuela", "Vietnam", "Yemen", "Zambia", "Zimbabwe", "Gaza", "Crimea", "Donbas",
    )
} | {
    "U.S.": "United States", "US": "United States", "USA": "United States",
    "U.S.A.": "United States", "United States of America": "United States",
    "UK": "United Kingdom", "U.K.": "United Kingdom", "Britain": "United Kingdom",
    "Great Britain": "United Kingdom", "UAE": "United Arab Emirates",
    "Russian Federation": "Russia", "Burma": "Myanmar", "Holland": "Netherlands",
    "Türkiye": "Turkey", "Ivory Coast": "Côte d'Ivoire", "DRC": "DR Congo",
    "Democratic Republic of Congo": "DR Congo", "Congo": "Congo",
}  # fmt: skip

# Capitals and large cities often in datelines.
CITIES: frozenset[str] = frozenset(
    {
        "Moscow", "Caracas", "Havana", "Washington", "London", "Paris", "Berlin", "Beijing",
        "Tokyo", "Kyiv", "Kiev", "Minsk", "Warsaw", "Madrid", "Rome", "Brussels", "Geneva",
        "Vienna", "Ankara", "Istanbul", "Tehran", "Baghdad", "Damascus", "Beirut", "Cairo",
        "Riyadh", "Doha", "Dubai", "Abu Dhabi", "Jerusalem", "Tel Aviv", "Amman", "Kabul",
        "Islamabad", "New Delhi", "Delhi", "Mumbai", "Dhaka", "Bangkok", "Hanoi", "Manila",
        "Jakarta", "Seoul", "Pyongyang", "Taipei", "Hong Kong", "Shanghai", "Sydney",
        "Canberra", "Ottawa", "Toronto", "Mexico City", "Bogota", "Bogotá", "Lima", "Quito",
        "La Paz", "Santiago", "Buenos Aires", "Brasilia", "Brasília", "Rio de Janeiro",
        "Sao Paulo", "São Paulo", "Montevideo", "Asuncion", "Managua", "Tegucigalpa",
        "Panama City", "San Jose", "Nairobi", "Addis Ababa", "Lagos", "Abuja", "Johannesburg",
        "Pretoria", "Khartoum", "Tripoli", "Tunis", "Algiers", "Rabat", "Dakar", "Kinshasa",
        "New York", "Los Angeles", "Chicago", "San Francisco", "Miami", "Houston", "Boston",
        "Detroit", "Dallas", "Athens", "Lisbon", "Stockholm", "Oslo", "Copenhagen", "Helsinki",
        "Budapest", "Prague", "Bucharest", "Sofia", "Belgrade", "Zagreb", "Tbilisi", "Yerevan",
        "Baku", "Astana", "Tashkent", "St. Petersburg", "Saint Petersburg", "Donetsk",
        "Luhansk", "Kharkiv", "Odesa", "Odessa", "Sevastopol", "Aleppo", "Mosul", "Kobani",
        "Kobane", "Raqqa", "Sanaa", "Aden", "Gaza City", "Ramallah", "Mogadishu",
    }
)  # fmt: skip

# Regions that are places but neither countries nor cities.
REGIONS: frozenset[str] = frozenset(
    {
        "Europe", "Asia", "Africa", "Latin America", "South America", "North America",
        "Central America", "Middle East", "Caribbean", "Balkans", "Baltic", "Sahel",
        "West Bank", "Kashmir", "Siberia", "Arctic", "Antarctica", "Texas", "California",
        "Florida", "Scotland", "Wales", "England", "Northern Ireland", "Catalonia",
    }
)  # fmt: skip

# Demonyms → country (used to read roles like "Russian ambassador"; not entities themselves).
DEMONYMS: dict[str, str] = {
    "American": "United States", "Russian": "Russia", "Venezuelan": "Venezuela",
    "Cuban": "Cuba", "Chinese": "China", "British": "United Kingdom", "French": "France",
    "German": "Germany", "Ukrainian": "Ukraine", "Iranian": "Iran", "Iraqi": "Iraq",
    "Syrian": "Syria", "Israeli": "Israel", "Palestinian": "Palestine", "Turkish": "Turkey",
    "Saudi": "Saudi Arabia", "Egyptian": "Egypt", "Indian": "India", "Pakistani": "Pakistan",
    "Afghan": "Afghanistan", "Japanese": "Japan", "Korean": "Korea", "North Korean": "North Korea",
    "South Korean": "South Korea", "Mexican": "Mexico", "Brazilian": "Brazil",
    "Argentine": "Argentina", "Colombian": "Colombia", "Canadian": "Canada",
    "Australian": "Australia", "Italian": "Italy", "Spanish": "Spain", "Polish": "Poland",
    "Belarusian": "Belarus", "Georgian": "Georgia", "Lebanese": "Lebanon", "Jordanian": "Jordan",
    "Qatari": "Qatar", "Yemeni": "Yemen", "Libyan": "Libya", "Nigerian": "Nigeria",
    "Kenyan": "Kenya", "Ethiopian": "Ethiopia", "Nicaraguan": "Nicaragua",
    "Bolivian": "Bolivia", "Peruvian": "Peru", "Chilean": "Chile", "Ecuadorian": "Ecuador",
    "Kurdish": "Kurdistan", "European": "Europe", "Swedish": "Sweden", "Dutch": "Netherlands",
    "Greek": "Greece", "Serbian": "Serbia", "Hungarian": "Hungary", "Romanian": "Romania",
    "Kazakh": "Kazakhstan", "Armenian": "Armenia", "Azerbaijani": "Azerbaijan",
    "Latin American": "Latin America", "South American": "South America",
}  # fmt: skip

# Role nouns (lower-case); multi-word first so the alternation prefers them.
ROLE_WORDS: tuple[str, ...] = (
    "prime minister", "foreign minister", "defence minister", "defense minister",
    "interior minister", "finance minister", "press secretary", "secretary of state",
    "secretary-general", "secretary general", "chief of staff", "vice president",
    "deputy prime minister", "deputy foreign minister", "spokesman", "spokeswoman",
    "spokesperson", "ambassador", "envoy", "president", "minister", "secretary", "chancellor",
    "governor", "mayor", "senator", "congressman", "congresswoman", "lawmaker", "legislator",
    "general", "commander", "admiral", "colonel", "director", "chairman", "chairwoman",
    "chair", "chief executive", "ceo", "founder", "head", "chief", "king", "queen", "prince",
    "princess", "pope", "premier", "leader", "official", "diplomat", "prosecutor", "judge",
    "attorney general", "lawyer", "attorney", "analyst", "expert", "adviser", "advisor",
    "aide", "actor", "actress", "singer", "rapper", "artist", "journalist", "reporter",
    "editor", "correspondent", "economist", "professor", "manager", "publicist",
)  # fmt: skip

# Modifiers that may precede a role noun ("former deputy foreign minister").
ROLE_MODIFIERS: tuple[str, ...] = (
    "former", "deputy", "acting", "interim", "senior", "top", "chief", "vice", "foreign",
    "defence", "defense", "state", "press", "prime", "then", "outgoing", "incoming", "current",
    "first", "opposition", "army", "military", "government", "kremlin", "white house",
    "company", "presidential", "federal", "national", "regional", "local", "executive",
)  # fmt: skip

# Nouns that introduce an organisation by apposition ("defense contractor Rostec").
ORG_APPOSITION: tuple[str, ...] = (
    "contractor", "company", "firm", "agency", "conglomerate", "corporation", "manufacturer",
    "maker", "group", "giant", "bank", "broadcaster", "operator", "carrier", "airline",
    "retailer", "developer", "watchdog", "regulator", "ministry", "party", "movement",
    "militia", "organisation", "organization", "startup", "holding", "producer", "exporter",
)  # fmt: skip

# Last words that make a capitalised span an organisation.
ORG_SUFFIXES: frozenset[str] = frozenset(
    {
        "Inc", "Inc.", "Corp", "Corp.", "Corporation", "Company", "Co.", "Ltd", "Ltd.", "LLC",
        "PLC", "Group", "Holding", "Holdings", "Ministry", "Agency", "Service", "Services",
        "Council", "Party", "Bank", "University", "Committee", "Commission", "Department",
        "Office", "Police", "Court", "Parliament", "Army", "Navy", "Forces", "Guard",
        "Organization", "Organisation", "Institute", "Foundation", "Association", "Union",
        "Airlines", "Airways", "Motors", "Federation", "Assembly", "Senate", "Congress",
        "Government", "Administration", "Authority", "Board", "Bureau", "Fund", "Network",
        "Media", "Press", "Times", "Post", "Journal", "News", "Tribune", "Herald", "Gazette",
        "Team", "Tribunal", "Guards", "Corps", "Club", "Brigade", "Brigades", "Coalition",
        "Alliance", "Center", "Centre", "Hospital", "School", "College", "Academy", "Front",
        "Movement", "League",
    }
)  # fmt: skip

# Last words of capitalised names that are events, works, laws or places, never people
# ("Lunar New Year", "Winter Olympics", "Hormuz Strait"): a span ending in one is no person.
NOT_PERSON_HEADS: frozenset[str] = frozenset(
    {
        "Year", "Season", "Election", "Elections", "Olympics", "Games", "Strait", "Day", "Week",
        "Cup", "Championship", "Prize", "Award", "Awards", "Festival", "Carnival", "Summit",
        "Conference", "War", "Act", "Bill", "Law", "Program", "Programme", "Project", "Plan",
        "Deal", "Accord", "Treaty", "Agreement", "Street", "Avenue", "Square", "Road", "Bridge",
        "Island", "Islands", "River", "Sea", "Ocean", "Gulf", "Bay", "Lake", "Mountains",
        "Valley", "Park", "Airport", "Station", "Port", "Region", "Province", "State", "County",
        "City", "District", "Software", "Theory", "Recruitment", "Series", "Show", "Museum",
        "Church", "Mosque", "Temple", "Palace", "Tower", "Hall", "Stadium", "Mall", "Market",
        "Muslim", "Muslims", "Christians", "Jews", "Americans", "Europeans", "Olympic",
    }
)  # fmt: skip

KNOWN_ORGS: dict[str, str] = {
    "Kremlin": "Kremlin", "Pentagon": "Pentagon", "White House": "White House",
    "NATO": "NATO", "UN": "United Nations", "United Nations": "United Nations",
    "European Union": "European Union", "EU": "European Union", "Congress": "Congress",
    "Rostec": "Rostec", "Gazprom": "Gazprom", "Rosneft": "Rosneft", "OPEC": "OPEC",
    "IMF": "IMF", "World Bank": "World Bank", "FBI": "FBI", "CIA": "CIA", "NSA": "NSA",
    "NASA": "NASA", "WHO": "World Health Organization", "Hamas": "Hamas",
    "Hezbollah": "Hezbollah", "Taliban": "Taliban", "ISIS": "Islamic State",
    "Islamic State": "Islamic State", "ISIL": "Islamic State", "Apple": "Apple",
    "Google": "Google", "Microsoft": "Microsoft", "Facebook": "Facebook", "Twitter": "Twitter",
    "Amazon": "Amazon", "Meta": "Meta", "PDVSA": "PDVSA", "Petrobras": "Petrobras",
}  # fmt: skip

# Outlet names used only when no registry is given (the registry knows many more).
FALLBACK_OUTLETS: tuple[str, ...] = (
    "The Wall Street Journal", "Wall Street Journal", "The New York Times", "New York Times",
    "The Washington Post", "Washington Post", "Reuters", "Associated Press", "AFP", "Bloomberg",
    "BBC", "CNN", "Fox News", "NBC News", "CBS News", "ABC News", "The Guardian",
    "Financial Times", "The Times", "The Telegraph", "Al Jazeera", "TASS", "RIA Novosti",
    "Interfax", "Sputnik", "RT", "Xinhua", "Prensa Latina", "teleSUR", "Granma",
    "Radio Habana Cuba", "Deutsche Welle", "DW", "Le Monde", "El País", "Politico", "Axios",
)  # fmt: skip

_FALLBACK_OUTLETS_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(n) for n in sorted(FALLBACK_OUTLETS, key=len, reverse=True))
    + r")(?!\w)"
)

HONORIFICS: tuple[str, ...] = (
    "Mr", "Mrs", "Ms", "Miss", "Dr", "Prof", "Sir", "Dame", "Lord", "Lady", "Gen", "Sen",
    "Rep", "Gov", "Col", "Lt", "Capt", "Adm", "Sgt", "Rev", "Fr", "Sheikh", "Rabbi", "Imam",
)  # fmt: skip

# Capitalised words that are never part of a name at the start of a sentence or span.
_NON_NAME_WORDS: frozenset[str] = frozenset(
    {
        "the", "a", "an", "this", "that", "these", "those", "it", "its", "he", "she", "they",
        "we", "i", "you", "his", "her", "their", "our", "my", "your", "in", "on", "at", "for",
        "from", "by", "with", "of", "to", "and", "or", "but", "as", "if", "when", "while",
        "after", "before", "during", "since", "until", "because", "although", "though",
        "however", "meanwhile", "according", "citing", "also", "last", "next", "there", "here",
        "what", "which", "who", "whose", "where", "why", "how", "all", "some", "many", "most",
        "several", "no", "not", "only", "monday", "tuesday", "wednesday", "thursday", "friday",
        "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july",
        "august", "september", "october", "november", "december", "today", "yesterday",
        "tomorrow", "mr", "mrs", "ms", "dr", "president", "minister", "ambassador", "work",
        "news", "update", "breaking", "exclusive", "video", "watch", "read", "photo", "photos",
        "live", "report", "reports", "officials", "sources", "source", "said", "says",
    }
)  # fmt: skip

_UPPER = "A-ZÀ-ÖØ-Þ"  # Latin capitals with the accented ones (Álvaro, Óscar)
_CAP = rf"(?:[A-Z]\.){{2,}}|[{_UPPER}][\w’'\-]*[\w]|[A-Z]"
_LOWER = "a-zß-öø-ÿ"
# Vladimir, O'Neill, Jean-Luc, Díaz-Canel
_NAME_WORD = rf"[{_UPPER}][{_LOWER}'’\-]*[{_LOWER}](?:-[{_UPPER}][{_LOWER}]+)*"
_NAME_WORD_RE = re.compile(_NAME_WORD)
_PERSON_NAME = rf"{_NAME_WORD}(?:\s+(?:[A-Z]\.\s+)?{_NAME_WORD}){{1,2}}"
_SPAN = re.compile(
    rf"(?<![\w’'])(?:{_CAP})(?:(?:(?:\s+(?:of|de|del|da|al|bin|van|von|der|la|las|los|le|du|y)){{1,2}}"
    rf"(?=\s+[{_UPPER}]))?\s+(?:{_CAP}))*"
)

# `_SPAN` written to open with its capital: `re` then skips in C to the capitals (a pattern
# opening with a lookbehind is tried at every position). The lookbehind follows the capital
# (the two characters before the end of the capital: none of `[\w’']` just before it), and
# the alternatives of `_CAP` go on after it; "U.S." and a single capital only after A-Z.
_CAP_REST = r"(?:(?<=[A-Z])\.(?:[A-Z]\.)+|[\w’'\-]*[\w]|(?<=[A-Z]))"
_SPAN_AT_CAPITALS = re.compile(
    rf"[{_UPPER}](?<![\w’'].){_CAP_REST}"
    rf"(?:(?:(?:\s+(?:of|de|del|da|al|bin|van|von|der|la|las|los|le|du|y)){{1,2}}"
    rf"(?=\s+[{_UPPER}]))?\s+(?:{_CAP}))*"
)


def _alt(words: Iterable[str]) -> str:
    """Alternation matching each word with either case of its first letter."""
    parts = []
    for w in sorted(set(words), key=len, reverse=True):
        esc = re.escape(w).replace(r"\ ", r"\s+")
        parts.append(f"[{w[0].upper()}{w[0].lower()}]{esc[1:]}" if w[0].isalpha() else esc)
    return "(?:" + "|".join(parts) + ")"


_DEMONYM_ALT = _alt(DEMONYMS)
_ROLE_RE = re.compile(
    rf"(?<![\w'’])(?P<role>(?:(?:{_DEMONYM_ALT}|{_alt(ROLE_MODIFIERS)}|U\.S\.|U\.K\.|US|UK|UN|EU)"
    rf"\s+){{0,3}}"
    rf"{_alt(ROLE_WORDS)}"
    rf"(?:\s+(?:to|of|for|at|in)\s+(?:the\s+)?(?:{_CAP})(?:\s+(?:{_CAP})){{0,2}})?)"
    rf",?\s+(?P<name>{_PERSON_NAME})\b"
)
_HONORIFIC_RE = re.compile(
    rf"\b(?P<hon>{'|'.join(HONORIFICS)})\.?\s+(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,2}})\b"
)
_POSSESSIVE_ORG_RE = re.compile(
    rf"(?P<org>(?:{_CAP})(?:\s+(?:{_CAP})){{0,3}})['’]s\s+(?P<unit>press service|press office|"
    r"spokesman|spokeswoman|spokesperson|spokespeople|press secretary|statement|board|"
    r"management|chief executive|CEO|headquarters|shares|staff|employees)\b"
)
_APPOSITION_ORG_RE = re.compile(
    rf"\b{_alt(ORG_APPOSITION)}\s+(?P<org>(?:{_CAP})(?:\s+(?:{_CAP})){{0,3}})"
)
_ACRONYM_RE = re.compile(r"\b[A-Z]{2,6}\b")

# Screens in front of the patterns above, tested on a sentence's words (`\w+` runs) and far
# cheaper than the patterns, which Python tries at every position: a role title holds the
# first word of a role noun as a whole word; an honorific, an apposition noun and a
# possessive's unit are whole words too, and a possessive holds "'s".
_TOKEN = re.compile(r"\w+")
_ROLE_FIRST = frozenset(_TOKEN.findall(w)[0] for w in ROLE_WORDS)
# A role title starts at most this many words before its role noun: three modifiers of up to
# two words each ("Latin American", "white house", "U.S.").
_ROLE_REACH = 6
# The first word of anything a role title can open with (lower-cased).
_ROLE_OPENERS = frozenset(
    _TOKEN.findall(w.lower())[0] for w in (*DEMONYMS, *ROLE_MODIFIERS, *ROLE_WORDS)
) | {"u", "us", "uk", "un", "eu"}
_HONORIFIC_WORDS = frozenset(HONORIFICS)
_APPOSITION_WORDS = frozenset(ORG_APPOSITION)
_POSSESSIVE_UNITS = frozenset(
    {"press", "spokesman", "spokeswoman", "spokesperson", "spokespeople", "statement", "board",
     "management", "chief", "CEO", "headquarters", "shares", "staff", "employees"}
)  # fmt: skip
# The same, lower-cased: the screens read the lower-cased sentence's words.
_HONORIFIC_LOWER = frozenset(w.lower() for w in _HONORIFIC_WORDS)
_POSSESSIVE_LOWER = frozenset(w.lower() for w in _POSSESSIVE_UNITS)


def _role_matches(sentence: str, lowered: AbstractSet[str] | None = None) -> list[re.Match[str]]:
    """`_ROLE_RE.finditer(sentence)`, tried only at the word starts that can open one (the
    few words before a role noun) instead of at every position. `lowered` is
    the words of `sentence.lower()` when the caller has them."""
    if _ROLE_FIRST.isdisjoint(_TOKEN.findall(sentence.lower()) if lowered is None else lowered):
        return []
    tokens = list(_TOKEN.finditer(sentence))
    words = [m.group().lower() for m in tokens]
    tried: set[int] = set()
    candidates: list[int] = []
    for i, word in enumerate(words):
        if word in _ROLE_FIRST:
            for j in range(max(0, i - _ROLE_REACH), i + 1):
                if j not in tried and words[j] in _ROLE_OPENERS:
                    tried.add(j)
                    candidates.append(tokens[j].start())
    candidates.sort()
    found: list[re.Match[str]] = []
    pos = 0
    for start in candidates:
        if start < pos:
            continue
        m = _ROLE_RE.match(sentence, start)
        if m is not None:
            found.append(m)
            pos = m.end()
    return found


_NOT_ACRONYMS = frozenset(
    {"TV", "AM", "PM", "OK", "CEO", "CFO", "GMT", "UTC", "PDF", "UPDATE", "VIDEO", "PHOTO",
     "NEW", "BREAKING", "LIVE", "THE", "AND", "FOR", "NOT", "II", "III", "IV", "VI"}
)  # fmt: skip
_SAY_EN = (
    "said", "says", "told", "added", "wrote", "tweeted", "stated", "noted", "explained",
    "insisted", "denied", "denies", "claimed", "warned", "argued", "confirmed", "rejected",
    "dismissed", "accused", "urged", "asked", "replied", "stressed", "posted", "announced",
    "recalled", "admitted", "acknowledged", "suggested", "believes", "thinks",
)  # fmt: skip
_SAY_ES = (
    "dijo", "afirmó", "declaró", "señaló", "aseguró", "negó", "explicó", "indicó", "subrayó",
    "agregó", "añadió", "expresó", "denunció", "manifestó", "sostuvo", "recalcó", "advirtió",
    "rechazó", "desmintió", "informó", "precisó", "destacó", "reiteró", "insistió", "anunció",
    "dice", "afirma", "asegura", "niega", "denuncia", "considera", "opinó", "escribió",
)  # fmt: skip
_ATTRIBUTION_AFTER = re.compile(rf"^\s*(?:,[^,]{{0,60}},\s*)?(?:{'|'.join(_SAY_EN)})\b")
_ATTRIBUTION_AFTER_ES = re.compile(
    rf"^\s*(?:,[^,]{{0,60}},\s*)?(?:(?:le|lo|se|no|también|hoy|ayer)\s+)?(?:{'|'.join(_SAY_ES)})(?!\w)"
)

# Spanish: capitalised function words at the start of a span, role nouns, organisation heads.
_NON_NAME_WORDS_ES: frozenset[str] = _NON_NAME_WORDS | {
    "el", "la", "los", "las", "un", "una", "unos", "unas", "en", "según", "por", "para", "con",
    "sin", "tras", "ante", "este", "esta", "estos", "estas", "ese", "esa", "durante", "desde",
    "hasta", "sobre", "entre", "al", "del", "de", "y", "o", "pero", "también", "además", "hoy",
    "ayer", "mañana", "lo", "le", "se", "sí", "su", "sus", "como", "cuando", "mientras",
    "aunque", "más", "otro", "otra", "todo", "todos", "ello", "él", "ella", "ellos", "nos",
    "lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo", "asimismo",
    "presidente", "presidenta", "ministro", "ministra", "canciller",
}  # fmt: skip
_ROLE_WORDS_ES = (
    "presidente", "presidenta", "vicepresidente", "vicepresidenta", "primer ministro",
    "primera ministra", "ministro", "ministra", "viceministro", "viceministra", "canciller",
    "portavoz", "vocero", "vocera", "embajador", "embajadora", "director", "directora", "jefe",
    "jefa", "secretario", "secretaria", "diputado", "diputada", "senador", "senadora",
    "gobernador", "gobernadora", "alcalde", "alcaldesa", "mandatario", "mandataria", "líder",
    "dirigente", "fiscal", "juez", "jueza", "general", "comandante", "rey", "reina", "papa",
    "periodista", "analista", "experto", "experta", "asesor", "asesora", "representante",
    "titular", "coordinador", "coordinadora", "economista", "profesor", "profesora",
)  # fmt: skip
_ORG_HEADS_ES = frozenset(
    {
        "Ministerio", "Gobierno", "Partido", "Banco", "Universidad", "Comité", "Consejo",
        "Asamblea", "Fuerzas", "Organización", "Fondo", "Tribunal", "Corte", "Congreso",
        "Senado", "Parlamento", "Cámara", "Agencia", "Instituto", "Fundación", "Asociación",
        "Unión", "Frente", "Movimiento", "Cancillería", "Embajada", "Comisión", "Secretaría",
        "Federación", "Empresa", "Compañía", "Grupo", "Central", "Sindicato", "Departamento",
    }
)  # fmt: skip

# Russian role nouns in their case forms ("посол", "посла", "пресс-секретарем"); the role is
# the text from the noun to the name, as written ("посол России в Венесуэле").
_ROLE_RU = re.compile(
    r"(?<![\w-])(?:(?:официальн\w+\s+)?представител\w*|президент\w*|вице-\w+|"
    r"премьер(?:-министр)?\w*|замминистр\w*|министр\w*|заместител\w*|"
    r"посол|посла|послу|послом|постпред\w*|спецпредставител\w*|пресс-секретар\w*|"
    r"спикер\w*|глав[аыеуой]|главой|руководител\w*|губернатор\w*|мэр\w*|депутат\w*|"
    r"сенатор\w*|(?:ген)?директор\w*|председател\w*|советник\w*|помощник\w*|"
    r"командующ\w*|генерал\w*|лидер\w*|канцлер\w*|генсек\w*|секретар\w*|прокурор\w*|"
    r"судь[яиейю]|адвокат\w*|эксперт\w*|аналитик\w*|журналист\w*|политолог\w*|"
    r"основател\w*|начальник\w*|экономист\w*)",
    re.IGNORECASE,
)
_RU_GAP_WORD = re.compile(r"[\w-]+")
_RU_GAP_PREPOSITIONS = frozenset({"в", "во", "при", "по", "на"})
_ROLE_ES = re.compile(rf"(?<![\w-]){_alt(_ROLE_WORDS_ES)}(?![\w-])")
# Capitalised Cyrillic words (hyphenated ones too) and Cyrillic abbreviations.
_RU_WORD = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]*)*|[А-ЯЁ]{2,6}(?![а-яё])")
_RU_NOT_NAMES = frozenset(
    {"СМИ", "ВВП", "ДТП", "ЧП", "ИИ", "НДС", "ЖКХ", "СВО", "ПВО", "БПЛА", "РАН", "ЕГЭ", "ОМОН"}
)
_RU_QUOTED = re.compile(r"«([А-ЯЁA-Z][^«»]{1,40})»")

# Datelines: where and by whom a story was filed, not what it is about. Cut at the start of
# a paragraph: "WASHINGTON (AP) —", "ABUJA, Nigeria (AP) —", "MOSCOW, Dec 3 (Reuters) -",
# "Moscú, 4 jun (PL)", "La Habana, 3 dic (RHC)", "МОСКВА, 3 декабря. /ТАСС/.",
# "МОСКВА, 3 дек — РИА Новости.".
_DATELINE = re.compile(
    r"^[ \t]*(?:"
    rf"[A-Z][A-Z.'’\-]+(?:\s+[A-Z][A-Z.'’\-]+){{0,3}}(?:,\s*[{_UPPER}][\w.]*(?:\s+[{_UPPER}][\w.]*){{0,2}})?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?\s*(?:\([^()\n]{1,40}\))?\s*(?:—|–|--|-|:)"
    rf"|[{_UPPER}][\w]+(?:\s+(?:de\s+)?[{_UPPER}][\w]+){{0,3}},\s*\d{{1,2}}\s+[a-záéíóú]{{3,10}}\.?"
    r"(?:\s+\d{4})?\s*\([^()\n]{1,40}\)\s*(?:—|–|-|\.)?"
    r"|[А-ЯЁ][А-ЯЁ\-]+(?:\s+[А-ЯЁ][А-ЯЁ\-]+){0,3},\s*\d{1,2}\s+[а-яё]+\.?"
    r"(?:\s*/[^/\n]{1,30}/\.?|\s*[—–-]\s*[^.\n]{1,25}\.)?\s*(?:—|–|-)?"  # /ТАСС/. or — РИА Новости.
    r")[ \t]*",
    re.MULTILINE,
)


def strip_datelines(text: str) -> str:
    """The text without the datelines that open its paragraphs."""
    if not text:
        return text
    # `_DATELINE.sub(_dateline_cut, text)`, with the pattern tried at line starts only (its
    # `^` matches nowhere else) rather than at every position of the text.
    out: list[str] = []
    done = 0  # text[:done] is settled
    at = 0
    while at != -1:
        if at >= done:
            m = _DATELINE.match(text, at)
            if m is not None:
                out += [text[done:at], _dateline_cut(m)]
                done = m.end()
        at = text.find("\n", at)
        if at != -1:
            at += 1
    if not out:
        return text
    out.append(text[done:])
    return "".join(out)


def _dateline_cut(m: re.Match[str]) -> str:
    found = m.group(0)
    if found.rstrip().endswith(":") and "(" not in found:
        # "LONDON:" is a dateline; "SEE ALSO:" or an interviewer's "DL:" is not
        place = found.strip(" \t:").split(",")[0]
        return "" if place_name(place.title()) or place_name(place) else found
    return ""


@dataclass
class _Found:
    name: str
    kind: str
    role: str | None
    order: int


class _Collector:
    """Entities found so far, one per key (`name_key`; for Russian text the cross-script
    `lookup_key`, so "Rostec" and "Ростех" in one story are one organisation)."""

    def __init__(self, key: Callable[[str], str] | None = None) -> None:
        self.items: dict[str, _Found] = {}
        self.count = 0
        self.key = key or name_key

    def add(self, name: str, kind: str, role: str | None = None) -> None:
        name = normalise_name(name)
        if not name or len(name) < 2:
            return
        key = self.key(name)
        have = self.items.get(key)
        if have is None:
            self.items[key] = _Found(name, kind, role, self.count)
            self.count += 1
        elif have.role is None and role:
            have.role = role

    def has(self, name: str) -> bool:
        return self.key(normalise_name(name)) in self.items

    def entities(self) -> tuple[Entity, ...]:
        self._fold_surnames()
        found = sorted(self.items.values(), key=lambda f: f.order)
        return tuple(Entity(f.name, f.kind, f.role) for f in found)

    def _fold_surnames(self) -> None:
        """A name that is one word of a person's full name is that person ("Nadal" in
        "Rafael Nadal", "Путин" in "Владимир Путин"): one entity, the full name, first
        mention first."""
        full = [f for f in self.items.values() if f.kind == "person" and " " in f.name]
        if not full:
            return
        by_part: dict[str, _Found] = {}
        for person in full:
            for part in person.name.split()[1:]:
                by_part.setdefault(self.key(part), person)
        for key, single in list(self.items.items()):
            if " " in single.name or single.kind not in {"person", "org"}:
                continue
            whole = by_part.get(key)
            if whole is None or whole is single:
                continue
            whole.order = min(whole.order, single.order)
            whole.role = whole.role or single.role
            del self.items[key]


# The module's small patterns, compiled once (`re.sub(str, …)` looks its cache up per call).
_POSSESSIVE_END = re.compile(r"['’]s?$")
_LEADING_THE = re.compile(r"^the\s+")
_NON_WORDS = re.compile(r"[^\w]+")
_TITLE_WORD = re.compile(r"[A-Za-z][\w'’-]*")
_ROLE_ES_STOP = re.compile(r"[.;:()]")
_RU_HEAD = re.compile(r"[\s«»\"'“”„(\[—–-]*")
_RU_GAP_STOP = re.compile(r"[.;:()«»\"]")


@lru_cache(maxsize=SPAN_CACHE)
def normalise_name(name: str) -> str:
    """Collapse spaces, strip possessive "'s", quotes and a leading "the"."""
    name = " ".join(name.split()).strip(" \"'“”‘’,.;:")
    name = _POSSESSIVE_END.sub("", name)
    return name


@lru_cache(maxsize=SPAN_CACHE)
def name_key(name: str) -> str:
    """Dedup key: case-folded, no leading article, no punctuation."""
    key = name.casefold()
    key = _LEADING_THE.sub("", key)
    return _NON_WORDS.sub(" ", key).strip()


@lru_cache(maxsize=SPAN_CACHE)
def place_name(span: str) -> str | None:
    """Canonical place for a country, capital, city or region name; None otherwise."""
    if span in COUNTRIES:
        return COUNTRIES[span]
    if span + "." in COUNTRIES:  # "U.K" after a trailing full stop was stripped
        return COUNTRIES[span + "."]
    if span in CITIES or span in REGIONS:
        return span
    if span[:1].isupper():  # Moscú, EE.UU., Москва, России: the alias table's English name
        alias = alias_of(span)
        if alias is not None and alias.kind == "place":
            return alias.name
    return None


def is_title_case(text: str) -> bool:
    """Headlines in Title Case capitalise every word; don't read names off them."""
    words = [w for w in _TITLE_WORD.findall(text) if len(w) > 3]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps / len(words) >= 0.7


@dataclass
class _Doc:
    """What the span rules need to know about the whole story."""

    text: str  # title and body, for "named again" counts
    spanish: bool

    @property
    def non_name(self) -> frozenset[str]:
        return _NON_NAME_WORDS_ES if self.spanish else _NON_NAME_WORDS

    def named_again(self, words: list[str], *, saying: bool = False) -> bool:
        """The surname is used alone too, as a name of its own: "Vladimir Zaemsky …
        Zaemsky said" (not "Precision Bass" after "Jazz Bass": a capitalised neighbour
        makes it part of another name). With `saying`, the surname alone must also say
        something ("Nadal said")."""
        surname = words[-1]
        if len(surname) <= 2 or self.text.count(surname) <= self.text.count(" ".join(words)):
            return False
        for start in _alone(self.text, surname, words[-2]):
            before = self.text[max(0, start - 40) : start].split()
            if before and before[-1][:1].isupper():
                continue
            end = start + len(surname)
            if not saying or self.says.match(self.text[end : end + 90]):
                return True
        return False

    @property
    def says(self) -> re.Pattern[str]:
        return _ATTRIBUTION_AFTER_ES if self.spanish else _ATTRIBUTION_AFTER


def _is_upper(ch: str) -> bool:
    """A character of `_UPPER` (Latin capitals, the accented ones too)."""
    return "A" <= ch <= "Z" or "À" <= ch <= "Ö" or "Ø" <= ch <= "Þ"


def _is_w(ch: str) -> bool:
    """`\\w` of `re` (str patterns): a letter, digit or underscore of any script."""
    return ch.isalnum() or ch == "_"


def _alone(text: str, surname: str, before: str) -> list[int]:
    """Where `surname` stands as a name of its own: not inside a word, not after a capital
    with one to three letters between ("McX"), not after `before` and a space (the full name
    again), not before a capitalised word. The lookarounds of the pattern

        (?<![U][\\w’'.-])(?<![U]\\w\\w)(?<![U]\\w)(?<![\\w’'-])(?<!BEFORE\\s)SURNAME
        (?![\\w’'-])(?!\\s+[U])

    written out, so that no pattern is compiled for each name."""
    found: list[int] = []
    at = text.find(surname)
    while at != -1:
        end = at + len(surname)
        if _stands_alone(text, at, end, before):
            found.append(at)
            at = text.find(surname, end)
        else:
            at = text.find(surname, at + 1)
    return found


def _stands_alone(text: str, at: int, end: int, before: str) -> bool:
    prev = text[at - 1] if at >= 1 else ""
    if prev and (_is_w(prev) or prev in "’'-"):
        return False
    if at >= 2 and _is_upper(text[at - 2]) and (_is_w(prev) or prev in "’'.-"):
        return False
    if at >= 3 and _is_upper(text[at - 3]) and _is_w(text[at - 2]) and _is_w(prev):
        return False
    if at >= len(before) + 1 and prev.isspace() and text.endswith(before, 0, at - 1):
        return False
    n = len(text)
    if end < n and (_is_w(text[end]) or text[end] in "’'-"):
        return False
    after = end
    while after < n and text[after].isspace():
        after += 1
    return not (after > end and after < n and _is_upper(text[after]))


def story_language(title: str, text: str) -> str:
    """ "ru" when Cyrillic letters outnumber Latin ones in the story, else "en"."""
    sample = f"{title} {text[:600]}"
    if not has_cyrillic(sample):
        return "en"
    cyrillic = sum(1 for ch in sample if "\u0400" <= ch <= "\u04ff")
    latin = sum(1 for ch in sample if ch.isascii() and ch.isalpha())
    return "ru" if cyrillic > latin else "en"


def extract_entities(
    title: str, text: str, resolver: OutletResolver | None = None, *, lang: str | None = None
) -> tuple[Entity, ...]:
    """People, organisations, places and outlets named in a story, first mention first.

    `lang` is "en", "es" or "ru" (anything else reads as English); when None, Cyrillic
    text is read as Russian."""
    language = (lang or story_language(title, text)).lower()[:2]
    text = strip_datelines(text)
    if language == "ru":
        return _extract_ru(title, text, resolver)
    found = _Collector()
    sentences = split_sentences(text)
    persons: dict[str, str] = {}  # surname → full name
    body = "\n".join(sentences)
    doc = _Doc(f"{title}\n{body}", spanish=language == "es")

    for card in _outlets_in(body, resolver):
        found.add(card, "outlet")
    outlet_keys = {k for k, f in found.items.items() if f.kind == "outlet"}

    for sentence in sentences:
        # The lower-cased sentence's words screen every pattern: a word of the sentence
        # lower-cased is a word of the lower-cased sentence (no character that is not \w
        # lower-cases to one that is), so the screens on the sentence's own words below
        # pass only if these do (and a pattern that cannot match finds nothing anyway).
        lowered = frozenset(_TOKEN.findall(sentence.lower()))
        _role_people(sentence, found, persons, lowered)
        if not _HONORIFIC_LOWER.isdisjoint(lowered):
            for m in _HONORIFIC_RE.finditer(sentence):
                _add_person(m.group("name"), None, found, persons)
        if ("'s" in sentence or "’s" in sentence) and not _POSSESSIVE_LOWER.isdisjoint(lowered):
            for m in _POSSESSIVE_ORG_RE.finditer(sentence):
                _add_org(m.group("org"), found, outlet_keys)
        if not _APPOSITION_WORDS.isdisjoint(lowered):
            for m in _APPOSITION_ORG_RE.finditer(sentence):
                _add_org(m.group("org"), found, outlet_keys)
    for sentence in sentences:
        _spans(sentence, found, persons, outlet_keys, doc)

    if title:
        if is_title_case(title):
            for span in _capital_spans(title):
                for sub in _gazetteer_only(span):
                    found.add(*sub)
        else:
            _role_people(title, found, persons)
            _spans(title, found, persons, outlet_keys, doc)
    return found.entities()


def _outlets_in(text: str, resolver: OutletResolver | None) -> list[str]:
    if resolver is not None:
        return [card.name for _s, _e, card in resolver.find_in_text(text)]
    names: list[str] = []
    for m in _FALLBACK_OUTLETS_RE.finditer(text):
        name = m.group(0)
        if not any(name_key(name) == name_key(n) for n in names):
            names.append(name)
    return names


def _role_people(
    sentence: str,
    found: _Collector,
    persons: dict[str, str],
    lowered: AbstractSet[str] | None = None,
) -> None:
    for m in _role_matches(sentence, lowered):
        name = m.group("name")
        if place_name(name) or name in KNOWN_ORGS or name.split()[0] in DEMONYMS:
            continue
        role = " ".join(m.group("role").split())
        _add_person(name, role, found, persons)


def _add_person(name: str, role: str | None, found: _Collector, persons: dict[str, str]) -> None:
    name = normalise_name(name)
    parts = name.split()
    if not parts or parts[0].lower() in _NON_NAME_WORDS or place_name(name):
        return
    if len(parts) == 1 and parts[0] in persons:
        return
    found.add(name, "person", role)
    persons[parts[-1]] = name


def _add_org(org: str, found: _Collector, outlet_keys: set[str]) -> None:
    org = normalise_name(org)
    words = org.split()
    while words and words[0].lower() in _NON_NAME_WORDS:
        words = words[1:]
    org = " ".join(words)
    if not org or place_name(org) or name_key(org) in outlet_keys or found.has(org):
        return
    if org.split()[0] in DEMONYMS and len(org.split()) == 1:
        return
    found.add(KNOWN_ORGS.get(org, org), "org")


def _capital_spans(sentence: str) -> list[tuple[int, str]]:
    """`_SPAN.finditer(sentence)` as (start, span), by `_SPAN_AT_CAPITALS`."""
    return [(m.start(), m.group(0)) for m in _SPAN_AT_CAPITALS.finditer(sentence)]


def _gazetteer_only(item: tuple[int, str]) -> tuple[tuple[str, str], ...]:
    return _gazetteer_parts(item[1])


@lru_cache(maxsize=SPAN_CACHE)
def _gazetteer_parts(span: str) -> tuple[tuple[str, str], ...]:
    """The places and known organisations a span is made of ("Moscow and Caracas"), longest
    first; cached: spans repeat across stories ("The", "President"), the tables do not
    change."""
    out: list[tuple[str, str]] = []
    words = span.replace("'s", "").replace("’s", "").split()
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + 4), i, -1):
            cand = " ".join(words[i:j])
            place = place_name(cand)
            if place:
                out.append((place, "place"))
                i = j
                break
            if cand in KNOWN_ORGS:
                out.append((KNOWN_ORGS[cand], "org"))
                i = j
                break
        else:
            i += 1
    return tuple(out)


# What `_spans` does with a span once the story's own state (its outlets, the entities and
# people found so far) has had its say.
_PLACE, _ORG, _SKIP, _ADD_ORG, _REST = range(5)
_SpanInfo = tuple[str, tuple[str, ...], str, int, str | None, bool, bool]


@lru_cache(maxsize=SPAN_CACHE)
def _span_info(raw: str, spanish: bool) -> _SpanInfo | None:
    """Everything `_spans` reads off a raw span alone, cached (spans repeat across stories
    and the tables do not change): the span without its function words, its words, its key,
    the action its gazetteer class decides, that action's name, and for the rest whether it
    is an acronym and whether it reads as a person's name. None: nothing is left of it."""
    words = normalise_name(raw).split()
    non_name = _NON_NAME_WORDS_ES if spanish else _NON_NAME_WORDS
    # Sentence-initial or function words are not part of names ("The", "Citing", "But").
    while words and words[0].lower() in non_name:
        words = words[1:]
    if not words:
        return None
    span = " ".join(words)
    action, name = _REST, None
    place = place_name(span) or (
        place_name(span.title()) if span.isupper() and len(span) > 3 else None
    )  # "MOSCOW" outside a dateline
    if place:
        action, name = _PLACE, place
    elif span in KNOWN_ORGS:
        action, name = _ORG, KNOWN_ORGS[span]
    elif span in DEMONYMS or (words[0] in DEMONYMS and len(words) == 1):
        action = _SKIP
    elif len(words) >= 2 and words[-1] in ORG_SUFFIXES and words[0] not in DEMONYMS:
        action = _ADD_ORG
    elif spanish and len(words) >= 2 and words[0] in _ORG_HEADS_ES:
        action = _ADD_ORG  # "Ministerio de Relaciones Exteriores"
    acronym = bool(_ACRONYM_RE.fullmatch(span)) and span not in _NOT_ACRONYMS
    person = 2 <= len(words) <= 5 and _is_person_name(tuple(words))
    return span, tuple(words), name_key(span), action, name, acronym, person


def _spans(
    sentence: str,
    found: _Collector,
    persons: dict[str, str],
    outlet_keys: set[str],
    doc: _Doc,
) -> None:
    spanish = doc.spanish
    for start, raw in _capital_spans(sentence):
        info = _span_info(raw, spanish)
        if info is None:
            continue
        span, words, key, action, name, acronym, person = info
        if key in outlet_keys or found.has(span):
            continue
        if words[-1] in persons and len(words) == 1:
            continue  # surname of a known person
        if action in (_PLACE, _ORG):
            found.add(name or span, "place" if action == _PLACE else "org")
            continue
        if action == _SKIP:
            continue
        if action == _ADD_ORG:
            _add_org(span, found, outlet_keys)
            continue
        if words[-1] in persons and persons[words[-1]].endswith(" ".join(words[-2:])):
            for sub in _gazetteer_parts(span):  # "Caracas Vladimir Zaemsky"
                found.add(*sub)
            continue
        end = start + len(raw)
        in_parens = start > 0 and sentence[start - 1] == "(" and sentence[end:][:1] == ")"
        if (
            acronym
            and not sentence.isupper()
            and not in_parens  # "(RHC)": a source credit or an abbreviation being defined
        ):
            found.add(span, "org")
            continue
        if person:
            tail = sentence[end:]
            role = _role_before_es(sentence, start) if spanish else None
            says = doc.says.match(tail)
            # Named again by surname is weaker evidence; for a span opening the sentence, whose
            # first word may be any capitalised word ("Defending Olympic champion"), the
            # surname alone must say something too.
            opening = not sentence[:start].strip(" \"'“‘(—–-")
            if role or says or doc.named_again(list(words), saying=opening):
                _add_person(span, role, found, persons)
            continue
        # Multi-word spans made only of gazetteer parts ("Moscow and Caracas") handled above;
        # anything else is unknown: left out for precision.
        for sub in _gazetteer_parts(span):
            found.add(*sub)


# Capitalised adjectives that begin names of places and things, not of people.
_NOT_FIRST_NAMES = frozenset(
    {"new", "north", "south", "east", "west", "northern", "southern", "eastern", "western",
     "great", "central", "upper", "lower", "old", "grand", "little", "big", "mount", "lake",
     "port", "fort", "another", "every", "each", "house", "mad", "glorious", "corporate"}
)  # fmt: skip
_NAME_PARTICLES = frozenset({"de", "del", "la", "las", "los", "da", "van", "von", "der", "bin"})


@lru_cache(maxsize=SPAN_CACHE)
def _is_person_name(words: tuple[str, ...]) -> bool:
    """Two or three name words, with particles between them ("Juan Ramón de la Fuente");
    cached: a story names its people several times, and the tables do not change."""
    names = [w for w in words if w not in _NAME_PARTICLES]
    return (
        2 <= len(names) <= 4
        and words[0] not in _NAME_PARTICLES
        and words[-1] not in _NAME_PARTICLES
        and words[-1] not in NOT_PERSON_HEADS
        and not any(w.endswith(("'s", "’s")) for w in names[:-1])  # "India's Modi"
        and words[0].lower() not in _NOT_FIRST_NAMES
        and not any(w.lower() in _NON_NAME_WORDS for w in names)  # "Legend Of Zelda"
        and all(_NAME_WORD_RE.fullmatch(w) for w in names)
        and not any(place_name(w) or w in KNOWN_ORGS or w in DEMONYMS for w in names)
    )


def _role_before_es(sentence: str, start: int) -> str | None:
    """The role noun phrase just before a name: "el embajador ruso en Caracas, Vladimir …"."""
    before = sentence[max(0, start - 80) : start]
    last = None
    for m in _ROLE_ES.finditer(before):
        last = m
    if last is None:
        return None
    role = before[last.start() :].strip(" ,")
    if len(role.split()) > 6 or _ROLE_ES_STOP.search(role):
        return None
    return role


# ---------------------------------------------------------------- Russian


def _extract_ru(title: str, text: str, resolver: OutletResolver | None) -> tuple[Entity, ...]:
    found = _Collector(lookup_key)
    sentences = split_sentences(text)
    body = "\n".join(sentences)
    for card in _outlets_in(body, resolver):
        found.add(card, "outlet")
    for sentence in [*sentences, title] if title else sentences:
        for m in _RU_QUOTED.finditer(sentence):  # «Газпром», «Сила Сибири»
            name = m.group(1).strip()
            if not has_cyrillic(name):
                continue
            if len(name.split()) <= 3 and not any(ch in name for ch in ".,!?:;"):
                _add_ru(found, name, _ru_lemma_phrase(name, org=True), "org", None, resolver)
        # words of a quoted name are not names of their own ("Сибири" in «Сила Сибири»)
        _ru_spans(_RU_QUOTED.sub(lambda m: " " * len(m.group(0)), sentence), found, resolver)
        for start, raw in _capital_spans(sentence):  # Latin names after: "Ростех (Rostec)"
            for sub in _gazetteer_only((start, raw)):
                found.add(*sub)
    return found.entities()


def _ru_spans(sentence: str, found: _Collector, resolver: OutletResolver | None) -> None:
    words = list(_RU_WORD.finditer(sentence))
    head = _RU_HEAD.match(sentence)
    first_at = head.end() if head else 0
    i = 0
    while i < len(words):
        run = [words[i]]
        while i + len(run) < len(words):
            nxt = words[i + len(run)]
            if sentence[run[-1].end() : nxt.start()] != " ":
                break
            run.append(nxt)
        i += len(run)
        opening = run[0].start() == first_at and not run[0].group(0).isupper()
        if opening and ru_is_common_word(run[0].group(0)):
            run = run[1:]  # "Президент", "Пресс-служба" opening the sentence
        _ru_run(sentence, [m.group(0) for m in run], run[0].start() if run else 0, found, resolver)


def _ru_run(
    sentence: str,
    words: list[str],
    start: int,
    found: _Collector,
    resolver: OutletResolver | None,
) -> None:
    """Classify one run of capitalised Cyrillic words; a person's words stay together."""
    person: list[str] = []
    person_at = start
    offset = start
    for n, word in enumerate(words):
        kind = _ru_word_kind(word)
        if kind == "person" or (kind in {"unknown", "common"} and person):
            if not person:
                person_at = offset
            person.append(word)
        else:
            _flush_person(sentence, person, person_at, found)
            person = []
            if kind == "unknown" and n + 1 < len(words) and _ru_word_kind(words[n + 1]) == "person":
                person, person_at = [word], offset  # an unknown first name before a surname
            elif kind != "common":
                lemma = ru_lemma(word)
                _add_ru(found, word, lemma, "org" if kind == "unknown" else kind, None, resolver)
        offset += len(word) + 1
    _flush_person(sentence, person, person_at, found)


def _flush_person(sentence: str, words: list[str], start: int, found: _Collector) -> None:
    if not words:
        return
    name = " ".join(ru_lemma(w) for w in words)
    found.add(name, "person", _role_before_ru(sentence, start))


def _role_before_ru(sentence: str, start: int) -> str | None:
    """The role before a name: a role noun, then only its complements up to the name
    ("пресс-секретарь президента России", "посол России в Венесуэле"): genitives, names
    and in/at phrases; a comma, a verb or another name between them means no role."""
    before = sentence[max(0, start - 90) : start]
    for m in _ROLE_RU.finditer(before):
        gap = before[m.end() :]
        if "," in gap.rstrip(" ,") or _RU_GAP_STOP.search(gap):
            continue
        words = _RU_GAP_WORD.findall(gap)
        if len(words) > 5:
            continue
        if all(
            w[:1].isupper() or w in _RU_GAP_PREPOSITIONS or ru_can_be_genitive(w) for w in words
        ) and not any(_ru_word_kind(w) == "person" for w in words if w[:1].isupper()):
            role = before[m.start() :].strip(" ,—–-")
            return role[:1].lower() + role[1:]  # "Посол России …" opening the sentence
    return None


def _ru_word_kind(word: str) -> str:
    """person | place | org | unknown (a name the dictionary does not know) | common."""
    if word.isupper():
        if word in _RU_NOT_NAMES:
            return "common"
        alias = alias_of(word)
        return alias.kind if alias is not None else "org"
    alias = alias_of(word)
    if alias is not None:
        return alias.kind
    kind = ru_name_kind(word)
    if kind is not None:
        return kind
    return "common" if ru_is_common_word(word) else "unknown"


def _ru_lemma_phrase(name: str, *, org: bool) -> str:
    words = name.split()
    if org and len(words) > 1:  # the head noun declines, its complements stay as written
        return " ".join([ru_lemma(words[0]), *words[1:]])
    return " ".join(ru_lemma(w) for w in words)


def _add_ru(
    found: _Collector,
    written: str,
    lemma: str,
    kind: str,
    role: str | None,
    resolver: OutletResolver | None,
) -> None:
    if kind == "place":
        found.add(place_name(lemma) or lemma, "place")
        return
    alias = alias_of(lemma)
    if resolver is not None and alias is not None:
        card = resolver.by_name(alias.name)  # ТАСС → the TASS outlet
        if card is not None:
            found.add(card.name, "outlet")
            return
    found.add(lemma, kind, role)
