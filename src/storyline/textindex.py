"""An inverted index from content words to items: candidate pairs without comparing all pairs."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable

MAX_POSTING = 500  # words on more items than this say little about which items match


class WordIndex:
    def __init__(self, max_posting: int = MAX_POSTING):
        self.postings: dict[str, list[Hashable]] = defaultdict(list)
        self.max_posting = max_posting

    def add(self, item: Hashable, words: Iterable[str]) -> None:
        for word in set(words):
            self.postings[word].append(item)

    def candidates(self, words: Iterable[str], min_shared: int = 1) -> list[Hashable]:
        """Items sharing at least min_shared informative words, most shared first."""
        counts: Counter = Counter()
        for word in set(words):
            posting = self.postings.get(word, [])
            if len(posting) <= self.max_posting:
                counts.update(posting)
        return [item for item, shared in counts.most_common() if shared >= min_shared]
