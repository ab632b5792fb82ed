"""A story's dated timeline: what happened (or is expected) when, with the articles that say so.

Each time expression of the narrative is resolved against its article's publication date;
the sentence holding it is the entry, under one date only: its finest (a day before a month
before a year), the first of equals. A dateline dates the report, not an event. Entries on the same date with overlapping content
from several articles merge into one entry citing all of them. Future or planned events
are kept, marked `expected`.
"""

from __future__ import annotations

from ..config import current
from ..dates import resolve, to_date
from ..extract import ArticleFacts
from ..models import TimelineEntry
from ..text import content_words, overlap

FINENESS = {"year": 0, "month": 1, "day": 2}


def build_timeline(story_id: str, facts: dict[str, ArticleFacts], published: dict[str, str | None]) -> list[TimelineEntry]:
    entries: dict[tuple[str, str], list[tuple[TimelineEntry, set[str]]]] = {}
    for article_id in sorted(facts):
        anchor = to_date(published.get(article_id))
        article = facts[article_id]
        dated: dict[int, tuple] = {}
        for mention in article.times:
            resolved = None if mention.dateline else resolve(mention.expression(), anchor, future=mention.future)
            if resolved is not None and (mention.sentence not in dated or FINENESS[resolved.granularity] >
                                         FINENESS[dated[mention.sentence][1].granularity]):
                dated[mention.sentence] = (mention, resolved)
        for index, (mention, resolved) in sorted(dated.items()):
            sentence = article.sentences[index]
            if len(sentence.split()) < current().timeline.min_sentence_words:
                continue
            expected = mention.future or (anchor is not None and resolved.first > anchor)
            entry = TimelineEntry(resolved.iso, resolved.granularity, story_id, _short(sentence), [article_id], expected)
            _add(entries.setdefault((resolved.iso, resolved.granularity), []), entry, content_words(sentence))
    ordered = sorted((e for bucket in entries.values() for e, _ in bucket),
                     key=lambda e: (e.date, e.granularity != "day", e.text))
    return ordered


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
