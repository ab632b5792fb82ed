"""The reader's corrections as a run: record one, regroup the reports it moves, and re-analyse
what it touches; undo; re-analyse everything."""

from __future__ import annotations

from collections.abc import Callable

from .. import store
from ..analysis import corrections
from ..analysis.corrections import CorrectionError, NothingThere
from ..analysis.titles import lead_keys
from ..extract import ArticleFacts
from ..group import embed
from ..group.cluster import Group
from ..group.linking import Profile, article_profile
from ..models import Correction, Event, Failure, StoryAnalysis
from ..store.backends import Database
from ..store.corrections import report_stories
from .stories import analyse_dirty


def correct(conn: Database, kind: str, story_id: str, author: str, fields: dict) -> Correction:
    """Record a reader's correction, regroup the reports it moves, and re-analyse what it touches.

    The stories a correction touches (one to three) are analysed in this process: the worker pool
    would first load every model (seconds) for work that needs none of them.

    The record and the regrouping are one transaction; the re-analysis follows (a kill in between
    leaves the stories dirty, and the next run analyses them with the correction replayed).
    """
    with store.writer_lock(conn):
        try:
            analysis, events = store.load_analysis(conn, story_id)
        except KeyError:
            raise NothingThere(f"no story with id {story_id!r}") from None
        article_ids = [a.id for a in store.articles(conn, story_id)]
        for other in ("to_story", "into_story"):
            if other in fields and (fields[other] == story_id or not store.articles(conn, str(fields[other]))):
                raise CorrectionError(f"{other}: no other story with id {fields[other]!r}")
        value = corrections.value_for(kind, analysis, events, article_ids, fields)
        at = store.now()
        made_before = len(store.corrections(conn))
        correction = Correction(corrections.correction_id(kind, story_id, value, author, at, made_before), kind,
                                story_id, value, author, at)
        if kind == "split":
            correction.value["new_story"] = corrections.split_story_id(correction)
        if kind == "merge":
            correction.value["title"] = _merged_title(conn, analysis.title, story_id, str(fields["into_story"]))
        with store.transaction(conn):
            store.add_correction(conn, correction)
            if not _applied_in_place(conn, correction, analysis, events):
                touched = _regroup(conn, correction, undo=False)
                store.mark_dirty(conn, touched | {store.merged_into(conn, story_id) or story_id})
            store.bump_ingest_generation(conn)
        analyse_dirty(conn, workers=1)
    return correction


def _applied_in_place(conn: Database, correction: Correction, analysis: StoryAnalysis, events: list[Event]) -> bool:
    """A correction of the analysis alone (a title, a speaker, a dispute, an event, a name) laid onto the
    story's stored analysis, which is the machine's with the earlier corrections replayed: the new one
    replayed last gives what a re-analysis would, without the seconds a re-analysis of a large story
    costs. A story waiting for analysis (dirty) is left to it, the correction replayed there."""
    if correction.regroups or correction.story_id in store.dirty_stories(conn):
        return False
    days = {a.id: a.published for a in store.articles(conn, correction.story_id)}
    done = corrections.replay(analysis, events, [correction], days)
    for event in done.events:
        store.set_event(conn, event.id, event.article_ids)
    store.save_analysis(conn, done.analysis, done.events)
    return True


def _merged_title(conn: Database, title: str, story_id: str, into_story: str) -> str:
    """The better of the two stories' titles for the story a merge makes (`corrections.better_title`),
    judged against the openings of both stories' reports."""
    into = store.merged_into(conn, into_story) or into_story
    leads = set().union(*(lead_keys(a.text) for story in (into, story_id) for a in store.articles(conn, story)))
    return corrections.better_title([store.load_analysis(conn, into)[0].title, title], leads)


def undo(conn: Database, correction_id: str, author: str) -> Correction:
    """Take a correction back: the record stays (as undone, by whom and when) and what it moved goes back."""
    with store.writer_lock(conn):
        correction = store.correction(conn, correction_id)
        if correction is None:
            raise NothingThere(f"no correction with id {correction_id!r}")
        if not correction.active:
            raise CorrectionError(f"correction {correction_id} was already undone")
        with store.transaction(conn):
            store.set_undone(conn, correction_id, author)
            touched = _regroup(conn, correction, undo=True)
            home = store.merged_into(conn, correction.story_id) or correction.story_id
            store.mark_dirty(conn, touched | {home})
            store.bump_ingest_generation(conn)
        analyse_dirty(conn, workers=1)
    undone = store.correction(conn, correction_id)
    assert undone is not None  # written above, never deleted
    return undone


def reanalyse(conn: Database) -> list[Failure]:
    """Analyse every story again from its stored facts, corrections replayed."""
    with store.writer_lock(conn):
        with store.transaction(conn):
            store.mark_dirty(conn, set(store.story_ids(conn)))
        return analyse_dirty(conn)


def _regroup(conn: Database, correction: Correction, undo: bool) -> set[str]:
    """Move the reports a grouping correction names (or, to undo it, put every report where the
    corrections still standing put it), and rebuild the clustering profiles of the stories they left
    and joined; returns those stories."""
    if not correction.regroups:
        return set()
    if undo:
        return _put_back(conn, correction)
    v = correction.value
    live = _live(conn)
    if correction.kind == "merge":
        gone, into = v["from_story"], live(v["into_story"])
        store.record_merges(conn, "story", [(gone, into)])
        _rebuild_story_group(conn, gone, parent=into)
        _rebuild_story_group(conn, into)
        return {into}
    home, away = live(correction.story_id), live(corrections.destination(correction))
    store.set_story(conn, corrections.moved_reports(correction), away)
    for story_id in sorted({home, away}):
        _rebuild_story_group(conn, story_id)
    return {home, away}


def _put_back(conn: Database, undone: Correction) -> set[str]:
    """After `undone` is marked undone: every report any grouping correction ever named goes where
    the active ones, replayed onto the machine's grouping in the order made, put it (see
    `corrections.places`; the merges still standing are followed by `merged_into`), not merely back
    where `undone` found it, which a later correction may have moved it from (a split undone before
    the move of the report it split off). The clustering profiles of the stories that lost or gained
    reports, and of those `undone` named, are rebuilt; returns those stories."""
    live = _live(conn)
    v = undone.value
    if undone.kind == "merge":  # the merged-away id names its own story again
        for into in sorted({v["into_story"], live(v["into_story"])}):
            store.unrecord_merge(conn, v["from_story"], into)
    made = store.corrections(conn)
    named = sorted({a for c in made if c.regroups for a in corrections.moved_reports(c)})
    now, copies = report_stories(conn, named)
    belongs = {a: live(place.story) for a, place in corrections.places(made, copies).items() if a in now}
    changed = {live(s) for s in store.correction_stories(undone)}
    # originals first: a report's copies move with it, then a copy a reader moved on its own follows
    is_copy = {c for found in copies.values() for c in found}
    after = dict(now)
    for article_id in sorted(belongs, key=lambda a: (a in is_copy, a)):
        if after[article_id] == belongs[article_id]:
            continue
        changed |= {after[article_id], belongs[article_id]}
        store.set_story(conn, [article_id], belongs[article_id])
        for copy in copies.get(article_id, []):
            changed.add(after[copy])
            after[copy] = belongs[article_id]
        after[article_id] = belongs[article_id]
    for story_id in sorted(changed - {None}):
        _rebuild_story_group(conn, story_id)
    return changed - {None}


def _live(conn: Database) -> Callable[[str], str]:
    """The story a story id names now: itself, or the story it was merged into."""
    return lambda story_id: store.merged_into(conn, story_id) or story_id


def _rebuild_story_group(conn: Database, story_id: str, parent: str | None = None) -> None:
    """A story's clustering profile from the reports it now holds, so new reports are linked to what
    the story is after the correction, not before. Its index terms are left to the next ingest
    (stored as unknown, so it re-ranks them with the IDF of its day)."""
    facts, vectors = store.article_facts(conn, story_id), store.article_vectors(conn, story_id)
    given = store.published_given(conn, story_id)
    group = Group(story_id, [], Profile(), parent)
    for article in store.articles(conn, story_id):
        if article.duplicate_of or article.id not in vectors:
            continue
        terms, dense = vectors[article.id]
        group.add(article.id, article_profile(article.title, terms, embed.from_bytes(dense), given.get(article.id),
                                              article.language, ArticleFacts.from_dict(facts[article.id])))
    store.save_groups(conn, "story", [group.to_stored()])
