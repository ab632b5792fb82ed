"""A search costs bounded work whatever it is asked and whatever is stored: the query's words are
deduplicated and capped, the full-text query runs once per listing, and a snippet looks at a capped
number of matches in one linear pass (a long query or a huge repetitive article once held a CPU for
minutes). Measured by the work done, never by the clock."""

from __future__ import annotations

import random
import re

import pytest

from storyline import Storyline, config
from storyline.store import browse

SENTENCE = "The fire number {} spread near alpha street."

ARTICLES = [
    {"title": "Dockers strike at the harbour", "url": "https://example.org/dockers",
     "text": "Dockers at the northern harbour walked out on Monday after talks with the port authority "
             "broke down. The union said the strike would last until wages were raised. Ships queued "
             "outside the harbour mouth while the port authority called for new talks."},
    {"title": "Forest fire reaches the valley", "url": "https://example.org/fire",
     "text": "A forest fire spread into the valley overnight and firefighters evacuated two villages. "
             "The fire service said strong winds drove the flames towards the river. Residents were "
             "told to stay away from the valley road until the fire was under control."},
]


def full_text_queries(news: Storyline) -> list[tuple[str, tuple]]:
    """Every full-text query the store runs from now on, as (sql, params), on either backend."""
    seen: list[tuple[str, tuple]] = []
    execute = news.db.execute

    def counting(sql, params=()):
        if "articles_fts" in sql or "@@" in sql:
            seen.append((sql, tuple(params)))
        return execute(sql, params)

    news.db.execute = counting
    return seen


@pytest.fixture
def news(store_url):
    news = Storyline(store_url)
    news.ingest(ARTICLES)
    return news


def test_query_words_reach_the_search_once_each_and_at_most_the_cap():
    cap = config.current().presenting.search_words
    assert browse.search_words(" ".join(["the"] * 3000)) == ["the"]
    assert browse.search_words("Fire fire FIRE valley the Valley") == ["Fire", "valley", "the"]
    distinct = [f"word{n}" for n in range(3000)]
    assert browse.search_words(" ".join(distinct)) == distinct[:cap]
    mixed = " ".join(w for n in range(3000) for w in ("the", f"word{n}"))
    assert browse.search_words(mixed) == ["the", *distinct[:cap - 1]]


def test_one_long_hyphenated_word_reaches_the_search_as_at_most_the_cap_of_terms():
    """'the-the-…' (12 KB) reached the full-text index as one phrase of 3,000 terms, a pass each."""
    cap = config.current().presenting.search_words
    [word] = browse.search_words("-".join(["the"] * 3000))
    assert len(browse.TERM.findall(word)) == cap and word.startswith("the-the")
    assert browse.search_words("state-of-the-art fire") == ["state-of-the-art", "fire"]
    assert browse.search_words(" ".join(["a-b-c-d"] * 3 + ["e-f-g-h"] * 20)) == ["a-b-c-d", "e-f-g-h"]


@pytest.mark.parametrize("query", [" ".join(["the"] * 3000), " ".join(f"word{n}" for n in range(3000)),
                                   "-".join(["the"] * 3000), "fire valley"])
def test_a_listing_runs_one_full_text_query_with_capped_words(news, query):
    seen = full_text_queries(news)
    rows = news.stories(query=query)
    assert len(seen) == 1
    cap = config.current().presenting.search_words
    searched = " ".join(str(p) for p in seen[0][1] if isinstance(p, str))
    assert len(searched.split()) <= min(cap, len(set(query.lower().split())))
    assert len(browse.TERM.findall(searched)) <= cap
    if query == "fire valley":
        assert [row.title for row in rows] == ["Forest fire reaches the valley"]
        marked = {piece.lower() for piece, hit in rows[0].match.parts() if hit}
        assert marked == {"fire", "valley"}


def test_the_cap_reaches_the_search_through_settings(news, store_url):
    capped = Storyline(store_url, {"presenting.search_words": 2})
    seen = full_text_queries(capped)
    # only "fire" and "valley" are searched for: the third word, which no article holds, is ignored
    rows = capped.stories(query="fire valley nowhere-to-be-found")
    assert [row.title for row in rows] == ["Forest fire reaches the valley"] and len(seen) == 1


def _reference_densest(found, width):
    """The snippet's window as it was first written (quadratic): the first window holding the most
    distinct query words."""
    best, best_count = found[0].start(), 0
    for k, first in enumerate(found):
        inside = {m.group(0).lower() for m in found[k:] if m.start() < first.start() + width}
        if len(inside) > best_count:
            best, best_count = first.start(), len(inside)
    return best


class Counted:
    """A match that counts how often the snippet's window looks at it."""

    looks = 0

    def __init__(self, match: re.Match):
        self.match = match

    def start(self) -> int:
        Counted.looks += 1
        return self.match.start()

    def group(self, n: int = 0) -> str:
        Counted.looks += 1
        return self.match.group(n)


def test_the_snippet_window_is_one_linear_pass_and_picks_the_same_place():
    rng = random.Random(7)
    words = ["fire", "alpha", "street"]
    pattern = re.compile(r"(?<!\w)(?:fire|alpha|street)(?!\w)", re.IGNORECASE)
    filler = ["The", "number", "spread", "near", "houses", "Fire", "Alpha", "street", "river", "wind"]
    for _ in range(20):
        text = " ".join(rng.choice(filler) for _ in range(rng.randint(50, 3000)))
        found = list(pattern.finditer(text))
        for width in (40, 220, 1000):
            Counted.looks = 0
            assert browse._densest([Counted(m) for m in found], width) == _reference_densest(found, width)
            assert Counted.looks <= 5 * len(found) + 5  # each match looked at a few times, not once per other
    shown = browse.snippet("a", "t", text, words, 220, 2000)
    assert {piece.lower() for piece, hit in shown.parts() if hit} <= set(words)


def test_a_huge_repetitive_article_costs_a_capped_number_of_matches(store_url, monkeypatch):
    """A 1.4 MB article of one sentence repeated (within the 20 MB input cap) searched for 'the fire':
    its snippet is chosen among at most presenting.snippet_matches matches, each looked at a few times."""
    text = " ".join(SENTENCE.format(n) for n in range(32_000))
    assert len(text) > 1_400_000
    # the search reads the stored text whole; only the parse, which the search does not use, is cut short
    news = Storyline(store_url, {"parsing.max_chars": 5000})
    news.ingest([{"title": "The fire spread near alpha street", "url": "https://example.org/huge", "text": text}, *ARTICLES])
    assert len(news.article(news.search("alpha street")[0].id).text) == len(text)
    cap = config.current().presenting.snippet_matches
    considered = []
    densest = browse._densest

    def counted(found, width):
        considered.append(len(found))
        assert len(found) <= cap, f"the snippet considered {len(found)} matches"
        Counted.looks = 0
        best = densest([Counted(m) for m in found], width)
        assert Counted.looks <= 5 * len(found) + 5
        return best

    monkeypatch.setattr(browse, "_densest", counted)
    seen = full_text_queries(news)
    rows = news.stories(query="the fire")
    assert len(seen) == 1 and considered and max(considered) <= cap
    titles = {row.title for row in rows}
    assert "The fire spread near alpha street" in titles
    for row in rows:
        marked = {piece.lower() for piece, hit in row.match.parts() if hit}
        assert "fire" in marked
    huge = next(row for row in rows if row.title == "The fire spread near alpha street")
    assert huge.match.text.startswith("The fire number 0 spread")
