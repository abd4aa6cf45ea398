"""The faster forms of the entity and outlet patterns find exactly what the plain ones find.

`_capital_spans` runs `_SPAN` rewritten to open with its capital; these edge cases are where
the rewrite could differ (a capital at the start, after a quote or a letter, dotted
acronyms, accented capitals, single letters, name particles); tests/context/test_fast_paths.py
compares the two on every test-data text too. Outlet mentions are found after the character
before them (`_TextMatcher._after_gap`), the text's opening and names opening with a
non-word character aside."""

from __future__ import annotations

from bot.context import entities as ents
from bot.context.outlets import OutletRegistry
from bot.models import OutletCard

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


OUTLET_TEXTS = [
    "bbc news said; the bbc-news site, bbc’s view",
    "xbbc bbcx _bbc bbc_ 9bbc (bbc) «bbc» bbc",
    "the new york times and the new york post.",
    "reuters",
    "  reuters reuters",
    "",
]


def test_outlet_mentions_after_a_gap_are_the_pattern_s_mentions() -> None:
    card = OutletCard(id="bbc", name="BBC News", domains=("bbc.co.uk",), aliases=("BBC",))
    others = [
        OutletCard(id="nyt", name="The New York Times", domains=("nytimes.com",)),
        OutletCard(id="nyp", name="New York Post", domains=("nypost.com",)),
        OutletCard(id="reuters", name="Reuters", domains=("reuters.com",)),
    ]
    odd = OutletCard(id="odd", name="(Odd) Times", domains=("odd.example",))
    for cards in ([card, *others], [card, *others, odd]):
        matcher = OutletRegistry(cards)._build_matcher()
        assert (matcher._after_gap is None) == (odd in cards)
        for text in [*OUTLET_TEXTS, "(odd) times and bbc"]:
            assert matcher._regex is not None
            want = [m.span() for m in matcher._regex.finditer(text)]
            assert matcher._mentions(text) == want, text


def test_translit_fold_of_ascii_names_is_the_full_fold() -> None:
    # fold skips dropping marks and recomposing when NFKD leaves ASCII: the same result.
    import unicodedata

    from bot.context import translit

    def reference(text: str) -> str:
        text = text.replace("ё", "е").replace("Ё", "Е").translate(translit._SIGNS)
        decomposed = unicodedata.normalize("NFKD", text)
        kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch) or ch == "\u0306")
        kept = unicodedata.normalize("NFC", kept).casefold()
        return " ".join(translit._WORD.findall(kept.replace("'", "").replace("’", "")))

    names = ["Rostec", "O'Neill", "Díaz-Canel", "Ростех", "Йемен", "Ёлка", "ﬁnal", "①", ""]
    names += ["Straße", "İstanbul", "Ǆemal", "Mañana", "Подъезд", "U.S.", "Gazprom’s"]
    for name in names:
        assert translit.fold.__wrapped__(name) == reference(name), name
