"""Word keys of a regular expression: a cheap test that a text cannot match it.

Python's `re` tries a pattern at every position of a text; a case-insensitive alternation of
many words, as the denial screen is, costs a lot per character. `WordKeys.of(source)` reads the
pattern (with `re`'s own parser) and finds, for every way it can match, one word the text must
then hold — a whole word ("untrue") or the start of one ("refut"); `may_match(text)` is False
only when the text holds none of them. The pattern must be matched case-insensitively at word
boundaries, as `(?<![^\\W_])(?:source)(?![^\\W_])`; words are runs of letters and digits.

The analysis is conservative: any construct it cannot read for sure (a class that may match
letters, a back-reference) ends the literal run it is in, and a way of matching that leaves no
usable literal makes `of` return None (no screen: always search). Case folding follows `re`'s
own (`str.lower` of each character); a text holding one of the few characters that `re` folds
differently from `str.lower` (dotless ı, long ſ, "İ", …) is always searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from re import _casefix, _constants, _parser  # type: ignore[attr-defined]
from typing import Any

__all__ = ["WordKeys"]

_MAX_PATHS = 4096
_TOKEN = re.compile(r"[^\W_]+")

# A path is a sequence of steps: a letter (lower-cased), a separator (a character that is not
# a letter or digit), or an unknown stretch.
_SEP = ("sep",)
_UNK = ("unk",)


def _lower(code: int) -> str:
    """The lower case `re` folds a letter to: str.lower's but for "İ" (two characters), which
    callers treat as unknown."""
    return chr(code).lower()


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def _class_steps(items: list[tuple[Any, Any]]) -> list[tuple[str, ...]] | None:
    """The steps a character class can be: letters (few), one separator, or None (unknown)."""
    letters: set[str] = set()
    seps = False
    for op, av in items:
        if op is _constants.LITERAL:
            ch = chr(av)
            if _is_word_char(ch):
                if len(_lower(av)) != 1:
                    return None
                letters.add(_lower(av))
            else:
                seps = True
        elif op is _constants.CATEGORY and av is _constants.CATEGORY_SPACE:
            seps = True
        else:
            return None
    if letters and seps:
        return None
    if seps:
        return [_SEP]
    if len(letters) > 8:
        return None
    return [("ch", c) for c in sorted(letters)]


def _paths(seq: Any, limit: int) -> list[list[tuple[str, ...]]] | None:
    """Every step sequence `seq` (a parsed subpattern) can match, up to `limit` of them."""
    paths: list[list[tuple[str, ...]]] = [[]]

    def extend(options: list[list[tuple[str, ...]]]) -> bool:
        nonlocal paths
        if len(paths) * len(options) > limit:
            return False
        paths = [p + o for p in paths for o in options]
        return True

    for op, av in seq:
        if op is _constants.LITERAL:
            ch = chr(av)
            if not _is_word_char(ch):
                ok = extend([[_SEP]])
            else:
                ok = extend([[("ch", _lower(av))]] if len(_lower(av)) == 1 else [[_UNK]])
        elif op is _constants.IN:
            steps = _class_steps(av)
            ok = extend([[_UNK]] if steps is None else [[s] for s in steps])
        elif op in (_constants.AT, _constants.ASSERT, _constants.ASSERT_NOT):
            ok = True  # zero-width: it only narrows what matches
        elif op is _constants.SUBPATTERN:
            inner = _paths(av[-1], limit)
            ok = inner is not None and extend(inner)
        elif op is _constants.BRANCH:
            options: list[list[tuple[str, ...]]] = []
            for alt in av[1]:
                inner = _paths(alt, limit)
                if inner is None:
                    return None
                options += inner
            ok = extend(options)
        elif op in (_constants.MAX_REPEAT, _constants.MIN_REPEAT):
            lo, hi, item = av
            inner = _paths(item, limit)
            if inner is None:
                return None
            if all(p == [_SEP] for p in inner):
                ok = extend([[_SEP]] if lo >= 1 else [[], [_SEP]])
            elif lo == 0 and hi == 1:
                ok = extend([[], *inner])
            elif lo == 1 and hi == 1:
                ok = extend(inner)
            elif lo >= 1:
                ok = extend([[*p, _UNK] for p in inner])  # once, then anything
            else:
                ok = extend([[_UNK]])
        else:
            ok = extend([[_UNK]])
        if not ok:
            return None
    return paths


def _key(path: list[tuple[str, ...]]) -> tuple[str, bool] | None:
    """The best word of one path: (word, whole) — a whole word, else the longest word start."""
    exact: list[str] = []
    starts: list[str] = []
    run = ""
    at_start = True  # the match opens at a word start (the pattern's lookbehind)
    for step in [*path, _SEP]:  # the pattern's lookahead: the match ends at a word end
        if step[0] == "ch":
            run += step[1]
            continue
        if run:
            if at_start and step is _SEP:
                exact.append(run)
            elif at_start:
                starts.append(run)
        run = ""
        at_start = step is _SEP
    if exact:
        return max(exact, key=len), True
    if starts:
        return max(starts, key=len), False
    return None


@dataclass(frozen=True)
class WordKeys:
    words: frozenset[str]  # whole words
    starts: tuple[str, ...]  # word starts
    unsafe: tuple[str, ...]  # characters `re` folds differently from str.lower

    @classmethod
    def of(cls, source: str) -> WordKeys | None:
        """Keys for `source` matched case-insensitively at word boundaries; None if unsure."""
        parsed = _parser.parse(source, re.IGNORECASE)
        paths = _paths(parsed, _MAX_PATHS)
        if not paths:
            return None
        words: set[str] = set()
        starts: set[str] = set()
        for path in paths:
            key = _key(path)
            if key is None:
                return None
            (words if key[1] else starts).add(key[0])
        letters = {ch for w in words | starts for ch in w}
        unsafe = {"İ", "Σ"}
        for ch in letters:
            unsafe.update(chr(c) for c in _casefix._EXTRA_CASES.get(ord(ch), ()))
        return cls(frozenset(words), tuple(sorted(starts)), tuple(sorted(unsafe)))

    def may_match(self, text: str) -> bool:
        """False only when the pattern cannot match `text`."""
        if not text.isascii() and any(ch in text for ch in self.unsafe):
            return True
        tokens = set(_TOKEN.findall(text.lower()))
        if not self.words.isdisjoint(tokens):
            return True
        if not self.starts:
            return False
        joined = " " + " ".join(tokens)
        return any(" " + start in joined for start in self.starts)
