"""The words and word classes of the denial grammar, one `Lexicon` per language (en, es, ru).

This module owns vocabulary only; `bot.context.denial_clause` owns the grammar that uses it.
Every field is a regular-expression fragment (no capture groups), matched case-insensitively at
word boundaries. The classes follow the definition the label is built on: a denial needs
**a denier**, **a denial predicate** and **a denied thing that is a claim or report** (or a
falsity predicate about one):

- `deny_verbs`: verbs that are denials with a claim object, a that-clause, a gerund or an
  accusation noun ("denies that…", "denies involvement"), or with no object at the end of a
  clause ("…, Kremlin denies"). Their other senses ("denied entry", "se niega a", "отрицание
  Холокоста") take none of those objects, so the object test refuses them.
- `refute_verbs`: verbs whose object is a claim by their meaning (refute, desmentir,
  опровергнуть); any object will do, a negation still cancels them.
- `object_verbs`: verbs that are denials only with a claim noun as object ("rejects reports"
  but not "rejects the bill", "rechaza las acusaciones" but not "rechaza la moción").
- `claim_nouns`: what can be denied: report, claim, allegation, accusation, rumour,
  speculation, story … (the list of the issue, with their synonyms in each language).
- `accusation_nouns`: what a "deny" verb denies when the claim is implicit ("denies
  involvement / wrongdoing / responsibility").
- `falsity`: predicates that call a claim false ("untrue", "baseless", "fake news",
  "no es cierto", "не соответствует действительности").
- `naming_verbs`: "calls / labels / brands … false", "tacha de falso", "назвал фейком".
- `hedges`: phrases that leave a claim open; masked first, never a denial.
- `traps`: a denial word that is not a denial ("did not deny", "no desmiente").
- `not_deniers`: subjects whose rejection is another kind of news (courts dismiss claims,
  parliaments reject bills).
- `naming_claim`: words that are a falsity verdict only as a naming verb's complement with a
  claim noun as its object ("назвало провокацией сообщения о …").
- `claim_blockers`: words that turn a claim noun into another sense ("insurance claim",
  "reclamación", "иск").

Sources for the English classes: the FNC-1 baseline's refuting words and the hedge cues kept in
`bot.context.cues` (with their references), Wikipedia's "Words to watch", and the verb classes of
Levin (1993, "English Verb Classes and Alternations": verbs of assessment and of rejection).
Spanish and Russian classes are the same classes in those languages' grammar (Spanish "negar
que + subjuntivo", reflexive "negarse a" = refuse; Russian perfective/imperfective pairs
опровергнуть/опровергать, отрицать, отвергнуть/отвергать, and the case-inflected objects).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Lexicon:
    """The word classes of one language (regex fragments, see the module docstring)."""

    lang: str
    deny_verbs: str
    refute_verbs: str
    object_verbs: str
    claim_nouns: str
    accusation_nouns: str
    falsity: str
    naming_verbs: str
    hedges: str
    traps: str
    not_deniers: str
    claim_blockers: str
    # A clause complement after a deny verb: "that", "que", "что".
    complementizer: str
    # Speech verbs that attribute a clause to a speaker ("says", "dijo", "заявил").
    attribution: str
    # The media in general as the author of a report ("media", "medios", "СМИ").
    media: str
    # Unnamed sources ("unnamed source", "fuentes anónimas", "источник").
    unnamed: str
    # Negation particle(s).
    negation: str
    # Words that call a claim false only when a naming verb applies them to a claim noun
    # ("назвало провокацией сообщения"; "назвал провокацией учения" is a protest).
    naming_claim: str = ""


EN = Lexicon(
    lang="en",
    deny_verbs=r"den(?:y|ies|ied|ying)",
    refute_verbs=(
        r"refut(?:e|es|ed|ing)|rebut(?:s|ted|ting)?|debunk(?:s|ed|ing)?"
        r"|set(?:s|ting)?\s+the\s+record\s+straight"
    ),
    object_verbs=(
        r"reject(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|disput(?:e|es|ed|ing)|contradict(?:s|ed|ing)?"
        r"|push(?:es|ed)?\s+back\s+(?:on|against)"
        r"|brush(?:es|ed)?\s+(?:off|aside)|shoot(?:s)?\s+down|shot\s+down|knock(?:s|ed)?\s+down"
        r"|quash(?:es|ed)?|scotch(?:es|ed)?|slap(?:s|ped)?\s+down|rubbish(?:es|ed)"
        r"|pour(?:s|ed)?\s+cold\s+water\s+on|laugh(?:s|ed|ing)?\s+off|shrug(?:s|ged)?\s+off"
        r"|wav(?:e|es|ed)\s+(?:off|away)|swat(?:s|ted)?\s+(?:down|away)"
        r"|counter(?:s|ed)?|challeng(?:e|es|ed)|rebuff(?:s|ed)?|slam(?:s|med)?|blast(?:s|ed)?"
        r"|cast(?:s|ing)?\s+doubts?\s+on|doubt(?:s|ed)?|question(?:s|ed)"
        r"|retract(?:s|ed|ing)?|shut(?:s|ting)?\s+down|dispel(?:s|led|ling)?"
        r"|kill(?:s|ed)?(?=\s+(?:\S+\s+){0,3}?(?:rumou?rs?|reports?|speculation|stor(?:y|ies)))|put(?:s)?\s+to\s+rest|laid\s+to\s+rest|quell(?:s|ed)?|squash(?:es|ed)?"
    ),
    claim_nouns=(
        r"reports?|reporting|claims?|allegations?|accusations?|rumou?rs?|speculation|"
        r"suggestions?|stor(?:y|ies)|assertions?|articles?|contentions?|narratives?|"
        r"(?:conspiracy\s+)?theor(?:y|ies)|news|insinuations?|charges?\s+that|version\s+of\s+events|"
        r"accounts?\s+of|(?:the|a|this|new|latest|[\w-]+'s)\s+stud(?:y|ies)|findings|figures|"
        r"estimates|statistics|characteri[sz]ations?|"
        r"portrayals?|depictions?|buzz|gossip|talk\s+of|hype|myths?|misconceptions?|smears?|"
        r"slanders?|distortions?"
    ),
    accusation_nouns=(
        r"involvement|wrongdoing|responsibility|role|links?|ties|knowledge|complicity|"
        r"culpability|plans?|planning|reports?|claims?|allegations?|accusations?|rumou?rs?|"
        r"speculation|suggestions?|stor(?:y|ies)|any\s+(?:part|role|link|involvement|plans?)|"
        r"(?:the\s+)?existence|"
        # the acts an accusation names ("denies harassment", "denies any cover-up")
        r"harassment|assault|fraud|corruption|bribery|espionage|meddling|interference|"
        r"cover-?up|misconduct|collusion|negligence|abandonment|abuse"
    ),
    falsity=(
        r"not\s+true|untrue|false(?:ly)?|fake(?:\s+news)?|faked|(?:is|are|was|were)n't\s+real|"
        r"not\s+real|never\s+happened|did\s*(?:not|n't)\s+happen|baseless|groundless|unfounded|"
        r"fabricat(?:ed|ion|ions)|(?:a\s+)?lies?|nonsense|rubbish|a\s+hoax|hoax|bogus|"
        r"incorrect|inaccurate|erroneous|(?:mis|dis)information|without\s+(?:any\s+)?(?:basis|foundation)|"
        r"no\s+basis|made\s+up(?!\s+of)|(?:pure\s+)?fiction|fictitious|a\s+myth|absurd|"
        r"ridiculous|crazy|garbage|bullshit|hogwash|laughable|preposterous|doctored|photoshopped|"
        r"(?:has|have|had)\s+(?:absolutely\s+)?nothing\s+to\s+do\s+with\s+(?:reality|the\s+truth)|"
        r"not\s+the\s+case|no\s+truth|a\s+(?:complete\s+|total\s+)?fabrication|slanderous|"
        r"nothing\s+to\s+do\s+with\s+(?:reality|the\s+truth)|unproven|unsubstantiated|"
        r"not\s+proven|(?<=of\s)lying|(?<=of\s)spreading\s+(?:lies|falsehoods)|misleading|"
        r"not\s+credible"
    ),
    naming_verbs=(
        r"call(?:s|ed|ing)?|label(?:s|ed|led|ling)?|brand(?:s|ed|ing)?|dismiss(?:es|ed|ing)?|"
        r"describ(?:e|es|ed|ing)|term(?:s|ed)?|slam(?:s|med)?|blast(?:s|ed)?|decr(?:y|ies|ied)|"
        r"accus(?:e|es|ed|ing)|denounc(?:e|es|ed|ing)|dub(?:s|bed)?|derid(?:e|es|ed)"
        # a rebuke is a denial only with its verdict: "hits back at 'untrue' allegations"
        r"|hit(?:s|ting)?\s+back\s+at"
    ),
    hedges=(
        r"declin(?:e|es|ed|ing)\s+to\s+(?:comment|confirm|say|discuss)\w*"
        r"|(?:would|will|did|does|could)\s*(?:not|n't)\s+(?:immediately\s+)?(?:comment|confirm|"
        r"respond|say)(?:\s+or\s+deny)?"
        r"|refus(?:e|es|ed|ing)\s+to\s+(?:comment|confirm|deny)(?:\s+or\s+(?:confirm|deny))?"
        r"|neither\s+confirm(?:s|ed)?\s+n?or\s+den(?:y|ies|ied)"
        r"|(?:not|never)\s+(?:immediately\s+|independently\s+)?(?:confirmed|verified)"
        r"|could\s*(?:not|n't)\s+be\s+(?:independently\s+)?(?:confirmed|verified|reached)"
        r"|unconfirmed|unverified|no\s+comment|did\s*(?:not|n't)\s+(?:immediately\s+)?respond"
    ),
    traps=(
        r"(?:did|does|do|has|have|had|was|were|is|would|will|could)\s*(?:not|n't)\s+"
        r"(?:\w+ly\s+)?den(?:y|ied|ying)"
        r"|(?:not|never|no\s+longer)\s+den(?:y|ies|ying|ied)|no\s+denying|refus(?:e|es|ed)\s+to\s+deny"
        r"|stop(?:s|ped)?\s+short\s+of\s+denying|no\s+denial|fail(?:s|ed)?\s+to\s+deny"
        r"|(?:can|could)\s*(?:not|n't)\s+(?:be\s+)?den(?:y|ied)|undeniabl[ey]|no\s+one\s+denies"
        r"|(?:not|n't|never|no)\s+(?:\w+\s+)?(?:a\s+)?(?:hoax|fake|lie|fabricat\w*|bogus|made\s+up)"
        r"|denial[-\s]of[-\s]service|in\s+denial|self[-\s]denial|plausible\s+deniability"
        r"|(?:climate|election|holocaust|genocide|science|covid|vaccine|aids|grief)[-\s]+"
        r"deni(?:al|alism|ers?)|deniers?"
    ),
    not_deniers=(
        r"court|judge|justices?|tribunal|jury|panel|appeals|magistrate|parliament|senate|"
        r"congress|lawmakers|legislat\w+|committee|voters|insurers?|assembly|council|board|"
        r"(?<!white\s)house|shareholders"
    ),
    claim_blockers=(
        r"insurance|medical|asylum|benefits?|compensation|disability|pension|tax|damages|injury|"
        r"wage|patent|land|territorial|warranty|refund|expense|legal|lawsuit|class[-\s]action|"
        r"title|unemployment|injury|accident|workers'?|welfare|ownership|sovereignty|maritime"
    ),
    complementizer=r"that",
    attribution=(
        r"says?|said|insists?|insisted|tells?|told|states?|stated|maintains?|maintained|"
        r"argues?|argued|claims?|claimed|adds?|added|writes?|wrote|tweets?|tweeted|posts?|posted"
        r"|according\s+to"
    ),
    media=r"media|press|news\s+outlets?|newspapers?|outlets",
    unnamed=r"unnamed|anonymous|unidentified|sources?\s+(?:familiar|close|said)|a\s+source",
    negation=r"not|n't|never",
)

ES = Lexicon(
    lang="es",
    # with the first person of a quoted statement: "Lo niego", "Negamos las acusaciones"
    deny_verbs=r"neg(?:ó|aron|ar|ando|ado|aba|aban|ará|arán|amos)|niega|niegan|niego|niegue|nieguen",
    refute_verbs=(
        r"desm(?:iente|ienten|intió|intieron|entir|intiendo|entido|entía|entían|entirá|iento|entimos)|"
        r"desmentid[oa]s?|refut(?:a|an|ó|aron|ar)|rebat(?:e|en|ió|ieron|ir)"
    ),
    object_verbs=(
        r"rechaz(?:a|an|ó|aron|ar|ando|ado|aba|aban|amos)|desestim(?:a|an|ó|aron|ar)|"
        r"rechazad[oa]s?|desestimad[oa]s?|"
        r"descart(?:a|an|ó|aron|ar)|cuestion(?:a|an|ó|aron|ar)|contradic(?:e|en)|contradijo|"
        r"sal(?:e|en|ió|ieron)\s+al\s+paso\s+de|"
        r"neg(?:ó|aron|ar)|niega|niegan|arremet(?:e|en|ió|ieron)\s+contra|"
        r"desmont(?:a|an|ó|aron|ar)|desautoriz(?:a|an|ó|aron|ar)|ech(?:a|an|ó|aron)\s+por\s+tierra|"
        # discrediting a claim ("desacredita las acusaciones"), not a person; calling it into
        # question ("pone en duda la versión oficial")
        r"desacredit(?:a|an|ó|aron|ar)|(?:pone|ponen|puso|pusieron|poner)\s+en\s+duda"
    ),
    claim_nouns=(
        r"informaci(?:ón|ones)|informes?|reportes?|reportajes?|versi(?:ón|ones)|acusaci(?:ón|ones)|"
        r"señalamientos?|rumor(?:es)?|especulaci(?:ón|ones)|afirmaci(?:ón|ones)|noticias?|"
        r"publicaci(?:ón|ones)|art[íi]culos?|denuncias?|alegaciones|alegatos?|imputaciones|"
        r"insinuaciones|aseveraciones|supuest[oa]s?|presunt[oa]s?|bulos?|rumores"
    ),
    accusation_nouns=(
        r"participaci(?:ón|ones)|implicaci(?:ón|ones)|responsabilidad(?:es)?|vínculos?|"
        r"relaci(?:ón|ones)|nexos?|involucramiento|culpa|hechos|haber|tener|estar|ser|"
        r"acusaci(?:ón|ones)|informaci(?:ón|ones)|versi(?:ón|ones)|rumor(?:es)?|planes|"
        r"intenci(?:ón|ones)|señalamientos?|especulaci(?:ón|ones)|afirmaci(?:ón|ones)|"
        r"noticias?|informes?|reportes?|supuest[oa]s?|presunt[oa]s?|"
        # what an accusation says happened: "niega la existencia de …", "niega cualquier
        # contacto con …", "niega irregularidades", and the idiom "niega la mayor"
        r"existencia|contactos?|irregularidad(?:es)?|delitos?|fraude|corrupci[óo]n|espionaje|"
        r"acoso|abusos?|agresi(?:ón|ones)|sobornos?|mayor(?=\s*$)|"
        # the acts an accusation names, as the crimes and wrongs above ("negó un inminente
        # ataque", "niegan abandono al diseñador")
        r"ataques?|abandono|asesinatos?|amenazas?|robos?|malversaci[óo]n|encubrimiento|"
        r"injerencia|maltratos?|negligencia|complot|montaje|desv[íi]os?\s+de"
    ),
    falsity=(
        r"(?:no\s+es|no\s+son|no\s+era|no\s+fue)\s+(?:cierto|cierta|verdad)|es\s+falso|"
        r"es\s+falsa|son\s+fals[oa]s|fals[oa]s?|falsedad(?:es)?|bulos?|mentiras?|"
        r"fake(?:\s+news)?|noticias\s+falsas|infundad[oa]s?|sin\s+(?:ning[úu]n\s+)?fundamento|"
        r"carec(?:e|en|ía|ían)\s+de\s+(?:todo\s+)?(?:fundamento|veracidad|sustento|base)|"
        r"calumnias?|difamaci(?:ón|ones)|desinformaci(?:ón|ones)|"
        r"(?:no\s+tiene|no\s+tienen|nada\s+tiene|nada\s+tienen)\s+(?:nada\s+)?que\s+ver\s+con\s+la\s+"
        r"realidad|no\s+se\s+corresponden?\s+con\s+la\s+realidad|invent(?:o|os|ado|ada|adas|ados)|"
        r"patrañas?|absurd[oa]s?|disparates?|montaje|erróne[oa]s?|una\s+fantas[íi]a|infundios?"
    ),
    naming_verbs=(
        r"tach(?:a|an|ó|aron|ar)|calific(?:a|an|ó|aron|ar)|tild(?:a|an|ó|aron|ar)|"
        r"llam(?:a|an|ó|aron)|denunci(?:a|an|ó|aron)|consider(?:a|an|ó|aron)|acus(?:a|an|ó|aron)|"
        r"desestim(?:a|an|ó|aron)\s+como|"
        # answering what one calls lies: "responde a las mentiras de …", "replica a las calumnias"
        r"respond(?:e|en|ió|ieron)\s+a|replic(?:a|an|ó|aron)\s+a|contest(?:a|an|ó|aron)\s+a"
    ),
    hedges=(
        r"(?:ni|no)\s+(?:confirm[óa]|confirmaron|confirman|confirmó)\s+ni\s+(?:desminti[óo]|"
        r"desmiente|desmienten|desmintieron|neg[óa]|niega|niegan)"
        r"|sin\s+confirmar\s+ni\s+desmentir|declin(?:ó|aron|a|an)\s+(?:hacer\s+)?comentar\w*"
        r"|(?:se\s+)?neg(?:ó|aron)\s+a\s+(?:hacer\s+)?comentar\w*|se\s+niegan?\s+a\s+comentar\w*"
        r"|no\s+quiso\s+(?:hacer\s+)?comentar\w*|evit(?:ó|aron|a|an)\s+pronunciarse"
        r"|no\s+(?:ha|han)\s+sido\s+confirmad[oa]s?|sin\s+confirmar|no\s+confirm(?:ó|aron|a|an)"
        r"|no\s+respondi(?:ó|eron)|no\s+pudo\s+ser\s+confirmad[oa]"
        r"|no\s+quis(?:o|ieron)\s+(?:confirmar\s+ni\s+)?(?:desmentir|negar)(?:\s+ni\s+confirmar)?"
        r"|prefiri(?:ó|eron)\s+no\s+(?:comentar|pronunciarse|opinar)|rehus(?:ó|aron)\s+comentar\w*"
    ),
    traps=(
        r"no\s+(?:lo\s+)?(?:niega|niegan|negó|negaron|desmiente|desmienten|desmintió|desmintieron)"
        r"|se\s+(?:niega|niegan|negó|negaron|negaba|negaban)\s+a|negarse\s+a|negándose\s+a"
        r"|negacionis\w+|innegable\w*|sin\s+negar"
        # "no se puede negar que …", "nadie puede negar": conceding, not denying
        r"|(?:no|nadie|nunca|imposible|dif[íi]cil)\s+(?:se\s+)?(?:puede|pueden|podr[áa]|pod[íi]a|"
        r"podemos|cabe|es\s+posible|hay\s+que)\s+negar(?:lo)?"
    ),
    not_deniers=(
        r"tribunal|juez|jueza|jueces|corte|juzgado|fiscal[íi]a\s+rechaza\s+recurso|parlamento|"
        r"senado|congreso|asamblea|c[áa]mara|comisi[óo]n|pleno|votantes|consejo"
    ),
    # a law's article ("rechaza el artículo 155") and an official gazette's publication
    # ("cuestiona la publicación del decreto") are not claims
    claim_blockers=(
        r"seguro|indemnizaci[óo]n|asilo|reclamaci(?:ón|ones)|recurso|demanda|art[íi]culos?\s+\d+|"
        r"publicaci(?:ón|ones)\s+(?:en\s+el\s+(?:boe|bolet[íi]n)|del?\s+(?:decreto|ley|real|"
        r"reglamento|boe|bolet[íi]n|convocatoria|orden))"
    ),
    complementizer=r"que",
    attribution=(
        r"dijo|dice|dicen|afirm(?:ó|a|an|aron)|declar(?:ó|a|an|aron)|asegur(?:ó|a|an|aron)|"
        r"señal(?:ó|a|an|aron)|indic(?:ó|a|an|aron)|sostuvo|sostiene|expres(?:ó|a)|"
        r"manifest(?:ó|a)|según|subray(?:ó|a)|enfatiz(?:ó|a)|insisti(?:ó|eron)|"
        # the verbs of answering a claim: "aclara que …", "responde que …", "replica: …"
        r"aclar(?:a|an|ó|aron)|respond(?:e|en|ió|ieron)|replic(?:a|an|ó|aron)|"
        r"puntualiz(?:a|an|ó|aron)|precis(?:a|an|ó|aron)|reiter(?:a|an|ó|aron)|"
        r"insist(?:e|en)|jur(?:a|an|ó|aron)"
    ),
    media=r"medios|prensa|periódicos?|diarios?|cadenas?",
    unnamed=r"fuentes?\s+(?:anónimas?|no\s+identificadas?|cercanas?)|una\s+fuente",
    negation=r"no|nunca|jamás",
)

RU = Lexicon(
    lang="ru",
    # every person, gender and number (pymorphy3's lexemes checked): "отрицаю", "отрицало"
    deny_verbs=r"отрица(?:ет|ют|л|ла|ли|ло|ть|ем|ю|ющ\w*|я)",
    refute_verbs=(
        r"опроверг(?:ла|ли|ло|ает|ают|ать|нул|нула|нули|нуть|нет|нут|ал|ала|али|ало|аю|аем)?|"
        r"опровергающ\w*|"
        r"опровергнут\w*|опровержени(?:е|я|ем|ю|и)|дезавуирова\w+|развенча(?:л|ла|ли|ть|ет|ют)"
    ),
    object_verbs=(
        r"отверг(?:ла|ли|ло|ает|ают|ать|нул|нула|нули|нуть|нет|нут|ал|ала|али|ало|аю|аем)?|"
        r"отрица(?:ет|ют|л|ла|ли|ло|ть|ю|ем)|"
        r"оспари(?:ва)?(?:ет|ют|л|ла|ли|ть)|оспорил\w*|высмея(?:л|ла|ли|ть|ет|ют|ло)|"
        # отмести ("to sweep aside"): "Небензя отмёл обвинения"
        r"отм[её]л(?:а|и|о)?|отмета(?:ет|ют|л|ла|ли)|отмести|"
        # calling a claim into question, active or passive ("поставил под сомнение данные …",
        # "эта версия ставится под сомнение")
        r"(?:постав(?:ил|ила|или|ило|ить)|став(?:ит|ят|ится|ятся|ил|или))\s+под\s+сомнение"
    ),
    claim_nouns=(
        r"сообщени\w*|информаци\w*|данн(?:ые|ых|ым|ыми)|публикаци\w*|"
        r"стать(?:я|ю|и|ей|ям|ях|е|ёй|ями)|статей|"
        r"обвинени\w*|слух\w*|утверждени\w*|заявлени\w*|домыс(?:ел|л\w*)|спекуляци\w*|материал\w*|"
        r"доклад\w*|новост\w*|верси\w*|сведени\w*|вброс\w*|инсинуаци\w*|фейк\w*|"
        r"репортаж\w*|расследовани\w*|претензи\w*"
    ),
    accusation_nouns=(
        r"причастност\w*|вин(?:у|ы|ой)|участи[ея]|связ(?:ь|и|ей)|факт\w*|"
        r"обвинени\w*|сообщени\w*|информаци\w*|слух\w*|данн(?:ые|ых)|утверждени\w*|план\w*|"
        r"намерени\w*|свою|своё|свое|свои"
    ),
    falsity=(
        r"не\s+соответству(?:ет|ют|ют|ющ\w*)\s+действительности|"
        r"не\s+(?:имеет|имеют|имело)\s+(?:ничего\s+общего|никакого\s+отношения)\s+(?:с|к)\s+"
        r"(?:действительност\w+|реальност\w+|правд\w+)|"
        r"фейк\w*|лож(?:ь|ью|н\w+)|лж(?:и|ей|ам|ами|ах)|неправд\w*|не\s+(?:является|являются)\s+правдой|"
        r"выдумк\w*|вымыс(?:ел|л\w*)|выдуман\w*|клевет\w*|дезинформаци\w*|вброс\w*|"
        r"беспочвенн\w*|необоснованн\w*|безосновательн\w*|абсурд\w*|бред\w*|чуш\w*|"
        r"утк(?:а|ой|у)|неправда|не\s+соответствуют\s+истине|не\s+соответствует\s+истине|"
        r"фальшивк\w*|сфабрикован\w*|домыс(?:ел|л\w*)|"
        r"не\s+счита\w+\s+(?:\w+\s+)?(?:достоверн|правдив|соответствующ|обоснованн)\w*|"
        # "обвинения не имеют под собой оснований", "лишены всяких оснований"
        r"не\s+(?:имеет|имеют|имело|имели|имел|имела)\s+под\s+собой\s+(?:никаких\s+|никакой\s+)?"
        r"(?:оснований|основы|почвы)|лишен[аоы]?\s+(?:всяких\s+|каких-либо\s+|каких-либо\s+)?оснований|"
        # a report "is not confirmed" (passive): an official's verdict on it, not the hedge
        # "не подтвердил" (he did not confirm); the grammar needs the claim as its subject
        r"не\s+(?:подтвержда(?:ется|ются|лась|лись|лось)|подтвердил(?:ась|ись|ось))"
    ),
    naming_verbs=(
        r"назва(?:л|ла|ли|ло|ть)|называ(?:ет|ют|л|ла|ли|ло)|охарактеризова\w+|квалифицирова\w+|"
        r"расценил\w*|улич(?:ил|ила|или|ило|ить|ает|ают|ён|ена|ены)"
    ),
    hedges=(
        r"не\s+стал[аи]?\s+(?:это\s+)?комментировать|отказал(?:ся|ась|ись)\s+(?:от\s+)?"
        r"(?:комментари\w+|комментировать)|воздержал(?:ся|ась|ись)\s+от\s+комментари\w+|"
        r"ни\s+подтвердил\w*,?\s+ни\s+опроверг\w*|не\s+подтвердил\w*\s+и\s+не\s+опроверг\w*|"
        r"не\s+(?:удалось|смогли?)\s+подтвердить|пока\s+не\s+(?:под)?твер(?:д|жд)\w+|"
        r"не\s+подтвердил(?!ась|ись|ось)\w*|не\s+подтвержда(?!ется|ются|лась|лись|лось)\w+|не\s+прокомментировал\w*|без\s+комментари\w+"
    ),
    traps=(
        r"не\s+(?:стал[аи]?\s+)?(?:опроверг\w*|отрица\w*|отверг\w*)|нельзя\s+отрицать|"
        r"отрицани[ея]\s+(?:холокост|геноцид)\w*|неопровержим\w*"
    ),
    not_deniers=(
        r"суд(?:а|у|ом|е|ы|ов)?|судь[яиюе]|госдум\w*|дум[аыеу]|парламент\w*|сенат(?:а|у|ом|е)?|"
        r"совет\s+федерации|комисси\w*|рад[аыу]|конгресс\w*|присяжн\w*"
    ),
    claim_blockers=r"иск\w*|страхов\w*|компенсаци\w*|апелляци\w*|жалоб\w*",
    complementizer=r"что",
    attribution=(
        # every gender and number of the past: "минобороны сообщило", "ведомство заявило"
        r"заяви(?:л|ла|ли|ло)|сообщи(?:л|ла|ли|ло)|сказа(?:л|ла|ли|ло)|подчеркну(?:л|ла|ли|ло)|"
        r"отмети(?:л|ла|ли|ло)|уточни(?:л|ла|ли|ло)|добави(?:л|ла|ли|ло)|пояснил\w*|написал\w*|"
        r"по\s+словам|по\s+данным|заверил\w*|утвержда\w+"
    ),
    media=r"сми|медиа|пресс\w*|газет\w*|издани\w*",
    unnamed=r"источник\w*|анонимн\w*|неназванн\w*",
    negation=r"не|никогда",
    # "слухами": calling the reports hearsay ("назвал их слухами"), see `_RU_NAMED_RUMOUR`
    naming_claim=r"провокаци(?:ей|ями|я|ю|и)|слухами|сплетнями",
)

LEXICONS: dict[str, Lexicon] = {lex.lang: lex for lex in (EN, ES, RU)}
