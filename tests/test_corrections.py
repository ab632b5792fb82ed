"""The reader's corrections on real reports (the seeds and Gun Violence Corpus reports): each kind
holds after 50 more reports are ingested and every story is analysed again, shows on the story,
is undone as it was made, and a regrouped story never merges on its own again. Through the Python
API, the CLI and the token-guarded HTTP API."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import SEEDS, SHARED
from fastapi.testclient import TestClient

from storyline import Storyline, store
from storyline.analysis.corrections import CorrectionError, NothingThere, better_title
from storyline.analysis.titles import is_headline, lead_keys
from storyline.group.cluster import CorpusStats, GroupIndex
from storyline.group.linking import Profile, shipped_models
from storyline.web import Settings, create_app

TOKEN = "correct-token-91c"
GVC = [json.loads(line) for line in (SHARED / "data" / "gvc-dev.jsonl").read_text(encoding="utf-8").splitlines()]


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """A store of the seeds and 80 GVC reports with one correction of every kind, then 50 more
    reports ingested and a full re-analysis."""
    folder = tmp_path_factory.mktemp("corrections")
    news = Storyline(folder / "c.db")
    news.ingest([SEEDS, _jsonl(folder / "first.jsonl", GVC[:80])])
    rows = sorted(news.stories(limit=500), key=lambda r: (-r.articles, r.id))
    war = next(r.id for r in rows if "mobili" in r.title.lower())
    others = [r.id for r in rows if r.id != war and r.articles >= 2]
    story = news.story(war)
    quotes = [q for q in story.analysis.quotes if q.speaker][:2]
    dispute = story.analysis.relations[0]
    first, second = story.events[0], story.events[1]
    split_from, move_from, merge_from, merge_into = others[:4]
    split_off = news.story(split_from).articles[-1].id
    moved = next(a.id for a in news.story(move_from).articles if not a.duplicate_of)
    joined = next(e for e in story.analysis.entities if len(e.aliases) >= 2)
    apart = min(joined.aliases, key=lambda a: (len(a), a))  # a short form the machine joined to the name
    made = {
        "apart": news.correct("apart", war, "bo", entity_id=joined.id, name=apart),
        "rename": news.correct("rename", war, "ana", title="Russia's second mobilisation"),
        "speaker": news.correct("speaker", war, "ana", quote_id=quotes[0].id, speaker="Olena Kovalenko"),
        "unspeaker": news.correct("speaker", war, "bo", quote_id=quotes[1].id, speaker=None),
        "dispute": news.correct("dispute", war, "bo", a=dispute.a, b=dispute.b),
        "event": news.correct("event", war, "ana", article_id=first.article_ids[0], event_id=second.id),
        "split": news.correct("split", split_from, "ana", article_ids=[split_off]),
        "move": news.correct("move", move_from, "bo", article_id=moved, to_story=merge_into),
        "merge": news.correct("merge", merge_from, "ana", into_story=merge_into),
    }
    machine = {"title": story.analysis.title, "quotes": {q.variants[0].text: q.speaker for q in quotes},
               "dispute": (dispute.type, _texts(story.analysis, dispute)), "war": war,
               "event_article": first.article_ids[0], "event_anchor": second.article_ids[0], "apart": apart}
    report = news.ingest([_jsonl(folder / "more.jsonl", GVC[80:130])])
    assert report.new == 50
    assert news.reanalyse() == []
    yield news, made, machine
    news.close()


def _texts(analysis, relation):
    said = {q.id: q.variants[0].text for q in analysis.quotes} | {c.id: c.text for c in analysis.claims}
    return {said[relation.a], said[relation.b]}


def _story_of(news, article_id):
    return next(a.story_id for a in store.articles(news.db) if a.id == article_id)


def test_every_kind_of_correction_holds_after_more_reports_and_a_full_reanalysis(corrected):
    news, made, machine = corrected
    war = news.story(machine["war"])
    assert war.analysis.title == "Russia's second mobilisation"
    speakers = {q.variants[0].text: q.speaker for q in war.analysis.quotes}
    first, second = list(machine["quotes"])
    assert speakers[first] == "Olena Kovalenko" and speakers[second] is None
    kind, texts = machine["dispute"]
    assert not any(r.type == kind and _texts(war.analysis, r) == texts for r in war.analysis.relations)
    assert any(machine["event_article"] in e.article_ids and machine["event_anchor"] in e.article_ids
               for e in war.events)
    apart = machine["apart"]  # a name the machine joins again at every analysis stays apart
    assert [e.aliases for e in war.analysis.entities if apart in e.aliases] == [[apart]]
    split = made["split"].value
    assert _story_of(news, split["article_ids"][0]) == split["new_story"] != made["split"].story_id
    assert news.story(made["split"].story_id).articles  # the rest stayed
    assert store.merged_into(news.db, split["new_story"]) is None  # neither part merged on its own
    assert store.merged_into(news.db, made["split"].story_id) is None
    assert _story_of(news, made["move"].value["article_id"]) == made["move"].value["to_story"]
    gone, into = made["merge"].value["from_story"], made["merge"].value["into_story"]
    assert store.merged_into(news.db, gone) == into
    assert {_story_of(news, a) for a in made["merge"].value["article_ids"]} == {into}
    # the merged story keeps the better of the two titles; the split story is dated as its reports are
    assert news.story(into).title == made["merge"].value["title"]
    new = news.story(split["new_story"])
    assert new.events and all(e.start for e in new.events if any(a.published for a in new.articles
                                                                   if a.id in e.article_ids))


def test_a_merge_keeps_the_title_that_reads_as_a_headline():
    leads = set().union(*(lead_keys(r["text"]) for r in GVC[:5]))
    headline = next(r["title"] for r in GVC[:5] if r.get("title") and is_headline(r["title"], "", leads))
    assert better_title(["Local News", headline], leads) == headline  # a section's name loses
    assert better_title([headline, "Local News"], leads) == headline
    assert better_title(["Local News", "Home"], leads) == "Local News"  # neither: the story merged into keeps its own


def test_corrections_are_shown_with_the_story_and_say_that_they_apply(corrected):
    news, made, machine = corrected
    client = TestClient(create_app(Settings(news.location, token=None)), base_url="http://127.0.0.1:8000")
    shown = client.get(f"/api/stories/{machine['war']}/corrections").json()["items"]
    assert [c["kind"] for c in shown] == ["apart", "rename", "speaker", "speaker", "dispute", "event"]
    assert all(c["applies"] and c["author"] in ("ana", "bo") and c["at"] for c in shown)
    for regrouped in ("split", "move"):  # applies both on the story the reports left and on the one they joined
        for story_id in (made[regrouped].story_id, made[regrouped].value.get("new_story")
                         or made[regrouped].value["to_story"]):
            items = client.get(f"/api/stories/{story_id}/corrections").json()["items"]
            assert [c["applies"] for c in items if c["id"] == made[regrouped].id] == [True]
    page = client.get(f"/stories/{machine['war']}").text
    assert "renamed by ana" in page and "speaker set by ana" in page and "speaker removed by bo" in page
    assert "Corrections by readers" in page and made["dispute"].id in page
    split = made["split"].value["new_story"]
    assert client.get(f"/api/stories/{split}/corrections").json()["items"][0]["kind"] == "split"
    dossier = news.export("markdown", story=machine["war"])
    assert "## Corrections by readers" in dossier and "ana, " in dossier and "renamed the story" in dossier


def test_a_story_a_reader_regrouped_never_merges_on_its_own():
    index = GroupIndex("s", shipped_models()["story"], CorpusStats())
    dense = np.random.default_rng(1).normal(size=512).astype(np.float32)
    twin = lambda: Profile(terms={"harbour": 1.0, "strike": 1.0, "valmora": 1.0}, dense=dense,  # noqa: E731
                           languages={"en": 1}, size=1)
    index.start("a1", twin())
    index.start("a2", twin())
    assert index.merge_touched({"s1", "s2"}, kept_apart=frozenset({"s2"})) == []
    assert index.merge_touched({"s1", "s2"}) == [("s2", "s1")]  # the same two merge when nobody split them


def test_undo_puts_back_what_the_machine_said_and_keeps_the_record(corrected, tmp_path):
    news, made, machine = corrected
    copy = tmp_path / "undo.db"
    shutil.copy(news.location, copy)
    with Storyline(copy) as other:
        for key in ("rename", "speaker", "unspeaker", "dispute", "event", "split", "merge", "move", "apart"):
            assert other.undo(made[key].id, "cy").undone_by == "cy"
        war = other.story(machine["war"])
        assert war.analysis.title == machine["title"]
        assert any(machine["apart"] in e.aliases and len(e.aliases) > 1 for e in war.analysis.entities)
        speakers = {q.variants[0].text: q.speaker for q in war.analysis.quotes}
        assert all(speakers[text] == who for text, who in machine["quotes"].items())
        kind, texts = machine["dispute"]
        assert any(r.type == kind and _texts(war.analysis, r) == texts for r in war.analysis.relations)
        assert _story_of(other, made["split"].value["article_ids"][0]) == made["split"].story_id
        assert made["split"].value["new_story"] not in store.story_ids(other.db)
        # nothing of a story gone is left behind: no entity of it in the listings, its page a 404
        live = set(store.story_ids(other.db))
        assert {r[0] for r in other.db.execute("SELECT DISTINCT story_id FROM entities")} <= live
        assert _story_of(other, made["move"].value["article_id"]) == made["move"].story_id
        assert store.merged_into(other.db, made["merge"].story_id) is None
        assert {_story_of(other, a) for a in made["merge"].value["article_ids"]} == {made["merge"].story_id}
        assert len(other.corrections()) == len(made) and not any(c.active for c in other.corrections())
        with pytest.raises(CorrectionError, match="already undone"):
            other.undo(made["rename"].id, "cy")


def test_a_correction_naming_what_is_not_there_is_refused_with_the_reason(corrected):
    news, _made, machine = corrected
    with pytest.raises(NothingThere):
        news.correct("rename", "s-none", "ana", title="x")
    for kind, fields, says in [("rename", {"title": "  "}, "title"), ("speaker", {"quote_id": "q-none"}, "no quote"),
                               ("dispute", {"a": "q1", "b": "q2"}, "no agreement or dispute"),
                               ("split", {"article_ids": ["a-none"]}, "no report"),
                               ("merge", {"into_story": machine["war"]}, "no other story"),
                               ("shout", {}, "kind")]:
        with pytest.raises(CorrectionError, match=says):
            news.correct(kind, machine["war"], "ana", **fields)


def test_the_http_api_corrects_with_the_token_only(web_db, tmp_path):
    db = tmp_path / "w.db"
    shutil.copy(web_db, db)
    client = TestClient(create_app(Settings(str(db), token=TOKEN)), base_url="http://127.0.0.1:8000")
    story_id = client.get("/api/stories").json()["items"][0]["id"]
    body = {"kind": "rename", "story_id": story_id, "title": "The strike, as we call it", "author": "desk"}
    assert client.post("/api/corrections", json=body).status_code == 401
    assert client.post("/api/corrections", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {TOKEN}"}
    made = client.post("/api/corrections", json=body, headers=auth)
    assert made.status_code == 201 and made.json()["author"] == "desk"
    assert client.get(f"/api/stories/{story_id}").json()["title"] == "The strike, as we call it"
    assert client.post("/api/corrections", json={**body, "story_id": "s-none"}, headers=auth).status_code == 404
    assert client.post("/api/corrections", json={**body, "colour": "red"}, headers=auth).status_code == 400
    undone = client.post(f"/api/corrections/{made.json()['id']}/undo", params={"author": "desk"}, headers=auth)
    assert undone.status_code == 200 and undone.json()["undone_by"] == "desk"
    assert client.get(f"/api/stories/{story_id}").json()["title"] != "The strike, as we call it"
    read_only = TestClient(create_app(Settings(str(db), token=None)), base_url="http://127.0.0.1:8000")
    assert read_only.post("/api/corrections", json=body, headers=auth).status_code == 403


def test_the_cli_corrects_lists_and_undoes(web_db, tmp_path):
    db = tmp_path / "cli.db"
    shutil.copy(web_db, db)
    cli = [sys.executable, "-m", "storyline.cli"]
    with Storyline(db, read_only=True) as news:
        story = news.story(news.stories()[0].id)
    quote = next(q for q in story.analysis.quotes if q.speaker)
    done = subprocess.run([*cli, "correct", "speaker", story.id, quote.id, "--name", "Ana Costa", "--db", str(db),
                           "--by", "desk"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    correction_id = done.stdout.split(":")[0].strip()
    narrow = {**os.environ, "COLUMNS": "80"}
    listed = subprocess.run([*cli, "corrections", story.id, "--db", str(db)], capture_output=True, text=True, env=narrow)
    assert correction_id in listed.stdout and "desk" in listed.stdout  # whole, at 80 columns: `undo` takes it
    shown = subprocess.run([*cli, "show", story.id, "--db", str(db)], capture_output=True, text=True, env=narrow)
    # the ids a correction names are shown with the story
    assert quote.id in shown.stdout and story.events[0].id in shown.stdout and correction_id in shown.stdout
    with Storyline(db, read_only=True) as news:
        assert any(q.speaker == "Ana Costa" for q in news.story(story.id).analysis.quotes)
    bad = subprocess.run([*cli, "correct", "speaker", story.id, "q-none", "--remove", "--db", str(db)],
                         capture_output=True, text=True)
    assert bad.returncode == 1 and "no quote 'q-none'" in bad.stderr
    undone = subprocess.run([*cli, "undo", correction_id, "--db", str(db)], capture_output=True, text=True)
    assert undone.returncode == 0 and "undone" in undone.stdout
    with Storyline(db, read_only=True) as news:
        assert not any(q.speaker == "Ana Costa" for q in news.story(story.id).analysis.quotes)


def test_corrections_hold_on_either_store_backend(store_url):
    with Storyline(store_url) as news:
        news.ingest([SEEDS])
        war = next(r for r in news.stories() if "mobili" in r.title.lower())
        leaving = news.story(war.id).articles[-1].id
        split = news.correct("split", war.id, "ana", article_ids=[leaving])
        renamed = news.correct("rename", war.id, "ana", title="The call-up")
        assert news.reanalyse() == []
        assert news.story(war.id).analysis.title == "The call-up"
        assert _story_of(news, leaving) == split.value["new_story"]
        assert [c.id for c in news.corrections(war.id)] == [split.id, renamed.id]
        news.undo(split.id, "bo")
        assert _story_of(news, leaving) == war.id
