"""Denial and hedge detection: does a story deny a report, who denies, whose report, what claim.

Owns `detect_denial` (headline + body → `Denial` and `Hedge`s) and `classify_headline` (one
headline → Emergent stance "against" | "for" | "observing"). Rule-based over the cue tiers of
`bot.context.cues`; every decision keeps the sentence and the cue that made it. Traps ("did not
deny", "neither confirmed nor denied", "not a hoax") are masked before matching, questions are
never denials, and hedges ("declined to comment") are returned apart and never make a denial.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from bot.context.cues import EN, CueSet, compile_cues
from bot.context.entities import (
    _CAP,
    _POSSESSIVE_ORG_RE,
    _ROLE_RE,
    FALLBACK_OUTLETS,
    KNOWN_ORGS,
    OutletResolver,
    name_key,
    normalise_name,
    place_name,
)
from bot.context.sentences import split_sentences
from bot.models import Denial, Denier, Hedge, OutletCard

__all__ = ["OutletResolver", "classify_headline", "detect_denial", "headline_cues"]

DENIAL = compile_cues(EN.denial)
NEEDS_OBJECT = compile_cues(EN.denial_needs_object)
FALSITY = compile_cues(EN.falsity)
DEBUNK = compile_cues(EN.debunk)
CORRECTION = compile_cues(EN.correction)
HEDGES = compile_cues(EN.hedges)
TRAPS = compile_cues(EN.negation_traps)
CONFIRM = compile_cues(EN.confirm)
REPORT = compile_cues(EN.report_nouns)
ATTRIBUTION = compile_cues(EN.attribution)
UNNAMED = compile_cues(EN.unnamed_source)

_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"'})

# Negated claims in headlines: "X is not Y", "X did not Y", "No, X …" (grammar, not words).
_NEG_PAST = re.compile(
    r"\b(?:did|has|have|had|was|were)(?:\s+not|n't)\b(?!\s+(?:yet|ready|only|just|always|be\s+"
    r"(?:able|allowed)))",
    re.IGNORECASE,
)
_NEG_PRESENT = re.compile(
    r"(?<!,\s)\b(?:is|are|'s|'re|am|'m)(?:\s+not|n't)\b(?!\s+(?:happy|sure|pleased|amused|"
    r"impressed|interested|keen|alone|afraid|worried|concerned|going\s+away|just|only|"
    r"enough|all\s+it|the\s+only|over|done|finished|ready))",
    re.IGNORECASE,
)
_NOT_PARTICIPLE = re.compile(
    r"(?<![,;]\s)(?<!may or may )(?<!or )(?<!with )(?<!for )(?<!of )(?<!about )"
    r"\bnot\s+(?:\w+ly\s+)?(?:(?:\w+ed|\w+ing|to\s+have|stolen|found|taken|"
    r"seen|shown|written|made|done|given|known|caught|shot|killed|arrested|captured|dead|"
    r"real|true|genuine|authentic|responsible|among|in|by|behind|from|one|a|an|the|his|her|"
    r"their|what|that|those|about|imminent|happening|coming|on)\b)",
    re.IGNORECASE,
)
_LEADING_NO = re.compile(
    r"(?:^|:\s)\W*(?:no|nope|not\s+so|not\s+true|wrong)\b\s*(?:[,.!:;\-–—]|$)|^\W*no\s+(?:he|she|it|they"
    r"|we)\s+(?:didn't|wasn't|isn't|won't|hasn't|doesn't)",
    re.IGNORECASE,
)
# Counter-claims to death / kidnap rumours: "X is alive", "says she is safe".
_ALIVE = re.compile(
    r"(?:\b(?:is|are|am|was)|['’](?:s|m|re))\s+(?:still\s+|actually\s+|very\s+much\s+)?"
    r"(?:alive|safe|fine|well)\b|\balive\s+and\s+(?:well|kicking|fighting)",
    re.IGNORECASE,
)
_NEVER = re.compile(r"\bthere\s+(?:was|were|is|are)\s+never\b|\bturn(?:s|ed)?\s+out\s+not\b", re.I)
_BARE_NO = re.compile(
    r"^\W*(?:probably|likely|definitely|nope|no|not)?\s*(?:not|nope|no)\W*$", re.I
)
_OBSERVING = re.compile(
    r"\b(?:report(?:s|ed|edly)?|rumou?r(?:s|ed)?|claims?|claimed|allegedly|alleged|may|might|"
    r"could|said\s+to|unconfirmed|possibly|apparently|speculat\w*|according\s+to|suspected|"
    r"sources?|purported(?:ly)?|expected|plans?|considers?|says?|said)\b",
    re.IGNORECASE,
)
_DENY_OF_FALSITY = re.compile(
    r"\bden(?:y|ies|ied|ying)\b(?:\W+\w+){0,3}?\W+(?:hoax\w*|fake\w*|fraud\w*|rumou?rs?\s+of\s+"
    r"(?:a\s+)?hoax)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Hit:
    """One cue found in one sentence."""

    cue: str
    tier: str  # "denial" | "falsity" | "debunk" | "negation" | "correction"


@dataclass
class _Finding:
    index: int
    sentence: str
    hits: list[Hit] = field(default_factory=list)
    strong: bool = False
    said_report_false: bool = False  # a report and an attribution ("X said the report …")


def _mask(text: str, cueset: CueSet) -> str:
    for start, end, _cue in cueset.find(text):
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _is_question(sentence: str) -> bool:
    return sentence.rstrip(" \"'”’)*_").endswith("?")


def _object_hits(masked: str) -> list[Hit]:
    """'rejects/dismisses …' count only with a report-like object shortly after the verb."""
    hits: list[Hit] = []
    reports = REPORT.find(masked)
    for start, end, cue in NEEDS_OBJECT.find(masked):
        for r_start, _r_end, _r in reports:
            gap = masked[end:r_start]
            if r_start - end >= 0 and len(gap.split()) <= 6:
                hits.append(Hit(cue, "denial"))
                break
            if (
                r_start < start
                and len(masked[r_start:start].split()) <= 2
                and cue.startswith("reject")
            ):
                hits.append(Hit(cue, "denial"))  # "the report was rejected"
                break
    return hits


# ---------------------------------------------------------------- headlines


def headline_cues(headline: str) -> list[Hit]:
    """The against-cues of a headline's assertive parts (text inside a question is ignored)."""
    text = " ".join(headline.translate(_QUOTES).split())
    segments = re.split(r"\?+", text)
    asserted = segments[-1:] if len(segments) > 1 else segments
    hits: list[Hit] = []
    for segment in asserted:
        segment = segment.strip()
        if not segment:
            continue
        if len(segments) > 1 and _BARE_NO.match(segment):
            hits.append(Hit("no (answer)", "negation"))
            continue
        if _DENY_OF_FALSITY.search(segment):
            continue  # "denies hoax claims": denying the debunk supports the claim
        masked = _mask(segment, TRAPS)
        hits += [Hit(c, "denial") for _s, _e, c in DENIAL.find(masked)]
        hits += _object_hits(masked)
        hits += [Hit(c, "falsity") for _s, _e, c in FALSITY.find(masked)]
        hits += [Hit(c, "debunk") for _s, _e, c in DEBUNK.find(masked)]
        if _LEADING_NO.search(masked):
            hits.append(Hit("no,", "negation"))
        for rx, name in (
            (_ALIVE, "is alive"),
            (_NEVER, "never"),
            (_NEG_PAST, "did not"),
            (_NEG_PRESENT, "is not"),
            (_NOT_PARTICIPLE, "not"),
        ):
            m = rx.search(masked)
            if m:
                hits.append(Hit(f"{name}: {m.group(0).strip()}", "negation"))
    return hits


def classify_headline(headline: str) -> str:
    """Emergent stance of a headline towards its claim: "against" | "for" | "observing"."""
    if headline_cues(headline):
        return "against"
    text = headline.strip()
    if "?" not in text and CONFIRM.search(text) and not HEDGES.search(text):
        return "for"
    if "?" in text or _OBSERVING.search(text) or HEDGES.search(text):
        return "observing"
    return "for"


# ---------------------------------------------------------------- article bodies


def _sentence_finding(index: int, sentence: str) -> _Finding | None:
    if _is_question(sentence):
        return None
    norm = sentence.translate(_QUOTES)
    if _DENY_OF_FALSITY.search(norm):
        return None
    masked = _mask(_mask(norm, HEDGES), TRAPS)
    finding = _Finding(index, sentence)
    has_report = REPORT.search(masked)
    finding.said_report_false = bool(has_report and ATTRIBUTION.search(masked))
    anchored = bool(has_report or ATTRIBUTION.search(masked) or '"' in norm)
    denial_hits = [Hit(c, "denial") for _s, _e, c in DENIAL.find(masked)]
    confirmed = CONFIRM.search(masked) and not re.search(
        r"(?:not|n't|never|nor)\s+(?:\w+\s+)?confirm", masked, re.IGNORECASE
    )
    if confirmed:
        # "X confirmed the report despite earlier denials" is a confirmation, not a denial.
        denial_hits = [h for h in denial_hits if h.cue not in {"denial", "denials", "denied"}]
    finding.hits += denial_hits
    finding.hits += _object_hits(masked)
    if anchored:
        finding.hits += [Hit(c, "falsity") for _s, _e, c in FALSITY.find(masked)]
    if has_report:
        finding.hits += [Hit(c, "debunk") for _s, _e, c in DEBUNK.find(masked)]
    finding.strong = bool(finding.hits) and not (confirmed and not denial_hits)
    if not finding.strong:
        finding.hits = []
        corrections = [Hit(c, "correction") for _s, _e, c in CORRECTION.find(masked)]
        if corrections and anchored:
            finding.hits = corrections
    return finding if finding.hits else None


_URL = re.compile(r"^<?(?:https?://|www\.)\S+>?$")


def _clean_line(line: str) -> str:
    """Drop markup a normaliser may leave (markdown '#', '*', bare URLs, rules)."""
    line = line.strip().strip("#*_>- ").strip()
    if _URL.match(line) or not re.search(r"[^\W\d_]", line):
        return ""
    return line


def _hedges(sentences: list[str]) -> list[Hedge]:
    out: list[Hedge] = []
    for sentence in sentences:
        hits = HEDGES.find(sentence.translate(_QUOTES))
        if hits:
            out.append(Hedge(sentence, hits[0][2]))
    return out


def detect_denial(
    title: str,
    text: str,
    resolver: OutletResolver | None = None,
    *,
    publisher: OutletCard | None = None,
) -> tuple[Denial, tuple[Hedge, ...]]:
    """Decide whether a story denies a report; fill who, whose, what and the evidence."""
    title = _clean_line(title)
    sentences = [c for s in split_sentences(text) if (c := _clean_line(s)) and c != title]
    hedges = tuple(_hedges([title, *sentences] if title else sentences))
    findings = [f for i, s in enumerate(sentences) if (f := _sentence_finding(i, s))]
    head_hits = [] if not title or _is_question(title) else headline_cues(title)
    strong = [f for f in findings if f.strong]
    head_strong = [h for h in head_hits if h.tier in {"denial", "falsity", "debunk"}] or (
        head_hits if head_hits and _OBSERVING.search(title) else []
    )
    # In the body, falsity words alone ("fake images", "accused of fabricating", a quoted
    # "false") are too common in ordinary news to call a story a denial: the body must say
    # someone denies, rejects, dismisses or refutes something. They still count as evidence.
    body_denial = [
        f
        for f in strong
        if any(h.tier == "denial" for h in f.hits)
        or (f.said_report_false and any(h.tier in {"falsity", "debunk"} for h in f.hits))
    ]
    # A headline's falsity or debunk words ("scam", "myth", "doubts") need the body to agree;
    # a headline that says someone denies or rejects something stands on its own.
    # A headline that says who says so ("…, Iraq says", "Officials: report is false") or names
    # a report stands on its own too.
    if head_strong and not body_denial and not any(h.tier == "denial" for h in head_strong):
        headline = title.translate(_QUOTES)
        if not (strong or REPORT.search(headline) or ATTRIBUTION.search(headline)):
            head_strong = []
    if not body_denial and not head_strong:
        return Denial(is_denial=False), hedges

    evidence_findings = strong + [f for f in findings if not f.strong]
    evidence_findings.sort(key=lambda f: f.index)
    evidence: list[str] = []
    cues: list[str] = []
    if head_strong:
        evidence.append(title.strip())
        cues += [h.cue for h in head_strong]
    for f in evidence_findings:
        evidence.append(f.sentence)
        cues += [h.cue for h in f.hits]

    deniers: list[Denier] = []
    if head_strong:
        _add_denier(deniers, _subject_before_cue(title, resolver))
    for f in evidence_findings:
        for d in _speakers(sentences, f.index, resolver):
            _add_denier(deniers, d)

    outlet_name, outlet_id = _denied_outlet(title, sentences, evidence, resolver, publisher)
    deniers = [
        d for d in deniers if outlet_name is None or name_key(d.name) != name_key(outlet_name)
    ]
    claim = _claim(sentences, outlet_name, {f.index for f in strong}) or (
        evidence[1] if head_strong and len(evidence) > 1 else evidence[0]
    )
    denial = Denial(
        is_denial=True,
        deniers=tuple(deniers),
        denied_outlet=outlet_name,
        denied_outlet_id=outlet_id,
        claim=claim,
        evidence=tuple(evidence),
        cues=tuple(dict.fromkeys(cues)),
    )
    return denial, hedges


# ---------------------------------------------------------------- who denies


_SPEECH_AFTER_QUOTE = re.compile(
    r"[,.!]?\"\s*,?\s*(?P<who>[^\"]{2,120}?)\s+(?:said|says|added|told|stated|insisted|noted|"
    r"wrote|tweeted)\b"
)
_SPEAKER_VERB = re.compile(
    r"\s(?:(?:has|have|had)\s+)?(?:said|says|told|stated|insisted|insists|noted|added|wrote|"
    r"tweeted|den(?:y|ies|ied)|reject(?:s|ed)?|dismiss(?:es|ed)?|refut(?:es|ed)|rebuff(?:s|ed)?|"
    r"debunk(?:s|ed)?|slam(?:s|med)?|called|calls|branded|brands)\b"
)
_ADVERBS_TAIL = re.compile(r"(?:\s+(?:also|on\s+\w+|flatly|strongly|firmly|again))+$")
_AUX_TAIL = re.compile(r"\s+(?:has|have|had|also|on\s+\w+|today|flatly|strongly|firmly)$", re.I)


def _speakers(sentences: list[str], index: int, resolver: OutletResolver | None) -> list[Denier]:
    """Who speaks in sentence `index`: quote attribution, else the subject before the verb."""
    sentence = sentences[index].translate(_QUOTES)
    context = sentence
    j = index
    while context.count('"') % 2 == 1 and j + 1 < len(sentences) and j < index + 3:
        j += 1  # the quote goes on: its attribution is in a later sentence
        context += " " + sentences[j].translate(_QUOTES)
    out: list[Denier] = []
    for m in _SPEECH_AFTER_QUOTE.finditer(context):
        d = _denier_from(m.group("who"), resolver)
        if d:
            out.append(d)
    if not out:
        verb = _SPEAKER_VERB.search(sentence)
        if verb:
            who = sentence[max(0, verb.start() - 120) : verb.start()]
            who = _ADVERBS_TAIL.sub("", re.split(r"[,;:\"]", who)[-1])
            who = re.sub(r"^.*\b(?:that|after|as|when|while|but|and)\s+", "", who)
            d = _denier_from(who, resolver)
            if d:
                out.append(d)
    return out


def _subject_before_cue(title: str, resolver: OutletResolver | None) -> Denier | None:
    text = title.translate(_QUOTES).strip(" #*_")
    m = re.search(
        r"\b(?:den(?:y|ies|ied)|rejects?|rejected|dismiss\w*|refut\w*|rebuff\w*|debunk\w*|"
        r"slams?|says|said)\b",
        text,
        re.IGNORECASE,
    )
    if not m or m.start() == 0:
        return None
    return _denier_from(text[: m.start()], resolver)


def _denier_from(chunk: str, resolver: OutletResolver | None) -> Denier | None:
    chunk = _AUX_TAIL.sub("", " ".join(chunk.split()).strip(" ,"))
    chunk = _AUX_TAIL.sub("", chunk)
    if not chunk:
        return None
    m = _ROLE_RE.search(chunk)
    if m and m.end() >= len(chunk) - 2:
        return Denier(normalise_name(m.group("name")), " ".join(m.group("role").split()))
    m2 = _POSSESSIVE_ORG_RE.search(chunk + " ")
    if m2 is None:
        m2 = re.search(
            rf"(?P<org>(?:{_CAP})(?:\s+(?:{_CAP})){{0,3}})['’]s\s+(?P<unit>[a-z][\w\s-]{{2,30}})$",
            chunk,
        )
    if m2:
        org = normalise_name(m2.group("org"))
        org = re.sub(r"^(?:The|the)\s+", "", org)
        return Denier(KNOWN_ORGS.get(org, org), m2.group("unit").strip())
    # trailing capitalised span: "Russia", "The Kremlin", "Apple"
    m3 = re.search(rf"((?:{_CAP})(?:\s+(?:of\s+)?(?:{_CAP})){{0,4}})$", chunk)
    if not m3:
        return None
    name = normalise_name(m3.group(1))
    name = re.sub(r"^(?:The|the)\s+", "", name)
    if not name or name.lower() in _NOT_DENIERS:
        return None
    if resolver is not None and resolver.by_name(name) is not None:
        return None  # an outlet reporting, not a denier
    place = place_name(name)
    return Denier(place or KNOWN_ORGS.get(name, name))


_NOT_DENIERS = frozenset(
    {"he", "she", "it", "they", "we", "i", "you", "this", "that", "the", "a", "an", "there",
     "here", "but", "and", "as", "after", "when"}
)  # fmt: skip


def _add_denier(deniers: list[Denier], d: Denier | None) -> None:
    if d is None:
        return
    key = name_key(d.name)
    for i, have in enumerate(deniers):
        if name_key(have.name) == key:
            if have.role is None and d.role:
                deniers[i] = d
            return
    deniers.append(d)


# ---------------------------------------------------------------- whose report, which claim

_REPORTING = re.compile(
    r"\b(?:reported|reports|report|claimed|claims|alleged|wrote|said|story|article|according\s+"
    r"to|citing|cited|published)\b",
    re.IGNORECASE,
)
_REPORT_VERB = re.compile(
    r"\b(?:reported|claimed|alleged|wrote|suggested|published|said\s+that|according\s+to)\b",
    re.IGNORECASE,
)


_FALLBACK_OUTLETS_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(n) for n in sorted(FALLBACK_OUTLETS, key=len, reverse=True))
    + r")(?!\w)"
)


def _outlet_mentions(
    texts: list[str], resolver: OutletResolver | None
) -> list[list[tuple[str, str | None]]]:
    """Outlets named in each text, found in one pass over the joined texts."""
    joined = "\n".join(texts)
    starts: list[int] = []
    pos = 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    found: list[tuple[int, str, str | None]] = []
    if resolver is not None:
        found = [(s, card.name, card.id) for s, _e, card in resolver.find_in_text(joined)]
    else:
        found = [(m.start(), m.group(0), None) for m in _FALLBACK_OUTLETS_RE.finditer(joined)]
    out: list[list[tuple[str, str | None]]] = [[] for _ in texts]
    for start, name, oid in found:
        out[bisect.bisect_right(starts, start) - 1].append((name, oid))
    return out


def _denied_outlet(
    title: str,
    sentences: list[str],
    evidence: list[str],
    resolver: OutletResolver | None,
    publisher: OutletCard | None,
) -> tuple[str | None, str | None]:
    scores: dict[str, tuple[int, int, str, str | None]] = {}  # key → score, first, name, id
    evidence_set = set(evidence)
    texts = [title, *sentences]
    for i, (sentence, mentions) in enumerate(
        zip(texts, _outlet_mentions(texts, resolver), strict=True)
    ):
        seen: set[str] = set()
        for name, oid in mentions:
            key = oid or name_key(re.sub(r"^The\s+", "", name))
            if key in seen:
                continue
            seen.add(key)
            if publisher is not None and (oid == publisher.id or name == publisher.name):
                continue
            score = 1
            if sentence in evidence_set:
                score += 2
            if _REPORTING.search(sentence):
                score += 2
            have = scores.get(key)
            if have is None:
                scores[key] = (score, i, name, oid)
            else:
                scores[key] = (have[0] + score, have[1], have[2], have[3])
    # prefer the longest spelling ("The Wall Street Journal" over "Wall Street Journal")
    merged: dict[str, tuple[int, int, str, str | None]] = {}
    for _key, (score, first, name, oid) in scores.items():
        k = oid or name_key(re.sub(r"^The\s+", "", name))
        merged[k] = (score, first, name, oid)
    best = sorted(merged.values(), key=lambda t: (-t[0], t[1]))
    if best and best[0][0] >= 3:
        return best[0][2], best[0][3]
    joined = " ".join([*evidence, *sentences[:3]])
    if UNNAMED.search(joined) and REPORT.search(joined):
        return "unnamed source", None
    if REPORT.search(" ".join(evidence)):
        return "media reports", None
    return None, None


def _claim(sentences: list[str], outlet: str | None, strong: set[int]) -> str | None:
    best: tuple[int, int] | None = None
    for i, sentence in enumerate(sentences):
        if _is_question(sentence) or HEDGES.search(sentence):
            continue
        score = 0
        if outlet and outlet not in {"unnamed source", "media reports"}:
            bare = re.sub(r"^The\s+", "", outlet)
            if bare.lower() in sentence.lower():
                score += 3
        if _REPORT_VERB.search(sentence):
            score += 2
        if UNNAMED.search(sentence):
            score += 1
        if re.search(r"\d", sentence):
            score += 1
        if i in strong:
            score -= 1
        if score >= 3 and (best is None or score > best[0]):
            best = (score, i)
    return sentences[best[1]] if best else None
