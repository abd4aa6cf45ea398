"""Fast rule-based sentence splitting for news text.

Owns one job: cut article text into sentences with their character offsets, cheaply enough to run
on every story (a regular expression scan, no model). Handles the usual traps of news copy:
abbreviations and titles ("U.S.", "Mr.", "Jan.", "Gen."), initials ("J. R. Smith"), decimal
numbers, closing quotes after the full stop ('… he said."'), and paragraph breaks, which always
end a sentence. Anything smarter (pysbd, spaCy) costs far more than the budget of the context step.
"""

from __future__ import annotations

import re
from functools import lru_cache

# Abbreviations after which a full stop does not end a sentence (lower-case, without the dot).
ABBREVIATIONS: frozenset[str] = frozenset(
    {
        # titles and honorifics
        "mr", "mrs", "ms", "dr", "prof", "rev", "fr", "st", "sr", "jr", "gen", "lt", "col",
        "maj", "capt", "cmdr", "adm", "sgt", "cpl", "pvt", "gov", "sen", "rep", "pres", "amb",
        "hon", "messrs", "mme", "mlle", "sra", "sta",
        # months and days
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
        # companies, places, misc
        "inc", "corp", "co", "ltd", "plc", "llc", "bros", "dept", "univ", "assn", "ave", "blvd",
        "mt", "ft", "no", "nos", "vol", "vols", "pp", "approx", "est", "etc", "vs", "cf", "al",
        "fig", "ed", "eds", "ca", "op", "e.g", "i.e", "a.m", "p.m", "u.s", "u.k", "u.n", "e.u",
        "u.s.a", "d.c", "s.a", "n.y", "l.a",
    }
)  # fmt: skip

# After these dotted abbreviations a capitalised pronoun/determiner probably starts a sentence
# ("… sanctions on the U.S. The ministry said").
_SENTENCE_FINAL_ABBREVIATIONS = frozenset({"u.s", "u.k", "u.n", "e.u", "d.c", "etc", "inc", "ltd"})
_SENTENCE_STARTERS = frozenset(
    {
        "the", "a", "an", "he", "she", "it", "they", "we", "i", "this", "that", "these", "those",
        "but", "in", "on", "at", "his", "her", "its", "their", "our", "there", "mr", "mrs", "ms",
        "however", "meanwhile", "according", "earlier", "later", "last", "after", "as",
    }
)  # fmt: skip

_PARAGRAPH = re.compile(r"\n\s*\n|\r\n\s*\r\n")
# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"""([.!?…]+)(["'”’»)\]]*)(\s+)(?=["'“‘«(\[]?[\w¿¡"'“‘«])""")
_TOKEN_BEFORE = re.compile(r"([\w.'’-]+)$")
_NEXT_WORD = re.compile(r"""["'“‘«(\[]?([\w.'’-]+)""")


def _is_boundary(text: str, punct_start: int, punct: str, after: int) -> bool:
    if punct != ".":
        return True
    m = _TOKEN_BEFORE.search(text, max(0, punct_start - 40), punct_start)
    token = m.group(1).lower() if m else ""
    token = token.lstrip("'’-")
    nxt = _NEXT_WORD.match(text, after)
    next_word = nxt.group(1) if nxt else ""
    if next_word[:1].islower():
        return False  # "... the U.S. military", "approx. five"
    if not token:
        return True
    if len(token) == 1 and token.isalpha():
        return False  # an initial: "J. Smith"
    if token in {"no", "nos"}:
        return not next_word[:1].isdigit()  # "No. 5" but "He said no. Then"
    if token in ABBREVIATIONS:
        return (
            token in _SENTENCE_FINAL_ABBREVIATIONS
            and next_word.lower().strip("'’") in _SENTENCE_STARTERS
        )
    # "U.S." and other dotted acronyms not in the list: same rule as above
    return not ("." in token and len(token) <= 6)


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence, whitespace trimmed, in order."""
    spans: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        start = para_start
        for m in _BOUNDARY.finditer(text, para_start, para_end):
            if _is_boundary(text, m.start(1), m.group(1), m.end()):
                _add(spans, text, start, m.end(2))
                start = m.end()
        _add(spans, text, start, para_end)
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` with inner whitespace (line breaks) collapsed."""
    return list(_split_cached(text))


@lru_cache(maxsize=32)
def _split_cached(text: str) -> tuple[str, ...]:
    # The context step splits the same text for denials, entities and the summary.
    return tuple(" ".join(text[s:e].split()) for s, e in sentence_spans(text))


def _paragraphs(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for m in _PARAGRAPH.finditer(text):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, len(text)))
    return out


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
