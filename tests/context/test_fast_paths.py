"""The fast paths in front of the entity patterns give exactly what the patterns alone give.

Each fast path skips positions or sentences where a pattern cannot match (see the comments in
`bot.context.entities`); these tests compare them with the plain pattern on every text of the
labelled sets, the captured test feeds and the seed article, and on hand-made edge cases."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from bot.context import entities as ents
from bot.context.sentences import split_sentences
from bot.ingest.parse import parse_feed

DATA = Path(__file__).resolve().parents[1] / "data"

EDGES = [
    "Former U.S. White House deputy press secretary John Smith said so.",
    "North Korean Latin American foreign minister Kim Jong Un met ex-president Jose Mujica.",
    "The Russian ambassador to Caracas, Vladimir Zaemsky, said; Mr. Peskov, Mrs Smith agreed.",
    "Gazprom’s press service and Rostec's CEO; defense contractor Rostec; The company Apple",
    "PRESIDENT JOE BIDEN and president Joe Biden and President  Joe  Biden",
    "MOSCOW (AP) — a\nWASHINGTON, Dec 3 (Reuters) -\n\nLONDON:\nSEE ALSO: x\n",
    "  ABUJA, Nigeria (AP) —\nMOSCOW, Dec 3 (Reuters) -\nMOSCOW, Dec 3 (Reuters) - x",
    "Moscú, 4 jun (PL) El canciller\nМОСКВА, 3 декабря. /ТАСС/. Посол\n",
    "",
    "\n\n",
]


def _texts() -> list[str]:
    out = list(EDGES)
    out.append((DATA / "seed_radiohc.txt").read_text(encoding="utf-8"))
    for path in sorted((DATA / "denials").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                for key in ("title", "headline", "summary", "lead", "text"):
                    if row.get(key):
                        out.append(row[key])
    for path in sorted((DATA / "feeds").glob("*.xml")):
        for e in parse_feed(path.read_bytes(), "https://feeds.example/feed.xml").entries:
            out += [e.title or "", e.text or e.summary or ""]
    return out


TEXTS = _texts()


def _spans(matches: object) -> list[tuple[int, int, str | None, str | None]]:
    return [(m.start(), m.end(), m.group("role"), m.group("name")) for m in matches]  # type: ignore[attr-defined]


def test_there_is_enough_text_to_compare() -> None:
    assert len(TEXTS) > 1000
    hits = sum(bool(ents._role_matches(s)) for t in TEXTS for s in split_sentences(t))
    assert hits > 50


def test_role_titles_tried_at_word_starts_only_find_what_the_pattern_finds() -> None:
    for text in TEXTS:
        for sentence in [text, *split_sentences(text)]:
            assert _spans(ents._role_matches(sentence)) == _spans(
                ents._ROLE_RE.finditer(sentence)
            ), sentence


def test_word_screens_never_hide_a_match() -> None:
    for text in TEXTS:
        for sentence in [text, *split_sentences(text)]:
            words = frozenset(ents._TOKEN.findall(sentence))
            if ents._HONORIFIC_RE.search(sentence):
                assert not ents._HONORIFIC_WORDS.isdisjoint(words), sentence
            if ents._POSSESSIVE_ORG_RE.search(sentence):
                assert "'s" in sentence or "’s" in sentence, sentence
                assert not ents._POSSESSIVE_UNITS.isdisjoint(words), sentence
            if ents._APPOSITION_ORG_RE.search(sentence):
                assert not ents._APPOSITION_WORDS.isdisjoint(w.lower() for w in words), sentence


def test_datelines_cut_at_line_starts_as_the_multiline_pattern_cuts_them() -> None:
    for text in TEXTS:
        assert ents.strip_datelines(text) == ents._DATELINE.sub(ents._dateline_cut, text), text


def _alone_by_pattern(text: str, surname: str, before: str) -> list[int]:
    upper = ents._UPPER
    alone = re.compile(
        rf"(?<![{upper}][\w’'.-])(?<![{upper}]\w\w)(?<![{upper}]\w)"
        rf"(?<![\w’'-])(?<!{re.escape(before)}\s){re.escape(surname)}"
        rf"(?![\w’'-])(?!\s+[{upper}])"
    )
    return [m.start() for m in alone.finditer(text)]


def test_a_surname_alone_is_found_where_the_pattern_finds_it() -> None:
    cases = [
        ("Vladimir Zaemsky said. Zaemsky added, McZaemsky and Zaemsky Smith; O'Zaemsky", "Zaemsky"),
        (
            "Ana Díaz-Canel\nCanel met Díaz-Canel.  Canel  Álvaro Canel, ÁCanel ÁbCanel Ábc Canel",
            "Canel",
        ),
    ]
    for text in TEXTS[:3000]:
        names = re.findall(r"([A-Z][a-z]+)\s+([A-Z][a-z]+)", text)[:5]
        cases += [(text, last) for _first, last in names]
    compared = 0
    for text, surname in cases:
        for before in ("Vladimir", "Díaz-", "Ana", "Álvaro", "X"):
            assert ents._alone(text, surname, before) == _alone_by_pattern(text, surname, before)
            compared += 1
    assert compared > 1000


def test_capital_spans_tried_at_capitals_only_are_the_pattern_s_spans() -> None:
    for text in [*TEXTS, "ÁLVARO Díaz-Canel met U.S. and O'Neill’s McDonald in La Paz de Ayo"]:
        for sentence in [text, *split_sentences(text)]:
            assert ents._capital_spans(sentence) == [
                (m.start(), m.group(0)) for m in ents._SPAN.finditer(sentence)
            ], sentence
