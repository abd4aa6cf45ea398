"""The faster forms of the entity patterns find exactly what the plain patterns find.

`_capital_spans` runs `_SPAN` rewritten to open with its capital; these edge cases are where
the rewrite could differ (a capital at the start, after a quote or a letter, dotted
acronyms, accented capitals, single letters, name particles); tests/context/test_fast_paths.py
compares the two on every test-data text too."""

from __future__ import annotations

from bot.context import entities as ents

EDGES = [
    "A",
    "Á",
    "AB",
    "A.",
    "U.S.",
    "U.S.A. and É.U. met",
    "Á.B.C.",
    "x'Ab ’Bc xYz _Q 9R O'Neill’s",
    "(Reuters) — U.S. President Joe Biden",
    "La Paz de Ayo y de la Fuente, Juan Ramón de la Fuente",
    "Bank of  America of\nthe Republic of Korea",
    "ÁLVARO Díaz-Canel-Bermúdez, Jean-Luc Picard-",
    "I, A, B and C. D",
    "ÞÖØ ßÿ Ÿ Œuvre",
]


def test_spans_at_capitals_are_the_pattern_s_spans() -> None:
    for sentence in EDGES:
        for text in (sentence, f" {sentence}", f"x{sentence}", f"’{sentence} Z"):
            assert ents._capital_spans(text) == [
                (m.start(), m.group(0)) for m in ents._SPAN.finditer(text)
            ], text
