"""Event and story grouping: across languages, and apart for unrelated news."""

from storyline import store
from storyline.embed import dense_similarity, embed_leads, lead_text


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
