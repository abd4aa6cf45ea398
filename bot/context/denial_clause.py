"""The denial grammar: does one clause (a headline, a lead sentence) report a denial of a claim?

Owns `find_denial(clause, lang)` → `ClauseDenial | None`, the single decision behind the DENIAL
label, follow-ups, denial→report links and `newsbot eval`. A clause reports a denial when it has
the three parts of one (see `bot.context.denial_lexicon` for the word classes):

1. a **denial predicate**: a deny verb with a claim-like object ("denies reports / that … /
   involvement / having …", or no object at the end of a clause), a refute verb ("refutes",
   "desmiente", "опроверг"), a rejection verb whose object is a claim noun ("rejects reports"),
   a naming verb with a falsity word ("calls the report false", "назвал фейком"), or a falsity
   predicate about a claim ("the reports are untrue", "no es cierto", "не соответствует
   действительности");
2. a **denied thing** that is a claim or report (the object test above), never a visa, a bill,
   a motion, bail, a goal or a topic ("climate denial");
3. a **denier**: someone speaking — the subject before the predicate, a speaker after a colon
   or a dash, or an attribution ("…, the Kremlin said") — and not a court or a parliament, whose
   rejections are another kind of news.

Hedges ("declined to comment", "ni confirmó ni desmintió", "не стал комментировать") and traps
("did not deny", "se niega a", "не опроверг") are masked before anything is matched; questions
are never denials. Everything is whole-word and case-insensitive. Pure and fast: one compiled
screen per language rejects the ~97 % of clauses that hold no denial word before any grammar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal

from bot.context.denial_lexicon import LEXICONS, Lexicon
from bot.context.prescreen import WordKeys

__all__ = [
    "ClauseDenial",
    "DenialKind",
    "answered_claim",
    "attribution_span",
    "find_denial",
    "screen",
]

DenialKind = Literal["deny", "refute", "reject", "naming", "falsity", "negation"]

_QUOTE_PAIRS = (
    ("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'), ("„", '"')
)  # fmt: skip


def _straight(text: str) -> str:
    """Curly quotes and guillemets as straight quotes (str.translate, without its cost per
    character on non-ASCII text)."""
    if text.isascii():
        return text
    for curly, straight in _QUOTE_PAIRS:
        if curly in text:
            text = text.replace(curly, straight)
    return text


_W = r"[^\W_]"  # a letter or digit, any script


@dataclass(frozen=True)
class ClauseDenial:
    """A denial found in one clause: what fired, and the text around it."""

    kind: DenialKind
    cue: str  # the words that fired, as written
    subject: str  # the text before the predicate (the denier's span, untrimmed)
    obj: str  # the text after the predicate (the denied thing's span)
    speaker: str | None = None  # an attribution after the clause ("…, Kremlin says")
    clause: str = ""  # the asserted clause, hedges and traps masked


def _rx(fragment: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!{_W})(?:{fragment})(?!{_W})", re.IGNORECASE)


@dataclass(frozen=True)
class _Grammar:
    lex: Lexicon
    screen: re.Pattern[str]
    screen_keys: WordKeys | None  # words a text must hold for `screen` to match
    hedges: re.Pattern[str]
    traps: re.Pattern[str]
    deny: re.Pattern[str]
    refute: re.Pattern[str]
    reject: re.Pattern[str]
    naming: re.Pattern[str]
    naming_claim: re.Pattern[str] | None
    falsity: re.Pattern[str]
    claim: re.Pattern[str]
    accusation: re.Pattern[str]
    not_deniers: re.Pattern[str]
    blockers: re.Pattern[str]
    attribution: re.Pattern[str]
    complementizer: re.Pattern[str]


@lru_cache(maxsize=8)
def _grammar(lang: str) -> _Grammar:
    lex = LEXICONS[lang]
    screen = "|".join(
        (lex.deny_verbs, lex.refute_verbs, lex.object_verbs, lex.falsity, r"denials?")
        + ((lex.naming_claim,) if lex.naming_claim else ())
    )
    return _Grammar(
        lex=lex,
        screen=_rx(screen),
        screen_keys=WordKeys.of(screen),
        hedges=_rx(lex.hedges),
        traps=_rx(lex.traps),
        deny=_rx(lex.deny_verbs),
        refute=_rx(lex.refute_verbs),
        reject=_rx(lex.object_verbs),
        naming=_rx(lex.naming_verbs),
        naming_claim=_rx(lex.naming_claim) if lex.naming_claim else None,
        falsity=_rx(lex.falsity),
        claim=_rx(lex.claim_nouns),
        accusation=_rx(lex.accusation_nouns),
        not_deniers=_rx(lex.not_deniers),
        blockers=_rx(lex.claim_blockers),
        attribution=_rx(lex.attribution),
        complementizer=_rx(lex.complementizer),
    )


def _lang(lang: str | None) -> str:
    return lang if lang in LEXICONS else "en"


def attribution_span(text: str, lang: str | None) -> tuple[int, int] | None:
    """Where the first speech verb of `text` stands ("заявили", "said"), if any."""
    m = _grammar(_lang(lang)).attribution.search(text)
    return (m.start(), m.end()) if m else None


_KEYED_TEXT_CHARS = 2_000


def screen(text: str, lang: str | None) -> bool:
    """The cheap first test: could this text hold a denial at all?"""
    grammar = _grammar(_lang(lang))
    keys = grammar.screen_keys
    # A sentence seldom holds a key word; a whole article nearly always does (keys such as
    # "against" or "made"), so its key test would only add to the search.
    if keys is not None and len(text) < _KEYED_TEXT_CHARS and not keys.may_match(text):
        return False  # none of the words the screen needs: no need to run it
    return grammar.screen.search(text) is not None


def _mask(text: str, rx: re.Pattern[str]) -> str:
    return rx.sub(lambda m: " " * len(m.group(0)), text)


def _words(text: str, n: int) -> list[str]:
    return re.findall(rf"{_W}[\w'.-]*", text)[:n]


_CLAUSE_END = re.compile(r"[;:|–—]|\s-\s|,\s|(?<![A-Z])\.\s|\.$|\s\(")
_PASSIVE_BEFORE = re.compile(
    r"(?:\b(?:was|were|been|being|is|are|be|get|gets|got|getting)\s+(?:\w+ly\s+)?)$", re.I
)
_ZERO_THAT = re.compile(
    r"^(?:\S+\s+){0,4}?(?:is|are|was|were|has|had|have|will|would|did|does|plans?|planned|"
    r"could|can|wants?|wanted|sent|ordered|killed|made|met|paid|took|\w{3,}ed)\b",
    re.I,
)
_GERUND = re.compile(r"^(?:\w+ly\s+)?(?:(?!thing|during|morning|evening)\w{3,}ing)\b", re.I)
_EN_PRONOUN_OBJECT = re.compile(r"^(?:it|this|them|any|everything|all\s+of|all)\b", re.I)
_SPEAKER_COLON = re.compile(r"^\W*(?P<who>[^:\"]{2,60}?):\s+(?P<rest>.+)$")
_TRAILING_SPEAKER = re.compile(
    r"(?P<rest>.+?)(?:,|\s[-–—]+)\s*(?P<who>[^,\"]{2,60}?)\s+(?:says?|said|tells|told|insists|"
    r"claims|suggests|dijo|dice|dicen|afirma|afirmó|afirman|asegura|aseguró|aseguran|заявил\w*|"
    r"сообщил\w*)\W*$"
    r"|(?P<rest2>.+?):\s*(?P<who2>(?:[A-Z][\w.'’-]*\s*){1,3})$"
    # the speech verb first, as Spanish and Russian write it: "…, заявил Песков", "…, dijo X"
    r"|(?P<rest3>.+?)(?:,|\s[-–—]+)\s*(?:dijo|dice|dicen|afirm(?:[óa]|an)|asegur(?:[óa]|an)|"
    r"señal(?:[óa]|an)|declar[óa]|"
    r"заявил\w*|сообщил\w*|сказал\w*|подчеркнул\w*|отметил\w*)\s+(?P<who3>[^,\"]{2,60}?)\W*$",
    re.I,
)
_EMPHATIC_NOT = re.compile(r"\bNOT\b")
# Speakers whose statements are findings, not a party's answer to a claim about itself.
_FINDING_SPEAKER = re.compile(
    r"\b(?:coroners?|inquests?|inquir(?:y|ies)|investigat\w+|probes?|panels?|audits?|auditors?|"
    r"reviews?|studies|study|researchers|scientists|experts|report|tribunals?)\b",
    re.IGNORECASE,
)
# A negation inside a goal or a wish: "to ensure X is not repeated", "hopes it was not …".
_VOLITION_BEFORE = re.compile(
    r"\b(?:ensure|ensuring|make\s+sure|so\s+that|to\s+prevent|hopes?|hoped|wants?|must|"
    r"should|needs?\s+to|need)\b",
    re.IGNORECASE,
)
_QUESTION_TAIL = re.compile(
    r"^\W*(?:probably|likely|definitely|almost\s+certainly)?\s*not\W*$", re.IGNORECASE
)
# A Russian fact-check's verdict label before the claim, as `_KICKER` and `_ES_VERDICT`:
# "Фейк: …", "Неправда: …", "Ложь: …"
_RU_VERDICT = re.compile(
    r"^\W*(?:фейк|неправда|ложь|это\s+фейк|вброс|дезинформация)\s*[:|]", re.IGNORECASE
)
_ANSWERED_NO = re.compile(
    r"(?<!\w)(?:ответил[аи]?|respondi[óo]|respondieron|contest[óo]|contestaron)\s*,?\s*"
    r"(?:что\s+нет|que\s+no)\W*$",
    re.IGNORECASE,
)
_ANSWER_HOAX = re.compile(r"\b(?:hoax|fake|false|untrue|not\s+true|bogus)\b", re.I)
_LEADING_NO = re.compile(
    r"(?:^|[:?.]\s*)\W*(?:no(?!\.\s*\d)|nope|not\s+so|not\s+true|false|нет)\s*[,.!:;—–-]+\s*\w"
    r"|[:—–]\s*(?:not\s+true|false|untrue|nope|no|no,?\s+(?:s?he|it|they)\s+(?:was|is|did|does)\s*n't)\W*$"
    r"|\bno\s+(?:s?he|it|they)\s+(?:wasn't|isn't|didn't|hasn't)\W*$",
    re.I,
)
_ALIVE = re.compile(
    r"(?<!\w)(?:(?:is|are|am|'s|'m|'re)\s+(?:still\s+|actually\s+|very\s+much\s+)?(?:alive|"
    r"not\s+dead|in\s+(?:good|perfect|excellent|fine)\s+health)|not\s+dead|alive\s+and\s+\w+|está\s+viv[oa]|sigue\s+viv[oa]|жив(?:а|ы)?\s+и\s+"
    r"здоров\w*|(?:что\s+)?(?:он|она|они)\s+жив(?:а|ы)?)(?!\w)",
    re.I,
)
_PERSON_PRONOUNS = frozenset("i he she they we you who".split())
_PROOF_BEFORE = re.compile(
    r"\b(?:prove|proves|proving|proof|show|shows|showing|whether|if)\s+(?:that\s+)?(?:\S+\s+){0,2}$",
    re.IGNORECASE,
)
_SAYS_SAFE = re.compile(
    r"\bsays?\s+(?:s?he|they|it)(?:'s|\s+is|\s+are|'re)\s+(?:\w+\s+)?(?:safe|fine)\b"
    r"|\bI(?:'m|\s+am)\s+(?:safe|fine|alive)\b",
    re.I,
)
_COUNTER_REPORTS = re.compile(
    r"\bcontrary\s+to\s+(?:\w+\s+){0,2}?(?:reports?|claims?|rumou?rs?)\b"
    r"|\bthere\s+(?:was|were|is|are)\s+never\b"
    r"|\bturns?\s+out\s+not\s+to\b|\bdeath\s+hoax\b"
    r"|\bsatir(?:e|ical)\s+(?:news\s+)?(?:site|website|story|article|piece|report)\b"
    r"|\b(?:fools?|fooled|dupes?|duped)\s+(?:the\s+)?(?:internet|web|media|twitter|facebook|fans|"
    r"outlets|reporters|news\s+outlets|major\s+media)\b|\bf[ae]lls?\s+for\s+(?:a\s+)?(?:fake|hoax|"
    r"satir\w+|prank)"
    r"|\b(?:is|was|are|were)\s*(?:not|n't)\s+(?:really\s+)?(?:by|from)\s+[A-Z]"
    r"|\bnot\s+(?:posted|made|written|painted|sent|taken|drawn)\s+by\b"
    r"|\b(?:outed|exposed|revealed|unmasked|debunked|confirmed|declared|ruled)\s+(?:as\s+|to\s+be\s+)?"
    r"(?:a\s+)?(?:fake|hoax\w*|fraud|lie|false|untrue)\b",
    re.I,
)
# A verdict on a claim: "No evidence that Obama invited …" opening a headline or after its
# label; "there is no evidence that …" said by someone.
_NO_EVIDENCE = re.compile(
    r"(?:^|:\s+)\W*no\s+(?:\w+\s+)?(?:evidence|proof)\s+(?:that|to\s+(?:support|back))\b", re.I
)
_NO_EVIDENCE_SAID = re.compile(
    r"\b(?:there\s+(?:is|was|'s)|there's|found|saw|see|has|have)\s+no\s+(?:\w+\s+)?"
    r"(?:evidence|proof)\s+(?:that|to\s+(?:support|back|suggest)|(?:\w+\s+){1,3}?"
    r"(?:have|has|had|was|were|is|are|did|ever)\b)",
    re.I,
)
_NOT_PREDICATE = re.compile(
    r"\bnot\s+(?:found|among|in|dead|captured|arrested|kidnapped|killed|true|real|genuine|authentic|"
    r"behind|responsible|involved|the\s+(?:real|same))\b",
    re.I,
)
_DESPITE_REPORTS = re.compile(
    r"\b(?:despite|amid|after)\s+(?:\w+\s+){0,2}?(?:reports?|rumou?rs?|claims?|speculation)\b", re.I
)
_NEG_STATE = re.compile(
    r"\b(?:did|has|have|had|was|were|is|are)\s*(?:not|n't)\b(?!\s+(?:yet|only|just|enough|over))"
    r"|\bisn't\b|\baren't\b|\bwasn't\b|\bweren't\b|\bnever\b|\bNOT\b",
)
# What a claim asserts happened, negated in a counter-claim ("Banksy wasn't arrested", "X did
# not kill Y, Z says").
_CLAIMED_EVENT = (
    r"(?:arrested|killed|dead|die|died|captured|kidnapped|abducted|stolen|steal|say|said|tell|told|"
    r"send|sent|post|posted|write|written|wrote|adopt|adopted|marry|married|pregnant|ban|banned|"
    r"fire|fired|sack|sacked|resign|resigned|quit|blur|blurred|censored|hack|hacked|sell|sold(?!\s+on\b|\W*$)|"
    r"buy|bought(?!\s+(?:it|on)\b)|cancel|cancell?ed|beheaded|executed|detained|jailed|found|tricked|caught|"
    r"threaten|threatened|invade|invaded|attack|attacked|cross|crossed|join|joined|leave|left|"
    r"fly|flew|make|made|exist|existed)"
)
_NEG_COPULA = re.compile(
    # not before an adjective of attitude or assessment: "X is not aware of…, Y says" is an
    # opinion about X, not the denial of a claim about X
    r"\b(?:(?:is|are|was|were)\s*(?:not|n't)|isn't|aren't|wasn't|weren't)\b(?!\s+(?:yet|only|"
    r"just|enough|over|expected|likely|ready|sure|clear|able|aware|happy|interested|afraid|"
    r"worried|concerned|satisfied|willing|keen|serious|fit|eligible|welcome|allowed|needed|"
    r"necessary|good|bad|safe|easy|possible|convinced|impressed|surprised|capable|qualified|"
    r"competent|fair|right|wrong|acceptable|enough)\b)"
    r"|\bnot\s+(?:a|an|the|in|among|found|true|real)\b"
    r"|\b(?:(?:did|has|have|had)\s*(?:not|n't)|didn't|hasn't|haven't|hadn't)\b",
    re.I,
)
# Levin's verbs of misconduct as accusations name them (to take bribes, steal, lie, hide, leak,
# spy, threaten, pressure, finance illegally, embezzle, bribe, harass, assault, abuse, plagiarise,
# deceive, manipulate, order, authorise) and of knowing, in the tenses of a reported past:
# preterite, imperfect, perfect ("no cobró", "no cobraba", "no ha cobrado").
_ES_WRONG_AR = (
    r"(?:cobr|rob|ocult|filtr|espi|amenaz|presion|malvers|soborn|acos|plagi|engañ|manipul|"
    r"orden|autoriz|desvi|financi|falsific|amañ|pact|negoci|abus)"
)
# what one is accused of receiving: money ("ni un peso", "un solo euro"), bribes, gifts
_ES_RECEIVED = (
    r"(?:ningún\s+|ning[úu]n\s+|ni\s+)?(?:dinero|sobornos?|comisiones|pagos|regalos|dádivas|"
    r"(?:un|un\s+solo)\s+(?:peso|centavo|euro|dólar|sol|bolívar))\b"
)
# the perfect participles alone, for the first person after a colon ("No he cobrado …")
_ES_WRONGDOING_PERFECT = (
    rf"(?:{_ES_WRONG_AR}ado\b|mentido\b|agredido\b|recibido\s+" + _ES_RECEIVED + r")"
)
# the first person's preterite of the same acts, as Latin American Spanish reports them ("No
# recibí un peso", "Nunca ordené esa operación", "No amenacé a nadie"), with the spelling of
# -zar/-car before -é; not the -ar plural, which is also the present ('"No cobramos nada"')
_ES_WRONGDOING_PRETERITE_1 = (
    r"(?:(?:me|nos|l[eoa]s?|se)\s+)?"
    r"(?:(?:cobr|rob|ocult|filtr|espi|presion|malvers|soborn|acos|plagi|engañ|manipul|orden|desvi|"
    r"financi|amañ|pact|negoci|abus)é|amenac[ée]|autoric[ée]|falsifiqu[ée]|"
    r"ment[íi]|mentimos|agred[íi]|agredimos|"
    r"recib(?:í|imos)\s+" + _ES_RECEIVED + r")(?!\w)"
)
_ES_WRONGDOING = (
    r"(?:(?:se\s+)?(?:l[eoa]s?|me|nos)\s+)?(?:(?:ha|han|he|hemos|había|habían)\s+)?"
    rf"(?:{_ES_WRONG_AR}"
    r"(?:ó|aron|é|amos|aba|aban|ado|ada|ados|adas)"
    r"|(?:mint|agred)(?:ió|ieron|í|imos|ía|ían)|mentido|agredido"
    r"|recib(?:ió|ieron|í|imos|ía|ían|ido)\s+" + _ES_RECEIVED +
    # "que no ha cometido ningún delito" (not "ningún error": an assessment)
    r"|comet(?:ió|ieron|í|imos|ido)\s+(?:ning[úu]n\w*\s+)?(?:delitos?|irregularidad(?:es)?|"
    r"ilegalidad(?:es)?|crímenes|crimen|fraudes?)"
    r"|sab(?:ía|ían|íamos)\s+nada)\b"
)
# "asegura que el apagón no fue un sabotaje", "заявил, что не причастен к аварии". A reported
# "no" is a denial only when it negates what a claim asserts: an event ("no hubo fraude"), an
# identity ("no fue un atentado"), an involvement ("no participó", "no tiene nada que ver"); a
# bare auxiliary is ordinary reported speech ("asegura que no está de acuerdo", "dice que no ha
# recibido la carta", "afirma que no tiene prisa").
# An article opening an identity ("no fue un sabotaje", "no es un país BRICS"), not a
# comparison or a rank ("no es el mismo", "no fue un buen momento", "no es la favorita").
_ES_IDENTITY_ARTICLE = (
    r"(?:un|una|el|la|los|las)\s(?!(?:mism[oa]s?|buen[oa]?s?|mal[oa]?s?|mejor(?:es)?|peor(?:es)?|"
    r"favorit[oa]s?|únic[oa]s?|primer[oa]?|últim[oa]s?|momento|hora|gran(?:des)?)\b)"
)
_SAYS_NOT_INVOLVED = re.compile(
    r"\bque\s+(?:[\"']?\w+[\"']?\s+){0,4}?[\"']?(?:no|nunca|jam[áa]s)\s+(?:(?:fue|fueron|era|eran)\s+"
    + _ES_IDENTITY_ARTICLE
    + r"|"
    r"(?:es|son|fue|era)\s+(?:culpables?|responsables?|ciert[oa]|verdad|real(?:es)?)\b|"
    r"hubo|ha\s+habido|existe|existen|existi[óo]|particip\w+|"
    r"(?:tiene|tienen|tuvo|tuvieron|ha\s+tenido)\s+(?:nada\s+que\s+ver|(?:ninguna\s+)?relaci[óo]n|"
    r"(?:ning[úu]n\s+)?v[íi]nculos?|responsabilidad)|"
    r"(?:est[áa]|están|estuvo|estaba|ha\s+estado)\s+(?:implicad|involucrad|vinculad|relacionad|"
    r"detr[áa]s)\w*|" + _ES_WRONGDOING + r")"
    # an accusation's act denied by its subject (misconduct, in a past tense: "asegura que no
    # cobró comisiones", "que nunca ha pagado sobornos"), and knowledge of it ("que no sabía
    # nada", "que desconocía"); a future or present ("que no pagará la deuda") is a plan
    r"|\bque\s+(?:\w+\s+){0,4}?desconoc(?:ía|ían|íamos)\b"
    # a finding of wrongdoing denied: "dice que no ha identificado corrupción", "que no
    # detectó irregularidades"
    r"|\bque\s+(?:\w+\s+){0,4}?(?:no|nunca)\s+(?:(?:ha|han|había|habían)\s+)?"
    r"(?:identific|detect|encontr|hall)\w*\s+(?:ning[úu]n\w*\s+)?(?:(?:tipo|caso|indicio)s?\s+de\s+)?"
    r"(?:corrupci[óo]n|irregularidad(?:es)?|fraudes?|delitos?|anomal[íi]as?|sobornos?)\b"
    r"|\bчто\s+(?:\w+\s+){0,3}?не\s+(?:причаст|виновн|участвова|имеет\s+отношени|имел\w*\s+"
    r"отношени|связан|было|был|была|были)\w*",
    re.IGNORECASE,
)
# Spanish headline conventions of fact-checks, the same conventions the English rules follow.
# A verdict label before the claim ("Falso: La OMS no ha recomendado …", "Bulo: …") or after it
# ("… : falso"), and the "don't be fooled" labels ("Que no te engañen:", "No coma cuento:")
# when the claim after them is negated.
_ES_VERDICT = re.compile(
    r"^\W*(?:fals[oa]|fake|bulo|engaños[oa]|mentira|montaje|es\s+fals[oa]|"
    r"no\s+es\s+(?:cierto|verdad))\s*[:|]"
    r"|[:|—–]\s*(?:fals[oa]|fake|bulo|engaños[oa]|mentira|es\s+fals[oa])\W*$"
    r"|^\W*(?:que\s+no\s+(?:te|le|les|los)\s+enga[ñn]en|no\s+(?:te\s+dejes|se\s+deje)\s+"
    r"enga[ñn]ar|no\s+(?:se\s+)?(?:coma|comas|trague|tragues)\s+(?:el\s+|ese\s+)?cuento)\s*[:!,]"
    r"(?=.*\bno\b)",
    re.IGNORECASE,
)
# A claim listed among "the other lies / hoaxes" ("X y las otras mentiras en WhatsApp"), or
# shown to be false ("descubren que es fake", "resultó ser un bulo").
_ES_EXPOSED = re.compile(
    r"\by\s+(?:l[oa]s\s+)?otr[oa]s\s+(?:\S+\s+)?(?:mentiras|bulos|falsedades|noticias\s+falsas|"
    r"fake\s+news)\b"
    r"|\b(?:descubr\w+|result(?:a|ó|an|aron)|demuestr\w+|demostr\w+|confirm\w+|revel\w+|"
    r"comprob\w+)\s+(?:que\s+)?(?:ser|es|era|fue|son|eran|fueron)\s+(?:(?:un|una|totalmente|"
    r"completamente|pur[oa])\s+){0,2}(?:fake|fals[oa]s?|bulos?|mentiras?|montajes?)\b",
    re.IGNORECASE,
)
# "No hay pruebas de que …" opening a headline or after its label (English `_NO_EVIDENCE`), and
# a negated copula with its speaker after it ("El apagón no fue un sabotaje, dijo el ministro";
# English "X is not Y, Iraq says").
_ES_NO_EVIDENCE = re.compile(
    r"(?:^|:\s+)\W*no\s+(?:hay|existen?|hubo)\s+(?:ninguna\s+)?(?:pruebas?|evidencias?)\s+de\s+que\b",
    re.IGNORECASE,
)
_ES_NEG_COPULA = re.compile(
    r"(?<!\w)no\s+(?:es|son|fue|fueron|era|eran|hubo|ha\s+habido|está|están|estuvo|estaba)\s+"
    r"(?!(?:posible|necesari[oa]|suficiente|fácil|clar[oa]|segur[oa]|probable|la\s+primera|el\s+"
    r"primero|solo|sólo|s[óo]lamente|tan|muy|momento|hora|todavía|aún)\b)",
    re.IGNORECASE,
)
# The rumour events of `_NEGATED_EVENT` negated in a Spanish headline ("Bill Gates no dijo …",
# "X no ha muerto", "Y no fue detenido"), not "not yet" ("aún no ha dicho"), not "said nothing"
# or "has arrested nobody", not an open question ("no dijo cuándo").
_ES_NEGATED_EVENT = re.compile(
    r"(?<!aún\s)(?<!aun\s)(?<!todavía\s)(?<!todavia\s)(?<!si\s)(?<!para\sque\s)(?<!aunque\s)"
    r"(?<!\w)no\s+(?:se\s+|lo\s+|la\s+)?(?:(?:ha|han|había|habían|fue|fueron|está|están|estaba|"
    r"ha\s+sido|han\s+sido)\s+)?"
    r"(?:dijo|dicho|dijeron|declaró|escribió|escrito|publicó|publicado|tuiteó|envió|enviado|"
    r"muri[óo]|muert[oa]s?|falleci(?:ó|do|da)|arrestad[oa]s?|detenid[oa]s?|capturad[oa]s?|"
    r"secuestrad[oa]s?|asesinad[oa]s?|mat[óo]|matado|encarcelad[oa]s?|ejecutad[oa]s?|"
    r"decapitad[oa]s?|cas[óo]|casad[oa]s?|embarazada|prohibi[óo]|prohibido|prohíben?|"
    r"renunci[óo]|renunciado|dimiti[óo]|dimitido|despedid[oa]s?|despidi[óo]|vendi[óo]|vendido|"
    r"compr[óo]|comprado|cancel[óo]|cancelado|hackead[oa]s?|censurad[oa]s?|robad[oa]s?|rob[óo]|"
    r"amenaz[óo]|invadi[óo]|atac[óo])(?!\w)"
    r"(?!\s+(?:nada|nadie|a\s+nadie|ning[úu]n\w*|cu[áa]ndo|c[óo]mo|d[óo]nde|qué|si|por\s+qu[ée]|"
    r"todav[íi]a|a[úu]n|cu[áa]nt\w+)\b)",
    re.IGNORECASE,
)
# A negated event is a counter-claim only where a rumour is in view: a speaker answering it, a
# rumour word, or (for speech) a quotation or "que" after it ("Bill Gates no dijo que …"). Bare,
# it is ordinary news: "El Madrid no compró a Mbappé", "Trump no canceló la visita". Likewise
# figurative life ("el proyecto sigue vivo", "la esperanza sigue viva") is no answer to a death
# rumour: the Spanish "está vivo" counts only with the death or the rumour in view.
_ES_RUMOUR_WORDS = r"rumor(?:es)?|bulos?|fals[oa]s?|falsamente|desmient\w*|desminti\w*|mentira\w*"
_ES_RUMOUR_CONTEXT = re.compile(
    rf"\b(?:{_ES_RUMOUR_WORDS}|redes(?:\s+sociales)?|viral\w*|circula\w*|difundid[oa]s?|"
    r"se\s+(?:dijo|difundi[óo]|public[óo]|afirm[óo])|contrario\s+a\s+lo|pese\s+a\s+lo\s+que|"
    r"especula\w*|supuestamente)\b",
    re.IGNORECASE,
)
_ES_DEATH_CONTEXT = re.compile(
    rf"\b(?:{_ES_RUMOUR_WORDS}|muerte|muert[oa]|muri[óo]|falleci\w*)\b", re.IGNORECASE
)
# A negated copula with its speaker answers a claim when it denies an identity ("no fue un
# sabotaje") or a status a rumour gives ("no está detenido", "no es responsable", "no está
# contaminada"), not an opinion ("no es favorito", "no está preocupado").
_ES_RUMOUR_STATUS = (
    r"(?:contaminad|envenenad|detenid|arrestad|muert|enferm|embarazad|"
    r"implicad|involucrad|vinculad|responsable|culpable|ciert|verdad|real\b|fals|obra\s+de)"
)
_ES_NEG_IDENTITY = re.compile(_ES_IDENTITY_ARTICLE + r"|" + _ES_RUMOUR_STATUS, re.IGNORECASE)
# After a colon speaker only the status a rumour gives counts ("Casa Blanca: Biden no está
# enfermo"), not an identity ("Ministro: España no es un país rico" is an opinion).
_ES_NEG_STATUS = re.compile(_ES_RUMOUR_STATUS, re.IGNORECASE)
# The speaker's own denial after a colon, the Spanish "WH: We didn't threaten …": an accused
# act negated ('Ayuso: "No he cobrado nunca comisiones"', 'Illa responde: "Nunca he negociado
# con …"'), or 'X: "No fuimos nosotros"', '"No soy culpable"', '"No tengo nada que ver"'. Any
# other negated perfect is ordinary speech ('"No he jugado bien"', '"Nunca he visto tanta
# pobreza"'), and a plan or a refusal no answer ('"No voy a dimitir"').
# The first person's own denial: an accused act in the perfect, or a public act a claim
# attributes ("No he reconocido al Gobierno de …", "Nunca hemos firmado ese acuerdo"); "it was
# not me"; an accused identity ("No somos delincuentes", "No soy un corrupto"); "I have
# nothing to do with it".
_ES_OWN_NEGATION = (
    r"(?:(?:yo|nosotros|nosotras)\s+)?(?:no|nunca|jam[áa]s)\s+(?:"
    r"(?:(?:me|nos|l[eoa]s?|se)\s+)?(?:he|hemos)\s+(?:nunca\s+|jam[áa]s\s+)?"
    r"(?:" + _ES_WRONGDOING_PERFECT + r"|(?:reconocid|firmad|apoyad|prometid|pedid)[oa]s?\b)"
    r"|" + _ES_WRONGDOING_PRETERITE_1 + r"|(?:he|hemos)\s+dicho\s+(?:eso|esto|nada|que)\b"
    r"|(?:fui|fuimos)\s+(?:yo|nosotros|nosotras)\b|(?:soy|somos)\s+(?:(?:un|una|unos|unas)\s+)?"
    r"(?:culpables?|responsables?|corrupt[oa]s?|espías?|agentes?|delincuentes?|criminales?|"
    r"ladron(?:es|as)?|ladrón|terroristas?|asesin[oa]s?|narcos?|golpistas?|traidor(?:es|as?)?|"
    r"mentiros[oa]s?|cómplices?|estafador(?:es|as?)?|racistas?|machistas?|fascistas?)\b"
    r"|(?:tengo|tenemos)\s+nada\s+que\s+ver"
    # the illicit property a claim says one owns: '"No tengo cuentas en Suiza"' (not a place
    # one has been: '"Nunca he estado en un Mundial"' is a career)
    r"|(?:tengo|tenemos)\s+(?:ninguna?\s+)?(?:cuentas?|propiedades|empresas?|sociedades|"
    r"testaferros?)\b)"
)
_ES_COLON_NEGATES = re.compile(r":\s+[\"']?" + _ES_OWN_NEGATION, re.IGNORECASE)
# The same quote first, its speaker after the colon: '"No somos delincuentes": Alcaldía de
# …', '"Nunca he reconocido a ese Gobierno": Petro'. Not a slogan or an infinitive ('"No
# hacer uso del voto secreto": …', '"No me llamo guapa": las pancartas …').
_ES_QUOTE_FIRST_NEGATES = re.compile(
    r"^\W*[\"']\s*" + _ES_OWN_NEGATION + r"[^\"']{0,120}[\"']\s*(?:[:—–-]\s*(?=[^\W\d_])"
    # or after a comma with a verb of saying or answering: '"No somos delincuentes", dice el
    # alcalde', not '…, gritaban los manifestantes' (a slogan)
    r"|,\s*(?=(?:dice|dicen|dijo|dijeron|afirma|afirman|afirmó|asegura|aseguran|aseguró|"
    r"responde|responden|respondió|replica|replicó|insiste|insistió|sostiene|sostuvo|aclara|"
    r"aclaró|declara|declaró|señala|señaló)\b))",
    re.IGNORECASE,
)
# The same in Russian, an involvement denied after a colon: "Лавров: Россия не имеет отношения
# к взрывам", "Песков: Кремль не причастен к …".
_RU_COLON_NOT_INVOLVED = re.compile(
    r":\s+(?:[\"']?\w+\s+){0,3}?не\s+(?:причаст\w*|виновн\w*|(?:имеет|имеют|имел\w*)\s+"
    r"(?:никакого\s+)?отношени[яю])",
    re.IGNORECASE,
)
# An involvement or an aim denied by the party it is said of, with its speaker in any position
# of a Russian headline: after a comma or a dash ("…не имеют отношения к боям, заявил Фидан",
# "…не вмешивается в процессы в Грузии — Путин"), before a colon, in an impersonal attribution
# ("…, заявили в Белом доме"). The predicates are those of `_NOT_INVOLVED` in English (not
# behind, not involved, not aimed at), the misconduct of interfering, and a
# consideration ruled out ("не рассматривают возможность передачи…", "идея … не
# рассматривается"), which answers reports that it is being considered. A plan or a wish
# ("не планирует", "не намерен", "не собирается") is no answer: it is ordinary policy news;
# "не связан с" and "не участвовал" are too wide ("погода не связана с аномалией", "команда не
# участвовала в турнире").
_RU_CLAIMED_EVENT = (
    r"(?:переговор|встреч|контакт|договор[её]нност|сделк|ультиматум|угроз|взрыв|атак|удар|"
    r"нападени|звонк|разговор|приказ|давлени|вмешательств|слежк|утечк)"
)
# One pattern per opening word ("не", "никак…", the consideration noun), so that `re` tries
# few branches at each position of a text.
_RU_NOT_INVOLVED_NE = re.compile(
    r"(?<!\w)(?:никогда\s+)?не\s+(?:(?:причаст\w*|винов(?:ен|н\w*)|вмешива\w*|вмешал\w*|"
    r"направлен\w*\s+против|"
    r"сто(?:ит|ят|ял|яла|яли)\s+за|(?:имеет|имеют|имел\w*)\s+(?:никакого\s+)?отношени[яю]\s+к|"
    r"рассматрива(?:ет|ют|ли|л|ла)\s+(?:\w+\s+)?(?:возможност\w*|вариант\w*|иде[юяи]))(?!\w)"
    # the arms a claim says someone supplies, develops or uses ("Иран не поставляет дроны
    # России", "Украина не разрабатывает ядерное оружие", "не применяли химическое оружие"),
    # also as a plan denied ("не планирует поставлять …"); not a refusal in the future ("не
    # будет поставлять"), which is a decision
    r"|(?:(?:планиру\w*|собира\w*|намерен\w*)\s+)?(?:поставля|постав(?:ил|ил[аио])\b|"
    r"переда(?:ва|л|ёт|ет|ют)|разрабатыва|разработал|производ|примен|испытыва|испытал)\w*"
    r"(?:\s+и\s+не\s+[^\W\d_]+)?\s+(?:[^\W\d_]+\s+){0,3}?"
    r"(?:оружи|вооружени|ракет|боеприпас|дрон|беспилотник|снаряд)\w*"
    # an attack a claim blames on someone, in the past ("Украина не атаковала АЭС, заявили в
    # ВСУ", "не наносили ударов по …"), not a promise ("не нападет на НАТО")
    r"|(?:атаковал\w*|обстреливал\w*|обстрелял\w*|бомбил\w*|нанос(?:ил|ила|или)\s+"
    r"(?:\w+\s+)?удар\w*|нанес(?:ла|ли)?\s+(?:\w+\s+)?удар\w*|нанёс\s+(?:\w+\s+)?удар\w*)"
    # the events rumours are made of, as Spanish `_ES_NEGATED_EVENT` lists them: a resignation,
    # a hospital stay, a death ("Шойгу не уходит в отставку, заявили в …"); not "никто не
    # погиб" (a toll), nor "водитель не задержан, сообщили в полиции" (police news)
    r"|(?<!никто\sне\s)(?:(?:уход(?:ит|ил|ила)|уш[её]л|ушла|подава(?:л|ла)|подал|подала|"
    r"собира(?:ется|лся|лась)\s+уходить)\s+в\s+отставку|госпитализирован[аы]?|умер|умерла|"
    r"погиб|погибла|болен|больна|болеет)(?!\w)"
    # a crime or a violation a claim imputes ("не совершал никаких преступлений")
    r"|(?:совершал\w*|соверша(?:ет|ют)|совершил\w*)\s+(?:никаких\s+|никакого\s+)?"
    r"(?:преступлени|правонарушени|нарушени|злоупотреблени)\w*"
    # an event a claim reports that did not take place: "не было никакой встречи"
    r"|было\s+никак(?:их|ой|ого)\s+(?:[^\W\d_]+\s+)?" + _RU_CLAIMED_EVENT + r")",
    re.IGNORECASE,
)
# … and with the negation after it: "никаких переговоров не было"; not a state ("никаких
# изменений не было" is a forecast)
_RU_NO_EVENT = re.compile(
    r"(?<!\w)никак(?:их|ой|ого)\s+(?:[^\W\d_]+\s+)?" + _RU_CLAIMED_EVENT + r"\w*\s+"
    r"(?:[^\W\d_]+\s+){0,4}?не\s+(?:было|велось|велись|проводилось|проводились|существует|"
    r"существовало|существовал[аи]?)(?!\w)",
    re.IGNORECASE,
)
# the passive with the consideration as its subject ("идея … не рассматривается"), not a
# court's case ("иск не рассматривается")
_RU_NOT_CONSIDERED = re.compile(
    r"(?<!\w)(?:возможност\w*|вариант\w*|иде[яи])\s[^,.;:]{0,80}?не\s+рассматрива"
    r"(?:ется|ются|лась|лся|лись|лось)(?!\w)",
    re.IGNORECASE,
)


def _ru_not_involved(text: str) -> re.Match[str] | None:
    """The first of the involvement, arms, event and consideration denials in `text`."""
    found = [
        m
        for m in (
            _RU_NOT_INVOLVED_NE.search(text),
            _RU_NO_EVENT.search(text) if "никак" in text.lower() else None,
            _RU_NOT_CONSIDERED.search(text) if "рассматрива" in text.lower() else None,
        )
        if m is not None
    ]
    return min(found, key=lambda m: m.start()) if found else None


# A negated quote with the answer to a claim after it: "«Украина не разрабатывает ядерное
# оружие». МИД отреагировал на статью Times", '"No hemos ocultado nada": el club responde a
# las informaciones de …'. Answering alone ("отреагировал на высадку", "responde a las
# críticas") is no denial, nor a quote without a negation.
_QUOTED_NEGATION = re.compile(
    r"\"[^\"]{0,160}?(?<!\w)(?:не|no|nunca|это\s+ложь|это\s+неправда|это\s+фейк|"
    r"(?:es|son)\s+(?:mentira|falso|falsa|un\s+bulo))(?!\w)[^\"]{0,160}\"",
    re.I,
)
_ANSWERS_A_CLAIM = {
    "ru": re.compile(
        r"(?<!\w)(?:отреагирова|ответи|откликнул|прокомментирова)\w*\s+на\s+(?:[^\W\d_]+\s+){0,2}?"
        r"(?:сообщени|стать|публикаци|обвинени|слух|данн|информаци|материал|репортаж|расследовани)"
        r"\w*",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"(?<!\w)(?:respond|replic|contest)\w*\s+a\s+(?:l[oa]s?\s+|el\s+|su\s+|sus\s+)?"
        r"(?:[^\W\d_]+\s+)?(?:acusaci|informaci|señalamiento|rumor|versi|denuncias?\b|"
        r"publicaci|reportaje|art[íi]culo|noticias?\b)\w*",
        re.IGNORECASE,
    ),
}
# "… — Путин", "… – Песков": a Russian headline's speaker after a dash, no verb
_RU_DASH_SPEAKER = re.compile(r"\s[—–-]+\s*(?:[А-ЯЁA-Z][\w.’'-]*\s*){1,3}\W*$")
# "заявил, что …", "сообщили в МИД, что …": the speech verb that introduces the negation
_RU_SAID_THAT = re.compile(
    r"(?:заяви|сообщи|подчеркну|отмети|уточни|заверил|пояснил)\w*[^.]{0,60}?,?\s+что\s", re.I
)
# Insisting that one's own act or state is not so answers those who say it is: "Trias insiste
# en que no tiene cuentas en el extranjero" (the insister is the negated verb's subject: no
# other subject between "que" and "no"; "los vecinos insisten en que el agua no llega" is a
# complaint). Not a plan, a modal or an opinion on timing ("insiste en que no subirá los
# impuestos", "… no debería afectar", "… no es el momento").
_ES_INSISTS_NOT = re.compile(
    r"(?<!\w)insist(?:e|en|ió|ieron|ía|ían)\s+en\s+que\s+(?:(?:él|ella|ellos|ellas)\s+)?"
    r"[\"']?(?:no|nunca|jam[áa]s)\s+"
    r"(?:(?:se|lo|la|le|les|los|las|me|nos)\s+)?"
    r"(?!(?:deb|pued|pod|quier|quis|va|van|vamos|voy|hay|habrá|será|serán|es\s+(?:el\s+)?momento)"
    r"[^\W\d_]*\b)[^\W\d_]+(?<!rá)(?<!rán)(?<!ría)(?<!rían)(?<!ar)(?<!er)(?<!ir)(?!\w)",
    re.IGNORECASE,
)
# The Spanish main clause of the same, its speaker after a comma or before a colon: "Irán no
# está detrás del ataque, afirma su canciller", "Maduro: Venezuela no financió…" is left out
# (funding, ordering or authorising, said of another, is as often a complaint: "el Gobierno no
# financió el proyecto, dice el alcalde"); only an involvement and the misconduct no one
# complains of not having suffered (bribes, theft, spying, rigging, harassment, lies).
_ES_NOT_INVOLVED = re.compile(
    r"(?<!\w)(?:no|nunca|jam[áa]s)\s+(?:"
    r"(?:est[áa]|están|estuvo|estuvieron|estaba|estaban|ha\s+estado|han\s+estado)\s+"
    r"(?:detr[áa]s|implicad\w*|involucrad\w*|vinculad\w*)"
    r"|(?:tiene|tienen|tuvo|tuvieron|ha\s+tenido|han\s+tenido)\s+(?:nada\s+que\s+ver|"
    r"(?:ninguna\s+)?(?:relaci[óo]n|responsabilidad)\s+(?:con|en)|(?:ning[úu]n\s+)?v[íi]nculos?\s+con)"
    r"|(?:(?:se\s+)?(?:l[eoa]s?|me|nos)\s+)?(?:(?:ha|han)\s+)?"
    r"(?:(?:cobr|rob|soborn|espi|malvers|plagi|amañ|acos|falsific)(?:ó|aron|ado)|"
    r"mint(?:ió|ieron)|mentido|agredi(?:ó|eron|do))"
    r")(?!\w)",
    re.IGNORECASE,
)
_ES_SPEECH_EVENT = re.compile(
    r"(?:dijo|dicho|dijeron|declaró|escribió|escrito|publicó|publicado|tuiteó)\s+(?:que\b|\"|')",
    re.IGNORECASE,
)
# The events rumours are made of (an arrest, a death, a kidnapping, a statement, a sale, a
# ban…), negated in a headline: the headline contradicts a rumour that they happened.
_NEGATED_EVENT = re.compile(
    r"(?<!but\s)(?<!and\s)(?<!but\sshe\s)(?<!but\she\s)\b(?:(?:was|were|has|have|had|did|is|are)\s*(?:not|n't)|wasn't|weren't|hasn't|haven't|"
    r"didn't|isn't|aren't|never)\s+(?:been\s+|actually\s+|really\s+|personally\s+){0,2}"
    + _CLAIMED_EVENT
    + r"\b",
    re.IGNORECASE,
)
# The same in a headline's reduced passive, without its auxiliary: "Michelle Obama Not Blurred
# Out on Saudi TV", "Missing students not among bodies found in grave". Only after a noun: not
# after a modal, a conjunction or "to" ("could not", "but not killed", "chose not to").
_REDUCED_NEGATED = re.compile(
    r"(?P<prev>[\w'’]+)\s+not\s+(?:arrested|killed|dead|captured|kidnapped|abducted|stolen|"
    r"blurred|censored|hacked|banned|beheaded|executed|pregnant|married|among|detained|jailed|"
    r"fired|sacked)\b(?!\s+(?:yet|until|because)\b)",
    re.IGNORECASE,
)
_NOT_BEFORE_REDUCED = frozenset(
    "but and or nor if why whether do does did will would could should can may might must to "
    "yet still are is was were be been being have has had who which that".split()
)
_WH_HEADLINE = re.compile(r"^\W*(?:why|how|what|when|where|who)\b", re.IGNORECASE)
_SORRY = re.compile(r"^\W*sorry,", re.IGNORECASE)
_BARE_NOT = re.compile(r"\bnot\b|n't\b|\bnever\b", re.I)
_COLON_NO = re.compile(r":\s+no\s+[a-z]+", re.I)
_NOT_INVOLVED = re.compile(
    r"\b(?:not|n't|never|no)\s+(?:been\s+)?(?:behind|responsible|involved|linked|connected|to\s+blame|"
    r"part\s+of|the\s+source|(?:any\s+)?(?:role|involvement|links?|connection)|aimed\s+at|"
    r"directed\s+at|targeted\s+at|(?:the\s+|a\s+)?target\s+of)\b",
    re.I,
)
_DENIAL_NOUN = re.compile(
    r"(?:'s|\bissues?|\bissued|\bflat|\bfirm|\bcategorical|\bstrong|\bofficial|\bswift|\bangry|"
    r"\bvehement|\bformal)\s+denials?\b|\bdenials?\s+(?:of|that)\b",
    re.I,
)
_ARTIFACTS = re.compile(
    r"\b(?:photos?|pictures?|images?|videos?|footage|tweets?|posts?|quotes?|letters?|documents?|"
    r"memos?|maps?|screenshots?|clips?|recordings?|audio|emails?|accounts?|websites?|"
    r"fotos?|im[áa]genes|v[íi]deos?|фото\w*|видео\w*|снимк\w*|кадр\w*)\b",
    re.I,
)
_TIGHT_COPULA = re.compile(
    r"(?:\b(?:is|are|was|were|it's|that's|to\s+be|proves?|proved|turns?\s+out\s+to\s+be|was\s+all|is\s+all)\s+"
    r"(?:(?:almost\s+)?(?:definitely|totally|completely|entirely|probably|likely|most\s+likely|"
    r"reportedly|also|just|all|a|an|another)\s+){0,2}(?:(?<=a\s)|(?<=an\s))?(?:[a-z]+\s+)?"
    r"|\b(?:almost\s+)?(?:definitely|totally|completely|entirely|probably|categorically|utterly|"
    r"likely|must\s+be|may\s+be|might\s+be)\s+(?:a\s+)?)$",
    re.I,
)
_KICKER = re.compile(
    r"^\W*(?:hoax(?:\s+alert)?|fake(?:[-\s]news)?|false|debunk(?:ed)?|myth|not\s+true|"
    r"fact[-\s]check:\s*false)"
    r"\s*:",
    re.I,
)
_SPEAKER_NEGATES = re.compile(
    r"(?:^|:\s+)(?:I|we|it|he|she|they)\s+(?:did|has|have|had|was|were)\s*"
    r"(?:not|n't)\s+(?:actually\s+|ever\s+)?(?!(?:yet|only|just|been\s+able)\b)\w+"
    r"|\b(?:says?|insists?|maintains?)\s+(?:that\s+)?(?:[\w'’-]+\s+){1,6}?(?:(?:is|are|was|were|did|has|have)\s*(?:not|n't)"
    r"|not\s+\w+ed)\b(?!\s+(?:yet|only|just|enough|over|expected|likely|ready|sure|clear|"
    # an assessment or advice, not a counter-claim: "says the decision wasn't 'black or
    # white'", "says the shot isn't recommended for children"
    r"recommended|advised|required|needed|necessary|mandatory|appropriate|safe|easy|for|"
    r"negotiable|an\s+option|on\s+the\s+table|\w+ing|"
    r"[\"'‘“])\b|\s+[\"'‘“])",
    re.I,
)
_COPULA = re.compile(
    r"(?:\b(?:is|are|was|were|'s|be|been|being|remain|remains|proves?|proved|turns?\s+out\s+to\s+be|"
    r"exposed\s+as|es|son|era|eran|fue|fueron|resulta|resultó|является|являются|оказал\w*|это)\b|"
    r"\s[—–-]\s|:\s)\s*(?:\w+\s+){0,3}$",
    re.I,
)


def _before(masked: str, start: int) -> str:
    """The clause part before `start` (the subject span)."""
    head = masked[:start]
    cut = max(head.rfind(sep) for sep in (";", ":", "|", " - ", " – ", " — ", ". "))
    return head[cut + 1 :].strip(" ,-–—\"'") if cut >= 0 else head.strip(" ,-–—\"'")


def _after(masked: str, end: int) -> str:
    """The clause part after `end` (the object span), up to the clause's end."""
    tail = masked[end:]
    m = _CLAUSE_END.search(tail)
    return (tail[: m.start()] if m else tail).strip()


def _has_claim(g: _Grammar, span: str, within: int) -> re.Match[str] | None:
    """A claim noun among the first `within` words of `span`, not in a blocked sense."""
    words = _words(span, within)
    if not words:
        return None
    window = " ".join(words)
    m = g.claim.search(window)
    if m is not None and g.lex.lang == "en" and re.search(r"\bto\s+$", window[: m.start()]):
        m = g.claim.search(window, m.end())  # "an effort to claim the sea": a verb, not a claim
    if m is None:
        return None
    if g.blockers.search(window[: m.start()] + " " + window[m.start() : m.end() + 30]):
        return None
    return m


def _subject_is_institution(g: _Grammar, subject: str) -> bool:
    """Courts and parliaments reject claims and bills: their rejections are other news."""
    words = _words(subject, 40)[-2:]
    return bool(words) and g.not_deniers.search(" ".join(words)) is not None


# A denial inside a relative clause is background: "X, who denies wrongdoing, was charged",
# "que niega haber…", "который отрицает вину"; so is a Russian participle ("отрицающий").
_RELATIVE_BEFORE = re.compile(
    r",\s*(?:who|which|que|quien|quienes|котор\w+)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)
_RU_PARTICIPLE = re.compile(r"\w+(?:ющ|вш)(?:ий|ая|ее|ие|его|ему|им|ей|их|ую|ими)", re.IGNORECASE)


# So is a denial in a concessive clause, the background of the news before or after it:
# "…, although the attacker denied it was a hate crime", "a pesar de que el agresor rechazó que
# …", "aunque el club niega …", "хотя в Кремле это отрицают".
_CONCESSIVE_BEFORE = re.compile(
    r"(?:\b(?:although|though|even\s+though|despite|in\s+spite\s+of|aunque|si\s+bien|mientras\s+que|"
    r"a\s+pesar\s+de\s+que|pese\s+a\s+que)|(?<!\w)хотя)\s+(?:[^\W_][\w'’.-]*\s+){0,5}$",
    re.IGNORECASE,
)


# A numbered list's headline is a noun phrase, its verb in a relative clause with no comma:
# "Los 5 gráficos que cuestionan el informe", "Las 3 claves que desmienten …", "7 datos que …".
_ES_LIST_RELATIVE = re.compile(
    r"^\W*(?:(?:los|las|estos|estas)\s+)?\d+\s+(?:[^\W\d_]+\s+){1,3}que\s+$", re.IGNORECASE
)


def _in_relative_clause(masked: str, m: re.Match[str]) -> bool:
    before = masked[: m.start()]
    return bool(
        _RU_PARTICIPLE.fullmatch(m.group(0))
        or _RELATIVE_BEFORE.search(before)
        or _CONCESSIVE_BEFORE.search(before)
        or _ES_LIST_RELATIVE.match(before)
    )


def _deny_object_ok(g: _Grammar, after: str, raw_after: str) -> bool:
    """The object test for deny verbs: a claim, a clause, a gerund, an accusation, or nothing."""
    if not after:
        return True  # "…, Kremlin denies" / "Kremlin denies"
    if raw_after[:1] in {'"', "'"} or g.complementizer.match(after):
        return True
    first = _words(after, 4)
    if not first:
        return True
    head = " ".join(first)
    if g.lex.lang == "en":
        if _EN_PRONOUN_OBJECT.match(head) or _GERUND.match(head):
            return True
        if re.match(r"(?:having|being)\b", head, re.I):
            return True
        if _ZERO_THAT.match(after) and not re.match(r"(?:the\s+)?\w+\s+(?:entry|visa|bail)", head):
            return True
    if g.accusation.search(" ".join(_words(after, 3))) and not g.blockers.search(head):
        return True
    if g.lex.lang == "ru":
        return True  # отрицать takes any fact as its object; its topic sense is a noun (masked)
    return _has_claim(g, after, 6) is not None


def _speaker_of(text: str) -> tuple[str | None, str]:
    """A speaker named outside the clause ("Kremlin: …", "…, Kremlin says", "… — Песков")."""
    m = _SPEAKER_COLON.match(text)
    if m and len(m.group("who").split()) <= 6:
        return m.group("who").strip(), m.group("rest")
    m = _TRAILING_SPEAKER.match(text)
    if m:
        who = m.group("who") or m.group("who2") or m.group("who3")
        return who.strip(), m.group("rest") or m.group("rest2") or m.group("rest3")
    return None, text


def _asserted(text: str) -> tuple[str, bool]:
    """The asserted part of a clause: questions are never denials, but an answer after one is."""
    if "?" not in text:
        return text, False
    pieces = [p for p in re.split(r"(?<=[?])\s*", text) if p.strip()]
    kept = [p for p in pieces if not p.rstrip(" \"')*_").endswith("?")]
    return " ".join(kept).strip(), True


def find_denial(
    clause: str, lang: str | None = "en", *, headline: bool = True
) -> ClauseDenial | None:
    """The denial a clause reports, or None. See the module docstring for the grammar.

    `headline` adds the conventions of headlines that answer a rumour ("No, X did not …",
    "X is alive", "HOAX: …", "X dead? Hoax"); in running text those words are ordinary news."""
    g = _grammar(_lang(lang))
    text = " ".join(_straight(clause).split())
    if not text or (not g.screen.search(text) and not (headline and _negation_screen(text, g))):
        return None
    text, after_question = _asserted(text)
    if not text:
        return None
    if after_question and headline and _QUESTION_TAIL.match(text):
        return ClauseDenial("negation", text.strip(), "", "")
    if after_question and headline and (no := _ANSWERED_NO.search(text)):
        # "«Мы воюем с Россией?» — спросили премьера. Он ответил, что нет": the asked claim
        # answered no by the one it is put to
        return ClauseDenial("negation", no.group(0), "", text)
    if after_question and headline and (hoax := _ANSWER_HOAX.search(text)):
        # "Willie Nelson dead? Viral hoax fools internet": the answer calls the claim false
        return ClauseDenial("negation", hoax.group(0), "", text)
    masked = _mask(_mask(text, g.hedges), g.traps)
    speaker, _rest = _speaker_of(masked)
    finders = (_refute, _deny, _reject, _naming, _falsity) + ((_negation,) if headline else ())
    for finder in finders:
        found = finder(g, masked, headline, speaker)
        if found is not None:
            return replace(found, clause=masked)
    return None


# A lead that names a claim going round ("La información circula por una cadena de WhatsApp…",
# "se ha empezado a compartir un video…", "…, al responder a reportes sobre…"): the news is the
# answer to it. Not a topic word ("bulos", "desinformación"), which ordinary news also holds.
_ES_LEAD_CLAIM = re.compile(
    # spreading, in a medium or as a message ("circula por WhatsApp", "se ha empezado a
    # compartir … un video"): not traffic that "circula con normalidad"
    r"\b(?:circula(?:n|ba|ban|ndo)?|se\s+(?:ha|han)\s+(?:empezado\s+a\s+)?(?:compartido|"
    r"compartir|difundido|difundir|viralizado|viralizar)|se\s+viraliz\w+|viralizad[oa]s?)\s+"
    r"(?:\S+\s+){0,12}?(?:(?:las\s+)?redes|whatsapp|facebook|twitter|internet|tiktok|telegram|"
    r"instagram|youtube|v[íi]deos?|mensajes?|im[áa]gen(?:es)?|audios?|fotos?|publicaci\w+|"
    r"cadenas?|textos?|noticias?|informaci\w+|rumor(?:es)?)\b"
    r"|\b(?:cadenas?\s+de\s+whatsapp|al\s+responder\s+a\s+(?:los\s+|las\s+)?(?:reportes|"
    r"informaciones|rumores|versiones|acusaciones|señalamientos))\b",
    re.IGNORECASE,
)
# The headline's negated predicate (any verb: "no matan", "no ha inhabilitado", "no se
# declarará"), not "not yet", "not only", "there is no", a slogan ("no a la guerra") or a
# question.
_ES_HEAD_NEGATED = re.compile(
    r"(?<!aún\s)(?<!aun\s)(?<!todavía\s)(?<!todavia\s)(?<!\w)(?:no|nunca|jamás)\s+"
    r"(?!(?:solo|sólo|hay|habrá|más|a|al|tan|muy|todo|todos|todas|siempre|ya|sin|es\s+(?:fácil|"
    r"posible|necesari[oa]|suficiente))\b)(?:(?:se|lo|la|le|les|los|las|me|nos)\s+)?[^\W\d_]{2,}",
    re.IGNORECASE,
)


def answered_claim(headline: str, lead: str, lang: str | None) -> ClauseDenial | None:
    """A headline's negation that answers the claim its lead says is going round.

    "Los termómetros infrarrojos no matan las neuronas" over "se ha empezado a compartir un
    video titulado…"; "X no se declarará culpable, afirma su abogado" over "…al responder a
    reportes sobre…". Spanish only: the other languages' headlines carry their own markers
    ("No, …", "X is alive"). The verdict's speaker is the headline's, else the outlet's own."""
    if lang != "es" or "?" in headline or not _ES_LEAD_CLAIM.search(lead):
        return None
    text = " ".join(_straight(headline).split())
    g = _grammar("es")
    masked = _mask(_mask(text, g.hedges), g.traps)
    found = _ES_HEAD_NEGATED.search(masked)
    if found is None:
        return None
    speaker, _rest = _speaker_of(masked)
    rest = masked[found.end() :].strip()
    return ClauseDenial("negation", found.group(0), "", rest, speaker, masked)


_RU_FAKES_ABOUT = re.compile(r"фейк(?:и|ов|ах|ам|ами)\s+(?:о|об|про)\s", re.IGNORECASE)
_RU_REMOVES = re.compile(
    r"(?<!\w)(?:удал|заблокир|разоблач|выяв)\w*\s+(?:[^\W\d_]+\s+)?$", re.IGNORECASE
)
# A correction verb reporting a negated state or event: "El Gobierno aclara a Trump que
# «España no es un país BRICS»", "La empresa puntualiza que no hubo despidos". Clarifying,
# specifying and retorting answer something said; a rank or a comparison stays an opinion.
_ES_CORRECTS = re.compile(
    r"\b(?:aclar|puntualiz|matiz|replic)(?:a|an|ó|aron)\s+(?:a\s+(?:[^\W\d_]+\s+){1,4}?)?que\s+"
    r"(?:[\"']?[^\W\d_]+[\"']?\s+){0,4}?[\"']?(?:no|nunca)\s+(?:(?:es|son|fue|fueron|era|eran)\s+"
    r"(?:" + _ES_IDENTITY_ARTICLE + r"|ciert[oa]|verdad)|hubo|"
    r"ha\s+habido|existe|existen|existi[óo])",
    re.IGNORECASE,
)


# The correction verbs before a negated rumour event or status: "El ministro aclara que no ha
# dimitido", "La cantante aclara que no está embarazada" (the events and statuses of
# `_ES_NEGATED_EVENT` and `_ES_RUMOUR_STATUS`); not a plan ("aclara que no habrá
# confinamiento").
_ES_CORRECTS_PREFIX = re.compile(
    r"\b(?:aclar|puntualiz|matiz|replic)(?:a|an|ó|aron)\s+(?:a\s+(?:[^\W\d_]+\s+){1,4}?)?que\s+"
    r"(?:[\"']?[^\W\d_]+[\"']?\s+){0,4}?[\"']?(?=(?:no|nunca)\s)",
    re.IGNORECASE,
)
_ES_NEG_STATUS_COPULA = re.compile(
    r"(?:no|nunca)\s+(?:est[áa]|están|estuvo|estaba|ha\s+estado|fue|ha\s+sido)\s+"
    + _ES_RUMOUR_STATUS
    + r"\w*",
    re.IGNORECASE,
)


def _es_corrects_event(text: str) -> re.Match[str] | None:
    for m in _ES_CORRECTS_PREFIX.finditer(text):
        found = _ES_NEGATED_EVENT.match(text, m.end()) or _ES_NEG_STATUS_COPULA.match(text, m.end())
        if found:
            return found
    return None


def _negation_screen(text: str, g: _Grammar) -> bool:
    if g.lex.lang == "es" and (
        _ES_VERDICT.search(text)
        or _ES_EXPOSED.search(text)
        or _ES_NEGATED_EVENT.search(text)
        or _ES_NO_EVIDENCE.search(text)
        or (
            _ES_NEG_COPULA.search(text) is not None
            and (_TRAILING_SPEAKER.match(text) is not None or ":" in text)
        )
    ):
        return True
    if g.lex.lang != "en":
        own = _ES_COLON_NEGATES if g.lex.lang == "es" else _RU_COLON_NOT_INVOLVED
        es = g.lex.lang == "es"
        lower = text.lower()
        # the rarer forms only when the word they need is in the text (a substring test costs
        # far less than a search)
        corrects = es and any(w in lower for w in ("aclar", "puntualiz", "matiz", "replic"))
        # the involvement forms need a speaker: after a comma or a dash, or before a colon
        spoken = any(p in text for p in (",", ":", "—", "–", " - "))
        return bool(
            _ALIVE.search(text)
            or _LEADING_NO.search(text)
            or _SAYS_NOT_INVOLVED.search(text)
            or (":" in text and own.search(text))
            or (not es and spoken and _ru_not_involved(text))
            or (es and _ES_QUOTE_FIRST_NEGATES.match(text))
            or (es and "insist" in lower and _ES_INSISTS_NOT.search(text))
            or (es and spoken and _ES_NOT_INVOLVED.search(text))
            or (corrects and _es_corrects_event(text))
            or ("?" in text and _ANSWERED_NO.search(text))
            or (
                '"' in text
                and _QUOTED_NEGATION.search(text)
                and _ANSWERS_A_CLAIM[g.lex.lang].search(text)
            )
            or (corrects and _ES_CORRECTS.search(text))
        )
    return bool(
        _LEADING_NO.search(text)
        or _ALIVE.search(text)
        or "?" in text
        or " NOT " in f" {text} "
        or _SAYS_SAFE.search(text)
        or _COUNTER_REPORTS.search(text)
        or _NOT_PREDICATE.search(text)
        or _KICKER.match(text)
        or _SPEAKER_NEGATES.search(text)
        or _NEGATED_EVENT.search(text)
        or _DESPITE_REPORTS.search(text)
        or _SORRY.match(text)
        or _NO_EVIDENCE.search(text)
        or _reduced_negated(text) is not None
        or _NO_EVIDENCE_SAID.search(text)
        or (_NEG_COPULA.search(text) is not None and _TRAILING_SPEAKER.match(text) is not None)
    )


def _refute(g: _Grammar, masked: str, headline: bool, speaker: str | None) -> ClauseDenial | None:
    for m in g.refute.finditer(masked):
        if _in_relative_clause(masked, m):
            continue
        subject = _before(masked, m.start())
        if re.search(r"(?:требу|потребова|exig|pid)\w*\s*$", subject, re.I):
            continue  # "demanded a retraction" is not one
        if _subject_is_institution(g, subject):
            continue
        return ClauseDenial("refute", m.group(0), subject, _after(masked, m.end()), speaker)
    return None


def _deny(g: _Grammar, masked: str, headline: bool, speaker: str | None) -> ClauseDenial | None:
    for m in g.deny.finditer(masked):
        if _in_relative_clause(masked, m):
            continue
        subject = _before(masked, m.start())
        end = m.end()
        if adverb := _MANNER_ADVERB.match(masked, end):
            end = adverb.end()  # "niega categóricamente que …", "denies flatly that …"
        after = _after(masked, end)
        raw_after = masked[end:].lstrip()
        passive = g.lex.lang == "en" and _PASSIVE_BEFORE.search(masked[: m.start()])
        if passive or (g.lex.lang == "en" and not subject and m.group(0).lower() == "denied"):
            # "X was denied bail": only "the report was denied (by …)" is a denial.
            if _has_claim(g, subject, 12) and (not after or after.lower().startswith("by ")):
                return ClauseDenial("deny", m.group(0), subject, after, speaker)
            continue
        if g.lex.lang == "en" and m.group(0).lower() == "denied" and not _words(subject, 1):
            continue
        if _subject_is_institution(g, subject):
            continue
        if _has_claim(g, subject, 12) and not after and g.lex.lang == "en":
            # headline passive without an auxiliary: "Reports of Putin's illness denied"
            return ClauseDenial("deny", m.group(0), subject, after, speaker)
        if not _words(subject, 1) and not speaker and not after:
            continue
        if not after and (len(_words(subject, 12)) > 6 or m.group(0).lower().endswith("ed")):
            continue  # "…after shoulder replacement denied": a reduced passive, not a speaker
        if _deny_object_ok(g, after, raw_after):
            if g.falsity.search(" ".join(_words(after, 4))):
                continue  # "denies the report is fake" supports the report
            return ClauseDenial("deny", m.group(0), subject, after, speaker)
    for m in _DENIAL_NOUN.finditer(masked) if g.lex.lang == "en" else ():
        subject = _before(masked, m.start())
        if re.search(r"\bconfirm", masked, re.I):
            continue
        after = _after(masked, m.end())
        if m.group(0).lower().endswith(" of") and not _denial_of_a_claim(g, after):
            continue  # "denial of an urgent hearing", "denial of service": another sense
        return ClauseDenial("deny", m.group(0).strip(), subject, after, speaker)
    return None


def _denial_of_a_claim(g: _Grammar, after: str) -> bool:
    """Is what follows "denial of" a claim ("of the reports", "of any involvement", "of having
    met him"), not a thing refused ("of an urgent hearing", "of bail")?"""
    head = " ".join(_words(after, 4))
    if _GERUND.match(head) or re.match(r"(?:having|being)\b", head, re.I):
        return True
    if g.accusation.search(" ".join(_words(after, 3))) and not g.blockers.search(head):
        return True
    return _has_claim(g, after, 4) is not None


# Rejecting one's own involvement is denying it ("Kyiv rejects involvement in the engineer's
# death", «Киев отверг причастность к гибели …», "rechaza su implicación"): the nouns of the
# involvement class only, not plans or proposals (rejecting those is opposing them).
_REJECTED_INVOLVEMENT = {
    "en": re.compile(
        r"(?:any\s+|its\s+|his\s+|her\s+|their\s+)?(?:involvement|wrongdoing|responsibility|"
        r"complicity|culpability|links?\s+(?:to|with)|ties\s+(?:to|with))\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"(?:cualquier\s+|toda\s+|su\s+|sus\s+)?(?:participaci[óo]n|implicaci[óo]n|"
        r"responsabilidad|v[íi]nculos?|nexos?|involucramiento)\b",
        re.IGNORECASE,
    ),
    "ru": re.compile(
        r"(?:свою\s+|любую\s+)?(?:причастност\w*|участи[ея]\s+в|вин[уы]\b|связ(?:ь|и)\s+с)",
        re.IGNORECASE,
    ),
}


def _reject(g: _Grammar, masked: str, headline: bool, speaker: str | None) -> ClauseDenial | None:
    for m in g.reject.finditer(masked):
        if _in_relative_clause(masked, m):
            continue
        subject = _before(masked, m.start())
        if _subject_is_institution(g, subject) and not (
            # a court rejects appeals and a parliament bills, but "la juez rechaza que el acoso
            # fuera una broma" disputes a claim about what happened: a state of affairs
            g.lex.lang == "es"
            and m.group(0).lower().startswith(("rechaz", "neg", "niega"))
            and _ES_STATIVE_THAT.match(_after(masked, m.end())) is not None
        ):
            continue
        if g.lex.lang == "en" and _NOUN_BEFORE.search(masked[: m.start()]):
            continue  # "amid global challenges", "addressing challenges": the noun, not the verb
        after = _after(masked, m.end())
        if g.lex.lang == "en":
            # the object ends where another clause starts: "rejects the MoU extension as US
            # claims control of Hormuz"
            after = _EN_CLAUSE_START.split(after, maxsplit=1)[0]
        # one dispels fears and doubts as often as myths: the claim must head the object
        # ("dispels the myth that…"), not sit inside it ("dispelling skepticism of its claims")
        claim = _has_claim(g, after, 3 if m.group(0).lower().startswith("dispel") else 7)
        if (
            claim is not None
            and g.lex.lang == "en"
            and _FOR_CAUSE.search(" ".join(_words(after, 7))[: claim.start()])
        ):
            claim = None  # "slams social media for speculation": the cause, not the object
        # "descartan que sea más grave": ruling out a possibility is an assessment, not a
        # denial; "descartan los rumores" (a claim object) is one
        that = g.complementizer.match(after) and (
            not m.group(0).lower().startswith("descart")
            # "descarta que haya habido sabotaje, como apuntaban las informaciones": ruling a
            # claim out answers it; ruling out a possibility alone is an assessment
            or _has_claim(g, masked, 60) is not None
            or _ES_RUMOUR_CONTEXT.search(masked) is not None
        )
        if that and g.lex.lang == "es" and not _ES_STATIVE_THAT.match(after):
            # "rechaza que haya fraude" denies a state of affairs; "rechaza que se cierre el
            # hospital", "rechaza que el Gobierno suba los impuestos" oppose an action
            that = False
        involvement = _REJECTED_INVOLVEMENT.get(g.lex.lang)
        own = involvement is not None and involvement.match(after) is not None
        if claim or _as_falsity(g, after) or that or own:
            return ClauseDenial("reject", m.group(0), subject, after, speaker)
        # a Spanish passive with its agent: "La versión … fue rechazada por AMLO"
        if (
            g.lex.lang == "es"
            and _ES_PASSIVE.search(masked[: m.start()])
            and re.match(r"por\s", after, re.I)
            and (_has_claim(g, subject, 40) or _ES_REPORTED.search(subject))
        ):
            agent, thing = after[4:].strip(), _ES_PASSIVE.sub("", subject).strip()
            return ClauseDenial("reject", m.group(0), agent, thing, speaker)
        # passive or object first: "reports were dismissed", "обвинения … отверг"
        if _has_claim(g, " ".join(_words(subject, 40)[-5:]), 5) and (
            g.lex.lang == "ru" or _PASSIVE_BEFORE.search(masked[: m.start()]) or not after
        ):
            return ClauseDenial("reject", m.group(0), subject, after, speaker)
    return None


# A manner adverb between a deny verb and its object, with the quote that may close on it
# ('Irán "niega categóricamente" que …', "denies flatly that", "категорически отрицает"
# needs none: the adverb stands before).
_MANNER_ADVERB = re.compile(
    r"\s+(?:[^\W\d_]+mente|flatly|firmly|strongly|categorically|vehemently|emphatically|"
    r"рез?ко|категорически|решительно)[\"']?(?=\s)",
    re.IGNORECASE,
)
_FOR_CAUSE = re.compile(r"\bfor\b", re.I)
# Words after which an English verb form in -s is a noun: "global challenges", "the questions".
_NOUN_BEFORE = re.compile(
    r"(?<![\w'’])(?:the|a|an|its|their|his|her|our|your|these|those|such|many|new|global|major|key|"
    r"legal|big|main|serious|several|other|some|any|amid|of|with|facing|faces|face|addressing|"
    r"tackling|economic|security|political|no|more|fresh|growing)\s+$",
    re.IGNORECASE,
)
_EN_CLAUSE_START = re.compile(
    r"\s(?:as|while|when|because|since|but|although|though|whereas)\s", re.I
)
# The complement of a Spanish rejection that denies rather than opposes: a state, an existence
# or a finished event ("que haya fraude", "que sea cierto", "que existan presiones", "que
# hubiera irregularidades", "que el piloto estuviera ebrio"), within the first words after "que".
_ES_STATIVE_THAT = re.compile(
    r"que\s+(?:[^\W\d_][\w.'’-]*\s+){0,6}?(?:no\s+)?(?:haya|hayan|hubiera|hubieran|hubiese|hubiesen|"
    r"hubo|ha\s+habido|sea|sean|fuera|fueran|fuese|fue|fueron|es|son|era|eran|exista|existan|"
    r"existiera|existe|existen|esté|estén|estuviera|estuvieran|está|están|tenga|tengan|tuviera|"
    r"tuvieran|tiene|tienen)\b",
    re.IGNORECASE,
)
_ES_PASSIVE = re.compile(
    r"\b(?:fue|fueron|ha\s+sido|han\s+sido|había\s+sido|habían\s+sido)\s+$", re.IGNORECASE
)
# the adverbs of reported speech mark a claim in a subject without a claim noun
_ES_REPORTED = re.compile(r"\b(?:supuestamente|presuntamente|falsamente)\b", re.I)


def _as_falsity(g: _Grammar, after: str) -> bool:
    m = re.search(r"\b(?:as|como|de|как)\s+", after, re.I)
    return bool(m and g.falsity.match(after[m.end() :].lstrip("\"' ")))


# Words after which a Spanish verb form is a noun ("por denuncia", "su llamada"); not the
# clitics "la", "lo", "las", "los", which stand before verbs ("la considera falsa").
_ES_NOUN_BEFORE = re.compile(
    r"(?<!\w)(?:por|un|una|unas|unos|su|sus|esta|esa|este|ese|el|del|de|tras|con|sin|sobre|"
    r"nueva|otra|cada)\s+$",
    re.IGNORECASE,
)


def _naming(g: _Grammar, masked: str, headline: bool, speaker: str | None) -> ClauseDenial | None:
    for m in g.naming.finditer(masked):
        if g.lex.lang == "es" and _ES_NOUN_BEFORE.search(masked[: m.start()]):
            continue  # "por denuncia falsa", "una llamada": the noun, not the verb
        after = masked[m.end() : m.end() + 160]
        if g.lex.lang == "en" and re.match(r"\s*(?:for|on|off|up|in)\b", after, re.I):
            continue  # "calls for", "calls on": other verbs
        span = " ".join(_words(_after(masked, m.end()) or after, 10))
        f = g.falsity.search(span)
        report = _has_claim(g, span, 10) if g.naming_claim is not None else None
        if f is None and report is not None and not _RU_STATEMENT.match(report.group(0)):
            # "назвало провокацией сообщения о …": a provocation said of a report; said of
            # anything else ("назвал провокацией учения") it is a protest, not a denial, and so
            # it is of a statement or a demand ("назвал провокацией заявление НАТО о …")
            f = g.naming_claim.search(span) if g.naming_claim is not None else None
        if f is None and g.lex.lang == "ru":
            f = _RU_NAMED_RUMOUR.match(span)  # "назвал их слухами": the report is hearsay
        if f is None:
            continue
        if g.lex.lang == "es" and not _es_naming_frame(g, span, f):
            continue
        if _ES_ANSWER_VERB.match(m.group(0)) and not _ES_OF_WHOM.match(span, f.end()):
            continue  # "responde a la desinformación con una campaña": a topic, no one's claim
        if g.lex.lang == "en" and not _en_naming_frame(g, span, f):
            continue
        if _CONCESSIVE_BEFORE.search(masked[: m.start()]):
            continue  # "despite having decried mail-in voting with false claims": background
        subject = _before(masked, m.start())
        if _subject_is_institution(g, subject):
            continue
        return ClauseDenial("naming", f"{m.group(0)} … {f.group(0)}", subject, span, speaker)
    return None


# Answering what one calls lies is a denial of someone's lies about something: "responde a las
# mentiras de Rubio", "… a las noticias falsas sobre el hospital".
_ES_ANSWER_VERB = re.compile(r"(?:respond|replic|contest)", re.IGNORECASE)
_ES_OF_WHOM = re.compile(r"\s+(?:de|del|sobre|contra|acerca\s+de|que)\s", re.IGNORECASE)
# Calling what was reported "rumours" ("назвал их слухами", "назвала эти сообщения сплетнями")
# dismisses it as hearsay: the instrumental after a naming verb, within its first words.
_RU_NAMED_RUMOUR = re.compile(
    # the plural only: the singular is also hearing ("назвал абсолютным слухом")
    r"(?:[^\W\d_]+\s+){0,3}?(?:слухами|сплетнями)(?!\w)",
    re.IGNORECASE,
)
_RU_STATEMENT = re.compile(r"заявлени|претензи|доклад", re.IGNORECASE)
# Words that may follow a predicative adjective ("califica de falsas las denuncias") without
# making it attributive ("facturas falsas", "falsos positivos", "falsa alarma").
_ES_NOT_A_HEAD = frozenset(
    "el la los las un una unos unas lo su sus este esta estos estas ese esa esos esas de del y o "
    "que a al en sobre contra por para con según segun dice dijo".split()
)
_ES_FALSITY_NOUN = re.compile(
    r"mentiras?|bulos?|calumnias?|difamaci\w+|desinformaci\w+|falsedad\w*|patrañas?|disparates?|"
    r"montaje|fake(?:\s+news)?|noticias\s+falsas",
    re.IGNORECASE,
)


# Words that end the noun phrase after an English falsity word: "calls the reports false and
# …", "brands it a lie as …", "slams 'nonsense' claims of …".
_EN_NP_END = frozenset(
    "and or but as after amid over from by with in on at of for to about that which who while "
    "because since says said is are was were".split()
)


def _en_naming_frame(g: _Grammar, span: str, f: re.Match[str]) -> bool:
    """Is the falsity word in an English naming verb's span its verdict on a claim?

    Yes as the predicative complement ("calls the report false", "brands it a lie") or as the
    adjective of a claim ("slams 'false' reports", "calls 'nonsense' claims"); not as the
    adjective of another thing ("slams 'nonsense' US nuclear demands": demands are not a claim
    that can be false)."""
    phrase: list[str] = []
    for word in _words(span[f.end() :], 6):
        if word.lower() in _EN_NP_END:
            break
        phrase.append(word)
    return not phrase or any(g.claim.fullmatch(w) for w in phrase)


def _es_naming_frame(g: _Grammar, span: str, f: re.Match[str]) -> bool:
    """Is the falsity word in a Spanish naming verb's span its verdict on a claim?

    Yes as the predicative complement ("califica de falsas las denuncias", "tacha de bulo",
    "considera falsa la información", "denuncia como falsa"), as a falsity noun heading the
    object ("denuncia mentiras", "denuncia una campaña de mentiras"), or after a claim noun
    ("informaciones erróneas"); not as an adjective of another thing ("denuncia facturas
    falsas", "acusan de falsos positivos", "una falsa alarma")."""
    rest = span[f.end() :].split()
    head = rest[0] if rest else ""
    if head.islower() and head not in _ES_NOT_A_HEAD and not g.claim.fullmatch(head):
        return False  # the falsity word describes the noun after it
    pre = _words(span[: f.start()], 12)
    if not pre or pre[-1].lower() in {"de", "como"}:
        return True
    if g.claim.fullmatch(pre[-1]) or (len(pre) > 1 and g.claim.fullmatch(pre[-2])):
        return True
    return _ES_FALSITY_NOUN.fullmatch(f.group(0)) is not None and len(pre) <= 2


def _at(kind: DenialKind, m: re.Match[str], masked: str, speaker: str | None) -> ClauseDenial:
    """A finding at match `m`: its subject is what precedes it, its object what follows."""
    # "Yes, X led the Siege of Boston. No, he didn't …": what precedes a sentence is not its
    # subject
    subject = "" if m.group(0)[:1] in ".?!" else _before(masked, m.start())
    return ClauseDenial(kind, m.group(0).strip(), subject, masked[m.end() :].strip(), speaker)


# The falsity words that call a claim false when they stand before it ("false reports"); the
# others ("crazy rumours", "fake news" as a topic) describe rather than deny.
_STRICT_FALSITY = re.compile(
    r"false|fake(?:\s+news)?|bogus|baseless|unfounded|groundless|fabricated|untrue|hoax|erroneous|"
    r"ложн\w+|fals[oa]s?|infundad\w+|фейков\w+",
    re.IGNORECASE,
)
# Spanish: a copula before a falsity word ("es un bulo", "resultó ser falso"), the strict
# falsity words a copula makes a verdict, and a relative clause after a falsity noun.
_ES_COPULA_BEFORE = re.compile(
    r"\b(?:es|son|era|eran|fue|fueron|resulta|result[óa]|resultó\s+ser|es\s+solo|sería)\s+"
    r"(?:(?:un|una|otr[oa]|totalmente|completamente|pur[oa])\s+){0,2}$",
    re.IGNORECASE,
)
_ES_STRICT = re.compile(
    r"(?:(?:es|son)\s+)?(?:fals[oa]s?|bulos?|mentiras?|fake(?:\s+news)?|montaje|falsedad(?:es)?|"
    r"infundad[oa]s?|inventad[oa]s?|erróne[oa]s?)",
    re.IGNORECASE,
)
_ES_RELATIVE = re.compile(r"\s*que\s", re.IGNORECASE)
# Words that judge rather than deny ("es absurdo cerrar el hospital", "una decisión errónea"):
# said of a claim they dismiss it, said alone they are an opinion.
_ES_EVALUATIVE = re.compile(
    r"absurd[oa]s?|disparates?|erróne[oa]s?|invent[oa]s?|una\s+fantas[íi]a", re.IGNORECASE
)
# "eso / esto es …": the demonstrative stands for what was said
_ES_THAT_IS = re.compile(r"\b(?:eso|esto|ello)\s+(?:es|era|fue|sería)\s+$", re.IGNORECASE)
_QUOTE_THEN_SPEAKER = re.compile(r"\s*[\"']\s*[:,—–-]\s*\w")
# Falsity words that carry their own copula ("isn't real", "never happened").
_COPULA_FALSITY = ("isn't", "aren't", "wasn't", "weren't", "not real", "never happened", "didn't")
# Falsity words that are predicates by themselves ("not true", "has nothing to do with reality").
_VERBAL_FALSITY = (
    "no ", "not ", "не ", "без", "sin ", "carec", "nothing", "has ", "have ", "лишен"
)  # fmt: skip


def _falsity(g: _Grammar, masked: str, headline: bool, speaker: str | None) -> ClauseDenial | None:
    attributed = speaker is not None or g.attribution.search(masked) is not None
    for m in g.falsity.finditer(masked):
        before, after = masked[: m.start()], masked[m.end() :]
        last = _words(before, 60)
        if g.deny.search(" ".join(last[-4:])):
            continue  # "denies hoax claims": denying the debunk supports the claim
        if g.lex.lang == "ru" and last and _RU_PARTICIPLE.fullmatch(last[-1]):
            # "дипломата, якобы указавшего ложные данные о себе": a participle is a relative
            # clause, and the false data in it is what the news accuses someone of
            continue
        if (
            g.lex.lang == "ru"
            and headline
            and _RU_FAKES_ABOUT.match(masked, m.start()) is not None
            and _RU_REMOVES.search(before) is not None
        ):
            # "Twitter удалил фейки о комендантском часе": removing or exposing "fakes about"
            # something calls the claims about it fake; "закон о фейках", "штраф за фейки"
            # (the law, the prosecution) have no such verb before them
            return _at("falsity", m, masked, speaker)
        claim_after = _has_claim(g, after, 2)
        if not claim_after and _attributive(after):
            continue  # "fake goods", "false alarm": the word describes a thing, not a claim
        if _subject_is_institution(g, _before(masked, m.start())):
            continue
        if _CONCESSIVE_BEFORE.search(before) or _AMID_BEFORE.search(before):
            continue  # "despite / amid his unfounded claims of fraud": the background
        if g.lex.lang == "en" and _SANCTIONED_FOR.search(before):
            continue  # "peer investigated over 'erroneous' claims": a case about false claims
        word = m.group(0).lower()
        predicative = _COPULA.search(before) is not None or before.rstrip().endswith(('"', "'"))
        quoted = before.count('"') % 2 == 1
        # inside a quote, the falsity word is the quote's verdict only near its start ('"Todo es
        # mentira"', '"Nothing to do with reality"'), not a topic deep in it ('"Es el origen de
        # la desinformación"')
        quote_verdict = quoted and len(_words(before[before.rfind('"') + 1 :], 4)) <= 2
        es_copula = g.lex.lang == "es" and (
            word.startswith(("es ", "son ")) or _ES_COPULA_BEFORE.search(before) is not None
        )
        verbal = word.startswith(_VERBAL_FALSITY)
        if g.lex.lang == "es" and not (quoted or es_copula or verbal) and _ES_RELATIVE.match(after):
            continue  # "mentiras que matan", "bulos que circulan": a noun phrase, a topic
        claim_subject = _has_claim(g, " ".join(last[-9:]), 9) is not None or (
            g.lex.lang == "es" and _ES_THAT_IS.search(before) is not None
        )
        if (
            g.lex.lang == "en"
            and _EN_EVALUATIVE.fullmatch(word)
            and not (claim_subject or claim_after or quote_verdict)
            and before.strip() not in {'"', "'"}
            and not _ARTIFACTS.search(" ".join(last[-9:]))  # "the viral video is bullshit"
            and not g.complementizer.match(after.lstrip())  # "It's rubbish that he refused"
        ):
            continue  # "the answer was marked incorrect", "the probe is more garbage": opinions
        rules = (
            # "El video de Maduro es falso", "La foto es un montaje": a verdict on its subject
            es_copula
            and headline
            and bool(last)
            and not quoted
            and _ES_STRICT.fullmatch(word) is not None,
            # '"No es cierto": la alcaldesa responde …': the whole quote is the verdict
            before.strip() in {'"', "'"}
            and _QUOTE_THEN_SPEAKER.match(after) is not None
            and word.startswith((*_VERBAL_FALSITY, "es ", "son ")),
            # '"Es mentira", responde el ministro', '"Todo es un montaje": …': a copula verdict
            # that is the whole quote, its speaker after it
            quote_first := (
                quote_verdict
                and es_copula
                and _QUOTE_THEN_SPEAKER.match(after) is not None
                and _ES_STRICT.fullmatch(word) is not None
            ),
            # "the reports are untrue", "данные … не соответствуют действительности"
            claim_subject and (predicative or word.startswith(_VERBAL_FALSITY)),
            # "Кремль не считает достоверными данные …": a verbal falsity before its claim
            claim_after is not None and bool(last) and word.startswith(_VERBAL_FALSITY),
            # "That ESPN panel you keep hearing about isn't real"
            headline and bool(last) and word.startswith(_COPULA_FALSITY),
            # "The video … is a hoax", "… is almost definitely fake"
            _TIGHT_COPULA.search(before) is not None and bool(last) and not quoted,
            # "Es falso que …"
            g.lex.lang == "es" and g.complementizer.match(after.lstrip()) is not None,
            # "Photo of … is fake"
            g.lex.lang == "en" and predicative and _ARTIFACTS.search(" ".join(last[-6:])),
            # "'Nothing to do with reality,' the ambassador said"
            attributed
            and (predicative or quote_verdict)
            and bool(last)
            and not (
                g.lex.lang == "es"
                and _ES_EVALUATIVE.fullmatch(word) is not None
                and not (claim_subject or claim_after)
            ),
            # "… dismisses false reports", "ложные сообщения": a falsity on a claim
            claim_after is not None
            and attributed
            and (not quoted or quote_verdict)
            and _STRICT_FALSITY.fullmatch(word) is not None,
            # "Fake news report claims …", "Trump's bogus claim": the headline calls a claim false
            claim_after is not None
            and headline
            and not quoted
            and claim_after.start() <= 1
            and _STRICT_FALSITY.match(word) is not None,
            # "3-Boobed Woman a Fake"
            headline and re.search(r"\ban?\s+$", before) is not None and not after.strip(" .!'\""),
        )
        if any(rules):
            if quote_first and speaker is None:
                # the speaker is after the quote, not the words inside it before the verdict
                who = _ES_SPEAKER_AFTER_QUOTE.match(after)
                cue = m.group(0).strip()
                return ClauseDenial("falsity", cue, "", after, who.group("who") if who else None)
            return _at("falsity", m, masked, speaker)
    return None


# '"Es mentira", responde el ministro sobre …': who speaks after a quote, without the speech
# verb and what follows the speaker
_ES_SPEAKER_AFTER_QUOTE = re.compile(
    r"\s*[\"']\s*[:,—–-]\s*(?:(?:responde|responden|respondió|dice|dicen|dijo|afirma|afirmó|"
    r"asegura|aseguró|replica|replicó|sostiene|señala|señaló|insiste|aclara|aclaró)\s+)?"
    r"(?P<who>[^,;:]{2,60}?)(?=\s+(?:sobre|ante|a|al|en|tras|por|con|responde|dice|dijo|afirma|"
    r"asegura|replica)\b|[,;:]|$)",
    re.IGNORECASE,
)
# An official action taken over false claims ("investigated over 'erroneous' expense claims",
# "fined for false advertising claims", "charged over fake reports") reports a case against
# their author, not a denial of them.
_SANCTIONED_FOR = re.compile(
    r"\b(?:investigat|prob|fin|charg|sue|sued|suing|jail|arrest|suspend|sack|punish|sentenc|"
    r"convict|expel|prosecut|indict|censur|sanction|penalis|penaliz)\w*\s+(?:\S+\s+){0,4}?"
    r"(?:over|for)\s+(?:his|her|their|its|the|a|an)?\s*[\"'‘“]?\s*$",
    re.IGNORECASE,
)
# English falsity words that also judge things other than claims (an answer is incorrect, a
# policy absurd): a verdict on a claim only with the claim in view or as the quote's verdict.
_EN_EVALUATIVE = re.compile(
    r"incorrect|inaccurate|erroneous|nonsense|rubbish|absurd|ridiculous|crazy|garbage|"
    r"bullshit|hogwash|laughable|preposterous",
    re.IGNORECASE,
)


# "amid his unfounded claims that …": a falsity word in the circumstances of the news
_AMID_BEFORE = re.compile(r"\bamid\s+(?:[^\W_][\w'’.-]*\s+){0,2}$", re.IGNORECASE)


_NOT_A_NOUN = frozenset(
    "and or but nor who that which it this is are was were update updated could might may will "
    "would says say "
    "said claims claim report reports news as to in on of for by after despite amid with from "
    "according than because since while when so y o pero dice dijo segun según que и или но что "
    "заявил сообщил".split()
)


def _attributive(after: str) -> bool:
    """Is the falsity word followed by the noun it describes ("fake goods", "false alarm")?"""
    words = _words(after, 1)
    if not words:
        return False
    gap = after[: after.find(words[0])]
    return not gap.strip(" ") and words[0].lower() not in _NOT_A_NOUN


def _negation(g: _Grammar, masked: str, headline: bool, speaker: str | None) -> ClauseDenial | None:
    """Headline counter-claims: "No, X did not …", "X is alive", "X is not Y, Iraq says"."""
    alive = _ALIVE.search(masked) or (g.lex.lang == "en" and _SAYS_SAFE.search(masked))
    if alive and g.lex.lang == "es" and not _ES_DEATH_CONTEXT.search(masked):
        alive = None
    if alive and _PROOF_BEFORE.search(masked[: alive.start()]):
        alive = None
    prev = _words(masked[: alive.start()], 60)[-1:] if alive else []
    thing = bool(prev) and prev[0][:1].islower() and prev[0].lower() not in _PERSON_PRONOUNS
    if alive and g.lex.lang == "en" and thing:
        alive = None  # "'woke is not dead'": a thing, not a person answering a rumour
    if alive:
        return _at("negation", alive, masked, speaker)
    if g.lex.lang != "en":
        attributed = speaker is not None or g.attribution.search(masked) is not None
        for applies, rx in (
            (True, _LEADING_NO),
            (attributed, _SAYS_NOT_INVOLVED),
            (g.lex.lang == "es", _ES_CORRECTS),
            (g.lex.lang == "es", _ES_INSISTS_NOT),
        ):
            if applies and (found := rx.search(masked)):
                return _at("negation", found, masked, speaker)
        if g.lex.lang == "es" and (corrected := _es_corrects_event(masked)):
            return _at("negation", corrected, masked, speaker)
        involved = _ES_NOT_INVOLVED.search(masked) if g.lex.lang == "es" and speaker else None
        if involved and not _RELATIVE_BEFORE.search(masked[: involved.start()]):
            return _at("negation", involved, masked, speaker)
        if g.lex.lang == "ru" and (found := _RU_VERDICT.match(masked)):
            return ClauseDenial("negation", found.group(0).strip(" :|"), "", masked[found.end() :])
        if g.lex.lang == "ru" and (found := _ru_not_involved(masked)):
            before = masked[: found.start()]
            if (
                speaker is not None
                or _RU_DASH_SPEAKER.search(masked) is not None
                or _RU_SAID_THAT.search(before) is not None
                or g.attribution.search(masked[found.end() :]) is not None
            ) and not any(_RU_PARTICIPLE.fullmatch(w) for w in _words(before, 60)[-1:]):
                return _at("negation", found, masked, speaker)
        answer = _ANSWERS_A_CLAIM[g.lex.lang].search(masked)
        if answer and _QUOTED_NEGATION.search(masked):
            return _at("negation", answer, masked, speaker)
        if g.lex.lang == "es" and (found := _ES_QUOTE_FIRST_NEGATES.match(masked)):
            close = masked.rfind('"', 0, found.end())
            quoted_by = _ES_SPEAKER_AFTER_QUOTE.match(masked, close)
            cue = found.group(0).strip(" \"':,—–-")
            by = quoted_by.group("who") if quoted_by else speaker
            return ClauseDenial("negation", cue, "", masked[found.end() :], by)
        colon = speaker is not None and _SPEAKER_COLON.match(masked) is not None
        own = _ES_COLON_NEGATES if g.lex.lang == "es" else _RU_COLON_NOT_INVOLVED
        if colon and (found := own.search(masked)):
            return ClauseDenial(
                "negation", found.group(0).strip(), "", masked[found.end() :], speaker
            )
        trailing = speaker is not None and _TRAILING_SPEAKER.match(masked) is not None
        spanish = (
            (_ES_VERDICT, _ES_EXPOSED, _ES_NEGATED_EVENT, _ES_NO_EVIDENCE)
            + ((_ES_NEG_COPULA,) if trailing or colon else ())
            if g.lex.lang == "es"
            else ()
        )
        for rx in spanish:
            if found := rx.search(masked):
                if rx is _ES_NEG_COPULA and not (
                    _ES_NEG_STATUS.match(masked, found.end())
                    if colon and not trailing
                    else (
                        _ES_RUMOUR_CONTEXT.search(masked)
                        or _ES_NEG_IDENTITY.match(masked, found.end())
                    )
                ):
                    continue  # "X no es favorito, dice Y": an opinion, no claim answered
                if rx is _ES_NEGATED_EVENT and not (
                    speaker is not None
                    or _ES_RUMOUR_CONTEXT.search(masked)
                    or _ES_SPEECH_EVENT.search(masked, found.start())
                ):
                    continue  # a bare negated event is ordinary news
                # what precedes a verdict is the rumour's subject ("Bill Gates no dijo …"), and
                # a verdict label is no speaker: the verdict is the outlet's own
                who = None if rx is _ES_VERDICT else speaker
                rest = masked[found.end() :].strip()
                return ClauseDenial("negation", found.group(0).strip(), "", rest, who)
        return None
    for rx in (_KICKER, _COUNTER_REPORTS, _LEADING_NO, _NO_EVIDENCE):
        found = rx.search(masked)
        if found:  # a kicker ("HOAX:") is a label, not a speaker
            return _at("negation", found, masked, None if rx is _KICKER else speaker)
    if _SORRY.match(masked) and (neg := _NEG_STATE.search(masked)):
        return _at("negation", neg, masked, speaker)
    attributed = speaker is not None or g.attribution.search(masked) is not None
    trailing = speaker is not None and _TRAILING_SPEAKER.match(masked) is not None
    # an inquiry's or a coroner's negative is a finding ("… did not follow instructions:
    # Coroner"); a party's own is a counter-claim ("… did not hear the call, Meta says")
    finding = speaker is not None and _FINDING_SPEAKER.search(speaker) is not None
    candidates = (
        (attributed, _NOT_PREDICATE),  # "Mexico says missing students not found in graves"
        (trailing, _NEG_COPULA),  # "Woman … is not al-Baghdadi's wife, Iraq says"
        (attributed, _SPEAKER_NEGATES),  # "WH: We didn't threaten …"
        (attributed, _NOT_INVOLVED),  # "…, says it was not behind the attack"
        (attributed, _NO_EVIDENCE_SAID),  # "Obama says there's no evidence aliens made contact"
        (bool(_DESPITE_REPORTS.search(masked)), _BARE_NOT),  # "… not dead, despite reports"
        (bool(speaker and _SPEAKER_COLON.match(masked)), _COLON_NO),  # "DHS: No ISIL fighters …"
        (masked.count("NOT") == 1, _EMPHATIC_NOT),  # "Pope Francis did NOT say …"
        (not _WH_HEADLINE.match(masked), _NEGATED_EVENT),  # "Banksy wasn't arrested"
    )
    for applies, rx in candidates:
        if applies and (found := rx.search(masked)):
            if rx is _NEG_COPULA and (finding or _VOLITION_BEFORE.search(masked[: found.start()])):
                continue  # "… to ensure the attack is not repeated: Omar": a goal, not a claim
            return _at("negation", found, masked, speaker)
    if not _WH_HEADLINE.match(masked) and (reduced := _reduced_negated(masked)):
        if masked.lstrip()[:1] in {'"', "'"} and len(_words(masked[: reduced.start()], 4)) > 3:
            return None  # "'… Kohli not banned'": a comparison inside someone's quote
        return _at("negation", reduced, masked, speaker)
    return None


def _reduced_negated(text: str) -> re.Match[str] | None:
    for m in _REDUCED_NEGATED.finditer(text):
        if m.group("prev").lower() not in _NOT_BEFORE_REDUCED:
            return m
    return None
