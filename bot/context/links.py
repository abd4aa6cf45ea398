"""Links between stories: a denial → the report it denies, and same-story clusters.

Pure scoring lives here; candidates come from the store's indexes (entity keys, MinHash LSH
bands), so the cost per story does not grow with the size of the store. Every link carries a
confidence and the reason it was made; nothing is linked below the threshold.

- Denial → report: the report is a story of the denied outlet, published in the window before
  the denial (14 days), sharing entities with the denial and saying what the denial says the
  report claimed.
- Same story: near-identical text (wire copies) by MinHash of word shingles, verified by exact
  Jaccard; or the same event told by another outlet: several shared named entities and similar
  headlines within two days.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zlib
from collections.abc import Iterable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from bot.context.minhash import signature
from bot.models import StoryContext, entity_key

DENIAL_WINDOW = 14 * 86400.0
DENIAL_THRESHOLD = 0.45
SAME_EVENT_WINDOW = 2 * 86400.0
WIRE_COPY_THRESHOLD = 0.5
SAME_EVENT_THRESHOLD = 0.5
SAME_EVENT_TITLE_ALONE = 0.3  # headline overlap that lets one shared entity suffice

# 8 bands of 3 rows: a pair with Jaccard 0.7 shares a band with probability 0.97, at 0.3 with
# 0.2 (then exact Jaccard decides). Each band is an index entry per story, so fewer bands is
# cheaper ingest; 16 bands of 4 rows cost a quarter of the store's write time.
NUM_PERM = 24
BANDS = 8
ROWS = NUM_PERM // BANDS
SHINGLE = 3
_SEED = 7  # fixed: bands must be comparable across processes and restarts
_MIN_SHINGLES = 4  # fewer: too short to say two texts are copies (no bands)

_STOP = frozenset(
    """
a an the and or but if of to in on at by for with from as into about over after before than
that this these those it its is are was were be been being has have had do does did not no
will would shall should can could may might must said says say also more most very just who
whom whose which what when where why how there their they them he she his her we our you
your i me my mr mrs ms new news report reports reported according told tells amid while
""".split()
)


class _CombiningMarks:
    """Deletes combining marks from text; each character is classified once per process.

    Most non-ASCII text has no mark left after NFKD (curly quotes, dashes): the set of its
    characters (one C pass) shows it and the text is kept as it is. Text with marks loses
    them in one `re.sub` over the marks met so far (at most a few hundred characters)."""

    def __init__(self) -> None:
        self.plain: set[str] = set()  # characters met that are no combining mark
        self.marks: set[str] = set()  # combining marks met
        self.pattern = re.compile("(?!)")  # the marks in `marks`

    def drop(self, text: str) -> str:
        chars = set(text)
        new = chars.difference(self.plain, self.marks)
        if new:
            marks = {ch for ch in new if unicodedata.combining(ch)}
            self.plain |= new - marks
            if marks:
                self.marks |= marks
                self.pattern = re.compile("[" + "".join(map(re.escape, sorted(self.marks))) + "]")
        if self.marks.isdisjoint(chars):
            return text
        return self.pattern.sub("", text)


_MARKS = _CombiningMarks()
_WORD = re.compile(r"\w+")
_WORD_BYTES = re.compile(rb"\w+")
_NON_ASCII_WORD = re.compile(r"[^\W\x00-\x7f]")  # a word character outside ASCII


def _fold(text: str) -> str:
    if text.isascii():  # nothing to decompose: most English text, at a tenth of the cost
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    if text.isascii():  # accents and curly quotes decomposed to plain letters
        return text.lower()
    return _MARKS.drop(text).lower()


def words(text: str) -> list[str]:
    return _WORD.findall(_fold(text))


@functools.lru_cache(maxsize=8192)
def content_words(text: str) -> frozenset[str]:
    """Words that carry meaning, lightly stemmed so "cuts"/"cut" and "reduces"/"reduce" meet.

    Cached: linking scores one new story against many candidates, and headlines repeat; each
    word's stem is cached too (a report's text is read once, its words are common ones)."""
    return frozenset(filter(None, map(_content_stem, words(text))))


@functools.lru_cache(maxsize=65536)
def _content_stem(word: str) -> str | None:
    """The word's stem, or None for a word that carries no meaning."""
    if word in _STOP or (len(word) < 3 and not word.isdigit()):
        return None
    return _stem(word)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def word_shingles(text: str) -> set[str]:
    """The text's word 3-grams ("a b c"): what exact Jaccard compares (`shingles` encoded)."""
    tokens = words(text)
    if len(tokens) < SHINGLE:
        return {" ".join(tokens)} if tokens else set()
    return {f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)}


def shingles(text: str) -> set[bytes]:
    return {g.encode() for g in word_shingles(text)}


def minhash_bands(text: str) -> tuple[int, ...]:
    """LSH band keys (band number in the top bits) of the text's MinHash signature."""
    # `bands_of(word_shingles(text))`, with the shingles built as bytes from the words'
    # bytes (the signature hashes bytes): text whose word characters are all ASCII is split
    # once as bytes, where `\w` is the same as in str for them.
    folded = _fold(text)
    if folded.isascii() or not _NON_ASCII_WORD.search(folded):
        # Other characters are no word characters, nor are their UTF-8 bytes (all ≥ 0x80)
        # in a bytes pattern: they part words alike ("it’s", "—").
        tokens = _WORD_BYTES.findall(folded.encode())
    else:
        tokens = [w.encode() for w in _WORD.findall(folded)]
    if len(tokens) < SHINGLE:
        return ()  # one shingle at most: too short (`bands_of`)
    grams = {b" ".join(g) for g in zip(tokens, tokens[1:], tokens[2:], strict=False)}
    if len(grams) < _MIN_SHINGLES:
        return ()
    return _bands(signature(grams, NUM_PERM, _SEED))


def bands_of(grams: AbstractSet[str]) -> tuple[int, ...]:
    """`minhash_bands` of a text's `word_shingles` (when they are at hand already)."""
    if len(grams) < _MIN_SHINGLES:
        return ()
    return _bands(signature([g.encode() for g in grams], NUM_PERM, _SEED))


def _bands(values: tuple[int, ...]) -> tuple[int, ...]:
    bands = []
    for band in range(BANDS):
        chunk = b"".join(v.to_bytes(8, "little") for v in values[band * ROWS : (band + 1) * ROWS])
        digest = zlib.crc32(chunk) | (zlib.adler32(chunk) << 32)
        bands.append((band << 56) | (digest & ((1 << 56) - 1)))
    return tuple(bands)


def jaccard(
    a: AbstractSet[bytes] | AbstractSet[str], b: AbstractSet[bytes] | AbstractSet[str]
) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def overlap(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    """Overlap coefficient: shared / size of the smaller set."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def entity_keys(ctx: StoryContext | None, *, skip_kinds: Iterable[str] = ()) -> set[str]:
    if ctx is None:
        return set()
    skip = set(skip_kinds)
    return {cached_key(e.name) for e in ctx.entities if e.kind not in skip and e.name}


# entity_key of a name, cached: the linker keys every candidate's entities, and names repeat
cached_key = functools.lru_cache(maxsize=65536)(entity_key)


@dataclass(frozen=True)
class Scored:
    confidence: float
    reason: str


def score_denial_link(
    denial_ctx: StoryContext,
    denial_time: float,
    report_title: str,
    report_text: str,
    report_ctx: StoryContext | None,
    report_time: float,
) -> Scored:
    """How sure we are that `report` is the report the denial denies (0 … 1)."""
    return denial_side(denial_ctx, denial_time).score(
        report_title, report_text, report_ctx, report_time
    )


@dataclass(frozen=True)
class DenialSide:
    """What `score_denial_link` needs of the denial, worked out once for all its candidates."""

    time: float
    entities: frozenset[str]
    claim_words: frozenset[str]

    def score(
        self,
        report_title: str,
        report_text: str,
        report_ctx: StoryContext | None,
        report_time: float,
    ) -> Scored:
        """`score_denial_link` of this denial and one report."""
        return self.score_report(
            report_side(report_title, report_text, entity_keys(report_ctx), report_time)
        )

    def score_report(self, report: ReportSide) -> Scored:
        """`score_denial_link` of this denial and a report's side of the score."""
        denial_time, report_time = self.time, report.time
        if report_time > denial_time + 3600 or denial_time - report_time > DENIAL_WINDOW:
            return Scored(0.0, "outside the window")
        shared = self.entities & report.entities
        entity_score = overlap(self.entities, report.entities)
        claim_words = self.claim_words
        claim_score = len(claim_words & report.words) / len(claim_words) if claim_words else 0.0
        age_days = max(0.0, denial_time - report_time) / 86400.0
        time_score = max(0.0, 1.0 - age_days / 14.0)
        confidence = 0.35 * entity_score + 0.5 * claim_score + 0.15 * time_score
        reason = (
            f"shared entities: {', '.join(sorted(shared)[:6]) or 'none'}; claim overlap "
            f"{claim_score:.0%}; {age_days:.1f} days earlier"
        )
        return Scored(round(confidence, 3), reason)


@dataclass(frozen=True)
class ReportSide:
    """What `score_denial_link` needs of a report, worked out once for all the denials."""

    time: float
    entities: frozenset[str]  # its entity keys, or its headline's words when it names none
    words: frozenset[str]  # the content words of its headline and the start of its text


def report_side(title: str, text: str, keys: AbstractSet[str], when: float) -> ReportSide:
    """A report's side of the score, from its entity keys (`entity_keys` of its context)."""
    return ReportSide(
        when,
        frozenset(keys) if keys else content_words(title),
        content_words(f"{title} {text[:1500]}"),
    )


def denial_side(denial_ctx: StoryContext, denial_time: float) -> DenialSide:
    denial = denial_ctx.denial
    return DenialSide(
        denial_time,
        frozenset(entity_keys(denial_ctx)),
        content_words(" ".join([denial.claim or "", *denial.evidence[:1]])),
    )


_NOTHING_IN_COMMON = Scored(0.0, "too little in common")


def score_same_event(
    a_title: str, a_ctx: StoryContext | None, b_title: str, b_ctx: StoryContext | None
) -> Scored:
    """Same event told by two outlets: shared named entities and similar headlines.

    Two shared entities, or one with clearly similar headlines (outlets word the same event
    differently, and entity extraction misses some: "Chinese" is not "China")."""
    return score_same_event_keys(
        a_title,
        entity_keys(a_ctx, skip_kinds=("outlet",)),
        b_title,
        entity_keys(b_ctx, skip_kinds=("outlet",)),
    )


def score_same_event_keys(
    a_title: str, a_entities: AbstractSet[str], b_title: str, b_entities: AbstractSet[str]
) -> Scored:
    """`score_same_event` on the stories' entity keys (outlets left out), as the linker
    reads them from the store."""
    shared = a_entities & b_entities
    if not shared:  # most candidates of a common key: the headlines need no comparing
        return _NOTHING_IN_COMMON
    title_score = jaccard(content_words(a_title), content_words(b_title))
    if len(shared) < 2 and title_score < SAME_EVENT_TITLE_ALONE:
        return Scored(0.0, "too little in common")
    confidence = 0.5 * overlap(a_entities, b_entities) + 0.5 * min(1.0, title_score * 2.5)
    reason = f"shared entities: {', '.join(sorted(shared)[:6])}; headline overlap {title_score:.0%}"
    return Scored(round(confidence, 3), reason)
