"""The precision stage of the DENIAL label: is a candidate denial another sense of its words?

Owns `other_sense(text, found, lang, …)` → a reason or None. `bot.context.denial_clause.find_denial`
decides that a clause has the three parts of a denial; this stage looks at the candidate it
returned (`ClauseDenial`: the cue, its subject and object spans, the masked clause) and names the
reason it is not the report of a denial, by grammar and word sense, never by one headline:

- **a noun, not the verb**: "the very real challenges …", "port blast that killed 218",
  "refused to answer Sky News questions about …" (a determiner or an adjective before the cue,
  a preposition or a subject relative with its verb after it);
- **a ditransitive "deny"**: "to deny Manchester United a victory", "denied him a place" (to
  refuse someone a thing), the sports result and its kin;
- **a genre or a title**: "Women's Prize for Fiction", "science fiction", "fiction writer";
- **a legal argument**: a rejection made in a court filing or a lawsuit, or of a claim that
  something is unconstitutional or unlawful (a litigant's argument, not a report called false);
- **not a claim rejected**: a claim to a title or a payment ("maritime claims have no basis",
  "insurance claims"), a rejection of questions, concerns, calls or criticism ("dismissing
  questions about …"), a falsity word on fears or forecasts ("fears that AI … are ridiculous");
- **not a counter-claim**: an excuse about intent ("says he did not mean to start it"), a pull
  quote over a feature ("'It isn't canceled': Inside …"), life said of a thing ("'woke is not
  dead'");
- **in passing**: the denial in a relative clause on a claim or on the subject ("…, a claim that
  Hamas has disputed", "President, who has decried …", "previously called the accusations …");
- **beyond the lead's first unit**: a feed that runs its standfirst, boilerplate ("Follow our …
  live blog", "Get our … emails") and first paragraph together without a full stop: the lead is
  the first sentence-like unit, and a cue after that boundary is not in it.

In every language (English, Spanish, Russian), what the clause asserts:

- **supposed, not reported**: a denial under a condition ("in case he denies it", "por si lo
  niega", «если он опровергнет»);
- **a guess, not a denial**: a counter-claim under an epistemic hedge ("was probably not fired
  from Russia", "probablemente no", «скорее всего, не»), as LABELLING.md's hedges (a hedged
  falsity verdict, "likely a hoax", stays the outlet's verdict on a claim);
- **the event asserted**: a negation whose scope is an adjunct, not the event ("didn't happen in
  a vacuum", "not overnight", "no fue por casualidad", «не на пустом месте»);
- **a concession**: "No, but …" answers a question the headline asks itself;
- **a belief or a forecast**: a negation under a verb of belief or expectation ("is confident
  Russia will not use …", «уверен, что не применит»), and Russian «едва не», «чуть не» (nearly:
  no negation at all);
- **inside a relative clause** (English): "The story your parents never told you": the
  negation belongs to a clause on a noun, and asserts nothing about a claim.

The other rules read English function words: for Spanish and Russian only the rules above run;
a language without a lexicon is read as English, as `find_denial` reads it.
Pure and cheap: it runs only on the few clauses `find_denial` has already accepted.
"""

from __future__ import annotations

import re

from bot.context.denial_clause import ClauseDenial
from bot.context.denial_lexicon import LEXICONS

__all__ = ["lead_unit", "other_sense"]

_I = re.IGNORECASE

# ---------------------------------------------------------------- a noun, not the verb

# Rejection verbs that are also nouns; "denies", "refutes", "dismisses" have no such reading.
_HOMOGRAPHS = frozenset(
    "blast blasts challenge challenges question questions dispute disputes rebuff rebuffs "
    "counter counters slam slams".split()
)
_DETERMINERS = frozenset(
    "a an the this these those its their his her our my your any no every each many several "
    "some more further fresh new real major key serious legal big biggest main early initial "
    "growing mounting repeated constant recent latest numerous multiple other such very huge "
    "massive fierce deadly powerful tough difficult significant unique daily ongoing "
    "constitutional judicial political economic financial practical technical".split()
)
# After a noun: a preposition ("questions about", "challenge to", "dispute over") or a subject
# relative with its verb ("blast that killed", "challenge which has"); "disputes that Islamists
# took …" is the verb with its clause (a lower-case past tense or auxiliary right after "that").
_NOUN_AFTER = re.compile(
    r"^\s*(?:(?i:about|over|of|from|regarding|concerning|surrounding|to|for|facing|ahead)\b|"
    r"(?:that|which)\s+(?:[a-z]+ly\s+)?(?:[a-z]+ed|has|have|had|is|are|was|were|will|would|could|"
    r"can|may|might)\b)"
)
_POSSESSIVE = re.compile(r"\w+'s?$")


def _noun_use(cue: str, before: str, after: str) -> bool:
    word = cue.split()[0].lower()
    if word not in _HOMOGRAPHS:
        return False
    prev = re.findall(r"[\w'-]+", before)[-1:]
    if prev:
        p = prev[0]
        low = p.lower()
        if low in _DETERMINERS or (p.islower() and _POSSESSIVE.match(p)):
            return True
    return _NOUN_AFTER.match(after) is not None


# ---------------------------------------------------------------- deny someone something

_RECIPIENT = (
    r"(?:him|her|them|us|me|it|(?:the\s+)?(?:[A-Z][\w'.&-]*\s+){1,4}|(?:the\s+)?[a-z]+s\s+)"
)
# What one is denied in this sense: a result, a place, a right ("denies United victory").
_GRANTS = (
    r"victory|win|wins|draw|points?|title|place|spot|berth|chance|lead|goal|medal|promotion|"
    r"access|entry|visa|bail|rights?|permission|passage|seat|hat-trick|clean\s+sheet|century"
)
_DITRANSITIVE = re.compile(
    rf"^(?P<recipient>{_RECIPIENT})(?:(?:a|an|the|their|his|her|its|any|all|three|two|one|another|a\s+\w+)\s+"
    rf"(?:[\w'-]+\s+){{0,2}}?(?P<thing>[\w'-]+)|(?:(?:first|late|famous|vital|crucial)\s+)?"
    rf"(?P<grant>{_GRANTS})\b)",
)
_CLAIMISH = re.compile(
    r"reports?|claims?|allegations?|accusations?|rumou?rs?|stor(?:y|ies)|suggestions?|charges?|"
    r"assertions?|speculation|involvement|wrongdoing|role|responsibility|links?|knowledge",
    _I,
)


def _ditransitive_deny(found: ClauseDenial) -> bool:
    if found.kind != "deny" or not re.fullmatch(r"den(?:y|ies|ied|ying)", found.cue, _I):
        return False
    m = _DITRANSITIVE.match(found.obj)
    if m is None or _CLAIMISH.search(m.group("recipient")):
        return False  # "denies reports the minister resigned": the claim, not a recipient
    return m.group("grant") is not None or not _CLAIMISH.fullmatch(m.group("thing"))


# ---------------------------------------------------------------- genres and titles

_GENRE = re.compile(
    r"\b(?:prizes?|awards?|medal|(?:science|crime|literary|historical|speculative|flash|fan|"
    r"short|climate|genre|detective|adult|children's|best|debut|contemporary|popular|fantasy)"
    r"|(?:for|of)\s+(?:the\s+year\s+in\s+)?)\s*$",
    _I,
)
_GENRE_AFTER = re.compile(
    r"^\W*(?:prizes?|awards?|writers?|writing|authors?|novels?|books?|podcasts?|series|festival|"
    r"bestsellers?|lists?|categor(?:y|ies)|shortlist|longlist|imprint|editors?|genre|films?|"
    r"and\s+(?:non-?fiction|poetry|fact))\b",
    _I,
)


# a copula or a naming verb before it: "fiction" is said of something ("are science fiction")
_PREDICATE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|be|been|being|it's|that's|as|like|call(?:s|ed)?|brand(?:s|ed)|label(?:s|l?ed)|"
    r"dismiss(?:es|ed)?)\s+(?:[\w'\"-]+\s+){0,2}$",
    _I,
)


def _genre(found: ClauseDenial, before: str, after: str) -> bool:
    word = found.cue.lower()
    if not word.endswith("fiction") or word.startswith("pure"):
        return False
    if re.search(r"\b(?:work|piece|figment)\s+of\s*$", before, _I) or _PREDICATE_BEFORE.search(
        before
    ):
        return False  # "a work of fiction", "reports … are science fiction": the verdict
    return bool(
        _GENRE.search(before) or _GENRE_AFTER.match(after) or (found.cue[:1].isupper() and before)
    )


# ---------------------------------------------------------------- legal arguments and pleas

_LITIGATION = re.compile(
    r"\b(?:in|through|with)\s+(?:a|an|its|their|his|her|the)?\s*(?:\w+\s+){0,2}?"
    r"(?:court\s+(?:filing|papers|documents|brief|motion|submission)s?|filings?|briefs?|"
    r"lawsuits?|legal\s+(?:challenge|papers|filing|submission)s?|motions?\s+to\s+dismiss|"
    r"(?:legal\s+)?complaints?)\b",
    _I,
)
_LEGAL_CONTENT = re.compile(
    r"\b(?:unconstitutional|unlawful|illegal|violates?\s+the\s+constitution|ultra\s+vires)\b", _I
)
# the verbs a litigant answers a lawsuit with ("pushes back on claims that the law is
# unconstitutional"); "rejects claims that the law is unconstitutional" stays a rejection
_LAWSUIT_VERB = re.compile(r"push(?:es|ed)?\s+back|challeng|counter|contest", _I)
_SOFT_REJECT = re.compile(
    r"push(?:es|ed)?\s+back|reject|disput|challeng|counter|rebut|contest|question", _I
)


def _legal(found: ClauseDenial) -> str | None:
    if found.kind in {"reject", "refute"} and _SOFT_REJECT.match(found.cue):
        if _LITIGATION.search(found.subject) or _LITIGATION.search(found.obj[:80]):
            return "a legal argument in litigation, not a report called false"
        if _LEGAL_CONTENT.search(found.obj[:120]) and _LAWSUIT_VERB.match(found.cue):
            return "a claim of law (unconstitutional, unlawful), not a claim of fact"
    return None


# ---------------------------------------------------------------- not a claim rejected

# What a rejection's object is when it is not a claim: a question, a demand, an offer, a plan
# (never "the idea that …", a content clause, which is a claim).
_NOT_CLAIM_HEAD = frozenset(
    "question questions criticism criticisms calls call demands demand requests request pressure "
    "complaints appeals appeal offers offer invitations invitation bids bid proposals proposal "
    "plans plan predictions forecasts".split()
)
# Fears are a forecast when they are of something or hold a modal ("fears that AI will …");
# "concerns that the water was contaminated" are a claim about a fact.
_FEARS = frozenset("fears fear worries worry concerns concern warnings".split())
_FORECAST = re.compile(
    r"^\W*(?:of|over|about|for)\b|\b(?:will|would|could|might|may|is\s+going\s+to|are\s+going\s+to)\b",
    _I,
)
_OBJ_LEAD = re.compile(
    r"^(?:(?:the|a|an|his|her|their|its|any|all|these|those|such|growing|mounting|fresh|new|"
    r"renewed|repeated|further)\s+|[\w'-]+'s?\s+)*(?P<head>[\w'-]+)",
    _I,
)
_FORECAST_SUBJECT = re.compile(
    r"\b(?:fears?|worries|concerns?|predictions?|forecasts?|warnings?|prophec(?:y|ies))(?=\s+"
    r"(?:that|of|about|over)\b)",
    _I,
)
_EVALUATIVE = re.compile(
    r"(?:preposterously\s+|completely\s+|utterly\s+|totally\s+)?(?:ridiculous|absurd|nonsense|"
    r"rubbish|crazy|laughable|preposterous|garbage|hogwash|overblown)",
    _I,
)


# A claim to a title or a payment, not an assertion: "China's maritime claims have no basis",
# "rejects insurance claims".
_TITLE_CLAIM = re.compile(
    r"\b(?:maritime|territorial|sovereignty|land|border|insurance|tax|expense|expenses|patent|"
    r"injury|compensation|benefits?|pension|damages|warranty|refund|asylum|disability)\s+"
    r"claims?\b",
    _I,
)


def _not_a_claim(found: ClauseDenial) -> str | None:
    words = found.subject.split()[-5:] if found.kind == "falsity" else found.obj.split()[:4]
    if _TITLE_CLAIM.search(" ".join(words)):
        return "a claim to a title or a payment, not an assertion"
    if found.kind == "reject" and not re.match(r"quest|doubt", found.cue, _I):
        m = _OBJ_LEAD.match(found.obj)
        head = m.group("head").lower() if m else ""
        if head in _NOT_CLAIM_HEAD:
            return f"rejects {head}, not a claim or report"
        if head in _FEARS and m and _FORECAST.search(found.obj[m.end() : m.end() + 80]):
            return f"rejects {head} of what may come, not a claim or report"
    evaluative = found.kind == "falsity" and _EVALUATIVE.fullmatch(found.cue)
    fears = _FORECAST_SUBJECT.search(found.subject)
    if evaluative and fears and _FORECAST.search(found.subject[fears.end() :]):
        return "a fear or a forecast called absurd, not a report"
    return None


# ---------------------------------------------------------------- in passing

_CLAIM_RELATIVE = re.compile(
    r"\b(?:claims?|allegations?|accusations?|charges?|reports?|suggestions?|assertions?|"
    r"stor(?:y|ies)|rumou?rs?)\s+(?:that|which)\s+(?:[\w'.-]+\s+){1,4}?"
    r"(?:(?:has|have|had|also|strongly|repeatedly|previously|long|firmly|flatly)\s+){0,2}$",
    _I,
)
_SUBJECT_RELATIVE = re.compile(
    r"(?:^|,)\s*(?:who|which)\s+(?:(?:has|have|had|also|previously|repeatedly|long|always)\s+){0,3}$",
    _I,
)
_BACKGROUND_ADVERB = re.compile(
    r"\b(?:and|but)\s+(?:has\s+|had\s+)?(?:previously|earlier|once|long|repeatedly)\s+$", _I
)


_ADVERBIAL_TAIL = re.compile(
    r"(?:strongly|vehemently|firmly|flatly|repeatedly|since|already|before|previously|"
    r"at\s+the\s+time|in\s+court)?",
    _I,
)


def _in_passing(found: ClauseDenial, before: str, after: str) -> str | None:
    # the cue's own object is the gap: "…, a claim that Hamas has disputed." (not "reports that
    # she had resigned were false", where the claim is the subject of a verdict)
    tail = " ".join(after.strip(" .,;:!\"'").split()[:2])
    gap = found.kind != "falsity" and _ADVERBIAL_TAIL.fullmatch(tail) is not None
    if gap and _CLAIM_RELATIVE.search(before):
        return "a relative clause on a claim (in passing)"
    if _SUBJECT_RELATIVE.search(before):
        return "a relative clause on the subject (in passing)"
    if _BACKGROUND_ADVERB.search(before):
        return "background to another event (in passing)"
    return None


# ---------------------------------------------------------------- counter-claims that are not

# "says he did not mean to start it": an excuse about intent concedes the act.
_INTENT = re.compile(r"^\W*(?:mean|meant|intend|intended|want|wanted|plan|planned)\s+to\b", _I)
# A pull quote over a feature or an analysis ("'It isn't canceled': Inside the White House
# divisions on AI"): the quote names no one and answers no report.
_FEATURE = re.compile(
    r"^\W*(?:inside|how|why|what|when|where|who|meet|the\s+inside\s+story|a\s+look|behind)\b", _I
)
_PULL_QUOTE = re.compile(r"^\s*['\"](?P<quote>.{3,120}?)['\"]\s*[:|]\s*(?P<rest>.+)$")
# "'woke is not dead'": life or death said of a thing, not a person answering a rumour.
_LIFE = re.compile(r"\b(?:not\s+dead|alive)\b", _I)
_PERSON_NOUNS = frozenset(
    "i he she they we you who mother father son daughter wife husband brother sister child "
    "children baby boy girl man woman star singer actor actress player leader president king "
    "queen prince princess pope rapper boss founder ceo family dad mum mom grandmother "
    "grandfather".split()
)


def _not_a_counter_claim(found: ClauseDenial, text: str, headline: bool) -> str | None:
    if found.kind != "negation":
        return None
    if _INTENT.match(found.obj):
        return "an excuse about intent, which concedes the act"
    pull = _PULL_QUOTE.match(" ".join(text.replace("’", "'").replace("‘", "'").split()))
    if (
        headline
        and pull
        and found.cue in pull.group("quote")
        and _FEATURE.match(pull.group("rest"))
    ):
        return "a pull quote over a feature, answering no report"
    if _LIFE.search(found.cue):
        prev = re.findall(r"[^\W\d_][\w-]*", found.subject)[-1:]
        if prev and prev[0].islower() and prev[0].lower() not in _PERSON_NOUNS:
            return "life or death said of a thing, not a person"
    return None


# ---------------------------------------------------------------- the lead's first unit

# Boilerplate a feed runs into its summary ("Follow our Australia news live blog …", "Get our
# morning and afternoon news emails", "Sign up for …"): what precedes it is the standfirst.
_BOILERPLATE = re.compile(
    r"(?<=[\w)\"'’.])\s+(?:Follow\s+(?:our|us|the)|Get\s+our|Sign\s+up\s+(?:for|to)|"
    r"Subscribe\s+(?:to|for)|Read\s+more|Listen\s+to\s+our|Download\s+our|Join\s+our|"
    r"Click\s+here|Support\s+our)\b"
)


def lead_unit(text: str) -> str:
    """The lead's first sentence-like unit: `text` up to any feed boilerplate run into it."""
    m = _BOILERPLATE.search(text)
    if m is None or len(text[: m.start()].split()) < 5:
        return text
    return text[: m.start()].strip()


# ---------------------------------------------------------------- what the clause asserts

# Published grammar, one list per language: conditional conjunctions, epistemic adverbs and
# modals, adjuncts a negation can scope over (the event itself then happened), and the "no,
# but" of a concession.
_CONDITIONAL = {
    "en": r"if|unless|in\s+case|whether|should",
    "es": r"si|por\s+si|en\s+caso\s+de\s+que|a\s+menos\s+que",
    "ru": r"если|ежели|в\s+случае\s+если",
}
_HEDGE = {
    "en": r"probably|likely|unlikely|possibly|perhaps|maybe|may|might|apparently|seemingly|"
    r"presumably|could",
    "es": r"probablemente|posiblemente|quiz[áa]s?|tal\s+vez|al\s+parecer|aparentemente|acaso|"
    r"seguramente|podr[íi]an?",
    "ru": r"вероятно|скорее\s+всего|возможно|видимо|по-видимому|похоже|наверное|наверно|"
    r"кажется|может\s+быть",
}
_ADJUNCT = {
    "en": r"in\s+a\s+vacuum|overnight|by\s+(?:accident|chance|coincidence)|alone|"
    r"for\s+nothing|just|only|merely|simply|out\s+of\s+nowhere",
    "es": r"en\s+el\s+vac[íi]o|de\s+la\s+nada|por\s+casualidad|"
    r"de\s+la\s+noche\s+a\s+la\s+ma[ñn]ana|s[óo]lo|solamente|solo|por\s+nada",
    "ru": r"на\s+пустом\s+месте|случайно|только|просто\s+так|в\s+вакууме|вдруг",
}
_CONCESSION = {"en": r"no,?\s+but", "es": r"no,?\s+pero", "ru": r"нет,?\s+но"}
# A belief, a hope or a forecast about what someone will or would not do is an opinion, not a
# counter-claim: "China is confident Russia will not use nuclear arms", «уверен, что РФ не
# применит»
_BELIEF = {
    "en": r"believes?|believed|expects?|expected|hopes?|hoped|thinks?|thought|confident|"
    r"predicts?|predicted|assumes?|trusts?|convinced|sure",
    "es": r"cree|creen|cre[íi]a|espera|esperan|conf[íi]a|conf[íi]an|prev[ée]|supone|"
    r"convencid[oa]s?|segur[oa]s?\s+de",
    "ru": r"уверен\w*|счита\w*|полага\w*|ожида\w*|надеет\w*|надеются|надеял\w*|"
    r"прогнозиру\w*|убежд[её]н\w*|думает|думают",
}
# Russian "едва не", "чуть не", "чуть было не": "nearly" — the event almost happened, no
# negation at all ("она едва не умерла в СИЗО")
_NEARLY = re.compile(r"(?<!\w)(?:едва|чуть(?:\s+было|\s+ли)?)\s+(?:не|было\s+не)(?!\w)", _I)


def _compiled(table: dict[str, str], anchor: str) -> dict[str, re.Pattern[str]]:
    return {lang: re.compile(anchor.format(words), _I) for lang, words in table.items()}


# the conditional within the three words before the cue; the hedge right before it or in it
_CONDITIONAL_BEFORE = _compiled(_CONDITIONAL, r"(?<!\w)(?:{})(?:\W+\w+){{0,2}}\W*$")
_HEDGE_BEFORE = _compiled(_HEDGE, r"(?<!\w)(?:{})\W*(?:\w+\W+)?$")
_HEDGE_IN = _compiled(_HEDGE, r"(?<!\w)(?:{})(?!\w)")
_ADJUNCT_AFTER = _compiled(_ADJUNCT, r"^\W*(?:{})(?!\w)")
_CONCESSION_AT = _compiled(_CONCESSION, r"(?<!\w)(?:{})(?!\w)")
# "the story your parents never told you": a noun, then the relative clause's own subject (a
# pronoun, or a possessive and its noun) right before the negation
_RELATIVE_SUBJECT = re.compile(
    r"(?<!\w)(?:the|a|an|this|that)\s+[^\W\d_][\w'-]*\s+(?:that\s+|which\s+)?"
    r"(?:i|you|we|they|he|she|(?:my|your|his|her|our|their)\s+[^\W\d_][\w'-]*)\s*$",
    _I,
)
_READS_A_CLAIM = frozenset({"negation", "falsity"})
_BELIEF_BEFORE = _compiled(_BELIEF, r"(?<!\w)(?:{})(?!\w)")


def _asserted(found: ClauseDenial, before: str, after: str, lang: str) -> str | None:
    """Why the clause, read as a whole, reports no denial (any language with a table)."""
    if lang not in _HEDGE:
        return None
    if _CONDITIONAL_BEFORE[lang].search(before):
        return "a denial supposed under a condition, not reported"
    if found.kind not in _READS_A_CLAIM:
        return None
    # a hedged falsity verdict is still the outlet's verdict on a claim ("third boob likely a
    # hoax"); a hedged counter-claim is a guess ("was probably not fired from Russia")
    hedged = _HEDGE_BEFORE[lang].search(before) or _HEDGE_IN[lang].search(found.cue)
    if found.kind == "negation" and hedged:
        return "a hedged negation: a guess, not a denial"
    if _ADJUNCT_AFTER[lang].match(after) or _ADJUNCT_AFTER[lang].match(found.obj):
        return "a negated adjunct: the event itself is asserted"
    if found.kind == "negation" and _CONCESSION_AT[lang].search(found.clause):
        return "a concession ('no, but'), not a denial"
    if found.kind == "negation" and _BELIEF_BEFORE[lang].search(" ".join(before.split()[-6:])):
        return "a belief or a forecast, not a counter-claim"
    if lang == "ru" and _NEARLY.search(found.clause):
        return "«едва не», «чуть не»: nearly, not a negation"
    if lang == "en" and found.kind == "negation" and _RELATIVE_SUBJECT.search(found.subject):
        return "a negation inside a relative clause on a noun"
    return None


# ---------------------------------------------------------------- the stage


def _split(found: ClauseDenial) -> tuple[str, str]:
    """The clause before the cue and from the cue on (the masked clause's own offsets)."""
    clause = found.clause
    first = found.cue.split()[0] if found.cue.split() else ""
    start = 0
    if found.subject:
        at = clause.rfind(found.subject)
        start = at + len(found.subject) if at >= 0 else 0
    m = re.search(rf"(?<!\w){re.escape(first)}", clause[start:], _I) if first else None
    if m is None:
        m = re.search(rf"(?<!\w){re.escape(first)}", clause, _I) if first else None
        start = 0
    if m is None:
        return found.subject, found.obj
    i = start + m.start()
    return clause[:i], clause[i + len(first) :]


def other_sense(
    text: str,
    found: ClauseDenial,
    lang: str | None,
    *,
    headline: bool = True,
) -> str | None:
    """Why the candidate `found` in `text` (a headline, or a lead when `headline` is False) is
    another sense of its words, or None when it stands."""
    if not found.clause:
        return None
    before, after = _split(found)
    read_as = lang if lang in LEXICONS else "en"  # the grammar reads the rest as English
    if why := _asserted(found, before, after, read_as):
        return why
    if read_as != "en":
        return None
    if not headline:
        unit = lead_unit(" ".join(text.split()))
        if len(unit) < len(" ".join(text.split())) and len(before) >= len(unit):
            return "after the lead's first unit (a standfirst run into the next paragraph)"
    if _noun_use(found.cue, before, after):
        return f"{found.cue!r} is a noun here, not the verb"
    if _ditransitive_deny(found):
        return "deny someone something (a victory, a place), not a claim"
    if _genre(found, before, after):
        return "fiction as a genre or a title"
    return (
        _legal(found)
        or _not_a_claim(found)
        or _not_a_counter_claim(found, text, headline)
        or _in_passing(found, before, after)
    )
