"""The reader's corrections: rename a story, fix or remove a quote's speaker, mark a dispute wrong,
move a report to another story or event, split a story, merge two, take a name out of an entity.

A correction is a record of its own (who, when, what), never an edit of the analysis: the analysis
is recomputed whenever its story changes, and every active correction is replayed onto it after
each analysis, so a correction outlives re-ingest and re-analysis. Statements are named by what
they say and where (their article and words), not by their ids, which change with the story.

This module holds the pure part: what a correction means and how it applies to one analysis.
`run.corrections` moves reports between stories, `run.stories` replays; `store` keeps the records.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from .. import config
from ..models import CORRECTION_KINDS as KINDS
from ..models import Correction, Entity, Event, Quote, Relation, StoryAnalysis
from ..text import id_text, lone_surrogate, typed_text
from .titles import is_headline


class CorrectionError(ValueError):
    """A correction that cannot be made as asked; the message says why."""


class NothingThere(CorrectionError):
    """The story or correction named does not exist."""


FIELDS = ("title", "quote_id", "speaker", "a", "b", "article_id", "event_id", "to_story", "article_ids", "into_story",
          "entity_id", "name")


def correction_id(kind: str, story_id: str, value: dict, author: str, at: str, made_before: int) -> str:
    """What the correction says, who made it and when, and how many were made before it: the same
    correction made again within the second (after an undo) is another record, with an id of its own."""
    digest = hashlib.sha1(repr((kind, story_id, sorted(value.items()), author, at, made_before)).encode()).hexdigest()
    return "k" + digest[:12]


def split_story_id(correction: Correction) -> str:
    """The id of the story a split makes: its own, whatever the reports split off are called."""
    return "s" + hashlib.sha1(correction.id.encode()).hexdigest()[:12]


# ------------------------------------------------------------------ statements named by their words

def statement_key(analysis: StoryAnalysis, statement_id: str) -> dict:
    """A quote or figure as it can be found again after re-analysis: its articles and words."""
    for quote in analysis.quotes:
        if quote.id == statement_id:
            return {"quote": [[v.article_id, v.text] for v in quote.variants]}
    for claim in analysis.claims:
        if claim.id == statement_id:
            return {"figure": [claim.text, sorted(claim.article_ids)]}
    raise CorrectionError(f"story {analysis.story_id} has no quote or figure {statement_id!r}")


def find_statement(analysis: StoryAnalysis, key: dict) -> str | None:
    """The statement of this analysis that `key` names: a quote sharing one of its variants (an
    article carrying the same words), or a figure of the same words in one of the same articles."""
    if "quote" in key:
        wanted = {(a, t) for a, t in key["quote"]}
        for quote in analysis.quotes:
            if any((v.article_id, v.text) in wanted for v in quote.variants):
                return quote.id
        return None
    text, article_ids = key["figure"]
    for claim in analysis.claims:
        if claim.text == text and set(article_ids) & set(claim.article_ids):
            return claim.id
    return None


def describe(correction: Correction) -> str:
    """The correction in one line, as the page and the CLI show it."""
    v = correction.value
    said = {
        "rename": lambda: f"renamed the story “{v['title']}”",
        "speaker": lambda: (f"gave the quote “{v['text']}” to {v['speaker']}" if v.get("speaker")
                            else f"removed the speaker of “{v['text']}”"),
        "dispute": lambda: f"marked wrong: “{v['a_text']}” {v['type']} “{v['b_text']}”",
        "event": lambda: f"moved report {v['article_id']} to the event of report {v['anchor']}",
        "move": lambda: f"moved report {v['article_id']} from story {v['from_story']} to story {v['to_story']}",
        "split": lambda: f"split {len(v['article_ids'])} reports off into story {v['new_story']}",
        "merge": lambda: f"merged story {v['from_story']} into {v['into_story']}",
        "apart": lambda: f"“{v['name']}” is not {v['entity']}: kept apart",
    }
    return said[correction.kind]()


# ------------------------------------------------------------------ what a correction says

def value_for(kind: str, analysis: StoryAnalysis, events: list[Event], article_ids: list[str],
              fields: dict) -> dict:
    """What a correction asked of `analysis` records, checked against it: the statements and reports
    it names exist in the story, and it changes something. Raises CorrectionError saying what is wrong."""
    if kind not in KINDS:
        raise CorrectionError(f"kind: one of {', '.join(KINDS)}, not {kind!r}")
    return VALUES[kind](analysis, events, article_ids, fields)


def _text(fields: dict, name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise CorrectionError(f"{name}: a non-empty text is needed")
    return " ".join(value.split())


def _member(article_ids: list[str], fields: dict, story_id: str) -> str:
    article_id = _text(fields, "article_id")
    if article_id not in article_ids:
        raise CorrectionError(f"article_id: story {story_id} has no report {article_id!r}")
    return article_id


def _rename_value(analysis, _events, _articles, fields) -> dict:
    return {"title": _text(fields, "title"), "was": analysis.title}


def _speaker_value(analysis, _events, _articles, fields) -> dict:
    quote = quote_of(analysis, _text(fields, "quote_id"))
    speaker = fields.get("speaker")
    if speaker is not None and not isinstance(speaker, str):
        raise CorrectionError("speaker: a name, or null to remove the speaker")
    name = " ".join(speaker.split()) if speaker else None
    if name == quote.speaker:
        raise CorrectionError(f"the quote's speaker is already {name!r}")
    return {"variants": [[v.article_id, v.text] for v in quote.variants], "text": quote.variants[0].text,
            "speaker": name, "was": quote.speaker}


def _dispute_value(analysis, _events, _articles, fields) -> dict:
    a, b = _text(fields, "a"), _text(fields, "b")
    relation = relation_between(analysis, a, b)
    texts = {q.id: q.variants[0].text for q in analysis.quotes} | {c.id: c.text for c in analysis.claims}
    return {"a": statement_key(analysis, relation.a), "b": statement_key(analysis, relation.b),
            "a_text": texts[relation.a], "b_text": texts[relation.b], "type": relation.type}


def _event_value(analysis, events, article_ids, fields) -> dict:
    article_id = _member(article_ids, fields, analysis.story_id)
    target = next((e for e in events if e.id == fields.get("event_id")), None)
    if target is None:
        raise CorrectionError(f"event_id: story {analysis.story_id} has no event {fields.get('event_id')!r}")
    if article_id in target.article_ids:
        raise CorrectionError(f"report {article_id} is already in event {target.id}")
    return {"article_id": article_id, "anchor": target.article_ids[0], "event_id": target.id}


def _move_value(analysis, _events, article_ids, fields) -> dict:
    article_id = _member(article_ids, fields, analysis.story_id)
    return {"article_id": article_id, "from_story": analysis.story_id, "to_story": _text(fields, "to_story")}


def _split_value(analysis, _events, article_ids, fields) -> dict:
    wanted = fields.get("article_ids")
    if not isinstance(wanted, list) or not wanted or not all(isinstance(a, str) for a in wanted):
        raise CorrectionError("article_ids: the list of reports to split off is needed")
    missing = [a for a in wanted if a not in article_ids]
    if missing:
        raise CorrectionError(f"article_ids: story {analysis.story_id} has no report {missing[0]!r}")
    if set(article_ids) <= set(wanted):
        raise CorrectionError("article_ids: a split leaves some reports behind; this names them all")
    return {"article_ids": sorted(set(wanted))}


def _merge_value(analysis, _events, article_ids, fields) -> dict:
    return {"from_story": analysis.story_id, "into_story": _text(fields, "into_story"), "article_ids": article_ids}


def _apart_value(analysis, _events, _articles, fields) -> dict:
    entity_id, name = _text(fields, "entity_id"), _text(fields, "name")
    entity = next((e for e in analysis.entities if e.id == entity_id), None)
    if entity is None:
        raise CorrectionError(f"entity_id: story {analysis.story_id} has no entity {entity_id!r}")
    if name not in entity.aliases:
        raise CorrectionError(f"name: {entity.name} is not written {name!r} in this story")
    if len(entity.aliases) < 2:
        raise CorrectionError(f"{entity.name} has no other name to keep {name!r} apart from")
    return {"name": name, "entity": entity.name}


VALUES = {"rename": _rename_value, "speaker": _speaker_value, "dispute": _dispute_value, "event": _event_value,
          "move": _move_value, "split": _split_value, "merge": _merge_value, "apart": _apart_value}


# ------------------------------------------------------------------ where the reports belong

def moved_reports(correction: Correction) -> list[str]:
    """The reports a grouping correction names: the one moved, those split off, those merged away."""
    v = correction.value
    return list(v["article_ids"]) if correction.kind in ("split", "merge") else [v["article_id"]]


def destination(correction: Correction) -> str:
    """The story a grouping correction sends the reports it names to (as it was named then)."""
    return correction.value[{"move": "to_story", "split": "new_story", "merge": "into_story"}[correction.kind]]


@dataclass(frozen=True)
class Place:
    """Where a report belongs: `sent_to`, the story the last active move or split naming it sent it
    to, or else `machine`, the story the machine put it in (the one the first grouping correction
    naming it was made on: until then no reader had moved it). Both as named when the corrections
    were made: the run layer follows the merges still standing to the story that holds them now."""

    machine: str
    sent_to: str | None

    @property
    def story(self) -> str:
        return self.sent_to or self.machine


def places(corrections: list[Correction], copies: dict[str, list[str]] | None = None) -> dict[str, Place]:
    """Where each report any grouping correction named belongs: the active corrections replayed onto
    the machine's grouping in the order they were made. `corrections` are all of them, undone ones
    too (they tell which story the machine had put a report in). A move or a split sends the reports
    it names, wherever they are by then; a merge sends a story, not its reports (a report that is no
    longer in the merged story, an undone move having taken it back, does not follow it), so it only
    tells where its reports came from, and the run layer follows it by the story's id. A correction
    that names a report names its copies too (they move with it).

    This is what makes undo independent of order: an undone correction is simply left out, and every
    report goes where the corrections still standing put it, or back to the machine's story."""
    copies = copies or {}
    found: dict[str, Place] = {}
    for correction in corrections:
        if not correction.regroups:
            continue
        sends = correction.active and correction.kind != "merge"
        for original in moved_reports(correction):
            for article_id in [original, *copies.get(original, [])]:
                before = found.get(article_id)
                machine = before.machine if before else correction.story_id
                sent_to = destination(correction) if sends else before.sent_to if before else None
                found[article_id] = Place(machine, sent_to)
    return found


# ------------------------------------------------------------------ replaying onto an analysis

@dataclass
class Replayed:
    analysis: StoryAnalysis
    events: list[Event]


def replay(analysis: StoryAnalysis, events: list[Event], corrections: list[Correction],
           days: dict[str, str | None]) -> Replayed:
    """The analysis with every active analysis-level correction applied, in the order they were made.

    A correction whose statement or report is no longer in the story does nothing: `applies` then
    tells the page so, rather than the correction guessing a new target.
    """
    done = Replayed(analysis, events)
    for correction in corrections:
        if correction.active and correction.kind in APPLY:
            APPLY[correction.kind](done, correction, days)
        elif correction.active and correction.kind == "merge" and correction.value.get("title"):
            _rename(done, correction, days)  # the better of the two stories' titles (see `better_title`)
    return done


def better_title(titles: list[str], leads: set[str]) -> str:
    """The title a merged story keeps: the first of `titles` (the story merged into first) that reads
    as a headline of the merged reports (`titles.is_headline` against their openings), so a site's
    name ('Wired News') never wins over a headline; the first when none does."""
    return next((t for t in titles if is_headline(t, "", leads)), titles[0])


def applies(correction: Correction, analysis: StoryAnalysis, events: list[Event], article_ids: list[str]) -> bool:
    """Whether the story shows what the correction asked for (what it named is still there)."""
    v = correction.value
    if correction.kind == "rename":
        return analysis.title == v["title"]
    if correction.kind == "speaker":
        found = find_statement(analysis, {"quote": v["variants"]})
        return found is not None and quote_of(analysis, found).speaker == v["speaker"]
    if correction.kind == "dispute":
        a, b = find_statement(analysis, v["a"]), find_statement(analysis, v["b"])
        return a is not None and b is not None and not any(
            {r.a, r.b} == {a, b} and r.type == v["type"] for r in analysis.relations)
    if correction.kind == "event":
        return any(v["article_id"] in e.article_ids and v["anchor"] in e.article_ids for e in events)
    if correction.kind == "apart":
        return any(e.aliases == [v["name"]] for e in analysis.entities)
    moved, held = set(moved_reports(correction)), set(article_ids)
    if correction.kind in ("move", "split") and analysis.story_id != destination(correction):
        return not moved & held  # seen from the story they left: applies while they stay gone
    return moved <= held


def _rename(done: Replayed, correction: Correction, _days) -> None:
    done.analysis = replace(done.analysis, title=correction.value["title"])


def _speaker(done: Replayed, correction: Correction, _days) -> None:
    target = find_statement(done.analysis, {"quote": correction.value["variants"]})
    if target is None:
        return
    name = correction.value.get("speaker")
    entity = next((e.id for e in done.analysis.entities
                   if name and (e.name.casefold() == name.casefold()
                                or any(a.casefold() == name.casefold() for a in e.aliases))), None)
    done.analysis = replace(done.analysis, quotes=[
        replace(q, speaker=name, speaker_entity_id=entity) if q.id == target else q for q in done.analysis.quotes])


def _dispute(done: Replayed, correction: Correction, _days) -> None:
    a, b = (find_statement(done.analysis, correction.value[k]) for k in ("a", "b"))
    kept = [r for r in done.analysis.relations if {r.a, r.b} != {a, b} or r.type != correction.value["type"]]
    done.analysis = replace(done.analysis, relations=kept)


def _event(done: Replayed, correction: Correction, days: dict[str, str | None]) -> None:
    """The report joins the event that holds the anchor report; both events' dates follow their reports."""
    moved, anchor = correction.value["article_id"], correction.value["anchor"]
    target = next((e for e in done.events if anchor in e.article_ids), None)
    if target is None or not any(moved in e.article_ids for e in done.events) or moved in target.article_ids:
        return
    changed = []
    for event in done.events:
        members = [a for a in event.article_ids if a != moved] + ([moved] if event is target else [])
        if members:
            dated = sorted(d for d in (days.get(a) for a in members) if d)
            changed.append(replace(event, article_ids=members, start=dated[0] if dated else None,
                                   end=dated[-1] if dated else None))
    done.events = changed


def _apart(done: Replayed, correction: Correction, _days) -> None:
    """The name leaves the entity it was joined to for one of its own (the joins naming it go with it);
    the quotes and figures given to the entity under that name follow it."""
    name = correction.value["name"]
    holder = next((e for e in done.analysis.entities if name in e.aliases and len(e.aliases) > 1), None)
    if holder is None:
        return
    rest = [a for a in holder.aliases if a != name]
    kept = replace(holder, name=holder.name if holder.name != name else rest[0], aliases=rest,
                   joins=[j for j in holder.joins if name not in (j.name, j.other)])
    apart = Entity("n" + hashlib.sha1(f"{done.analysis.story_id}|{name}|apart".encode()).hexdigest()[:10], name,
                   holder.type, [name], holder.article_ids)

    def named_so(quote: Quote) -> bool:
        return quote.speaker_entity_id == holder.id and all(v.speaker_text == name for v in quote.variants)

    done.analysis = replace(
        done.analysis,
        entities=[kept if e is holder else e for e in done.analysis.entities] + [apart],
        quotes=[replace(q, speaker=name, speaker_entity_id=apart.id) if named_so(q) else q for q in done.analysis.quotes],
        claims=[replace(c, source_entity_id=apart.id) if c.source_entity_id == holder.id and c.source == name else c
                for c in done.analysis.claims])


APPLY = {"rename": _rename, "speaker": _speaker, "dispute": _dispute, "event": _event, "apart": _apart}


def relation_between(analysis: StoryAnalysis, a: str, b: str) -> Relation:
    found = next((r for r in analysis.relations if {r.a, r.b} == {a, b}), None)
    if found is None:
        raise CorrectionError(f"story {analysis.story_id} shows no agreement or dispute between {a!r} and {b!r}")
    return found


def quote_of(analysis: StoryAnalysis, quote_id: str) -> Quote:
    found = next((q for q in analysis.quotes if q.id == quote_id), None)
    if found is None:
        raise CorrectionError(f"story {analysis.story_id} has no quote {quote_id!r}")
    return found


def field_value(name: str, value: Any, limits: config.Corrections) -> Any:
    """One field of a correction through the text boundary ingest has (`text.safe_text`), within its
    size (the corrections settings), whoever sent it (the CLI, the HTTP API, a caller of this API):

    - a title or a name (author, speaker) is text cleaned as ingest cleans it (no control character,
      whitespace as single spaces); a lone surrogate in it is refused, what was meant being unknown;
    - an id (story, correction, quote, report, event, the kind) holding what no id holds (a control
      character, a lone surrogate) keeps it as U+FFFD: it names nothing ("no story ..."), never, cleaned,
      another; a list of ids (article_ids) is so item by item.

    A field that is not text (or a list of it) or is too long raises CorrectionError naming it and why.
    """
    if value is None and name in FIELDS:
        return None  # an absent field, or a speaker removed: the kind's own checks say if it is needed
    if name == "article_ids":
        if not isinstance(value, (list, tuple)):
            raise CorrectionError(f"{name}: a list of report ids, not {type(value).__name__}")
        if len(value) > limits.max_list_items:
            raise CorrectionError(f"{name}: at most {limits.max_list_items:,} reports, not {len(value):,}")
        return [field_value(f"{name} item {n}", item, limits) for n, item in enumerate(value, 1)]
    is_name = name in ("title", "author", "speaker", "name")
    if not isinstance(value, str):
        raise CorrectionError(f"{name}: {'text' if is_name else 'an id (text)'}, not {type(value).__name__}")
    if not is_name:
        if len(value) > limits.max_field_chars:
            raise CorrectionError(f"{name}: at most {limits.max_field_chars:,} characters, not {len(value):,}")
        return id_text(value)
    broken = lone_surrogate(value)
    if broken is not None:
        raise CorrectionError(f"{name}: not text: a lone surrogate at character {broken + 1} (bytes that are not "
                              "UTF-8, or half of an escaped pair)")
    cleaned = typed_text(value)
    most = limits.max_title_chars if name == "title" else limits.max_name_chars
    if len(cleaned) > most:
        raise CorrectionError(f"{name}: at most {most:,} characters, not {len(cleaned):,}")
    if not cleaned and (value.strip() or name == "author"):
        raise CorrectionError(f"{name}: a name is needed" if not value.strip() else
                              f"{name}: nothing is left once its control characters are removed")
    return cleaned


def correction_fields(fields: dict[str, Any], limits: config.Corrections) -> dict[str, Any]:
    """A correction's fields, each through `field_value`; a name no correction has is refused."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise CorrectionError(f"unknown field {unknown[0]!r}; a correction has {', '.join(FIELDS)}")
    return {name: field_value(name, value, limits) for name, value in fields.items()}
