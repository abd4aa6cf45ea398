"""Cue lexicons for denial and hedge detection, as data, one set per language.

This module owns the words only; `bot.context.denials` compiles and applies them. Each list says
where it comes from. Entries are lower-case phrases with a tiny pattern syntax, compiled by
`compile_cues` into one regular expression per tier:

- words match at word boundaries, case-insensitively; any run of spaces matches any whitespace;
- a trailing ``*`` matches any word ending (``debunk*`` → debunks, debunked, debunking);
- ``…`` is a gap of up to eight words (``dismiss* … as`` → "dismissed the report as");
- ``'`` matches a straight or curly apostrophe.

These tiers give the body evidence of an English denial (other deniers, supporting
corrections) and the hedges shown with a story. The DENIAL decision itself, in English, Spanish
and Russian, uses the word classes of `bot.context.denial_lexicon`; the "es" and "ru" sets
here are only a few denial verbs and are not used by that decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache


@dataclass(frozen=True)
class LanguageCues:
    """All cue tiers of one language."""

    lang: str
    # Published reference lists (kept verbatim for provenance; tiers below are what fires).
    reference_refuting: tuple[str, ...] = ()
    reference_hedges: tuple[str, ...] = ()
    reference_words_to_watch: tuple[str, ...] = ()
    # Tier 1: explicit denial verbs / phrases ("X denies …").
    denial: tuple[str, ...] = ()
    # Tier 1b: "rejects/dismisses" verbs that are denials only with a report-like object.
    denial_needs_object: tuple[str, ...] = ()
    # Tier 2: falsity phrases ("has nothing to do with reality", "fake news", "not true").
    falsity: tuple[str, ...] = ()
    # Tier 3: debunk / hoax vocabulary (strong in headlines, needs an anchor in body text).
    debunk: tuple[str, ...] = ()
    # Tier 4: corrections that support a denial already made ("overestimated the numbers").
    correction: tuple[str, ...] = ()
    # Hedges: leave the claim open; never a denial.
    hedges: tuple[str, ...] = ()
    # Traps: contain a denial word but are not denials; removed before matching.
    negation_traps: tuple[str, ...] = ()
    # Confirmation: the story supports the report.
    confirm: tuple[str, ...] = ()
    # Report vocabulary: the objects a denial is about.
    report_nouns: tuple[str, ...] = ()
    # Attribution verbs: someone is speaking.
    attribution: tuple[str, ...] = ()
    # Phrases that point at an unnamed originator of the report.
    unnamed_source: tuple[str, ...] = ()
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)


# FNC-1 baseline, `_refuting_words` in feature_engineering.py of
# github.com/FakeNewsChallenge/fnc-1-baseline (Apache-2.0), used there as binary features for
# the "disagree" class. Kept for reference; "not" and "despite" are far too common to fire alone.
FNC1_REFUTING_WORDS: tuple[str, ...] = (
    "fake",
    "fraud",
    "hoax",
    "false",
    "deny",
    "denies",
    "not",
    "despite",
    "nope",
    "doubt",
    "doubts",
    "bogus",
    "debunk",
    "pranks",
    "retract",
)

# Hedging cues as listed in the hedge-detection literature (e.g. the CoNLL-2010 shared task on
# hedge cues; Hyland 1998, "Hedging in Scientific Research Articles"): epistemic modals, verbs,
# adverbs and adjectives of uncertainty. Kept for reference: single hedge words are everywhere
# in news copy, so only the multi-word hedges of `EN.hedges` are reported.
HEDGE_LEXICON: tuple[str, ...] = (
    "allegedly",
    "apparently",
    "appear",
    "appears",
    "could",
    "likely",
    "may",
    "might",
    "perhaps",
    "possibly",
    "presumably",
    "probably",
    "purportedly",
    "reportedly",
    "reputedly",
    "rumoured",
    "rumored",
    "seemingly",
    "seems",
    "suggest",
    "suggests",
    "supposedly",
    "unclear",
    "unconfirmed",
    "unverified",
)

# Wikipedia Manual of Style, "Words to watch" (MOS:WTW), sections "Expressions of doubt"
# (MOS:DOUBT) and "Unsupported attributions" (MOS:WEASEL), CC BY-SA 4.0. Words that signal that
# a writer doubts, or distances themself from, a claim.
WIKIPEDIA_WORDS_TO_WATCH: tuple[str, ...] = (
    "supposed",
    "apparent",
    "purported",
    "alleged",
    "accused",
    "so-called",
    "notorious",
    "claimed",
    "insisted",
    "maintained",
    "some people say",
    "it is said",
    "critics say",
    "many believe",
)

EN = LanguageCues(
    lang="en",
    reference_refuting=FNC1_REFUTING_WORDS,
    reference_hedges=HEDGE_LEXICON,
    reference_words_to_watch=WIKIPEDIA_WORDS_TO_WATCH,
    # Explicit denial verbs and phrases (DESIGN §7 tier 1; FNC-1 "deny/denies/retract").
    denial=(
        "deny",
        "denies",
        "denied",
        "denying",
        "denial",
        "denials",
        "refute*",
        "refuting",
        "rebuff*",
        "retract*",
        "categorically",
        "set the record straight",
        "setting the record straight",
        "sets the record straight",
        "call* … ridiculous",
        "call* … crazy",
        "call* … absurd",
        "call* … nonsense",
        "call* … wrong",
        "call* … lies",
        "put* to rest",
        "kill* … rumo*r*",
        "dismiss* … as",
        "forced to deny",
        "no truth",
        "no truth to",
        "there is no talk of",
        "there was no talk of",
    ),
    denial_needs_object=(
        "reject*",
        "dismiss*",
        "disput*",
        "contradict*",
        "slam*",
        "blast*",
        "rubbish*",
        "debunk*",
        "call* … into question",
        "shoot* down",
        "shot down",
    ),
    # Falsity phrases (DESIGN §7 tier 2).
    falsity=(
        "nothing to do with reality",
        "has nothing to do with the truth",
        "fake news",
        "false news",
        "false report*",
        "false claim*",
        "false rumo*r*",
        "false story",
        "false alarm*",
        "baseless",
        "groundless",
        "unfounded",
        "not true",
        "untrue",
        "not the case",
        "not real",
        "isn't real",
        "aren't real",
        "wasn't real",
        "is false",
        "are false",
        "was false",
        "were false",
        "proven false",
        "proved false",
        "categorically false",
        "completely false",
        "totally false",
        "entirely false",
        "absolutely false",
        "false",
        "fabricat*",
        "made up",
        "made it up",
        "made it all up",
        "made-up",
        "invented",
        "fiction",
        "nonsense",
        "absurd",
        "rubbish",
        "bogus",
        "bullshit",
        "bs story",
        "wildly inaccurate",
        "misinformation",
        "erroneous",
        "pants on fire",
        "a lie",
        "a pack of lies",
        "never happened",
        "no evidence",
        "no basis",
        "wishful thinking",
        "pure speculation",
        "speculation",
    ),
    # Debunk / hoax vocabulary (FNC-1 refuting words + fact-checking vocabulary).
    debunk=(
        "hoax*",
        "fake*",
        "fraud",
        "debunk*",
        "myth",
        "nope",
        "doctored",
        "photoshopped",
        "photoshop*",
        "prank",
        "pranks",
        "pranked",
        "dupe*",
        "fooled",
        "fools",
        "falls for",
        "fell for",
        "satire",
        "satirical",
        "cast* doubt",
        "raise* doubts",
        "doubt*",
        "exaggerated",
        "too good to check",
        "trolled",
        "wrongly",
        "question* whether",
        "misreported",
        "scam",
    ),
    # Corrections of a report's facts (support a denial; never make one alone).
    correction=(
        "overestimat*",
        "underestimat*",
        "overstat*",
        "exaggerat*",
        "inaccurate",
        "incorrect",
        "misleading",
        "distort*",
        "misrepresent*",
        "mistaken",
        "wrong",
        "unchanged",
        "remain* the same",
    ),
    # Hedges (DESIGN §7): leave the claim unresolved.
    hedges=(
        "declined to comment",
        "declines to comment",
        "decline to comment",
        "refused to comment",
        "refuses to comment",
        "would not comment",
        "did not comment",
        "could not be reached for comment",
        "no comment",
        "did not respond to a request for comment",
        "did not immediately respond to a request for comment",
        "did not respond to requests for comment",
        "did not reply to a request for comment",
        "did not return a request for comment",
        "could not be independently verified",
        "could not independently verify",
        "could not be independently confirmed",
        "could not be confirmed",
        "could not immediately be confirmed",
        "could not be verified",
        "has not been verified",
        "has not been confirmed",
        "have not been confirmed",
        "neither confirmed nor denied",
        "neither confirm nor deny",
        "neither confirms nor denies",
        "neither confirming nor denying",
        "would neither confirm nor deny",
        "refused to confirm or deny",
        "declined to confirm or deny",
        "would not confirm or deny",
        "unconfirmed",
        "unverified",
    ),
    # Traps: contain a denial word but say the opposite (or nothing).
    negation_traps=(
        "did not deny",
        "didn't deny",
        "does not deny",
        "doesn't deny",
        "do not deny",
        "don't deny",
        "no longer denies",
        "no longer denied",
        "no longer deny",
        "no longer denying",
        "refused to deny",
        "refuses to deny",
        "declined to deny",
        "declines to deny",
        "would not deny",
        "wouldn't deny",
        "will not deny",
        "won't deny",
        "could not deny",
        "couldn't deny",
        "cannot deny",
        "can't deny",
        "not denying",
        "stopped denying",
        "confirm or deny",
        "confirm nor deny",
        "confirmed nor denied",
        "confirms nor denies",
        "confirming nor denying",
        "not a hoax",
        "no hoax",
        "not fake",
        "not a fake",
        "not false",
        "not untrue",
        "not baseless",
        "did not dispute",
        "didn't dispute",
        "does not dispute",
        "doesn't dispute",
        "did not reject",
        "didn't reject",
        "without evidence",
    ),
    confirm=(
        "confirm*",
        "acknowledg*",
        "admit*",
        "verified",
        "corroborat*",
    ),
    report_nouns=(
        "report",
        "reports",
        "reported",
        "claim*",
        "rumo*r*",
        "allegation*",
        "accusation*",
        "story",
        "stories",
        "article*",
        "news",
        "speculation*",
        "assertion*",
        "suggestion*",
        "media",
        "account*",
    ),
    attribution=(
        "said",
        "says",
        "say",
        "told",
        "stated",
        "added",
        "insisted",
        "insists",
        "noted",
        "wrote",
        "tweeted",
        "according to",
        "statement",
    ),
    unnamed_source=(
        "unnamed source*",
        "anonymous source*",
        "unidentified source*",
        "sources familiar",
        "people familiar",
        "a source",
        "sources said",
    ),
)

# Spanish: explicit denial verbs only for now ("desmiente" = refutes, "niega" = denies,
# "rechaza" = rejects), with their usual report nouns.
ES = LanguageCues(
    lang="es",
    denial=("desmiente*", "desmintió", "niega*", "negó", "rechaza* … informaci*"),
    denial_needs_object=("rechaza*", "rechazó"),
    falsity=("noticias falsas", "falso", "falsa", "no es cierto", "sin fundamento"),
    hedges=("declinó comentar", "no pudo ser confirmad*"),
    negation_traps=("no niega", "no desmiente", "ni confirma ni desmiente", "ni confirmó ni negó"),
    report_nouns=("informe*", "informaci*", "noticia*", "reporte*", "versi*"),
    attribution=("dijo", "afirmó", "declaró", "según"),
)

# Russian: "опроверг" (refuted), "отрицает" (denies), "фейк" (fake).
RU = LanguageCues(
    lang="ru",
    denial=("опроверг*", "отрица*", "опровержение"),
    falsity=("фейк*", "не соответствует действительности", "ложн*"),
    hedges=("отказался от комментариев", "не удалось подтвердить"),
    negation_traps=("не опроверг*", "не отрица*", "ни подтвердил, ни опроверг"),
    report_nouns=("сообщени*", "информаци*", "публикаци*", "статья", "статью"),
    attribution=("заявил*", "сообщил*", "сказал*"),
)

CUES: dict[str, LanguageCues] = {"en": EN, "es": ES, "ru": RU}


def cues_for(lang: str | None) -> LanguageCues:
    """The cue set for a language code ("en", "es-ES", …); English when unknown."""
    if not lang:
        return EN
    return CUES.get(lang.split("-")[0].lower(), EN)


_GAP = r"(?:\W+\w+){0,8}?\W+"


def cue_regex(phrase: str) -> str:
    """The regular-expression source for one cue phrase (see the module docstring)."""
    parts: list[str] = []
    for word in phrase.split():
        if word == "…":
            parts.append(_GAP)
            continue
        body = "".join(
            r"\w*" if ch == "*" else "['’]" if ch in "'’" else re.escape(ch) for ch in word
        )
        if parts and parts[-1] != _GAP:
            parts.append(r"\s+")
        parts.append(body)
    source = "".join(parts)
    return source if phrase[-1] == "*" else rf"{source}(?!\w)"


@dataclass(frozen=True)
class CueSet:
    """A compiled tier: `find` returns (start, end, cue phrase) for every match."""

    phrases: tuple[str, ...]
    pattern: re.Pattern[str] | None
    # One word of every phrase, exact or as a prefix (for `*`): a text none of whose words
    # is one of them cannot match, and testing words is far cheaper than the pattern.
    first_words: frozenset[str] = frozenset()
    first_stems: tuple[str, ...] = ()
    # The same key for each phrase (`phrases[i]` needs `keys[i]`: a word, or a stem ending in
    # "*"; "*" alone when the phrase has no key). A text is searched with the alternation of
    # the phrases whose keys it holds only: a phrase whose key is absent cannot match
    # anywhere, so leaving it out changes no match, and a short alternation is much cheaper.
    keys: tuple[str, ...] = ()
    _subsets: dict[tuple[int, ...], re.Pattern[str]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def may_match(self, text: str) -> bool:
        """False only when no phrase can match `text` (a cheap screen before `find`)."""
        if self.pattern is None:
            return False
        words = _words_of(text)
        if not self.first_words.isdisjoint(words):
            return True
        stems = self.first_stems
        return bool(stems) and any(word.startswith(stems) for word in words)

    def _pattern_for(self, text: str) -> re.Pattern[str] | None:
        """The alternation of the phrases `text` may match; None when it can match none."""
        if self.pattern is None or not self.may_match(text):
            return None
        if not self.keys:
            return self.pattern
        words = _words_of(text)
        by_word, by_stem, lengths = self._key_index
        chosen: list[int] = []
        for word in words & by_word.keys():
            chosen += by_word[word]
        if by_stem:
            stems: set[str] = set()
            for word in words:
                if word.startswith(self.first_stems):  # few words pass: find their stems
                    stems.update(word[:n] for n in lengths if word[:n] in by_stem)
            for stem in stems:
                chosen += by_stem[stem]
        chosen.sort()
        picked = tuple(chosen)
        pattern = self._subsets.get(picked)
        if pattern is None:
            if len(picked) == len(self.phrases):
                pattern = self.pattern
            else:
                pattern = _alternation(self.phrases, picked)
            if len(self._subsets) >= 4096:  # bounded: the oldest subset goes
                del self._subsets[next(iter(self._subsets))]
            self._subsets[picked] = pattern
        return pattern

    @cached_property
    def _key_index(self) -> tuple[dict[str, list[int]], dict[str, list[int]], tuple[int, ...]]:
        """Phrase indices by key word and by key stem, and the stems' lengths."""
        by_word: dict[str, list[int]] = {}
        by_stem: dict[str, list[int]] = {}
        for i, key in enumerate(self.keys):
            if key[-1] == "*":
                by_stem.setdefault(key[:-1], []).append(i)
            else:
                by_word.setdefault(key, []).append(i)
        return by_word, by_stem, tuple(sorted({len(stem) for stem in by_stem}))

    def find(self, text: str) -> list[tuple[int, int, str]]:
        pattern = self._pattern_for(text)
        if pattern is None:
            return []
        hits: list[tuple[int, int, str]] = []
        for m in pattern.finditer(text):
            name = m.lastgroup
            if name is not None:
                hits.append((m.start(), m.end(), self.phrases[int(name[1:])]))
        return hits

    def search(self, text: str) -> bool:
        pattern = self._pattern_for(text)
        return pattern is not None and pattern.search(text) is not None


_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


# Sized for the texts of one item (its headline, lead and sentences, read by every cue set):
# items rarely repeat, and an entry of a whole article's words is ~8 KB, so 4,096 entries could
# hold 32 MB in every worker (newsbot run's memory floor, #13)
@lru_cache(maxsize=512)
def _words_of(text: str) -> frozenset[str]:
    """The words of a text, lower-cased: one tokenisation per sentence for every cue set.

    A word with an apostrophe also gives its parts: a cue pattern matches "accused" in
    "accused's" and "wrong" in "wrong’The" (an apostrophe is no word character to it)."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    parts = [part for word in words if "'" in word for part in word.split("'")]
    return frozenset(words + parts)


_KEYABLE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*\*?|[^\W\d_]+\*[\w*]*")


def _phrase_key(phrase: str) -> str:
    """The key of one phrase: a word every text it matches holds, or a stem ending in "*"
    that one of the text's words starts with ("*" alone: no key, any text may match)."""
    # Every literal word of a phrase must be in a text it matches: key on the longest
    # (the rarest, as a rule: "false" of "is false", "comment" of "declined to comment").
    tokens = [t.lower().replace("’", "'") for t in phrase.split() if t != "…"]
    # a hyphenated word is two words to the screen ("made-up" → "made", "up")
    tokens = [part for t in tokens for part in t.split("-") if part]
    keyable = [t for t in tokens if _KEYABLE.fullmatch(t)]
    if not keyable:
        return "*"  # "" prefixes every word: the screen passes everything
    key = max(keyable, key=lambda t: len(t.split("*", 1)[0]))
    if "*" in key:
        return key.split("*", 1)[0] + "*"
    if "'" in key:
        return key.split("'", 1)[0] + "*"  # "isn't" also matches "isn’t"; keep it loose
    return key


def _first_words(phrases: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    keys = [_phrase_key(p) for p in phrases]
    words = {k for k in keys if k[-1] != "*"}
    stems = {k[:-1] for k in keys if k[-1] == "*"}
    return frozenset(words), tuple(sorted(stems))


def _alternation(phrases: tuple[str, ...], picked: tuple[int, ...]) -> re.Pattern[str]:
    """One pattern over `phrases[i]` for i in `picked` (in that order), group `c{i}` each."""
    # The word-start test is factored out so that alternatives are only tried at word starts.
    alternatives = "|".join(f"(?P<c{i}>{cue_regex(phrases[i])})" for i in picked)
    return re.compile(rf"\b(?<!\w)(?:{alternatives})", re.IGNORECASE)


def compile_cues(phrases: tuple[str, ...]) -> CueSet:
    """One alternation over the phrases, longest first, remembering which phrase matched."""
    unique = tuple(sorted(dict.fromkeys(phrases), key=lambda p: (-len(p), p)))
    if not unique:
        return CueSet((), None)
    words, stems = _first_words(unique)
    keys = tuple(_phrase_key(p) for p in unique)
    return CueSet(unique, _alternation(unique, tuple(range(len(unique)))), words, stems, keys)
