"""Adding reports to a large story costs in proportion to what was added: the reports analysed
before keep their events, and statements unchanged since the last analysis are not compared again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from storyline.analysis import disputes
from storyline.analysis.disputes import fingerprint
from storyline.analysis.story import Previous, analyse_story
from storyline.extract import extract_facts
from storyline.group import cluster, embed
from storyline.group.cluster import CorpusStats
from storyline.group.linking import article_terms, tf_vector
from storyline.models import Article
from storyline.prepare.parse import parse
from storyline.read.files import read_path
from storyline.run.tasks import prepare

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
STORY_SIZE = 500


@pytest.fixture(scope="module")
def reports():
    """The five seed reports, parsed once: (article, facts, term vector, lead embedding)."""
    found = []
    for path in sorted(SEEDS.glob("*.txt")):
        article = prepare(read_path(path).documents[0])
        facts = extract_facts(parse(article.text, article.language), article.id, article.language)
        terms = article_terms(article.title, article.text, [m.text for m in facts.mentions])
        lead = embed.embed_leads([embed.lead_text(article.title, article.text)])[0]
        found.append((article, facts, tf_vector(terms), lead, terms))
    return found


def _story(reports, size: int):
    """size articles of one story: the seed reports again and again under ids of their own."""
    articles, facts, given, vectors, stats = [], {}, {}, {}, CorpusStats()
    for number in range(size):
        article, fact, vector, lead, terms = reports[number % len(reports)]
        article_id = f"a{number:012d}"
        articles.append(Article(article_id, f"{article.source}#{number}", article.title, article.text,
                                article.content_hash, article.outlet, article.language, article.published))
        facts[article_id], given[article_id] = fact, article.published
        vectors[article_id] = (vector, embed.to_bytes(lead))
        stats.add(terms)
    return articles, facts, given, vectors, stats


def _counting(monkeypatch) -> Counter:
    """Counts the pairwise work: same-event comparisons and statement comparisons."""
    calls: Counter = Counter()
    for module, name, kind in ((cluster, "link_features", "event pairs"),
                               (disputes, "_polarity_or_agreement", "statement pairs"),
                               (disputes, "_same_quantity", "figure pairs")):
        real = getattr(module, name)

        def counted(*args, _real=real, _kind=kind, **kwargs):
            calls[_kind] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    return calls


def test_one_more_report_in_a_500_report_story_costs_under_a_tenth_of_the_full_analysis(reports, monkeypatch):
    calls = _counting(monkeypatch)
    articles, facts, given, vectors, stats = _story(reports, STORY_SIZE)
    analysis, events, _published = analyse_story("s1", articles, facts, given, vectors, stats)
    full = sum(calls.values())
    assert calls["event pairs"] > 0 and full > 0

    grown = _story(reports, STORY_SIZE + 1)
    event_of = {aid: event.id for event in events for aid in event.article_ids}
    previous = Previous(event_of, analysis.relations,
                        {s.id: fingerprint(s) for s in [*analysis.quotes, *analysis.claims]})
    calls.clear()
    again, events_again, _published = analyse_story("s1", *grown, previous=previous)
    added = sum(calls.values())
    assert added * 10 < full, (added, full, dict(calls))

    newcomer = grown[0][-1].id
    twin = articles[STORY_SIZE % len(reports)].id  # an earlier report with the same text
    event_again = {aid: event.id for event in events_again for aid in event.article_ids}
    assert event_again[newcomer] == event_again[twin]
    assert {aid: event_again[aid] for aid in event_of} == event_of  # the others keep their events
    assert {r.why for r in again.relations} == {r.why for r in analysis.relations}
