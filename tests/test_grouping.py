"""Grouping on real labelled news: events of one kind stay apart, translations join, pages that are
not articles are failures (titles and page kinds on real pages: test_titles.py)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from conftest import dev_rows as _rows
from conftest import ingest_rows as _ingest_rows

from storyline import store
from storyline.config import current
from storyline.group.cluster import CorpusStats, GroupIndex
from storyline.group.linking import (
    FEATURES,
    TEXT_FEATURES,
    LinkModel,
    Profile,
    link_features,
    shipped_models,
    story_decision,
)
from storyline.prepare.clean import headline
from storyline.read.pagekind import not_an_article


def test_headline_drops_wire_prefixes_and_site_names():
    assert headline("UPDATE 2-Oil rises as supply fears grow | Reuters") == "Oil rises as supply fears grow"
    assert headline("Update 12: Quake kills 40 - BBC News") == "Quake kills 40"
    assert headline("Glendale man faces manslaughter charge - azfamily.com 3TV | Phoenix Breaking News, Weather") \
        == "Glendale man faces manslaughter charge"
    assert headline("Obama - the first 100 days") == "Obama - the first 100 days"
    assert headline("Iraq: US troops leave Falluja") == "Iraq: US troops leave Falluja"


def test_notices_and_section_pages_are_not_articles_but_reports_quoting_them_are():
    assert not_an_article("Are you a robot?", "Why did this happen? Please make sure your browser supports "
                          "JavaScript and cookies and that you are not blocking them from loading.") == "robot check"
    assert not_an_article("Oops", "We are unable to process your request at this time. Please try again.") \
        == "error page"
    assert not_an_article("Latest News & Headlines | Example Times", "Storm hits coast. Markets fall.") \
        == "home or section page"
    report = " ".join(["The hackers' page read: 'Access denied'. Investigators said the attack began on Monday."] * 20)
    assert not_an_article("Hackers lock city computers", report) is None


def test_an_error_page_is_a_failure_with_its_reason_and_the_batch_goes_on(tmp_path):
    article = next(r for r in _rows("gvc") if len(r["text"]) > 1500)
    robot = {"url": "https://example.org/robot", "title": "Are you a robot?",
             "text": "Why did this happen?\nPlease make sure your browser supports JavaScript and cookies and that "
                     "you are not blocking them from loading. For more information you can review our Terms."}
    conn, report = _ingest_rows(tmp_path, [robot, article])
    assert [(f.source, f.reason) for f in report.failures] == [
        (f"{tmp_path / 'input.jsonl'}:1", "not a news article: robot check")]
    assert [a.source for a in store.articles(conn)] == [article["url"]]


def test_shipped_models_cover_the_features_and_link_a_report_to_its_own_group():
    models = shipped_models()
    assert set(models) == {"event", "story", "names"}
    stats = CorpusStats({"quake": 1, "@padang": 1, "rescuers": 1}, 50)
    report = Profile(terms={"quake": 2.0, "@padang": 2.0, "rescuers": 1.0}, title={"quake": 1.0},
                     first="2009-09-30", last="2009-09-30", languages={"en": 1}, size=1, places={"padang": 2})
    unrelated = Profile(terms={"election": 2.0, "@ohio": 2.0}, title={"vote": 1.0},
                        first="2009-10-02", last="2009-10-02", languages={"en": 1}, size=1, places={"ohio": 2})
    assert set(models["names"].features) <= set(FEATURES)
    for model in (models["event"], models["story"], story_decision()):
        assert set(getattr(model, "features", FEATURES)) <= set(FEATURES)
        assert model.probability(link_features(report, report, stats.idf)) >= model.threshold
        assert model.probability(link_features(report, unrelated, stats.idf)) < model.threshold
    assert LinkModel.from_dict(models["event"].to_dict()) == models["event"]


@pytest.mark.parametrize("topic", ["1", "21"])
def test_two_happenings_of_one_kind_at_different_places_stay_apart(tmp_path, topic):
    """ECB+ topic 1: Tara Reid's and Lindsay Lohan's stays in rehab; 21: hit-and-runs in Bloomington and Queens."""
    rows = [r for r in _rows("ecbplus") if r["topic"] == topic]
    chosen = [r for label in (f"{topic}ecb", f"{topic}ecbplus") for r in [r for r in rows if r["event"] == label][:4]]
    conn, _report = _ingest_rows(tmp_path, chosen)
    label_of = {r["url"]: r["event"] for r in chosen}
    for column in ("event_id", "story_id"):
        groups = defaultdict(set)
        for article in store.articles(conn):
            groups[getattr(article, column)].add(label_of[article.source])
        assert all(len(labels) == 1 for labels in groups.values()), (column, dict(groups))
    assert len({a.event_id for a in store.articles(conn)}) < len(chosen)


def test_one_subject_told_in_two_languages_a_year_apart_is_one_story(tmp_path):
    """ML-Crisis: a Spanish report on the Syrian regime's chemical weapons (August 2013) and a French one
    (July 2012, 'Le dernier atout de Bachar el-Assad, les armes chimiques') share few words and no week, but
    their people and places (Siria / Syrie, Assad); an Egyptian report of the same months stays apart."""
    wanted = ("es/syria/2013-08-25/ext_251", "fr/syria/2012-07-17/ext_86")
    rows = [r for r in _rows("mlcrisis") if r["url"].endswith(wanted)]
    other = next(r for r in _rows("mlcrisis") if r["event"] == "egypt" and r["language"] == "es"
                 and (r.get("published") or "").startswith("2013-08"))
    conn, _report = _ingest_rows(tmp_path, [*rows, other])
    story_of = {a.source: a.story_id for a in store.articles(conn)}
    assert len(rows) == 2 and story_of[rows[0]["url"]] == story_of[rows[1]["url"]]
    assert story_of[other["url"]] != story_of[rows[0]["url"]]


def test_a_story_told_in_italian_and_spanish_is_joined_by_its_people_and_places(tmp_path):
    """ML-Crisis, March 2012: 'La strage di Homs' (Italian) and 'Claves: todas las sanciones contra Siria'
    (Spanish) share almost no word but Siria, Homs, Assad and Annan; an Italian report on Egypt stays apart."""
    wanted = ("it/syria/2012-03-12/ext_144", "es/syria/2012-03-23/ext_264", "it/egypt/2012-01-25/ext_24")
    rows = [r for r in _rows("mlcrisis") if r["url"].endswith(wanted)]
    conn, _report = _ingest_rows(tmp_path, rows)
    story_of = {a.source.split("mlcrisis://")[1]: a.story_id for a in store.articles(conn)}
    assert len(story_of) == 3 and story_of[wanted[0]] == story_of[wanted[1]] != story_of[wanted[2]]


def test_a_translation_sharing_no_word_is_found_through_the_embedding():
    stats = CorpusStats()
    index = GroupIndex("s", shipped_models()["story"], stats)
    rng = np.random.default_rng(0)
    strike = rng.normal(size=512).astype(np.float32)
    for number in range(3 * current().grouping.recent_groups // 100):
        index.start(f"a{number}", Profile(terms={f"word{number}": 1.0}, dense=rng.normal(size=512).astype(np.float32),
                                          languages={"en": 1}, size=1))
    index.start("a9999", Profile(terms={"strike": 1.0}, dense=strike, languages={"en": 1}, size=1))
    portuguese = Profile(terms={"greve": 1.0}, dense=strike + 0.05, languages={"pt": 1}, size=1)
    assert "s9999" in index.candidates(portuguese)


def test_non_english_reports_join_an_english_sibling(wikinews):
    conn, _report, rows = wikinews
    story_of = {a.source: a.story_id for a in store.articles(conn)}
    siblings = defaultdict(list)
    for row in rows:
        if row["language"] == "en":
            siblings[row["event"]].append(row["url"])
    foreign = [r for r in rows if r["language"] != "en" and siblings[r["event"]] and r["url"] in story_of]
    joined = [r for r in foreign if any(story_of.get(s) == story_of[r["url"]] for s in siblings[r["event"]])]
    assert len(foreign) == 5 and len(joined) >= 4


def test_pages_that_are_not_articles_are_recorded_not_grouped(wikinews):
    conn, report, _rows = wikinews
    kinds = sorted(f.reason for f in report.failures)
    assert kinds and all(k.startswith("not a news article: ") for k in kinds)
    stored = {a.source for a in store.articles(conn)}
    assert not stored & {f.source.rsplit(":", 1)[0] for f in report.failures}


def test_all_pairs_at_once_give_the_features_of_each_pair(wikinews):
    """Event clustering scores every pair of a story's reports in one pass of matrix products; each
    pair's text features (what the event model reads) are those the pair-by-pair code gives, both ways
    round (some are one-sided)."""
    from storyline.extract import ArticleFacts
    from storyline.group.embed import from_bytes
    from storyline.group.linking import article_profile, pairwise_features

    conn, _report, _rows = wikinews
    profiles = []
    for story_id in store.story_ids(conn):
        vectors, facts = store.article_vectors(conn, story_id), store.article_facts(conn, story_id)
        profiles += [article_profile(a.title, vectors[a.id][0], from_bytes(vectors[a.id][1]), a.published, a.language,
                                     ArticleFacts.from_dict(facts[a.id]))
                     for a in store.articles(conn, story_id) if not a.duplicate_of]
    profiles = profiles[:40]  # the reports of several stories: related and unrelated pairs
    stats = CorpusStats(*store.term_statistics(conn))
    together = pairwise_features(profiles, stats.idf)
    for i, a in enumerate(profiles):
        for j, b in enumerate(profiles):
            if i != j:
                assert together[i, j] == pytest.approx(link_features(a, b, stats.idf)[:len(TEXT_FEATURES)],
                                                       abs=1e-6), (i, j)
    assert together[..., FEATURES.index("both_dated")].any()  # dated pairs: the day gaps were compared too
    assert (together[..., FEATURES.index("text")] > 0.3).sum() > len(profiles)  # some pairs are alike
