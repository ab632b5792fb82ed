"""An inverted index from content words to items (list positions): candidate pairs without comparing all pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable

from .config import current


class WordIndex:
    def __init__(self, max_posting: int | None = None):
        self.postings: dict[str, list[int]] = defaultdict(list)
        self.max_posting = current().ingest.word_index_posting if max_posting is None else max_posting

    def add(self, item: int, words: Iterable[str]) -> None:
        for word in sorted(set(words)):
            self.postings[word].append(item)

    def candidates(self, words: Iterable[str], min_shared: int = 1) -> list[int]:
        """Items sharing at least min_shared informative words, most shared first; ties in the order
        the words first reach them, words taken in sorted order (a set's order changes with the hash seed)."""
        counts: Counter[int] = Counter()
        for word in sorted(set(words)):
            posting = self.postings.get(word, [])
            if len(posting) <= self.max_posting:
                counts.update(posting)
        return [item for item, shared in counts.most_common() if shared >= min_shared]
