"""Extractive summaries: only sentences of the text, within budget, denial evidence kept."""

from __future__ import annotations

from bot.context.denials import detect_denial
from bot.context.sentences import split_sentences
from bot.context.summary import summarize
from bot.models import Denial
from tests.context.conftest import SEED_TITLE


def test_seed_summary_is_extractive_and_has_the_denial(seed_text: str) -> None:
    denial, _ = detect_denial(SEED_TITLE, seed_text, None)
    summary = summarize(SEED_TITLE, seed_text, denial)
    assert 0 < len(summary) <= 320
    assert "Russia has rejected U.S. media reports" in summary
    sentences = split_sentences(seed_text)
    rest = summary
    for s in sentences:
        rest = rest.replace(s, "")
    assert rest.strip() == ""


def test_denial_evidence_is_included_even_when_late() -> None:
    text = (
        "The talks went on all day in Geneva. Delegations met twice. "
        "Later the ministry denied reports that the talks had failed."
    )
    denial, _ = detect_denial("Talks in Geneva", text)
    summary = summarize("Talks in Geneva", text, denial, max_sentences=2)
    assert "the ministry denied reports" in summary
    assert summary.startswith("The talks went on all day in Geneva.")


def test_long_sentence_is_cut_at_a_word_boundary() -> None:
    text = "word " * 200 + "end."
    summary = summarize("", text, Denial(is_denial=False), max_chars=50)
    assert len(summary) <= 50
    assert summary.endswith("…")
    assert summary[:-1].split() == ["word"] * len(summary[:-1].split())


def test_empty_text_gives_empty_summary() -> None:
    assert summarize("Title", "", Denial(is_denial=False)) == ""
