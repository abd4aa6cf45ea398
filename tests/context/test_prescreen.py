"""The word keys in front of the denial screen never hide a match (they only save time)."""

from __future__ import annotations

import re

import pytest

from bot.context.denial_clause import _grammar
from bot.context.denial_lexicon import LEXICONS
from bot.context.prescreen import WordKeys
from bot.context.sentences import split_sentences
from tests.context.test_fast_paths import TEXTS

EDGES = [
    "He didn't happen to deny it",
    "It did not happen, he said",
    "It didnot happen",
    "The report isn’t real",
    'Claims were "fake news" — spokesman',
    "ſtories: he denieſ them",  # long s: re folds it to s, str.lower does not
    "İt iS FALSE",
    "DENIES REPORTS",
    "Kremlin: reports are untrue.",
    "accused of spreading lies",
    "Он опроверг сообщения; Это не соответствует действительности",
    "El gobierno desmintió la información: «es falso»",
    "sets the record straight",
    "denial_of x; pre-denial; 2denies",
]


@pytest.mark.parametrize("lang", sorted(LEXICONS))
def test_the_screen_of_every_language_has_keys(lang: str) -> None:
    assert _grammar(lang).screen_keys is not None


@pytest.mark.parametrize("lang", sorted(LEXICONS))
def test_keys_never_hide_a_match_of_the_screen(lang: str) -> None:
    grammar = _grammar(lang)
    keys = grammar.screen_keys
    assert keys is not None
    matched = 0
    for text in [*EDGES, *TEXTS]:
        for piece in [text, *split_sentences(text)]:
            if grammar.screen.search(piece):
                matched += 1
                assert keys.may_match(piece), (lang, piece)
    assert matched > 20


def test_keys_reject_text_without_the_words() -> None:
    keys = WordKeys.of(r"den(?:y|ies|ied)|not\s+true|refut\w*")
    assert keys is not None
    assert keys.words >= {"deny", "denies", "denied", "true"}
    assert keys.starts == ("refut",)
    assert not keys.may_match("Markets rally as inflation cools; a dentist is denim-clad")
    assert keys.may_match("It is not TRUE")
    assert keys.may_match("He refuted it")
    assert keys.may_match("ſo")  # folded differently by re: always searched


def test_a_pattern_it_cannot_read_gets_no_keys() -> None:
    assert WordKeys.of(r"\w+ly false|x?") is None
    assert WordKeys.of(r"\w+|false") is None
    keys = WordKeys.of(r"(a)\1")  # a back-reference is read as "anything": "a" starts it
    assert keys is not None and keys.starts == ("a",)


def test_unsure_parts_only_weaken_the_keys() -> None:
    keys = WordKeys.of(r"[\w-]+'s\s+stud(?:y|ies)|re\w*port")
    assert keys is not None
    assert keys.words == {"study", "studies"}
    assert keys.starts == ("re",)
    pattern = re.compile(r"(?<![^\W_])(?:[\w-]+'s\s+stud(?:y|ies)|re\w*port)(?![^\W_])", re.I)
    for text in ["Harvard's study", "the reimport", "X's STUDIES", "a report"]:
        assert pattern.search(text)
        assert keys.may_match(text)
