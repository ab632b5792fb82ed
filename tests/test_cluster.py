"""Event and story grouping: across languages, and apart for unrelated news."""

from storyline import store
from storyline.group.embed import dense_similarity, embed_leads, lead_text


def _story_of(conn, source_suffix: str) -> str:
    return next(a.story_id for a in store.articles(conn) if a.source.endswith(source_suffix))


def test_portuguese_report_joins_its_english_siblings(sample_conn):
    conn, _report = sample_conn
    portuguese = next(a for a in store.articles(conn) if a.source.endswith("07_jornal_da_costa.txt"))
    assert portuguese.language == "pt"
    assert portuguese.story_id == _story_of(conn, "01_harbour_herald.txt")
    assert portuguese.event_id == next(a.event_id for a in store.articles(conn)
                                       if a.source.endswith("01_harbour_herald.txt"))
    assert portuguese.story_id != _story_of(conn, "06_lindmark_analysis.html")


def test_translation_is_nearer_than_unrelated_news_in_the_dense_space():
    english = lead_text("Dock workers shut the port", "Thousands of dock workers walked off the job at the port "
                        "on Tuesday, leaving container ships waiting at anchor in the bay.")
    german = lead_text("Hafenarbeiter legen den Hafen lahm", "Tausende Hafenarbeiter haben am Dienstag die Arbeit "
                       "niedergelegt; Containerschiffe warten in der Bucht vor Anker.")
    unrelated = lead_text("Central bank holds rates", "The central bank kept its main interest rate unchanged "
                          "on Thursday, citing slowing inflation and weak consumer demand.")
    vectors = embed_leads([english, german, unrelated])
    assert vectors.shape == (3, 512)
    assert dense_similarity(vectors[0], vectors[1]) > 0.5
    assert dense_similarity(vectors[0], vectors[2]) < 0.2
    assert dense_similarity(vectors[0], None) is None


def test_old_stories_leave_memory_and_come_back_when_an_article_matches_them(configure):
    """Only the recently active stories stay in memory; the rest are read back from the store on demand."""
    import copy

    import numpy as np

    from storyline.group.cluster import CorpusStats, GroupIndex
    from storyline.group.linking import Profile, shipped_models

    configure({"grouping.recent_groups": 5, "grouping.cached_groups": 2})
    saved: dict = {}
    stats = CorpusStats()
    index = GroupIndex("s", shipped_models()["story"], stats, loader=lambda gid: copy.deepcopy(saved.get(gid)))

    def report(topic: int) -> Profile:
        words = {f"topic{topic}word{k}": 1.0 for k in range(12)}
        dense = np.random.default_rng(topic).normal(size=512).astype(np.float32)
        return Profile(terms=words, title=dict(list(words.items())[:4]), dense=dense, first="2024-05-01",
                       last="2024-05-01", languages={"en": 1}, size=1)

    first_story = None
    for topic in range(30):
        stats.add(report(topic).terms)
        story = index.assign(f"a{topic:03d}", report(topic))
        first_story = first_story or story
        for group in index.take_changed():
            saved[group.id] = copy.deepcopy(group)
        assert len(index.groups) <= 5
    assert first_story not in index.groups
    again = index.assign("a999", report(0))
    assert again == first_story  # read back from the store and joined, not a new story
    assert index.group(first_story).members == ["a000", "a999"]
