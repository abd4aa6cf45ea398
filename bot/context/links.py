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

_STOP = frozenset(
    """
a an the and or but if of to in on at by for with from as into about over after before than
that this these those it its is are was were be been being has have had do does did not no
will would shall should can could may might must said says say also more most very just who
whom whose which what when where why how there their they them he she his her we our you
your i me my mr mrs ms new news report reports reported according told tells amid while
""".split()
)


def _fold(text: str) -> str:
    if text.isascii():  # nothing to decompose: most English text, at a tenth of the cost
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def words(text: str) -> list[str]:
    return re.findall(r"\w+", _fold(text))


@functools.lru_cache(maxsize=8192)
def content_words(text: str) -> frozenset[str]:
    """Words that carry meaning, lightly stemmed so "cuts"/"cut" and "reduces"/"reduce" meet.

    Cached: linking scores one new story against many candidates, and headlines repeat."""
    result = set()
    for word in words(text):
        if word in _STOP or (len(word) < 3 and not word.isdigit()):
            continue
        result.add(_stem(word))
    return frozenset(result)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def shingles(text: str) -> set[bytes]:
    tokens = words(text)
    if len(tokens) < SHINGLE:
        return {" ".join(tokens).encode()} if tokens else set()
    return {" ".join(tokens[i : i + SHINGLE]).encode() for i in range(len(tokens) - SHINGLE + 1)}


def minhash_bands(text: str) -> tuple[int, ...]:
    """LSH band keys (band number in the top bits) of the text's MinHash signature."""
    grams = shingles(text)
    if len(grams) < 4:  # too short to say two texts are copies
        return ()
    values = signature(grams, NUM_PERM, _SEED)
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
    return {entity_key(e.name) for e in ctx.entities if e.kind not in skip and e.name}


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
    denial = denial_ctx.denial
    if report_time > denial_time + 3600 or denial_time - report_time > DENIAL_WINDOW:
        return Scored(0.0, "outside the window")
    denial_entities = entity_keys(denial_ctx)
    report_entities = entity_keys(report_ctx)
    if not report_entities:
        report_entities = set(content_words(report_title))
    shared = denial_entities & report_entities
    entity_score = overlap(denial_entities, report_entities)
    claim_words = content_words(" ".join([denial.claim or "", *denial.evidence[:1]]))
    report_words = content_words(f"{report_title} {report_text[:1500]}")
    claim_score = len(claim_words & report_words) / len(claim_words) if claim_words else 0.0
    age_days = max(0.0, denial_time - report_time) / 86400.0
    time_score = max(0.0, 1.0 - age_days / 14.0)
    confidence = 0.35 * entity_score + 0.5 * claim_score + 0.15 * time_score
    reason = (
        f"shared entities: {', '.join(sorted(shared)[:6]) or 'none'}; claim overlap "
        f"{claim_score:.0%}; {age_days:.1f} days earlier"
    )
    return Scored(round(confidence, 3), reason)


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
    title_score = jaccard(content_words(a_title), content_words(b_title))
    if not shared or (len(shared) < 2 and title_score < SAME_EVENT_TITLE_ALONE):
        return Scored(0.0, "too little in common")
    confidence = 0.5 * overlap(a_entities, b_entities) + 0.5 * min(1.0, title_score * 2.5)
    reason = f"shared entities: {', '.join(sorted(shared)[:6])}; headline overlap {title_score:.0%}"
    return Scored(round(confidence, 3), reason)
