"""A story's dated timeline: what happened (or is expected) when, with the articles that say so.

Each time expression of the narrative is resolved against its own article's publication date,
read the way the sentence reads it: a planned date ahead of the report (its own clause plans it:
'wrapped up Tuesday and won't resume until Sept. 9' plans only the second), a narrated one before
it, and one with no cue either way in the past unless the future reading is much nearer (a
report tells what happened far more often than what is planned). The sentence holding it is
the entry, under its finest dates (a day before a month before a year): every distinct one of
that fineness, since one sentence may tell two events ('won't resume until Sept. 9' after a
hearing on Tuesday). A named day without a year ('the Boxing Day tsunami in 2004') takes the one
year its sentence names. A dateline dates the report, not an event. Entries on the same date with
overlapping content from several articles merge into one entry citing all of them. Future or
planned events are kept, marked `expected`; a date wholly before the report never is.
"""

from __future__ import annotations

from datetime import date

from ..config import current
from ..dates import ResolvedTime, resolve, to_date
from ..extract import ArticleFacts, TimeMention
from ..models import TimelineEntry
from ..text import content_words, overlap

FINENESS = {"year": 0, "month": 1, "day": 2}
NAMED_DAYS = {"holiday"}  # pattern kinds of a day named without its year, which a year said beside it completes


def build_timeline(story_id: str, facts: dict[str, ArticleFacts], published: dict[str, str | None]) -> list[TimelineEntry]:
    entries: dict[tuple[str, str], list[tuple[TimelineEntry, set[str]]]] = {}
    for article_id in sorted(facts):
        anchor = to_date(published.get(article_id))
        article = facts[article_id]
        for index, dated in sorted(_sentence_dates(article.times, anchor).items()):
            sentence = article.sentences[index]
            if len(sentence.split()) < current().timeline.min_sentence_words:
                continue
            for resolved, future in dated:
                expected = (future or (anchor is not None and resolved.first > anchor)) and \
                    (anchor is None or resolved.last >= anchor)
                entry = TimelineEntry(resolved.iso, resolved.granularity, story_id, _short(sentence), [article_id], expected)
                _add(entries.setdefault((resolved.iso, resolved.granularity), []), entry, content_words(sentence))
    ordered = sorted((e for bucket in entries.values() for e, _ in bucket),
                     key=lambda e: (e.date, e.granularity != "day", e.text))
    return ordered


def _sentence_dates(times: list[TimeMention], anchor: date | None) -> dict[int, list[tuple[ResolvedTime, bool]]]:
    """sentence index -> its distinct finest dates, each with whether the sentence plans it."""
    by_sentence: dict[int, list[tuple[TimeMention, ResolvedTime]]] = {}
    for mention in times:
        if mention.dateline:
            continue
        resolved = resolve(mention.expression(), anchor, future=mention.future, past=mention.tense == "past",
                           narrated=True)
        if resolved is not None:
            by_sentence.setdefault(mention.sentence, []).append((mention, resolved))
    dated: dict[int, list[tuple[ResolvedTime, bool]]] = {}
    for index, found in by_sentence.items():
        found = _years_completed(found)
        finest = max(FINENESS[r.granularity] for _, r in found)
        kept: dict[str, tuple[ResolvedTime, bool]] = {}
        for mention, resolved in found:
            if FINENESS[resolved.granularity] == finest and resolved.iso not in kept:
                kept[resolved.iso] = (resolved, mention.future)
        dated[index] = list(kept.values())
    return dated


def _years_completed(found: list[tuple[TimeMention, ResolvedTime]]) -> list[tuple[TimeMention, ResolvedTime]]:
    """A named day without a year takes the year its sentence names, when it names exactly one."""
    years = {r.first.year for _, r in found if r.granularity == "year" and r.explicit_year}
    if len(years) != 1:
        return found
    year = years.pop()
    completed = []
    for mention, resolved in found:
        if mention.kind in NAMED_DAYS and not resolved.explicit_year and resolved.first.year != year:
            resolved = resolve(mention.expression(), date(year, 12, 31), past=True) or resolved
        completed.append((mention, resolved))
    return completed


def _add(entries: list[tuple[TimelineEntry, set[str]]], entry: TimelineEntry, words: set[str]) -> None:
    """Merge into an entry of the same date and granularity that says the same, else append."""
    for existing, existing_words in entries:
        if overlap(words, existing_words) >= current().timeline.same_entry_overlap:
            for article_id in entry.article_ids:
                if article_id not in existing.article_ids:
                    existing.article_ids.append(article_id)
            existing.expected = existing.expected and entry.expected
            return
    entries.append((entry, words))


def _short(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    longest = current().timeline.max_entry_chars
    return sentence if len(sentence) <= longest else sentence[: longest - 1].rsplit(" ", 1)[0] + "…"
