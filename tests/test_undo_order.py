"""Undoing regrouping corrections in any order: once every correction is undone, the stories are the
machine's own again (the same story ids holding the same reports), however the moves, splits and
merges were made and undone, because an undo puts each report where the corrections still standing
put it, not back where the undone one found it."""

import json
import random
import shutil

import pytest
from conftest import SAMPLE, SEEDS, SHARED

from storyline import Storyline, store

GVC = [json.loads(line) for line in (SHARED / "data" / "gvc-dev.jsonl").read_text(encoding="utf-8").splitlines()]
SEQUENCES = 200


@pytest.fixture(scope="module")
def machine_store(tmp_path_factory):
    """The seeds, the demo corpus (one report a copy of another) and 24 GVC reports: 36 reports in
    16 stories, ingested once; each sequence works on a copy of the file."""
    folder = tmp_path_factory.mktemp("undo-order")
    more = folder / "gvc.jsonl"
    more.write_text("".join(json.dumps(r) + "\n" for r in GVC[:24]), encoding="utf-8")
    with Storyline(folder / "machine.db") as news:
        news.ingest([SEEDS, SAMPLE, more])
        news.db.checkpoint()
    return folder / "machine.db"


def _copy(machine_store, tmp_path, name):
    copy = tmp_path / f"{name}.db"
    shutil.copy(machine_store, copy)
    return Storyline(copy)


def _grouping(news):
    """Each story's reports (copies too), and each report's story."""
    stories = {s: frozenset(a.id for a in store.articles(news.db, s)) for s in store.story_ids(news.db)}
    return stories, {a.id: a.story_id for a in store.articles(news.db)}


def _profiles(news):
    """Each story's clustering group: the originals its profile is made of, and the story it was merged into."""
    groups = {s: store.load_group(news.db, "story", s) for s in store.story_ids(news.db)}
    return {s: (frozenset(g.members), g.parent) if g else None for s, g in groups.items()}


def _originals(news, story_id):
    return sorted(a.id for a in store.articles(news.db, story_id) if not a.duplicate_of)


def test_undoing_a_split_before_the_move_of_its_report_leaves_no_third_story(machine_store, tmp_path):
    with _copy(machine_store, tmp_path, "issue") as news:
        machine = _grouping(news)
        stories = machine[0]
        split_from = max(sorted(stories), key=lambda s: len(stories[s]))
        other = next(s for s in sorted(stories) if s != split_from)
        leaving = _originals(news, split_from)[0]
        split = news.correct("split", split_from, "ana", article_ids=[leaving])  # A
        move = news.correct("move", split.value["new_story"], "bo", article_id=leaving, to_story=other)  # B
        news.undo(split.id, "cy")
        after_split_undone = _grouping(news)[1][leaving]
        news.undo(move.id, "cy")
        assert _grouping(news) == machine  # no third story: the split's own is gone, the report is home
        assert after_split_undone == other  # while the move stood, the report stayed where it put it
        assert split.value["new_story"] not in store.story_ids(news.db)
        assert [c.active for c in news.corrections()] == [False, False]


def _live(news):
    """The stories now, in an order that does not hang on the ids of the stories splits made (they
    hash the time of the split), so a seed makes the same sequence on every run: by their first report."""
    return sorted(store.story_ids(news.db), key=lambda s: min(a.id for a in store.articles(news.db, s)))


def _correct_at_random(news, rng, author):
    """One move, split or merge, made on live stories picked by `rng`."""
    live = _live(news)
    kind = rng.choice(["move", "split", "merge"])
    if kind == "split":
        candidates = [s for s in live if len(_originals(news, s)) >= 2]
        if candidates:
            story_id = rng.choice(candidates)
            reports = _originals(news, story_id)
            leaving = rng.sample(reports, rng.randint(1, len(reports) - 1))
            return news.correct("split", story_id, author, article_ids=leaving)
        kind = "move"
    story_id, other = rng.sample(live, 2)
    if kind == "move":
        story_id = rng.choice([s for s in live if _originals(news, s)])
        other = rng.choice([s for s in live if s != story_id])
        return news.correct("move", story_id, author, article_id=rng.choice(_originals(news, story_id)),
                            to_story=other)
    return news.correct("merge", story_id, author, into_story=other)


def _sequence(news, seed):
    """Two to five corrections with undos between them, then the rest undone; each in random order."""
    rng = random.Random(seed)
    steps, active, left = [], [], rng.randint(2, 5)
    while left or active:
        if active and (not left or rng.random() < 0.4):
            undone = active.pop(rng.randrange(len(active)))
            news.undo(undone.id, "cy")
            steps.append(f"undo {undone.kind} {undone.id}")
        else:
            # each by a reader of its own: the same correction remade within a second by the same reader
            # would get the same id (ids hash the time to the second), which this test is not about
            made = _correct_at_random(news, rng, f"reader{len(steps)}")
            active.append(made)
            left -= 1
            steps.append(f"{made.kind} {made.id} on {made.story_id}: {json.dumps(made.value, sort_keys=True)}")
    return steps


def test_any_order_of_corrections_and_undos_ends_in_the_machines_grouping(machine_store, tmp_path):
    failed = []
    for seed in range(SEQUENCES):
        with _copy(machine_store, tmp_path, f"seq{seed}") as news:
            machine, profiles = _grouping(news), _profiles(news)
            try:
                steps = _sequence(news, seed)
            except Exception as error:  # a refused or broken step is a failed sequence too
                failed.append((seed, repr(error)))
                continue
            stories, story_of = _grouping(news)
            if (stories, story_of) != machine:
                failed.append((seed, steps, sorted(set(stories) ^ set(machine[0])),
                               sorted(a for a in story_of if story_of[a] != machine[1].get(a))))
            elif _profiles(news) != profiles:
                failed.append((seed, steps, "clustering profiles"))
            assert not any(c.active for c in news.corrections())
            assert not store.dirty_stories(news.db) and not store.kept_apart(news.db)
        for leftover in tmp_path.glob(f"seq{seed}.db*"):
            leftover.unlink()
    assert not failed, f"{len(failed)} of {SEQUENCES} sequences did not end in the machine's grouping: {failed[:3]}"


def test_a_merge_sends_a_story_so_undoing_a_move_into_it_brings_the_report_home(machine_store, tmp_path):
    """A merge made after a move does not hold the moved report: undoing the move takes it home, out
    of the story the merge made; the merge stands for the rest."""
    with _copy(machine_store, tmp_path, "merge") as news:
        stories = _grouping(news)[0]
        home, merged, into = sorted(stories, key=lambda s: (-len(stories[s]), s))[:3]
        moving = _originals(news, home)[0]
        move = news.correct("move", home, "ana", article_id=moving, to_story=merged)
        news.correct("merge", merged, "bo", into_story=into)
        news.undo(move.id, "cy")
        story_of = _grouping(news)[1]
        assert story_of[moving] == home
        assert {story_of[a] for a in stories[merged]} == {into} and store.merged_into(news.db, merged) == into
