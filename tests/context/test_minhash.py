"""newsbot's own MinHash: the estimator MinHash promises, stable across processes."""

from __future__ import annotations

import random
import re
import subprocess
import sys

from bot.context.links import BANDS, NUM_PERM, ROWS, minhash_bands
from bot.context.minhash import signature


def _pair(rng: random.Random, size: int, jaccard: float) -> tuple[set[bytes], set[bytes]]:
    """Two sets of `size` shingles whose Jaccard similarity is `jaccard`."""
    shared = round(2 * size * jaccard / (1 + jaccard))
    common = {f"c{rng.random()}".encode() for _ in range(shared)}
    a = common | {f"a{rng.random()}".encode() for _ in range(size - shared)}
    b = common | {f"b{rng.random()}".encode() for _ in range(size - shared)}
    return a, b


def test_agreement_estimates_jaccard() -> None:
    rng = random.Random(3)
    for jaccard in (0.2, 0.5, 0.8):
        a, b = _pair(rng, 300, jaccard)
        agree = 0
        for seed in range(20):
            sa, sb = signature(a, 64, seed), signature(b, 64, seed)
            agree += sum(x == y for x, y in zip(sa, sb, strict=True))
        assert abs(agree / (20 * 64) - jaccard) < 0.06


def test_band_recall_matches_the_lsh_curve() -> None:
    # 8 bands of 3 rows: P(share a band) = 1 - (1 - J^3)^8 — 0.94 at J 0.7, 0.20 at J 0.3.
    rng = random.Random(5)
    for jaccard, expected in (
        (0.7, 1 - (1 - 0.7**ROWS) ** BANDS),
        (0.3, 1 - (1 - 0.3**ROWS) ** BANDS),
    ):
        hits = 0
        for _ in range(150):
            a, b = _pair(rng, 120, jaccard)
            sa, sb = signature(a, NUM_PERM, 7), signature(b, NUM_PERM, 7)
            hits += any(
                sa[i * ROWS : (i + 1) * ROWS] == sb[i * ROWS : (i + 1) * ROWS] for i in range(BANDS)
            )
        assert abs(hits / 150 - expected) < 0.12


def test_bands_are_the_same_in_another_process() -> None:
    text = "Chile's government will set up a national lithium company, the minister said."
    code = f"from bot.context.links import minhash_bands; print(list(minhash_bands({text!r})))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == str(list(minhash_bands(text)))


def _reference(shingles: set[bytes], num_perm: int, seed: int) -> tuple[int, ...]:
    """The definition, one shingle at a time: `signature` computes it faster, and stored
    bands depend on every value staying the same."""
    from hashlib import blake2b

    width = (1 << 64) // num_perm + 1
    bins = [1 << 64] * num_perm
    for s in shingles:
        h = int.from_bytes(
            blake2b(s, digest_size=8, key=seed.to_bytes(8, "little")).digest(), "little"
        )
        b, v = divmod(h, width)
        bins[b] = min(bins[b], v)
    out = list(bins)
    for j in range(num_perm):
        t = 1
        while out[j] == 1 << 64 and bins[(j + t) % num_perm] == 1 << 64:
            t += 1
        if bins[j] == 1 << 64:
            out[j] = bins[(j + t) % num_perm] + t * width
    return tuple(out)


def test_signature_is_the_definition_on_small_and_large_sets() -> None:
    # Small sets leave most bins empty (densified); large ones fill every bin.
    rng = random.Random(11)
    for size in (1, 2, 3, 5, 8, 24, 60, 150, 600):
        for seed in (0, 7, 99):
            grams = {f"w{rng.random()} x y".encode() for _ in range(size)}
            for num_perm in (24, 64):
                assert signature(grams, num_perm, seed) == _reference(grams, num_perm, seed)


def test_shingle_words_drop_marks_whatever_the_process_met_before() -> None:
    # The fold learns characters as texts arrive: a mark met first, a text with none after
    # it, a new mark later, and the first again must each fold as decomposing them does.
    import unicodedata

    from bot.context.links import words

    def reference(text: str) -> list[str]:
        kept = "".join(
            ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
        )
        return re.findall(r"\w+", kept.lower())

    texts = [
        "“Ñandú” ‘quotes’ — only",
        "Curly “quotes” — and no marks",
        "Ελληνικά: ἀλήθεια, Tiếng Việt: Nguyễn, ZALGO z\u0336a\u0337",
        "e\u20dd enclosed, Ångström, Đà Nẵng, ﬁ ligature ①",
        "“Ñandú” again",
        "",
    ]
    for text in texts:
        assert words(text) == reference(text), text


def test_bands_of_a_text_are_the_bands_of_its_word_shingles() -> None:
    # minhash_bands builds its shingles as bytes; bands_of takes the linker's str shingles.
    from bot.context.links import bands_of, word_shingles

    texts = ["", "one", "one two", "a b c", "a b c d", "a b c d e", "a b c a b c a b c"]
    texts += ["Café “Ñandú” São Paulo et Ελληνικά ἀλήθεια, Ростех и Йемен ёлка", "x_y 9 ①"]
    texts += [" ".join(f"w{i % k}" for i in range(200)) for k in (3, 5, 50)]
    for text in texts:
        assert minhash_bands(text) == bands_of(word_shingles(text)), text
    assert len(minhash_bands("a b c d e f")) == BANDS
