"""Near-duplicate and syndicated-copy detection with MinHash LSH over word shingles.

A syndicated copy (the same wire story with another headline, a trimmed footer) shares
most of its 5-word shingles with the original; MinHash estimates that Jaccard overlap in
constant time per pair, and LSH finds the candidates without comparing all pairs.
"""

from __future__ import annotations

import re

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from ..config import current


def shingles(text: str) -> set[bytes]:
    words = re.findall(r"\w+", text.lower())
    if len(words) < current().copies.shingle_words:
        return {" ".join(words).encode()}
    size = current().copies.shingle_words
    return {" ".join(words[i:i + size]).encode() for i in range(len(words) - size + 1)}


SCHEME = "affine32"


def signature(text: str) -> MinHash:
    minhash = MinHash(num_perm=current().copies.num_perm, seed=1, scheme=SCHEME)
    minhash.update_batch(list(shingles(text)))
    return minhash


def to_bytes(hashvalues: np.ndarray) -> bytes:
    return np.asarray(hashvalues, dtype=np.uint64).tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=np.uint64)


class DuplicateIndex:
    """LSH over the signatures (MinHash values) of every original article in the store.

    Signatures are kept as bare arrays (LeanMinHash for the LSH, which needs no permutations):
    a MinHash object regenerates its permutations and costs kilobytes per article.
    """

    def __init__(self) -> None:
        self.lsh = MinHashLSH(threshold=current().copies.duplicate_jaccard, num_perm=current().copies.num_perm)
        self.signatures: dict[str, np.ndarray] = {}

    def add(self, article_id: str, hashvalues: np.ndarray) -> None:
        if article_id not in self.signatures:
            self.lsh.insert(article_id, _lean(hashvalues))
            self.signatures[article_id] = hashvalues

    def remove(self, article_id: str) -> None:
        if self.signatures.pop(article_id, None) is not None:
            self.lsh.remove(article_id)

    def original_of(self, hashvalues: np.ndarray) -> str | None:
        """The most similar stored article above the threshold, if any."""
        scored = [(float(np.mean(self.signatures[c] == hashvalues)), c) for c in self.lsh.query(_lean(hashvalues))]
        scored = [(s, c) for s, c in scored if s >= current().copies.duplicate_jaccard]
        return max(scored)[1] if scored else None


def _lean(hashvalues: np.ndarray) -> LeanMinHash:
    return LeanMinHash(seed=1, hashvalues=hashvalues, scheme=SCHEME)
