"""Exports a person reads: a story's dossier, or every story, as Markdown or as one self-contained HTML file.

They read as the story page does: one title, the biggest stories first with a list of contents (the full
report), sections only where the story has something to show, and every statement cited [n] by the
number its source has under Sources, the story page's numbers (sources in date order), never by an
internal id. Every piece of article text passes through html.escape (HTML) or `md` (Markdown): a report
that contains <script> or [a link](javascript:...) shows it as text.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from html import escape

from .. import store
from ..analysis.corrections import describe
from ..analysis.titles import shown_title
from ..models import Article, Correction, Event, StoryAnalysis, claim_label
from ..store.backends import Database
from . import chart, coverage
from .export import collect, story_articles, to_json

MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


@dataclass
class Told:
    """One story as a dossier tells it: its analysis, events, sources numbered as on its page, corrections."""

    analysis: StoryAnalysis
    events: list[Event]
    sources: list[Article]
    corrections: Sequence[Correction]

    @cached_property
    def number(self) -> dict[str, int]:
        return {a.id: n for n, a in enumerate(self.sources, 1)}

    def numbers(self, article_ids: Sequence[str]) -> list[int]:
        number = self.number
        return sorted({number[a] for a in article_ids if a in number})

    @cached_property
    def span(self) -> tuple[str | None, str | None]:
        dated = sorted(a.published for a in self.sources if a.published)
        return (dated[0], dated[-1]) if dated else (None, None)


def told(conn: Database, story_id: str | None = None) -> list[Told]:
    """The stories of the store (or one), the most reported first, then the latest first; each story's
    sources in date order, as its page numbers them."""
    articles, stories = collect(conn, story_id)
    result = [Told(analysis, events, sorted(story_articles(articles, events), key=lambda a: (a.published or "9999", a.id)),
                   store.corrections(conn, [analysis.story_id])) for analysis, events in stories]
    return sorted(result, key=lambda t: (-len(t.sources), _descending(t.span[1]), t.analysis.story_id))


def _descending(day: str | None) -> str:
    """A sort key that puts later days first and undated stories last."""
    return "".join(chr(0x10FFFF - ord(ch)) for ch in day) if day else "\U0010ffff"


def reports(count: int) -> str:
    return f"{count} report{'' if count == 1 else 's'}"


def period(start: str | None, end: str | None) -> str:
    if not start:
        return "undated"
    return start if not end or end == start else f"{start} to {end}"


def statement_text(analysis: StoryAnalysis, item_id: str) -> str:
    for quote in analysis.quotes:
        if quote.id == item_id:
            return f"{quote.speaker or 'unattributed'}: {quote.variants[0].text}"
    for claim in analysis.claims:
        if claim.id == item_id:
            return f"{claim.source or 'unattributed'}: {claim.text}"
    return item_id


def correction_line(correction: Correction) -> str:
    undone = f" (undone by {correction.undone_by}, {correction.undone_at[:10]})" if correction.undone_at else ""
    return f"{correction.author}, {correction.at[:10]}: {describe(correction)}{undone}"


@dataclass
class Section:
    """A heading and its items (text already escaped for the format); a section without items is not shown.
    A folded one (the background before the story) is closed in HTML, a sub-heading in Markdown."""

    heading: str
    items: list[str]
    folded: bool = False


def sections(story: Told, esc: Callable[[str], str], cite: Callable[[Sequence[str]], str],
             ids: bool = False) -> list[Section]:
    """What a dossier says of a story, in the page's order, each text escaped by `esc`, each citation by `cite`;
    with `ids`, each event, quote, figure, dispute and correction followed by the id a correction names it by
    (`storyline show`, where the reader who corrects reads them)."""
    analysis, seen = story.analysis, coverage.coverage(story.analysis, story.sources)
    tag = (lambda *named: f" ({esc(' ⟷ '.join(named))})") if ids else (lambda *named: "")
    dated = coverage.timeline_parts(analysis.timeline, story.sources)
    when = lambda t: f"{esc(t.date)}{' (expected)' if t.expected else ''}: {esc(t.text)} {cite(t.article_ids)}"  # noqa: E731
    first = seen.first
    opening = ([f"First reported by {esc(first.outlet)} on {esc(first.first_published or '')}"
                f"{' (date inferred from the text)' if first.first_inferred else ''}"
                f"{f' ({coverage.OUTLYING_FIRST})' if seen.first_outlying else ''}"
                f"{'; the same day: ' + esc(', '.join(seen.same_day)) if seen.same_day else ''} "
                f"{cite([first.first_article_id])}"] if first else [])
    return [
        Section("Summary", [f"{esc(s.text)} {cite(s.article_ids)}" for s in analysis.summary]),
        Section("Phases", [f"{esc(period(p.event.start, p.event.end))}: {esc(p.event.title)} — "
                           f"{reports(len(p.event.article_ids))}{esc(', ' + ', '.join(p.outlets)) if p.outlets else ''}"
                           f"{tag(p.event.id)}"
                           for p in coverage.phases(analysis, story.events, story.sources)]),
        Section("Coverage", [*opening, f"{reports(len(story.sources))} {esc(seen.reach())}"]
                + [f"{esc(o.outlet)}: {reports(o.articles)}, first {esc(o.first_published or 'undated')}, "
                   f"{esc(', '.join(o.languages))}" for o in seen.outlets]),
        Section("Timeline", [when(t) for t in dated.own]),
        Section(f"Earlier ({len(dated.earlier)})", [when(t) for t in dated.earlier], folded=True),
        Section("Disputed", [f"{esc(statement_text(analysis, r.a))} ⟷ {esc(statement_text(analysis, r.b))} "
                             f"({esc(r.type)}: {esc(r.why)}){tag(r.a, r.b)}" for r in analysis.relations if r.type != "agrees"]),
        Section("Agreed", [f"{esc(statement_text(analysis, r.a))} ⟷ {esc(statement_text(analysis, r.b))} ({esc(r.why)})"
                           f"{tag(r.a, r.b)}"
                           for r in analysis.relations if r.type == "agrees"]),
        Section("Who said what", [f"{esc(q.speaker or 'unattributed')} ({q.kind}{', ' + esc(q.said_on) if q.said_on else ''}): "
                                  f"“{esc(q.variants[0].text)}” {cite([v.article_id for v in q.variants])}{tag(q.id)}"
                                  for q in sorted(analysis.quotes, key=lambda q: (q.speaker is None, q.speaker or ""))]),
        Section("Figures", [f"{esc(claim_label(c))} — {esc(c.source or 'unattributed')} {cite(c.article_ids)}{tag(c.id)}"
                            for c in analysis.claims if c.quantity is not None]),
        Section("Carried by some outlets only", [f"{esc(statement_text(analysis, c.statement_id))} — in "
                                                 f"{esc(', '.join(c.carried_by))}; not in {esc(', '.join(c.not_carried_by))}"
                                                 for c in seen.carriage if c.not_carried_by]),
        Section("Corrections by readers", [esc(correction_line(c)) + tag(c.id) for c in story.corrections]),
    ]


# ------------------------------------------------------------------ Markdown

def md(text: str) -> str:
    """Report text as Markdown that renders as that text: on one line (a blank line would end the list
    item and start a block of its own), HTML's < > & as entities (no raw HTML, no autolinks), and the
    characters of links, emphasis, code and tables backslash-escaped (no `[x](javascript:...)`)."""
    one_line = " ".join(str(text).split())
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


def story_markdown(story: Told, level: int = 2) -> str:
    """One story as Markdown: its title at `level` (1 in its own dossier), then its sections and sources."""
    cite = lambda ids: " ".join(f"\\[{n}\\]" for n in story.numbers(ids))  # noqa: E731
    lines = [f"{'#' * level} {md(story.analysis.title)}", "",
             f"{reports(len(story.sources))}, {md(period(*story.span))}", ""]
    for part in sections(story, md, cite, ids=True):
        if part.items:
            lines += [f"{'#' * (level + 1 + part.folded)} {part.heading}", "", *(f"- {item}" for item in part.items), ""]
    lines += [f"{'#' * (level + 1)} Sources", ""]
    lines += [f"{n}. {md(shown_title(a))} — {md(coverage.outlet_of(a) or a.source)} "
              f"({md(a.published or 'undated')}), {md(a.source)} ({md(a.id)})"
              for n, a in enumerate(story.sources, 1)]
    return "\n".join(lines) + "\n"


def to_markdown(conn: Database, story_id: str | None = None) -> str:
    stories = told(conn, story_id)
    if story_id:
        return story_markdown(stories[0], level=1)
    contents = [f"- {md(s.analysis.title)} — {reports(len(s.sources))}, {md(period(*s.span))}" for s in stories]
    return "\n".join(["# storyline report", "", f"{_stories(stories)}.", "", *contents, "",
                      *(story_markdown(s) for s in stories)])


def _stories(stories: list[Told]) -> str:
    count = f"{len(stories)} stor{'y' if len(stories) == 1 else 'ies'} from {sum(len(s.sources) for s in stories)} articles"
    return count + (", the most reported first" if len(stories) > 1 else "")


# ------------------------------------------------------------------ HTML

HTML_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.45;color:#222}
h1{font-size:1.6rem}h2{border-bottom:2px solid #ccc;padding-top:1rem}section{margin-bottom:2rem}
.cite a{font-size:.75em;text-decoration:none;margin-left:.15em}.muted{color:#555}
nav ol{padding-left:1.4rem}nav li{margin:.2rem 0}details{margin:.3rem 0}pre{white-space:pre-wrap}
svg.chart{max-width:32rem;display:block;margin:.5rem 0}ol.sources>li{margin:.3rem 0}
"""


def _story_html(story: Told, own_page: bool) -> str:
    """One story as an HTML section: a heading (h1 in its own dossier), its sections, chart and sources."""
    anchor = escape(story.analysis.story_id)
    cite = lambda ids: "<span class=cite>" + "".join(  # noqa: E731
        f'<a href="#{anchor}-{n}">[{n}]</a>' for n in story.numbers(ids)) + "</span>"
    level = 1 if own_page else 2
    parts = [f"<section id='{anchor}'><h{level}>{escape(story.analysis.title)}</h{level}>",
             f"<p class=muted>{reports(len(story.sources))}, {escape(period(*story.span))}</p>"]
    for part in sections(story, escape, cite):
        if part.heading == "Coverage" and (drawn := chart.svg(coverage.reports_over_time(story.sources))):
            part.items.insert(0, drawn)
        items = "<ul>" + "".join(f"<li>{item}</li>" for item in part.items) + "</ul>"
        if part.items and part.folded:
            parts.append(f"<details><summary>{part.heading}</summary>{items}</details>")
        elif part.items:
            parts.append(f"<h{level + 1}>{part.heading}</h{level + 1}>{items}")
    parts.append(f"<h{level + 1}>Sources</h{level + 1}><ol class=sources>")
    for n, a in enumerate(story.sources, 1):
        copy = f" (copy of [{story.number[a.duplicate_of]}])" if a.duplicate_of in story.number else ""
        parts.append(f"<li id='{anchor}-{n}'><details><summary>{escape(shown_title(a))} — "
                     f"{escape(coverage.outlet_of(a) or a.source)} "
                     f"({escape(a.published or 'undated')}{' inferred' if a.published_inferred else ''}){copy}</summary>"
                     f"<p class=muted>{escape(a.source)}</p><pre>{escape(a.text)}</pre></details></li>")
    parts.append("</ol></section>")
    return "\n".join(parts)


def to_html(conn: Database, story_id: str | None = None) -> str:
    stories = told(conn, story_id)
    title = stories[0].analysis.title if story_id else "storyline report"
    head = (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'><title>{escape(title)}</title>"
            f"<style>{HTML_STYLE}</style></head><body>")
    if story_id:
        return head + _story_html(stories[0], own_page=True) + "</body></html>"
    contents = "".join(f"<li><a href='#{escape(s.analysis.story_id)}'>{escape(s.analysis.title)}</a> "
                       f"<span class=muted>{reports(len(s.sources))}, {escape(period(*s.span))}</span></li>"
                       for s in stories)
    body = "\n".join(_story_html(s, own_page=False) for s in stories)
    return (f"{head}<h1>storyline report</h1><p>{_stories(stories)}.</p>"
            f"<nav><h2>Contents</h2><ol>{contents}</ol></nav>{body}</body></html>")


FORMATS = {"json": to_json, "markdown": to_markdown, "html": to_html}
