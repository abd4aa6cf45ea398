"""Extractive story summaries: whole sentences copied from the text, never new words.

Owns `summarize`. Picks the lead sentence(s) of the story and, when the story denies a report,
makes sure the denial evidence sentence is included, within a character budget. When even one
sentence is over budget it is cut at a word boundary and marked with "…".
"""

from __future__ import annotations

import re

from bot.context.sentences import split_sentences
from bot.models import Denial

_URL = re.compile(r"^<?(?:https?://|www\.)\S+>?$")
_DATELINE = re.compile(r"^[A-Z][\w .'-]{1,40},\s+\w+\.?\s+\d{1,2}\s+\([^)]{1,20}\)\s*[-—–]+\s*")


def _usable(sentence: str, folded_title: str) -> bool:
    """A sentence worth quoting: four words or more, no bare URL, not the headline again
    (`folded_title`: the headline stripped of markup and case-folded)."""
    s = sentence.strip("#*_>- ")
    if not s or _URL.match(s) or len(s.split()) < 4:
        return False
    return s.casefold() != folded_title


def _clip(sentence: str, max_chars: int) -> str:
    if len(sentence) <= max_chars:
        return sentence
    cut = sentence[: max(1, max_chars - 1)]
    if " " in cut:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def summarize(
    title: str, text: str, denial: Denial, *, max_sentences: int = 2, max_chars: int = 320
) -> str:
    """Up to `max_sentences` whole sentences of `text` (≤ `max_chars`), denial evidence first."""
    folded_title = title.strip("#*_ ").casefold()
    sentences = [s.strip("#*_ ") for s in split_sentences(text) if _usable(s, folded_title)]
    if not sentences or max_sentences < 1 or max_chars < 1:
        return ""
    chosen: list[int] = []
    if denial.is_denial:
        evidence = {e.strip("#*_ ") for e in denial.evidence}
        for i, s in enumerate(sentences):
            if s in evidence:
                chosen.append(i)
                break
    for i in range(len(sentences)):
        if len(chosen) >= max_sentences:
            break
        if i not in chosen:
            chosen.append(i)
    chosen.sort()
    out: list[str] = []
    used = 0
    must = (
        chosen[0]
        if not denial.is_denial
        else next(
            (i for i in chosen if sentences[i] in {e.strip("#*_ ") for e in denial.evidence}),
            chosen[0],
        )
    )
    for i in chosen:
        s = sentences[i]
        extra = len(s) + (1 if out else 0)
        if used + extra <= max_chars:
            out.append(s)
            used += extra
        elif i == must and not out:
            return _clip(s, max_chars)
    if not out:
        return _clip(sentences[must], max_chars)
    if must not in chosen or sentences[must] not in out:
        return _clip(sentences[must], max_chars)
    return " ".join(out)
