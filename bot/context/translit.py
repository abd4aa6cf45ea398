"""Cross-script entity keys: one Latin key for a name however it was written.

Owns `lookup_key` ("Ростеху", "Ростех" and "Rostec" → "rostec"; "Путина" and "Putin" →
"putin"), `latin` (Cyrillic → Latin by the iuliia "Wikipedia" scheme, the spelling English
Wikipedia and most English-language newsrooms use: Песков → Peskov, Зеленский → Zelensky),
and the alias table `bot/data/entity_aliases.yaml` for names whose English spelling is not
their transliteration (Ростех/Rostec, Кремль/Kremlin, Москва/Moscow/Moscú). The store files
each story's entities under these keys and expands lookups with them, so `/lookup Rostec`
finds Russian stories about Ростех and `/lookup Ростех` finds English ones.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import iuliia
import yaml

from bot.context.morph import SPAN_CACHE, has_cyrillic, ru_lemma

_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
# Spelling variants of one transliterated sound, folded on both sides of a match:
# "Zayemsky"/"Zaemsky" (е after a vowel), "Dmitriy"/"Dmitry"/"Dmitrii", "Sergei"/"Sergey",
# "Zelenskyy"/"Zelensky". Both the stored key and the query go through the same folding.
_FOLDS = (
    (re.compile(r"(?<=[aeiou])ye"), "e"),
    (re.compile(r"(?:ii|iy|yy|ij)\b"), "y"),
    (re.compile(r"(?<=[aeou])i\b"), "y"),
)


_SIGNS = str.maketrans("", "", "ьъЬЪ")


@dataclass(frozen=True)
class Alias:
    """One entry of the alias table: the English name and what it is."""

    name: str
    kind: str


@lru_cache(maxsize=SPAN_CACHE)
def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form: й stays apart from и; ё is е, and the
    soft and hard signs go (transliteration drops them, and so do guessed lemmas)."""
    text = text.replace("ё", "е").replace("Ё", "Е")
    text = text.translate(_SIGNS)
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():  # no marks to drop, nothing to recompose (most names)
        kept = decomposed.casefold()
    else:
        # Recompose й (и + breve): it is a different letter, not an accented и.
        kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch == "\u0306")
        kept = unicodedata.normalize("NFC", kept).casefold()
    return " ".join(_WORD.findall(kept.replace("'", "").replace("’", "")))


@lru_cache(maxsize=SPAN_CACHE)
def latin(text: str) -> str:
    """Cyrillic → Latin (iuliia's Wikipedia scheme); other scripts pass through."""
    if not has_cyrillic(text):
        return text
    return str(iuliia.WIKIPEDIA.translate(text.replace("ё", "е").replace("Ё", "Е")))


def _latin_key(text: str) -> str:
    key = fold(unicodedata.normalize("NFKD", latin(text)))
    key = "".join(ch for ch in key if ch.isascii() or not ch.isalpha())
    for pattern, repl in _FOLDS:
        key = pattern.sub(repl, key)
    return " ".join(key.split())


def lemmatise(name: str) -> str:
    """Every Cyrillic word of a name in its nominative form ("Владимира Путина" → "Владимир
    Путин"); Latin names are returned as they are."""
    if not has_cyrillic(name):
        return name
    return " ".join(ru_lemma(w) if has_cyrillic(w) else w for w in name.split())


@lru_cache(maxsize=1)
def aliases() -> dict[str, Alias]:
    """Folded name (English, Russian nominative, Spanish) → its alias-table entry."""
    raw = resources.files("bot").joinpath("data/entity_aliases.yaml").read_text("utf-8")
    table: dict[str, Alias] = {}
    for entry in yaml.safe_load(raw):
        alias = Alias(str(entry["en"]), str(entry["kind"]))
        for name in (entry["en"], *entry.get("other", ())):
            table.setdefault(fold(lemmatise(str(name))), alias)
    return table


@lru_cache(maxsize=SPAN_CACHE)
def alias_of(name: str) -> Alias | None:
    """The alias-table entry for a name in any case form, or None."""
    table = aliases()
    return table.get(fold(name)) or table.get(fold(lemmatise(name)))


@lru_cache(maxsize=SPAN_CACHE)
def lookup_key(name: str) -> str:
    """The cross-script key of a name: its English name if the alias table has one, else the
    transliteration of its nominative form, folded. Empty for a name without letters."""
    hit = alias_of(name)
    if hit is not None:
        return _latin_key(hit.name)
    words = lemmatise(name).split()
    parts = []
    for word in words:
        one = alias_of(word) if len(words) > 1 else None  # "Газпрома нефть" → gazprom neft
        parts.append(_latin_key(one.name if one is not None else word))
    return " ".join(p for p in parts if p)
