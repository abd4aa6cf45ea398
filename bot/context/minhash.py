"""MinHash signatures of shingle sets, in pure Python (no NumPy): what same-story LSH bands use.

Owns `signature(shingles, num_perm, seed)`: the classic MinHash of Broder (1997), "On the
resemblance and containment of documents" — each shingle is hashed once to 64 bits (BLAKE2b,
stable across processes and machines, unlike `hash()`), then `num_perm` universal hash functions
``(a·x + b) mod p`` with the Mersenne prime p = 2^61 − 1 (Carter & Wegman 1979) stand in for
random permutations; the signature is each function's minimum over the set. Two sets agree on a
signature position with probability equal to their Jaccard similarity, as with `datasketch`,
which newsbot used before and whose NumPy and SciPy were about 216 MB of a 281 MB install.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from functools import lru_cache
from hashlib import blake2b

__all__ = ["MERSENNE_61", "signature"]

MERSENNE_61 = (1 << 61) - 1


@lru_cache(maxsize=16)
def _params(num_perm: int, seed: int) -> tuple[tuple[int, int], ...]:
    rng = random.Random(seed)  # fixed parameters: signatures compare across processes
    return tuple(
        (rng.randrange(1, MERSENNE_61), rng.randrange(0, MERSENNE_61)) for _ in range(num_perm)
    )


def _base(shingle: bytes) -> int:
    return int.from_bytes(blake2b(shingle, digest_size=8).digest(), "little") % MERSENNE_61


def signature(shingles: Iterable[bytes], num_perm: int, seed: int) -> tuple[int, ...]:
    """The MinHash signature of a non-empty set of shingles (each value < 2^61)."""
    xs = [_base(s) for s in shingles]
    if not xs:
        raise ValueError("MinHash of an empty set")
    p = MERSENNE_61
    return tuple(min((a * x + b) % p for x in xs) for a, b in _params(num_perm, seed))
