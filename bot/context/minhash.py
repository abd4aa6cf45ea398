"""MinHash signatures of shingle sets, in pure Python (no NumPy): what same-story LSH bands use.

Owns `signature(shingles, num_perm, seed)`: one-permutation MinHash with densification (Li, Owen
& Zhang 2012, "One permutation hashing"; Shrivastava & Li 2014, "Densifying one permutation
hashing via rotation for fast near neighbor search"). Each shingle is hashed once to 64 bits
(keyed BLAKE2b: stable across processes and machines, unlike `hash()`; stored bands
depend on it, so it stays); the high part of the hash picks one of `num_perm` bins and the
rest is the value, each bin keeping its minimum; an empty bin borrows the value of the next
non-empty bin to its right, offset by the distance, so that borrowed values never collide
with native ones. Two sets agree on a position with probability (close to) their Jaccard
similarity, as with classic MinHash (and `datasketch`, which newsbot used before and whose
NumPy and SciPy were about 216 MB of a 281 MB install) — at one hash per shingle instead of
`num_perm`.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from hashlib import blake2b

__all__ = ["signature"]

_SPACE = 1 << 64


def signature(shingles: Iterable[bytes], num_perm: int, seed: int) -> tuple[int, ...]:
    """The densified one-permutation MinHash of a non-empty set of shingles."""
    # A copy of a keyed hasher skips the key block that `blake2b(key=…)` compresses for
    # every shingle: the same digests at two thirds of the cost.
    keyed = blake2b(digest_size=8, key=seed.to_bytes(8, "little"))
    digests = []
    for shingle in shingles:
        h = keyed.copy()
        h.update(shingle)
        digests.append(h.digest())
    values = array("Q", b"".join(digests))  # the digests as little-endian 64-bit integers
    if sys.byteorder != "little":
        values.byteswap()
    # Bin b holds the hashes in [b * width, (b + 1) * width), and there a smaller hash is a
    # smaller value: each bin's minimum is the first sorted hash at or past its start, found
    # by bisection (num_perm steps in Python instead of one per shingle).
    ordered = sorted(values)
    width = _SPACE // num_perm + 1  # values live below this in every bin
    empty = _SPACE
    bins = [empty] * num_perm
    n = len(ordered)
    i = 0
    for b in range(num_perm):
        low = b * width
        i = bisect_left(ordered, low, i)
        if i < n and ordered[i] < low + width:
            bins[b] = ordered[i] - low
    if all(v == empty for v in bins):
        raise ValueError("MinHash of an empty set")
    out = list(bins)
    for j in range(num_perm):
        if bins[j] == empty:
            t = 1
            while bins[(j + t) % num_perm] == empty:
                t += 1
            out[j] = bins[(j + t) % num_perm] + t * width
    return tuple(out)
