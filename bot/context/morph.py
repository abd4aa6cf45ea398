"""Russian morphology for names: one nominative form for every case form of a proper noun.

Owns `ru_lemma` (a capitalised word → its nominative singular, "Ростеха" → "Ростех",
"Путина" → "Путин", "Кремле" → "Кремль", "Захаровой" → "Захарова"), `ru_name_kind` (what
pymorphy3's dictionary says a word is: person, place, org or None) and `has_cyrillic`.
pymorphy3 with the OpenCorpora dictionary (pymorphy3-dicts-ru) does the analysis; it is
loaded on the first Cyrillic word, so English-only work never pays its 0.15 s and 15 MB.
Results are cached per word: a feed repeats the same names all day, and an uncached parse of
a word the dictionary does not know costs about 0.3 ms.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

# Entries of each per-word and per-span cache of the context code (here, translit, entities).
# They live in every worker process and fill up in a long run (news brings new names every
# day): at 65,536 their entries, 85–185 bytes each, could hold some 55 MB a worker, against
# 7 MB at 8,192, with the same analysis time on the 1,066 captured items (which fill no cache
# past 11,000) and 4–8 % more at 4,096 (benchmarks/README.md, bench_run; issue #13).
SPAN_CACHE = 8192

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Tags of proper nouns in the OpenCorpora tag set.
_PERSON_TAGS = frozenset({"Name", "Surn", "Patr"})
_PROPER_TAGS = _PERSON_TAGS | {"Geox", "Orgn", "Trad"}


def has_cyrillic(text: str) -> bool:
    """True when the text has at least one Cyrillic letter."""
    return _CYRILLIC.search(text) is not None


@lru_cache(maxsize=1)
def _analyzer() -> Any:
    import pymorphy3  # loaded on first use, see the module docstring

    return pymorphy3.MorphAnalyzer(lang="ru")


def _rank(parse: Any) -> tuple[bool, bool, bool, float, bool]:
    grammemes = parse.tag.grammemes
    proper = bool(grammemes & _PROPER_TAGS)
    singular = "plur" not in grammemes or "Pltm" in grammemes  # США is plural-only
    not_neuter = "neut" not in grammemes  # "Заемского": masculine surname, not neuter adjective
    # Ties ("Канеля": feminine nominative or masculine genitive) go to the masculine reading.
    return (proper, singular, not_neuter, float(parse.score), "masc" in grammemes)


def _known(parse: Any) -> bool:
    """A dictionary word, not a guess from its suffix or with an unknown prefix cut off."""
    names = [type(m[0]).__name__ for m in parse.methods_stack]
    return names[:1] == ["DictionaryAnalyzer"] and "UnknownPrefixAnalyzer" not in names


@lru_cache(maxsize=SPAN_CACHE)
def _best_parse(word: str) -> Any | None:
    parses = _analyzer().parse(word)
    if not parses:
        return None
    return max(parses, key=_rank)


# Case endings of words the dictionary does not know (names of companies, foreign surnames):
# adjective-like surnames first, then noun endings after a consonant stem. Every case form of
# one word reduces to the same stem, which is what a lookup key needs.
_ADJ_SURNAME = re.compile(r"(?<=[сц]к)(?:ого|ому|им|ом|ий|ой|ая|ую)$")
_NOUN_ENDING = re.compile(
    r"(?<=[бвгджзклмнпрстфхцчшщ])(?:ами|ями|ом|ем|ём|ой|ей|ою|а|я|у|ю|е|ы|и)$"
)


def _guess_lemma(word: str) -> str:
    lower = word.lower()
    m = _ADJ_SURNAME.search(lower)
    if m and len(lower) - len(m.group(0)) >= 4:
        # "-ской" is nearly always a feminine oblique case (Заемской), rarely a nominative
        feminine = m.group(0) in {"ая", "ую", "ой"}
        return lower[: m.start()] + ("ая" if feminine else "ий")
    m = _NOUN_ENDING.search(lower)
    if m and m.start() >= 3:
        return lower[: m.start()]
    return lower


@lru_cache(maxsize=SPAN_CACHE)
def ru_lemma(word: str) -> str:
    """Nominative singular of one Cyrillic word, capitalised as the word was.

    Dictionary words are inflected by pymorphy3 (proper-noun readings first); a word the
    dictionary does not know loses its case ending by rule ("Ростехе" → "Ростех"). Words
    without Cyrillic letters and abbreviations come back unchanged."""
    if not has_cyrillic(word) or word.isupper() or len(word) < 3:
        return word  # abbreviations (МИД, ТАСС, США) do not decline
    if "-" in word:  # "Диас-Канеля" → "Диас-Канель": the last part carries the case
        head, _, tail = word.rpartition("-")
        return f"{head}-{ru_lemma(tail)}" if head and tail else word
    parse = _best_parse(word)
    if parse is None or not _known(parse):
        lemma = _guess_lemma(word)
    elif "Pltm" in parse.tag or "Fixd" in parse.tag:
        lemma = parse.normal_form
    else:
        # inflect keeps the gender of the reading: "Захаровой" → "Захарова", not "Захаров"
        nominative = parse.inflect({"nomn", "sing"})
        lemma = nominative.word if nominative is not None else parse.normal_form
    return _recase(lemma, word)


def _recase(lemma: str, like: str) -> str:
    if like[:1].isupper():
        return lemma[:1].upper() + lemma[1:]
    return lemma


@lru_cache(maxsize=SPAN_CACHE)
def ru_name_kind(word: str) -> str | None:
    """ "person", "place" or "org" when the dictionary tags the word as such a proper noun."""
    parse = _best_parse(word) if has_cyrillic(word) else None
    if parse is None or not _known(parse):
        return None  # a guess from the suffix ("Чемезов" as an organisation) is no evidence
    grammemes = parse.tag.grammemes
    if grammemes & _PERSON_TAGS:
        return "person"
    if "Geox" in grammemes:
        return "place"
    if "Orgn" in grammemes or "Trad" in grammemes:
        return "org"
    return None


def ru_is_common_word(word: str) -> bool:
    """True when the dictionary knows the word as an ordinary (not proper) word.

    Sentence-initial capitals in Russian mark the sentence, not a name: "Президент" or
    "Пресс-служба" at the start of a sentence is such a word and is not an entity."""
    parse = _best_parse(word.split("-")[0])
    if parse is None:
        return False
    if parse.tag.grammemes & _PROPER_TAGS:
        return False
    # Known dictionary words carry a DictionaryAnalyzer in their methods stack; guesses not.
    return any(type(m[0]).__name__ == "DictionaryAnalyzer" for m in parse.methods_stack)


@lru_cache(maxsize=SPAN_CACHE)
def ru_can_be_genitive(word: str) -> bool:
    """True when some reading of the word is genitive ("президента", "иностранных", "дел"):
    the complements of a role noun ("министр иностранных дел") are genitives."""
    return any("gent" in p.tag for p in _analyzer().parse(word))
