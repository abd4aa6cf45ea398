"""Headline conventions for answering a rumour, and wire phrasing in Spanish and Russian.

Each case was written by the team to exercise one general rule (a verdict phrase, a reduced
headline passive, a wire agency's usual verb); none is copied from an evaluation set. Every
denial here also has a near miss that must stay 0: precision matters more than recall.
"""

from __future__ import annotations

import pytest

from bot.context.analyze import analyze


def _label(title: str, text: str = "") -> bool:
    return analyze(title, text).denial.is_denial


@pytest.mark.parametrize(
    "title",
    [
        "Kenya: No Evidence That Former US President Invited Opposition Leader to His Home",
        "No evidence that the mayor bought votes, fact-checkers find",
        "Obama says there's no evidence aliens have made contact",
    ],
)
def test_no_evidence_that_is_a_verdict(title: str) -> None:
    assert _label(title)


@pytest.mark.parametrize(
    "title",
    [
        "Police search for evidence after warehouse fire",
        "No evidence bags left at the station, commuters told",
        "Why there is no evidence of life on Mars yet",
    ],
)
def test_evidence_in_other_senses_is_not(title: str) -> None:
    assert not _label(title)


def test_no_evidence_of_an_event_said_by_police_is_not() -> None:
    # "no evidence of foul play" reports an investigation, not a claim called false
    assert not _label("Police say there is no evidence of foul play in the death of a hiker")


@pytest.mark.parametrize(
    "title",
    [
        # a headline's reduced passive negates the event a rumour claimed
        "Michelle Obama Not Blurred Out on Saudi TV",
        "Missing students not among bodies found in mass grave",
        "Star's car not stolen, studio says it was moved for filming",
        # a rumour's subject never existed
        "Viral 'miracle nurse' never existed, hospital says",
        # idioms of dismissal take a claim as object
        "Minister laughs off reports of leadership challenge",
        "Singer shrugs off rumours of a split from her band",
        "Kremlin denounces Western reports as lies",
        "Minister dubs reports of cabinet rift fake news",
        # a falsity word on a claim
        "Broadcaster apologises for erroneous reports of a royal death",
    ],
)
def test_rumour_answering_conventions(title: str) -> None:
    assert _label(title)


@pytest.mark.parametrize(
    "title",
    [
        "Five hikers injured but not killed in rock fall",
        "Why the suspect was not arrested at the scene",
        "Gunman not arrested yet as manhunt goes on",
        "Coach shrugs off criticism after third straight loss",
        "Police wave off concerns about crowd size",
        "Film dubbed into Spanish for its Latin American release",
        "Anchor slams social media for speculation about his health",
    ],
)
def test_near_misses_of_those_conventions_are_not(title: str) -> None:
    assert not _label(title)


# Wire phrasing of Prensa Latina, EFE, Europa Press (es) and TASS, RIA, Interfax (ru).
WIRE_DENIALS_ES = [  # desmintió, calificó de falsas, negó categóricamente, tachó de bulo …
    "Cancillería cubana desmintió información sobre supuesta base militar china en la isla",
    "El Gobierno calificó de falsas las informaciones sobre un nuevo apagón",
    "El ministro negó categóricamente las acusaciones de corrupción",
    'Venezuela rechaza "rotundamente" las acusaciones de Estados Unidos',
    "Pemex desmiente que vaya a privatizar sus refinerías",
    "La Casa Rosada negó que el presidente vaya a renunciar",
    "El Kremlin tachó de bulo la noticia sobre la salud de Putin",
    "Cuba califica de calumnia las acusaciones de Washington sobre tráfico de personas",
    "Minrex: Es falso que Cuba envíe tropas a Ucrania",
    "Maduro niega haber ordenado la detención de opositores",
    "La empresa salió al paso de los rumores sobre su venta",
    "El Gobierno desmiente las informaciones publicadas por El País",
    "El Ejército descartó las versiones sobre un golpe de Estado",
    "La Fiscalía negó que haya una investigación abierta contra el alcalde",
    "Moscú rechaza las acusaciones de Kiev de atacar un hospital",
    "Petro niega que su campaña recibiera dinero ilegal",
    'El portavoz aseguró que la información es "totalmente falsa"',
    "El ministerio desmintió las versiones difundidas en redes sociales",
]

WIRE_NOT_DENIALS_ES = [  # other senses, hedges, background, a topic
    "Le niegan la visa al líder opositor",
    "El juez negó la libertad bajo fianza al exministro",
    "El Senado rechazó la moción de censura",
    "El presidente se negó a firmar el decreto",
    "El Gobierno no confirmó ni desmintió las informaciones",
    "Cuba rechaza el bloqueo de Estados Unidos en la ONU",
    "La policía desarticula una red de venta de medicamentos falsos",
    "El portavoz declinó comentar las informaciones",
    "El exministro, que niega los cargos, irá a juicio",
    "Alertan sobre noticias falsas en redes sociales durante las elecciones",
]

WIRE_DENIALS_RU = [  # опроверг информацию, в … опровергли, назвал ложью/фейком …
    "Песков опроверг информацию о встрече Путина и Зеленского",
    "В Кремле опровергли сообщения СМИ о болезни Путина",
    "Захарова назвала ложью заявления Госдепа о поставках оружия",
    "В Минобороны опровергли сообщения об ударе по больнице",
    "МИД России назвал фейком публикацию Financial Times",
    "Песков: информация о мобилизации не соответствует действительности",
    "В «Ростехе» опровергли данные WSJ о выводе специалистов из Венесуэлы",
    "Лавров отверг обвинения в причастности России к атаке",
    "Кремль назвал абсурдными сообщения о переговорах",
    "Шойгу опроверг слухи о своей отставке",
    "Посольство России опровергло заявления британских СМИ",
    "Песков назвал утку о болезни президента чушью",
    "В Кремле назвали фейком сообщения о закрытии границ",
    "Минздрав опроверг информацию о нехватке вакцин",
    "Пресс-служба губернатора опровергла сообщения о его задержании",
]

WIRE_NOT_DENIALS_RU = [  # other senses, hedges, background, a topic
    "Песков не стал комментировать сообщения о встрече",
    "Журналисту отказали во въезде в страну",
    "Госдума отклонила законопроект о налогах",
    "Суд отверг апелляцию защиты",
    "Кремль не подтвердил информацию о встрече",
    "Полиция задержала продавцов фальшивых лекарств",
    "Обвиняемый, который отрицает вину, предстанет перед судом",
    "В Госдуме предложили ввести штрафы за фейки",
]


@pytest.mark.parametrize(
    ("title", "lang"),
    [(t, "es") for t in WIRE_DENIALS_ES] + [(t, "ru") for t in WIRE_DENIALS_RU],
)
def test_wire_denials_in_spanish_and_russian(title: str, lang: str) -> None:
    ctx = analyze(title, "")
    assert ctx.language == lang
    assert ctx.denial.is_denial
    assert ctx.denial.deniers, "a wire denial names who denies"


@pytest.mark.parametrize("title", WIRE_NOT_DENIALS_ES + WIRE_NOT_DENIALS_RU)
def test_wire_near_misses_in_spanish_and_russian(title: str) -> None:
    assert not _label(title)


@pytest.mark.parametrize(
    ("title", "denier", "denied"),
    [
        ("El ministro negó categóricamente las acusaciones de corrupción", "El ministro", None),
        ("В Кремле опровергли сообщения СМИ о болезни Путина", "Кремль", "media reports"),
        (
            "Посольство России опровергло заявления британских СМИ",
            "Посольство России",
            "media reports",
        ),
        ("Захарова назвала ложью заявления Госдепа о поставках оружия", "Захарова", "Госдеп"),
        ("Moscú rechaza las acusaciones de Kiev de atacar un hospital", "Moscow", "Kiev"),
    ],
)
def test_wire_deniers_and_denied_parties(title: str, denier: str, denied: str | None) -> None:
    ctx = analyze(title, "")
    assert denier in [d.name for d in ctx.denial.deniers]
    assert ctx.denial.denied_outlet == denied


@pytest.mark.parametrize(
    ("title", "denier"),
    [
        # "это" stands where a copula would: "…, что это неправда"
        ("В МИД РФ заявили, что это неправда", "МИД РФ"),
        # the speech verb before its speaker, as Russian and Spanish wires write it
        ("Это фейк, заявили в Минобороны", "Минобороны"),
        ("Это неправда, заявил Песков", "Песков"),
        ("Esto es una mentira, afirmó Díaz-Canel", "Díaz-Canel"),
    ],
)
def test_russian_and_spanish_verdicts_with_their_speaker(title: str, denier: str) -> None:
    ctx = analyze(title, "")
    assert ctx.denial.is_denial
    names = [d.name for d in ctx.denial.deniers]
    assert denier in names and "Это" not in names


def test_a_pronoun_with_a_false_expectation_is_not_a_denial() -> None:
    assert not _label("Это ложные ожидания инвесторов")


@pytest.mark.parametrize(
    ("title", "is_denial"),
    [
        # the noun in every case a wire uses ("выступил с опровержением")
        ("МИД России выступил с опровержением сообщений СМИ", True),
        ("Журналист потребовал опровержения от газеты", False),
        # развенчать = debunk; desmontar un bulo = debunk a hoax, desmontar alone = dismantle
        ("Минздрав развенчал слухи о новом штамме", True),
        ("La Policía desmonta el bulo sobre secuestros de niños", True),
        ("Los operarios desmontan el escenario del concierto", False),
        ("El ayuntamiento desmontó el campamento de protesta", False),
    ],
)
def test_debunk_verbs_in_spanish_and_russian(title: str, is_denial: bool) -> None:
    assert _label(title) is is_denial


# Spanish fact-check conventions, the counterparts of "HOAX: …", "No, X did not …", "X wasn't
# arrested" and "exposed as fake". Written by the team; none is copied from an evaluation set.
FACT_CHECKS_ES = [
    "Falso: el Gobierno no ha prohibido las reuniones familiares en Navidad",
    "Bulo: la alcaldesa no ha dimitido por el escándalo de las basuras",
    "Engañoso: el vídeo de las inundaciones es de otro país y de otro año",
    "El ministro de Salud no dijo que las mascarillas causan enfermedades pulmonares",
    "El cantante no ha muerto: su representante desmiente los rumores en redes",
    "Que no te engañen: el agua con limón no cura el cáncer ni ninguna otra enfermedad",
    "No se deje engañar: el banco central no ha retirado los billetes de cien pesos",
    "El agua con limón cura el cáncer y las otras mentiras que circulan por Telegram",
    "Compartieron la foto de un tiburón en la autopista y resultó ser un montaje",
    "La foto del presidente con el narcotraficante es falsa",
    # English "No evidence that …" and "X is not Y, Iraq says"
    "No hay pruebas de que las antenas de telefonía propaguen el virus",
    "El apagón de la semana pasada no fue un sabotaje, dijo el ministro de Energía",
]

FACT_CHECK_NEAR_MISSES_ES = [
    "Que no te engañen: cómo elegir bien un seguro de hogar este invierno",
    "El ministro aún no ha dicho cuándo reabrirán las escuelas del país",
    "La policía no ha detenido a nadie por el robo en la joyería del centro",
    "El presidente no dijo cómo financiará el nuevo plan de vivienda",
    "Mentiras que matan: la desinformación sobre las vacunas en América Latina",
    "Detienen a una mujer por denuncia falsa de robo en el centro de la ciudad",
    "Las autoridades descartan que la nueva variante sea más contagiosa que la anterior",
    "El presidente respondió a las preguntas de los periodistas sobre la economía",
    "La reunión con los sindicatos no fue posible esta semana, dijo el ministro",
    "Los investigadores buscan pruebas de que el incendio fue provocado",
]


@pytest.mark.parametrize("title", FACT_CHECKS_ES)
def test_spanish_fact_check_verdicts(title: str) -> None:
    ctx = analyze(title, "")
    assert ctx.language == "es"
    assert ctx.denial.is_denial
    # a verdict label and the rumour's subject are not deniers
    names = [d.name for d in ctx.denial.deniers]
    assert not {"Falso", "Bulo", "Engañoso", "Que", "El ministro de Salud"} & set(names), names


@pytest.mark.parametrize("title", FACT_CHECK_NEAR_MISSES_ES)
def test_spanish_fact_check_near_misses(title: str) -> None:
    assert not _label(title)


def test_a_spanish_passive_with_its_agent_in_the_lead() -> None:
    ctx = analyze(
        "El candidato celebra un mitin multitudinario en la capital del estado",
        "La versión de que el candidato pactó con el cártel fue rechazada por Ramón Ortega. "
        "El mitin reunió a miles de personas en la plaza principal.",
    )
    assert ctx.denial.is_denial
    assert [d.name for d in ctx.denial.deniers] == ["Ramón Ortega"]


def test_a_spanish_passive_of_a_non_claim_is_not() -> None:
    assert not _label(
        "El candidato celebra un mitin multitudinario en la capital del estado",
        "La propuesta de reforma fiscal fue rechazada por Ramón Ortega. El mitin reunió a "
        "miles de personas en la plaza principal.",
    )


@pytest.mark.parametrize(
    "title",
    [
        # commenting on or answering a report is not calling it false
        "Путин прокомментировал заявления турецкого лидера о выборах",
        "Пресс-служба компании ответила на сообщения о массовых увольнениях",
    ],
)
def test_russian_comments_and_answers_are_not_denials(title: str) -> None:
    assert not _label(title)
