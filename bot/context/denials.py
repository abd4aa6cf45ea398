"""Denial and hedge detection: does a story deny a report, who denies, whose report, what claim.

Owns `detect_denial` (headline + body → `Denial` and `Hedge`s) and `classify_headline` (one
headline → Emergent stance, through the same decision). **The label is decided on the headline
and the lead only** (`bot.context.denial_clause.find_denial`, in the item's language): a story
is a denial when it reports that someone denies a claim or report. A denial found only deeper in
the text is kept as background (`Denial.mentions`, shown by `/story`) and is never the label.
Once the label is set, the body supplies the evidence: who else denies (quote attributions), the
corrections that support the denial ("overestimated the numbers"), whose report is denied and
what it claimed. Hedges ("declined to comment") are returned apart and never make a denial.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from bot.context.cues import EN, CueSet, compile_cues
from bot.context.denial_clause import (
    ClauseDenial,
    answered_claim,
    attribution_span,
    find_denial,
    screen,
)
from bot.context.denial_senses import other_sense
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
from bot.context.morph import has_cyrillic, ru_lemma
from bot.context.sentences import split_sentences
from bot.models import NO_DENIAL, Denial, Denier, Hedge, OutletCard

__all__ = ["OutletResolver", "classify_headline", "detect_denial", "headline_cues", "other_stance"]

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
# One search that every sentence holding body evidence passes (most sentences do not).
BODY_SCREEN = compile_cues(
    EN.denial + EN.denial_needs_object + EN.falsity + EN.debunk + EN.correction
)

_QUOTE_PAIRS = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'))


def _straight(text: str) -> str:
    """Curly quotes and guillemets as straight quotes (str.translate, without its cost per
    character on non-ASCII text)."""
    if text.isascii():
        return text
    for curly, straight in _QUOTE_PAIRS:
        if curly in text:
            text = text.replace(curly, straight)
    return text


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
# Evidence and mentions are looked for in the first sentences only: a denial story says who
# denies what near its top, and a long or hostile text must not cost more than an article.
EVIDENCE_SENTENCES = 60

# A dateline opening a lead: "MOSCOW, June 4 (RHC)--", "WASHINGTON (AP) —", "МОСКВА, 3 дек. /ТАСС/."
_DATELINE = re.compile(
    r"^\s*[A-ZÁÉÍÓÚÑА-ЯЁ][\w.\s'-]{1,40}?,?\s*(?:[\w.]+\s+\d{1,2}\s*)?(?:\([^)]{1,20}\)|/[^/]{1,20}/)"
    r"\s*[-–—.:]*\s*",
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


def _tier(found: ClauseDenial) -> str:
    return {"falsity": "falsity", "naming": "falsity", "negation": "negation"}.get(
        found.kind, "denial"
    )


# ---------------------------------------------------------------- headlines


def headline_cues(headline: str, lang: str | None = "en") -> list[Hit]:
    """What made a headline a denial (empty when it is not one); the label's own decision."""
    found = find_denial(headline, lang)
    return [Hit(found.cue, _tier(found))] if found else []


def classify_headline(headline: str, lang: str | None = "en") -> str:
    """Emergent stance of a headline towards its claim: "against" | "for" | "observing".

    "against" is exactly the DENIAL label an alert would carry for this headline alone."""
    if detect_denial(headline, "", lang=lang)[0].is_denial:
        return "against"
    return other_stance(headline)


def other_stance(headline: str) -> str:
    """The stance of a headline that is not a denial: "for" | "observing"."""
    text = headline.strip()
    if "?" not in text and CONFIRM.search(text) and not HEDGES.search(text):
        return "for"
    if "?" in text or _OBSERVING.search(text) or HEDGES.search(text):
        return "observing"
    return "for"


# ---------------------------------------------------------------- article bodies


def _sentence_finding(index: int, sentence: str) -> _Finding | None:
    """Body evidence (English cue tiers): denials, falsity phrases, supporting corrections."""
    if _is_question(sentence):
        return None
    norm = _straight(sentence)
    if not BODY_SCREEN.search(norm) or _DENY_OF_FALSITY.search(norm):
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
                hits.append(Hit(cue, "denial"))
                break
    return hits


_URL = re.compile(r"^<?(?:https?://|www\.)\S+>?$")


def _clean_line(line: str) -> str:
    """Drop markup a normaliser may leave (markdown '#', '*', bare URLs, rules)."""
    line = line.strip().strip("#*_>- ").strip()
    if _URL.match(line) or not re.search(r"[^\W\d_]", line):
        return ""
    return line


def _hedges(sentences: list[str]) -> list[Hedge]:
    out: list[Hedge] = []
    if not HEDGES.search(_straight(" ".join(sentences))):
        return out  # one search over the whole text: most items hold no hedge
    for sentence in sentences:
        hits = HEDGES.find(_straight(sentence))
        if hits:
            out.append(Hedge(sentence, hits[0][2]))
    return out


def _lead(sentences: list[str]) -> tuple[int, str] | None:
    """The lead: the first sentence of the text, its dateline removed."""
    for i, sentence in enumerate(sentences[:2]):
        # the lead's news is its first clause: "…was charged; he has denied wrongdoing" is not
        lead = _DATELINE.sub("", sentence, count=1).split(";")[0].strip()
        if len(lead.split()) >= 3:
            return i, lead
    return None


def detect_denial(
    title: str,
    text: str,
    resolver: OutletResolver | None = None,
    *,
    publisher: OutletCard | None = None,
    lang: str | None = "en",
) -> tuple[Denial, tuple[Hedge, ...]]:
    """Decide whether a story reports a denial; fill who, whose, what and the evidence."""
    title = _clean_line(title)
    sentences = [c for s in split_sentences(text) if (c := _clean_line(s)) and c != title]
    hedges = tuple(_hedges([title, *sentences] if title else sentences)) if lang == "en" else ()
    head = find_denial(title, lang) if title else None
    lead = _lead(sentences)
    lead_hit = find_denial(lead[1], lang, headline=False) if lead else None
    # the precision stage: a candidate that is another sense of its words is no label
    if head is not None and other_sense(title, head, lang):
        head = None
    if lead_hit and lead and other_sense(lead[1], lead_hit, lang, headline=False):
        lead_hit = None
    if head is None and lead_hit is None and lead is not None and title:
        # a negated headline over a lead that names the claim going round answers that claim
        head = answered_claim(title, lead[1], lang)
    if head is None and lead_hit is None:
        if not screen(text, lang):
            return NO_DENIAL, hedges
        mentions = tuple(
            s
            for i, s in enumerate(sentences[:EVIDENCE_SENTENCES])
            if (lead is None or i != lead[0])
            and screen(s, lang)
            and find_denial(s, lang, headline=False)
        )[:3]
        return Denial(is_denial=False, mentions=mentions), hedges

    hits = [h for h in (head, lead_hit) if h is not None]
    findings = (
        [f for i, s in enumerate(sentences[:EVIDENCE_SENTENCES]) if (f := _sentence_finding(i, s))]
        if lang == "en"
        else [
            _Finding(i, s, [Hit(h.cue, _tier(h))], strong=True)
            for i, s in enumerate(sentences[:EVIDENCE_SENTENCES])
            if screen(s, lang) and (h := find_denial(s, lang, headline=False))
        ]
    )
    evidence: list[str] = []
    cues: list[str] = []
    if head is not None:
        evidence.append(title.strip())
    if lead_hit is not None and lead is not None:
        evidence.append(sentences[lead[0]])
    cues += [h.cue for h in hits]
    for f in findings:
        if f.sentence not in evidence:
            evidence.append(f.sentence)
        cues += [h.cue for h in f.hits]

    deniers: list[Denier] = []
    for h in hits:
        _add_denier(deniers, _clause_denier(h, resolver, lang))
    for f in findings:
        for d in _speakers(sentences, f.index, resolver):
            _add_denier(deniers, d)
    if not deniers and all(h.kind in {"falsity", "negation"} and not _quoted(h) for h in hits):
        # A verdict with nobody named ("No, photos on Facebook don't show …") is the outlet's
        # own: the fact-checker an aggregator credits ("[Africa Check] …"), else the publisher.
        _add_denier(deniers, _verdict_author(text, resolver, publisher))

    outlet_name, outlet_id = _object_outlet(hits, resolver, publisher)
    if outlet_name is None:
        # the deniers are never the author of what they deny ("TASS says reports … are false")
        speaking = frozenset(name_key(d.name) for d in deniers)
        outlet_name, outlet_id = _denied_outlet(
            title, sentences, evidence, resolver, publisher, speaking
        )
    if outlet_name is None and any(_REPORT_OBJECT.search(h.obj[:60]) for h in hits):
        outlet_name = "media reports"  # a report without a named author is the media's
    deniers = [
        d for d in deniers if outlet_name is None or name_key(d.name) != name_key(outlet_name)
    ]
    strong = {f.index for f in findings if f.strong}
    claim = _claim(sentences, outlet_name, strong) or (
        evidence[1] if len(evidence) > 1 else evidence[0]
    )
    denial = Denial(
        is_denial=True,
        deniers=tuple(deniers),
        denied_outlet=outlet_name,
        denied_outlet_id=outlet_id,
        claim=claim,
        evidence=tuple(evidence),
        cues=tuple(dict.fromkeys(cues)),
        denied_thing=_denied_thing(hits),
    )
    return denial, hedges


# The denied thing, named in English whatever the item's language (the wording is English).
_THINGS: tuple[tuple[str, str, str], ...] = (
    # (pattern, singular, plural)
    (
        r"reports?|reporting|informes?|reportes?|informaci(?:ón|ones)|сообщени\w*|данн\w+|сведени\w*",
        "report",
        "reports",
    ),
    (
        r"stor(?:y|ies)|articles?|art[íi]culos?|publicaci(?:ón|ones)|noticias?|публикаци\w*|стать\w+|"
        r"материал\w*",
        "story",
        "stories",
    ),
    (r"allegations?|alegaciones|imputaciones", "allegation", "allegations"),
    (r"accusations?|acusaci(?:ón|ones)|señalamientos?|обвинени\w*", "accusation", "accusations"),
    (r"rumou?rs?|rumor(?:es)?|bulos?|слух\w*", "rumour", "rumours"),
    (
        r"speculation|especulaci(?:ón|ones)|спекуляци\w*|домыс(?:ел|л\w*)",
        "speculation",
        "speculation",
    ),
    (
        r"claims?|afirmaci(?:ón|ones)|versi(?:ón|ones)|утверждени\w*|заявлени\w*|верси\w*",
        "claim",
        "claims",
    ),
)
_THING_RES = tuple(
    (re.compile(rf"(?<!\w)(?:{rx})(?!\w)", re.IGNORECASE), one, many) for rx, one, many in _THINGS
)
_PLURAL_HINT = re.compile(r"(?:s|es|ies|ones|ия|ии|ы|и|ей)$", re.IGNORECASE)


def _denied_thing(hits: list[ClauseDenial]) -> str | None:
    """The first claim noun of the denied thing ("reports", "claim"), or None."""
    best: tuple[int, str] | None = None
    for hit in hits:
        at = hit.clause.find(hit.cue) if hit.cue else -1
        before = hit.clause[:at] if at > 0 else hit.subject
        head = " ".join(hit.obj.split()[:8]) or " ".join(before.split()[-8:])
        for rx, one, many in _THING_RES:
            m = rx.search(head)
            if m and (best is None or m.start() < best[0]):
                word = m.group(0)
                plural = many if word.lower() != one and _PLURAL_HINT.search(word) else one
                best = (m.start(), plural)
    return best[1] if best else None


_RELATION_OF = re.compile(
    r"^(?:the\s+)?(?P<role>family|lawyers?|relatives|spokes(?:man|woman|person)|representatives?|"
    r"aides?|allies|supporters|camp|team|office|press\s+service|ministry)\s+of\s+(?:the\s+)?"
    r"(?:(?:[\w-]+['’]s\s+)?(?:(?:ex|former|late)[-\s])?(?:[\w-]+\s+)?)?(?P<name>(?:[A-Z][\w.'’-]+\s*){1,4})$",
    re.IGNORECASE,
)


def _clause_denier(
    hit: ClauseDenial, resolver: OutletResolver | None, lang: str | None = "en"
) -> Denier | None:
    """The denier of a headline or lead: the subject before the predicate, else the speaker.

    When the subject holds a speech verb ("В «Ростехе» заявили, что данные WSJ …"), the denier
    is who speaks, before the verb, not the author of the denied thing after it."""
    subject = hit.subject
    if (
        hit.kind == "falsity"
        and hit.speaker is None
        and _CLAIM_NOUN_FIRST.match(hit.obj)
        and _POSSESSIVE_END.search(subject)
    ):
        # "Trump revives his bogus claim …", "Trump's bogus claim": the falsity word describes
        # the subject's own claim (the headline's words): the subject is the claimant
        return None
    # "Navalny's mom calls for justice as Russia rejects …": the denier is the subject of the
    # clause that holds the predicate, after the last subordinating conjunction
    subject = _SUBORDINATE_BEFORE.sub("", subject)
    subject = _INTERVIEW_IN_SUBJECT.sub("", subject)  # "Песков в интервью РИА Новости"
    span = attribution_span(subject, lang) if hit.kind in {"falsity", "negation"} else None
    if span is not None and subject[: span[0]].strip():
        subject = subject[: span[0]]
    speaker = hit.speaker
    order = (speaker, subject) if hit.kind in {"falsity", "negation"} else (subject, speaker)
    for chunk in order:
        if (
            chunk
            and _is_place_label(chunk)
            and re.match(rf"\W*{re.escape(chunk.strip())}\s*:", hit.clause)
        ):
            continue  # "Kenya: No, photos … don't show …": a section label, not a speaker
        if chunk:
            rel = _RELATION_OF.match(" ".join(chunk.split()))
            if rel and rel.group("name")[:1].isupper():
                return Denier(normalise_name(rel.group("name").strip()), rel.group("role").lower())
            chunk = re.sub(r"^(?:[Вв]о?|[Ee]n|[Ii]n)\s+", "", chunk.strip())
            d = _without_article(
                _denier_from(chunk, resolver) or _capitalised_denier(chunk, lang == "en")
            )
            if d is not None:
                return d
            common = _COMMON_SUBJECT.match(" ".join(chunk.split()))
            if common:  # "The network denies …": a named thing, said as the story says it
                return Denier(common.group(0)[:1].upper() + common.group(0)[1:])
    return None


_CREDITED_SOURCE = re.compile(r"^\s*\[(?P<who>[^\[\]]{2,40})\]")


def _verdict_author(
    text: str, resolver: OutletResolver | None, publisher: OutletCard | None
) -> Denier | None:
    """Who states a verdict nobody else is named for: a credited source, else the publisher."""
    m = _CREDITED_SOURCE.match(text)
    if m:
        card = resolver.by_name(m.group("who")) if resolver is not None else None
        return Denier(card.name if card is not None else m.group("who").strip())
    return Denier(publisher.name) if publisher is not None else None


def _quoted(hit: ClauseDenial) -> bool:
    """Is the cue in quotation marks ("over 'false' claims": someone else's word)?"""
    at = hit.clause.find(hit.cue)
    return (
        at > 0
        and hit.clause[at - 1] in "'\""
        and hit.clause[at + len(hit.cue) : at + len(hit.cue) + 1] in ("'", '"')
    )


def _is_place_label(speaker: str) -> bool:
    """A country or region before a headline colon ("Kenya: …", AllAfrica's section label) is
    where the story is, not who speaks ("DHS: …", "Kremlin: …" are speakers)."""
    return place_name(" ".join(speaker.split())) is not None


_CLAIM_NOUN_FIRST = re.compile(
    r"^[\s'\"’‘”“]*(?:claims?|reports?|allegations?|accusations?|rumou?rs?|stor(?:y|ies)|"
    r"news|narratives?|theor(?:y|ies))\b"
)
_POSSESSIVE_END = re.compile(r"(?:\b(?:his|her|their|its)|\w['’]s)\s*$", re.IGNORECASE)
_SUBORDINATE_BEFORE = re.compile(
    r"^.*\s(?:as|while|after|when|because|since|amid|but|though|although|before|until)\s+(?=\S)"
)
_COMMON_SUBJECT = re.compile(
    r"^(?:[Tt]he|[Ii]ts|[Hh]is|[Hh]er|[Tt]heir|[Ee]l|[Ll]a|[Ll]os|[Ll]as|[Ss]us?)\s+"
    r"[a-zñáéíóú][\w-]*(?:\s+[a-zñáéíóú][\w-]*)?$"
)


# What may stand between an English subject and its verb ("Trump again denies", "Putin on
# Monday rejected"): anything else after a capitalised run is a predicate of its own ("Fury
# mounts over 'false' claims"), and the run is not who denies.
_EN_BEFORE_VERB = re.compile(
    r"(?:\w+ly|again|also|now|still|today|yesterday|tonight|on|has|have|had|firmly|flatly)$",
    re.IGNORECASE,
)


def _capitalised_denier(chunk: str, english: bool = False) -> Denier | None:
    """The subject of a clause: its last run of capitalised words (in English, one that stands
    right before the verb)."""
    words = chunk.strip(" ,:;\"'«»").split()
    run: list[str] = []
    after: list[str] = []
    for word in reversed(words):
        bare = word.strip("«»\"'")
        if bare[:1].isupper() or (run and bare.lower() in {"de", "del", "la", "el"}):
            run.insert(0, bare)
        elif run:
            break
        else:
            after.insert(0, bare)
    if english and after and after[-1].endswith("s") and not after[-1].endswith("ss"):
        after = after[:-1]  # the clause's own verb: "OIC warns fabricated claims …"
    if english and any(not _EN_BEFORE_VERB.match(w) and not w[:1].isupper() for w in after):
        return None
    # an article is no name: "Los expertos dicen…" has no capitalised denier, not "Los"
    while run and run[0].lower() in {"de", "del", "la", "el", "los", "las", "the", "в", "во"}:
        run.pop(0)
    if not run or len(run) > 5:
        return None
    # Russian names in the nominative: "В «Ростехе» заявили" → Ростех, "Захаровой" → Захарова
    name = " ".join(ru_lemma(w) if has_cyrillic(w) and i == 0 else w for i, w in enumerate(run))
    return None if name.lower() in _NOT_DENIERS else Denier(name)


def _without_article(d: Denier | None) -> Denier | None:
    if d is None:
        return None
    name = re.sub(r"^(?:The|El|La|Los|Las)\s+", "", d.name)
    return Denier(name, d.role) if name != d.name else d


def _object_outlet(
    hits: list[ClauseDenial], resolver: OutletResolver | None, publisher: OutletCard | None
) -> tuple[str | None, str | None]:
    """The author named in the denied thing itself: an outlet ("rejects a Reuters report"), a
    person or a government ("Trump's claims", "accusations by Kyiv", "acusaciones de EEUU")."""
    for hit in hits:
        found = _outlet_mentions([hit.obj], resolver)[0]
        talked_to = _quote_sources([hit.obj], resolver) if found else set()
        for name, oid in found:
            if publisher is not None and (oid == publisher.id or name == publisher.name):
                continue
            if (oid or name_key(re.sub(r"^The\s+", "", name))) in talked_to:
                continue  # "desmintió en declaraciones a El País las informaciones …"
            return name, oid
    for hit in hits:
        m = _CLAIM_AUTHOR.search(hit.obj)
        if m:
            who = normalise_name(m.group("who") or m.group("who2") or "")
            who = re.sub(r"^(?:The|the|El|La|Los|Las)\s+", "", who)
            if _MEDIA_WORD.fullmatch(who):
                return "media reports", None  # "сообщения СМИ", "informaciones de Medios"
            if has_cyrillic(who):  # "заявления Госдепа" → Госдеп
                first, _, rest = who.partition(" ")
                who = " ".join(filter(None, (ru_lemma(first), rest)))
            if who and who.lower() not in _NOT_DENIERS:
                return place_name(who) or who, None
    return None, None


_MEDIA_WORD = re.compile(r"СМИ|Медиа|Media|Press|Prensa|Medios", re.IGNORECASE)
_NAME = r"[A-ZÁÉÍÓÚÑА-ЯЁ][\w.'’-]+(?:\s+(?:of\s+|de\s+)?[A-ZÁÉÍÓÚÑА-ЯЁ][\w.'’-]+){0,3}"
_CLAIM_AUTHOR = re.compile(
    rf"^(?:\w+\s+){{0,3}}?(?:the\s+)?(?P<who>{_NAME})['’]s?\s+(?:\w+\s+){{0,2}}?"
    r"(?:reports?|claims?|allegations?|accusations?|story|article|assertions?|suggestions?)\b"
    rf"|\b(?:reports?|claims?|allegations?|accusations?|acusaciones|informaciones|declaraciones|"
    rf"afirmaciones|обвинени\w*|заявлени\w*|сообщени\w*)\s+(?:made\s+)?(?:by|from|of|de|del|de\s+la)?"
    rf"\s*(?:the\s+|el\s+|la\s+)?(?P<who2>{_NAME})",
)


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
    sentence = _straight(sentences[index])
    context = sentence
    j = index
    while context.count('"') % 2 == 1 and j + 1 < len(sentences) and j < index + 3:
        j += 1  # the quote goes on: its attribution is in a later sentence
        context += " " + _straight(sentences[j])
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


_POSSESSIVE_TAIL = re.compile(
    rf"(?P<org>(?:{_CAP})(?:\s+(?:{_CAP})){{0,3}})['’]s\s+(?P<unit>[a-z][\w\s-]{{2,30}})$"
)
_CAPITALISED_TAIL = re.compile(rf"((?:{_CAP})(?:\s+(?:of\s+)?(?:{_CAP})){{0,4}})$")


def _denier_from(chunk: str, resolver: OutletResolver | None) -> Denier | None:
    if chunk.rstrip().endswith(":"):
        return None  # a headline's label ("Kenya:", "Exclusive:"), not its subject
    chunk = _AUX_TAIL.sub("", " ".join(chunk.split()).strip(" ,"))
    chunk = _AUX_TAIL.sub("", chunk)
    if not chunk:
        return None
    m = _ROLE_RE.search(chunk)
    if m and m.end() >= len(chunk) - 2:
        return Denier(normalise_name(m.group("name")), " ".join(m.group("role").split()))
    m2 = _POSSESSIVE_ORG_RE.search(chunk + " ")
    if m2 is None:
        m2 = _POSSESSIVE_TAIL.search(chunk)
    if m2:
        org = normalise_name(m2.group("org"))
        org = re.sub(r"^(?:The|the)\s+", "", org)
        return Denier(KNOWN_ORGS.get(org, org), m2.group("unit").strip())
    # trailing capitalised span: "Russia", "The Kremlin", "Apple"
    m3 = _CAPITALISED_TAIL.search(chunk)
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
     "here", "but", "and", "as", "after", "when", "that's", "it's", "this's", "there's",
     "here's", "what's", "that’s", "it’s", "there’s", "what’s", "это", "esto", "eso", "ello"}
)  # fmt: skip


# Words of time are never who denies ("said on Tuesday" → "Tuesday"), in the three languages.
_TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december today yesterday tonight "
    "lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo "
    "junio julio agosto septiembre octubre noviembre diciembre hoy ayer "
    "понедельник вторник среда четверг пятница суббота воскресенье сегодня вчера".split()
)
# A name is words: brackets, slashes and the like come from markup or a cut ("Times] The").
_NOT_IN_NAMES = re.compile(r"[\[\](){}<>/|\\@#=+*_~^]")


def denier_name_ok(name: str) -> bool:
    """Whether `name` can be who denies: not a word of time, not markup or a cut."""
    bare = name.strip()
    return bool(bare) and bare.lower() not in _TIME_WORDS and not _NOT_IN_NAMES.search(bare)


def _add_denier(deniers: list[Denier], d: Denier | None) -> None:
    if d is None or not denier_name_ok(d.name):
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
    r"to|citing|cited|published"
    # the same in Spanish and Russian: "El País publica que …", "Bloomberg сообщил о …"
    r"|publica|publicó|informa|informó|revela|reveló|reporta|reportó|difundió|"
    r"сообщил\w*|сообщает|сообщают|пишет|пишут|написал\w*|опубликова\w*|утвержда\w*)\b",
    re.IGNORECASE,
)
_REPORT_VERB = re.compile(
    r"\b(?:reported|claimed|alleged|wrote|suggested|published|said\s+that|according\s+to)\b",
    re.IGNORECASE,
)


_INTERVIEWED = (
    r"(?:told|telling|said\s+to|interview\s+with|speaking\s+to|speaking\s+with)\s+(?:the\s+)?"
)
# The outlet a speaker talked to, in any of the three languages, right before its name: "told
# Reuters", "dijo a EFE", "en declaraciones a El País", "заявил ТАСС", "в интервью РИА Новости".
# A speech verb with the outlet after it takes the outlet as its addressee (Russian dative,
# Spanish "a"); one with the outlet before it ("Bloomberg сообщил") has it as its subject.
_QUOTE_SOURCE_BEFORE = re.compile(
    r"(?:\b(?:told|telling|said\s+to|interview\s+with|speaking\s+to|speaking\s+with)\s+(?:the\s+)?"
    r"|\b(?:dijo|declaró|aseguró|afirmó|explicó|contó|confirmó|señaló|indicó|reveló|detalló)\s+a\s+"
    r"(?:la\s+|el\s+|los\s+)?(?:(?:agencia|cadena|diario|periódico|emisora|radio)\s+)?"
    r"|\b(?:declaraciones|entrevista|conversación)\s+(?:a|con)\s+(?:la\s+|el\s+)?"
    r"(?:(?:agencia|cadena|diario|periódico|emisora|radio)\s+)?"
    r"|(?<!\w)(?:заяви\w*|сказа\w*|рассказа\w*|сообщи\w*|поясни\w*|подтверди\w*|призна\w*|"
    r"отмети\w*|интервью|беседе\s+с)\s+(?:агентству\s+|изданию\s+|газете\s+|телеканалу\s+)?)"
    r"[\"'«]?$",
    re.IGNORECASE,
)
# The same phrase and what follows it in a subject ("Песков в интервью РИА Новости"): the
# speaker is before it.
_INTERVIEW_IN_SUBJECT = re.compile(
    r"\s+(?:in\s+an\s+interview\s+with|told|en\s+(?:declaraciones|una\s+entrevista|entrevista)\s+"
    r"(?:a|con)|в\s+интервью|в\s+беседе\s+с)\s.*$",
    re.IGNORECASE | re.DOTALL,
)


def _quote_sources(texts: list[str], resolver: OutletResolver | None) -> set[str]:
    """Keys of the outlets a speaker talked to in `texts` (see `_QUOTE_SOURCE_BEFORE`)."""
    out: set[str] = set()
    for text in texts:
        for start, name, oid in _outlet_spans(text, resolver):
            if _QUOTE_SOURCE_BEFORE.search(text[max(0, start - 60) : start]):
                out.add(oid or name_key(re.sub(r"^The\s+", "", name)))
    return out


_FALLBACK_OUTLETS_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(n) for n in sorted(FALLBACK_OUTLETS, key=len, reverse=True))
    + r")(?!\w)"
)


def _outlet_spans(text: str, resolver: OutletResolver | None) -> list[tuple[int, str, str | None]]:
    """(start, name, id) of every outlet named in `text`: the registry's, else a short list."""
    if resolver is not None:
        return [(s, card.name, card.id) for s, _e, card in resolver.find_in_text(text)]
    return [(m.start(), m.group(0), None) for m in _FALLBACK_OUTLETS_RE.finditer(text)]


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
    out: list[list[tuple[str, str | None]]] = [[] for _ in texts]
    for start, name, oid in _outlet_spans(joined, resolver):
        out[bisect.bisect_right(starts, start) - 1].append((name, oid))
    return out


def _denied_outlet(
    title: str,
    sentences: list[str],
    evidence: list[str],
    resolver: OutletResolver | None,
    publisher: OutletCard | None,
    speaking: frozenset[str] = frozenset(),
) -> tuple[str | None, str | None]:
    scores: dict[str, tuple[int, int, str, str | None]] = {}  # key → score, first, name, id
    evidence_set = set(evidence)
    texts = [title, *sentences]
    talked_to = _quote_sources(texts[:4], resolver)
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
            if name_key(name) in speaking or name_key(re.sub(r"^The\s+", "", name)) in speaking:
                continue  # a denier, not the author of the denied report
            if key in talked_to:
                continue  # the outlet a speaker talked to ("заявил ТАСС", "dijo a EFE")
            bare = re.escape(re.sub(r"^The\s+", "", name))
            if re.search(_INTERVIEWED + bare, sentence, re.IGNORECASE):
                continue  # the outlet a speaker talked to, not the author of a denied report
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
    if _MEDIA_REPORTS.search(joined):
        return "media reports", None
    return None, None


_REPORT_OBJECT = re.compile(
    r"^\W*(?:\w+\s+){0,3}?(?:reports?|stor(?:y|ies)|articles?|informaci(?:ón|ones)|informes?|"
    r"reportes?|publicaci(?:ón|ones)|noticias?|сообщени\w*|публикаци\w*|стать\w+|материал\w*)\b",
    re.IGNORECASE,
)
# "media reports", "reports in the press", "medios", "сообщения СМИ": the media in general.
_MEDIA_REPORTS = re.compile(
    r"\b(?:media|press|news)\s+(?:reports?|claims?|speculation|stories)|\breports?\s+in\s+(?:the\s+)?"
    r"(?:\w+\s+)?(?:media|press)\b|(?:informaciones|noticias|versiones)\s+(?:de|en)\s+(?:los\s+)?"
    r"(?:medios|prensa)|(?:сообщени\w*|публикаци\w*|информаци\w*|заявлени\w*|материал\w*)\s+(?:\w+\s+)?"
    r"(?:сми|медиа|прессы)",
    re.IGNORECASE,
)


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
