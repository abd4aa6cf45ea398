"""Reported denials in Spanish and Russian: the frames that make one, and their near misses.

Owns the checks for the grammar task es13 added to `bot.context.denial_clause`: a reported "no"
counts only when it negates what a claim asserts; a negated event needs a rumour in view;
figurative life is no answer to a death rumour; a falsity word deep inside a quote is a topic;
a denial in a concessive clause is background; law articles and gazette publications are not
claims. Every case was written for the rule it tests (none is copied from an evaluation set),
and every denial has near misses that must stay 0: a wrong DENIAL costs more than a missed one.
"""

from __future__ import annotations

import pytest

from bot.context.analyze import analyze


def _label(title: str, text: str = "") -> bool:
    return analyze(title, text).denial.is_denial


@pytest.mark.parametrize(
    "title",
    [
        # a reported "no" that negates an event, an identity or an involvement
        "La empresa eléctrica asegura que no hubo ningún sabotaje en la central",
        "El alcalde afirma que no tiene nada que ver con la trama de sobornos",
        "La ministra asegura que no estuvo implicada en la adjudicación del contrato",
        "El Ejército dice que la explosión no fue un ataque con drones",
        # a negated event with its rumour in view: a speaker, a rumour word, a quotation
        "El exministro no fue detenido, asegura su abogado",
        "El futbolista no fue arrestado, pese a lo que circula en redes",
        "El papa no dijo que los animales van al cielo",
        # alive, with the death rumour named
        "El cantante está vivo pese a los rumores de su muerte",
        # desautorizar a report
        "La Casa Blanca desautoriza la información sobre la dimisión del asesor",
    ],
)
def test_spanish_reported_denials(title: str) -> None:
    assert _label(title)


@pytest.mark.parametrize(
    "title",
    [
        # reported speech with a bare negated auxiliary is ordinary news
        "El presidente asegura que no está de acuerdo con la reforma fiscal",
        "El ministro dice que no ha recibido la carta del sindicato",
        "La jugadora afirma que no tiene prisa por renovar con el club",
        "El director asegura que no es un buen momento para invertir",
        # negated events without a rumour in view
        "El Madrid no compró a Mbappé en verano y ahora paga el precio",
        "Trump no canceló la visita a pesar de la tormenta",
        "El árbitro no fue expulsado del torneo tras la polémica final",
        # figurative life
        "El proyecto de la fábrica sigue vivo, asegura el consejero",
        "La esperanza sigue viva en el pueblo tras el rescate de los mineros",
        # a law's article, a gazette publication
        "El Gobierno rechaza el artículo 155 de la propuesta de reforma",
        "La oposición cuestiona la publicación del decreto en el BOE",
        # a denial in a concessive clause is the background
        "Dos detenidos por el tiroteo, aunque la policía niega que haya más implicados",
        # a falsity word deep in a quote is a topic
        'El ministro: "Hay que luchar contra la desinformación en las redes sociales"',
        'La alcaldesa, sobre las redes: "Son el principal origen de los bulos"',
        # hedges
        "El club no quiso desmentir ni confirmar el fichaje del delantero",
        "La portavoz prefirió no comentar las informaciones sobre su salida",
    ],
)
def test_spanish_near_misses(title: str) -> None:
    assert not _label(title)


def test_a_quoted_verdict_at_the_start_of_the_quote_still_counts() -> None:
    assert _label('"Todo es mentira", dice el alcalde sobre las acusaciones de soborno')


def test_a_concessive_denial_in_english_is_background() -> None:
    assert not _label("Eight killed in spa shootings, although the suspect denied any hate motive")


@pytest.mark.parametrize(
    "title",
    [
        "Певица высмеяла слухи о своей свадьбе",
        "Министерство уличило телеканал в дезинформации",
        "Посла уличили во лжи о поставках оружия",
    ],
)
def test_russian_dismissal_verbs(title: str) -> None:
    assert _label(title)


@pytest.mark.parametrize(
    "title",
    [
        "Зрители высмеяли новый фильм режиссёра",
        "Водителя уличили в превышении скорости",
        "Полиграф помог уличить вора: детектор лжи в суде",
    ],
)
def test_russian_dismissal_verbs_near_misses(title: str) -> None:
    assert not _label(title)


@pytest.mark.parametrize(
    "title",
    [
        # "rechazar que" denies a state of affairs
        "El gobernador rechaza que haya irregularidades en el recuento",
        "La naviera rechaza que el capitán estuviera ebrio durante la maniobra",
        # naming verbs with the falsity word as their verdict on a claim
        "El ministerio califica de falsas las informaciones sobre el cierre",
        "La diputada tacha de bulo el supuesto acuerdo con la patronal",
        "El club considera falsa la noticia sobre la venta del estadio",
        "El sindicato denuncia una campaña de mentiras contra los huelguistas",
        "La embajada denuncia informaciones erróneas sobre los visados",
    ],
)
def test_spanish_rejections_and_namings_of_claims(title: str) -> None:
    assert _label(title)


@pytest.mark.parametrize(
    "title",
    [
        # "rechazar que" opposes an action
        "El PP rechaza que el Gobierno suba los impuestos a la clase media",
        "Los vecinos rechazan que se cierre el centro de salud del barrio",
        "La patronal cuestiona que se prolongue el permiso de paternidad",
        # a falsity adjective describing another thing
        "Un vecino denuncia cámaras falsas en su calle",
        "La OCU denuncia facturas falsas de la luz en varias provincias",
        "Acusan al Ejército de falsos positivos en la región",
        # evaluative words said alone are an opinion
        "Es absurdo cerrar el hospital en pleno invierno, dice el alcalde",
    ],
)
def test_spanish_oppositions_and_other_things_called_false_are_not(title: str) -> None:
    assert not _label(title)


@pytest.mark.parametrize(
    ("title", "is_denial"),
    [
        # a negated copula with its speaker: an identity or a rumoured status is answered
        ("La explosión de la refinería no fue un atentado, dijo el ministro", True),
        ("El agua del embalse no está contaminada, asegura la empresa", True),
        # an opinion with a speaker is not
        ("El Madrid no es favorito para la Liga, dijo Ancelotti", False),
        ("La economía no está en su mejor momento, afirma el ministro", False),
        # conceding is not denying
        ("No se puede negar que el equipo ha mejorado, dice el entrenador", False),
        ("Nadie puede negar el talento de la joven pianista", False),
    ],
)
def test_spanish_negated_copula_with_a_speaker(title: str, is_denial: bool) -> None:
    assert _label(title) is is_denial
