"""A story's dossier: the story alone, as JSON (its part of the full export, exactly), Markdown and a
self-contained HTML file, from the Python API, the CLI and the API's download; and search results
that say why they matched, with the language filter."""

import json
import re
import subprocess
import sys
from html import escape

import pytest
from fastapi.testclient import TestClient

from storyline import Storyline, store
from storyline.web import Settings, create_app
from storyline.web.views import central_entities

STORY_KEYS = ("events", "entities", "quotes", "claims", "relations", "timeline")


@pytest.fixture(scope="module")
def news(web_db):
    with Storyline(web_db, read_only=True) as session:
        yield session


@pytest.fixture(scope="module")
def client(web_db):
    return TestClient(create_app(Settings(str(web_db), token=None)), base_url="http://127.0.0.1:8000")


def story_part(document: dict, story_id: str) -> dict:
    """What the full export says of one story: its articles, its story object, and every item of it."""
    part = {"version": document["version"],
            "articles": [a for a in document["articles"] if a["story_id"] == story_id],
            "stories": [s for s in document["stories"] if s["id"] == story_id]}
    part |= {key: [item for item in document[key] if item["story_id"] == story_id] for key in STORY_KEYS}
    return part


def test_each_story_alone_is_exactly_its_part_of_the_full_export(news):
    full = json.loads(news.export("json"))
    assert len(full["stories"]) == 2
    for story in full["stories"]:
        alone = json.loads(news.export("json", story=story["id"]))
        assert alone == story_part(full, story["id"])
        assert alone["articles"] and alone["quotes"]


def test_the_dossier_carries_coverage_and_phases_of_its_story(news):
    strike = next(s for s in json.loads(news.export("json"))["stories"] if "Valmora" in s["title"])
    seen = strike["coverage"]
    assert seen["first_reported"]["outlet"] == seen["outlets"][0]["outlet"]
    assert {o["outlet"] for o in seen["outlets"]} >= {"jornal-da-costa.example", "harbour-herald.example"}
    assert seen["languages"]["pt"] == 1
    assert any(s["not_carried_by"] for s in seen["statements"])  # something only some outlets carry
    assert [p["event_id"] for p in strike["phases"]] == strike["event_ids"]


def test_html_and_markdown_dossiers_hold_that_story_alone_with_its_phases_and_chart(news):
    full = json.loads(news.export("json"))
    strike, other = sorted(full["stories"], key=lambda s: "Valmora" not in s["title"])
    page = news.export("html", story=strike["id"])
    assert page.count("<section") == 1 and "<h2>Phases</h2>" in page and "<svg class=\"chart\"" in page
    assert "First reported by" in page and "Carried by some outlets only" in page
    assert other["title"] not in page
    # one title, and citations by the numbers the story page gives its sources (date order), never an id
    assert len(re.findall(rf"<h\d>{re.escape(escape(strike['title']))}</h\d>", page)) == 1
    assert re.search(r'<a href="#[^"]+-1">\[1\]</a>', page) and not re.search(r">\[a[0-9a-f]{6,}", page)
    # nothing is fetched when it is opened (a hostile report's <img src=...> is text here, escaped)
    assert not re.search(r"<(script|link|img|iframe|object)\b|<[^>]*\b(src|href)=[\"']?(https?:|//)", page)
    assert "&lt;script&gt;" in page
    text = news.export("markdown", story=strike["id"])
    assert text.startswith(f"# {strike['title']}\n") and text.count(f"# {strike['title']}") == 1
    assert "## Phases" in text and "## Coverage" in text and "\\[1\\]" in text and "\n1. " in text
    with pytest.raises(KeyError):
        news.export("html", story="s-none")


def test_the_cli_writes_one_story_and_says_so_when_there_is_none(web_db, news, tmp_path):
    story_id = news.stories()[0].id
    out = tmp_path / "dossier.md"
    run = [sys.executable, "-m", "storyline.cli", "export", "--db", str(web_db), "--format", "markdown"]
    done = subprocess.run([*run, "--story", story_id, "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == news.export("markdown", story=story_id)
    missing = subprocess.run([*run, "--story", "s-none", "-o", str(tmp_path / "x.md")], capture_output=True, text=True)
    assert missing.returncode == 1 and "no story 's-none'" in missing.stderr and not (tmp_path / "x.md").exists()


def test_the_download_button_gets_the_dossier_as_a_file(client, news):
    story_id = news.stories()[0].id
    page = client.get(f"/stories/{story_id}").text
    for form in ("html", "markdown", "json"):
        assert f'href="/api/stories/{story_id}/dossier?format={form}" download' in page
    got = client.get(f"/api/stories/{story_id}/dossier", params={"format": "json"})
    assert got.status_code == 200 and got.headers["content-type"] == "application/json"
    assert got.headers["content-disposition"] == f'attachment; filename="storyline-{story_id}.json"'
    assert got.json() == json.loads(news.export("json", story=story_id))
    assert client.get(f"/api/stories/{story_id}/dossier").headers["content-type"].startswith("text/html")
    assert client.get("/api/stories/s-none/dossier").status_code == 404
    assert client.get(f"/api/stories/{story_id}/dossier", params={"format": "pdf"}).status_code == 400


def test_search_results_show_the_passage_that_matched_with_the_words_marked(client, news):
    rows = news.stories(query="dockers union")
    assert len(rows) == 1 and rows[0].match is not None
    marked = [piece.lower() for piece, hit in rows[0].match.parts() if hit]
    assert set(marked) == {"dockers", "union"}
    api = client.get("/api/stories", params={"q": "dockers union"}).json()["items"][0]["match"]
    assert {api["text"][a:b].lower() for a, b in api["highlights"]} == {"dockers", "union"}
    page = client.get("/", params={"q": "dockers"}).text
    assert re.search(r"<mark>Dockers</mark>", page)
    assert news.stories()[0].match is None  # no query, no snippet


def test_the_language_filter_keeps_stories_with_a_report_in_that_language(client, news):
    portuguese = news.stories(language="pt")
    assert [r.title for r in portuguese] == [r.title for r in news.stories() if "Valmora" in r.title]
    assert news.stories(language="xx") == []
    page = client.get("/", params={"language": "pt"}).text
    assert '<option selected>pt</option>' in page and page.count('class="title"') == 1


def test_the_full_html_report_lists_its_stories_biggest_first_without_empty_headings(news):
    """Contents first, stories by size (then latest first), each story's chart scaled to its reports, and a
    heading only where the story has something under it."""
    stories = json.loads(news.export("json"))["stories"]
    page = news.export("html")
    contents = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
    by_size = sorted(stories, key=lambda s: -len(s["article_ids"]))
    assert [contents.index(escape(s["title"])) for s in by_size] == sorted(contents.index(escape(s["title"])) for s in by_size)
    assert [page.index(f"<section id='{s['id']}'>") for s in by_size] == sorted(page.index(f"<section id='{s['id']}'>")
                                                                                 for s in by_size)
    assert not re.search(r"<h[1-6]>[^<]*</h[1-6]>\s*(?:<h[1-6]>|<ol class=sources></ol>|</section>)", page)
    assert not re.search(r"<h[1-6]></h[1-6]>", page)


def test_the_claim_page_answers_an_empty_or_too_long_claim_itself_and_keeps_the_claim_to_edit(client):
    """No bare error page: the check page says what is wrong with the claim, above the box holding it."""
    for claim, problem in (("", "Write the claim to check"), ("   ", "Write the claim to check"),
                           ("x" * 2500, "at most 2,000 characters")):
        page = client.get("/check", params={"claim": claim})
        # an over-long claim refused as the API refuses it, answered on the page; none: the page asks for one
        assert page.status_code == (400 if claim.strip() else 200) and problem in page.text
        assert re.search(r'<input type="text" name="claim" value="[x ]{0,2000}"', page.text) and "<table" not in page.text
    assert "Write the claim to check" in client.get("/check").text
    checked = client.get("/check", params={"claim": "Dock workers went on strike in Valmora"})
    assert checked.status_code == 200 and 'value="Dock workers went on strike in Valmora"' in checked.text
    assert 'role="alert"' not in checked.text


def test_the_story_page_names_the_most_central_people_first(client, news, wikinews):
    """Who the story is about comes first: names ranked by how many of its reports name them (then by what
    they say), the first dozen shown and the rest behind 'more' — on every WikinewsSum dev story, where the
    order names were found in is not that order."""
    conn, _report, _rows = wikinews
    reordered = 0
    for story_id in store.story_ids(conn):
        analysis, _events = store.load_analysis(conn, story_id)
        ranked = central_entities(analysis)
        reach = [len(set(e.article_ids)) for e in ranked]
        assert sorted(e.id for e in ranked) == sorted(e.id for e in analysis.entities)
        assert reach == sorted(reach, reverse=True)
        reordered += ranked != analysis.entities
    assert reordered >= 5
    strike = next(s for s in news.stories() if "Valmora" in s.title)
    page = client.get(f"/stories/{strike.id}").text
    listed = re.findall(r'<li><a href="/entities/([^"]+)">', page.split('id="entities"', 1)[1])
    assert listed == [e.id for e in central_entities(news.story(strike.id).analysis)]


def test_the_story_page_shows_the_ids_a_correction_names(client, news):
    """A reader correcting from the CLI or the API finds on the page the story's id and each report's."""
    strike = next(s for s in news.stories() if "Valmora" in s.title)
    page = client.get(f"/stories/{strike.id}").text
    assert f"story <code>{strike.id}</code>" in page
    assert all(f"report <code>{a.id}</code>" in page for a in news.story(strike.id).articles)
