"""The five real seed reports, scored by the shared gold scorer."""

from conftest import SEEDS, load_scorer


def test_seed_score_meets_the_floor(seeds_export):
    scorer = load_scorer()
    result = scorer.Scorer(seeds_export, scorer.tomllib.loads(
        (SEEDS.parent / "gold" / "seeds.toml").read_text())).run()
    sections = {name: (passed, total) for name, passed, total in result.sections}
    assert sections["clean"] == (5, 5)
    assert sections["grouping"] == (7, 7)
    assert sections["published"] == (5, 5)
    assert sum(p for p, _ in sections.values()) >= 48, result.misses


def test_translations_of_one_statement_are_one_quote(seeds_export):
    zelensky = [q for q in seeds_export["quotes"] if q["speaker"] and "Zelensk" in q["speaker"]
                and any("no doubt" in v["text"] for v in q["variants"])]
    assert len(zelensky) == 1
    assert len({v["article_id"] for v in zelensky[0]["variants"]}) == 2


def test_every_article_has_clean_text_and_contract_fields(seeds_export):
    for article in seeds_export["articles"]:
        assert {"id", "source", "title", "outlet", "language", "published", "published_inferred", "text",
                "event_id", "story_id", "duplicate_of", "times"} <= set(article)
        for time in article["times"]:  # contract 1.1: a mention of the text, its date cut to its granularity
            assert time["text"] in article["title"] + "\n" + article["text"]
            assert len(time["value"]) == {"year": 4, "month": 7, "day": 10}[time["granularity"]]
        assert "Exit mobile version" not in article["text"]
        assert article["language"] == "en"


def test_inferred_dates_are_flagged(seeds_export):
    by_source = {a["source"].rsplit("/", 1)[-1]: a for a in seeds_export["articles"]}
    assert by_source["000_fdfb6563468f087b.txt"]["published_inferred"] is False
    assert by_source["004_4260cc30ca0dfd30.txt"]["published_inferred"] is True
