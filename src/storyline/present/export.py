"""Exports: JSON exactly per ../shared/contract/EXPORT.md, Markdown, and a self-contained HTML report.

Every piece of article text in HTML goes through html.escape, and in Markdown through `md`: a report
that contains <script> or [a link](javascript:...) shows it as text.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import asdict
from html import escape

from .. import store
from ..analysis.corrections import describe
from ..dates import article_times
from ..extract.across_stories import link_entities
from ..models import Article, Correction, Entity, Event, StoryAnalysis, claim_label, speaker_confidence
from ..store.backends import Database
from . import chart, coverage

CONTRACT_VERSION = 1
MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


Stories = list[tuple[StoryAnalysis, list[Event]]]


def collect(conn: Database, story_id: str | None = None) -> tuple[list[Article], Stories]:
    """Everything, or one story alone (KeyError if the store has no such story): its articles in
    the order the full export lists them, so a story's dossier is its part of the full export."""
    if story_id is None:
        return store.articles(conn), [store.load_analysis(conn, sid) for sid in store.story_ids(conn)]
    analysis = store.load_analysis(conn, story_id)
    return store.articles(conn, story_id), [analysis]


def _quantity(q) -> dict | None:
    """The contract's quantity, plus (added under the contract's rule) whose figure it is and what it
    measures (and whether the subject is only what the report is about), so a reader can tell two figures
    of one thing from figures of two things. None for a claim that states a detail, not a figure."""
    if q is None:
        return None
    data = asdict(q)
    return {k: data[k] for k in ("value", "low", "high", "unit", "hedge", "subject", "measure", "subject_inferred")}


def to_json_document(conn: Database, story_id: str | None = None) -> dict:
    articles, stories = collect(conn, story_id)
    by_story: dict[str, list[Article]] = {}
    for a in articles:
        by_story.setdefault(a.story_id or "", []).append(a)
    story_entities: list[tuple[str, Entity]] = []
    document: dict = {"version": CONTRACT_VERSION, "articles": [], "events": [], "stories": [], "entities": [],
                      "quotes": [], "claims": [], "relations": [], "timeline": []}
    for a in articles:
        document["articles"].append({
            "id": a.id, "source": a.source, "title": a.title, "outlet": a.outlet, "language": a.language,
            "published": a.published, "published_inferred": a.published_inferred, "text": a.text,
            "event_id": a.event_id, "story_id": a.story_id, "duplicate_of": a.duplicate_of,
            "times": [asdict(t) for t in article_times(_with_headline(a), a.published, a.language)]})
    for analysis, events in stories:
        sid = analysis.story_id
        document["events"] += [{"id": e.id, "story_id": sid, "title": e.title, "start": e.start, "end": e.end,
                                "article_ids": e.article_ids} for e in events]
        document["stories"].append({
            "id": sid, "title": analysis.title, "event_ids": [e.id for e in events],
            "article_ids": [aid for e in events for aid in e.article_ids],
            "summary": [asdict(s) for s in analysis.summary],
            **coverage_json(analysis, events, by_story.get(sid, []))})
        story_entities += [(sid, e) for e in analysis.entities]
        document["quotes"] += [{"id": q.id, "speaker": q.speaker, "speaker_entity_id": q.speaker_entity_id,
                                "speaker_confidence": speaker_confidence(q.variants) if q.speaker else None,
                                "kind": q.kind, "said_on": q.said_on, "story_id": sid,
                                "variants": [asdict(v) for v in q.variants]} for q in analysis.quotes]
        document["claims"] += [{"id": c.id, "text": c.text, "source": c.source, "source_kind": c.source_kind,
                                "source_entity_id": c.source_entity_id, "quantity": _quantity(c.quantity),
                                "detail": asdict(c.detail) if c.detail else None,
                                "article_ids": c.article_ids, "story_id": sid} for c in analysis.claims]
        document["relations"] += [{**asdict(r), "story_id": sid} for r in analysis.relations]
        document["timeline"] += [asdict(t) for t in analysis.timeline]
    _add_store_entities(document, story_entities)
    return document


def _add_store_entities(document: dict, story_entities: list[tuple[str, Entity]]) -> None:
    """The store's entities (one per referent across stories, each with the stories naming it), and
    every speaker's and source's entity id pointing at them."""
    store_id: dict[str, str] = {}
    for linked in link_entities(story_entities):
        document["entities"].append({**asdict(linked.entity), "story_id": linked.story_ids[0],
                                     "story_ids": linked.story_ids})
        store_id.update(dict.fromkeys(linked.linked_ids, linked.entity.id))
    for quote in document["quotes"]:
        quote["speaker_entity_id"] = store_id.get(quote["speaker_entity_id"], quote["speaker_entity_id"])
    for claim in document["claims"]:
        claim["source_entity_id"] = store_id.get(claim["source_entity_id"], claim["source_entity_id"])


def _with_headline(article: Article) -> str:
    """The headline is part of what the article says ('Apple to give refunds Friday'): its dates count too."""
    return article.text if article.text.startswith(article.title) else f"{article.title}\n{article.text}"


def coverage_json(analysis: StoryAnalysis, events: list[Event], articles: list[Article]) -> dict:
    """A story's coverage and phases (fields added under the contract's rule): which outlets covered
    it and when each first did, which outlets carry each statement, and its events as phases."""
    seen = coverage.coverage(analysis, articles)
    first = seen.first
    return {"coverage": {
                "outlets": [asdict(o) for o in seen.outlets],
                "first_reported": {"outlet": first.outlet, "published": first.first_published,
                                   "article_id": first.first_article_id, "inferred": first.first_inferred,
                                   "outlying": seen.first_outlying, "same_day": seen.same_day}
                if first else None,
                "languages": seen.languages, "undated_articles": seen.undated,
                "statements": [asdict(c) for c in seen.carriage]},
            "phases": [{"event_id": p.event.id, "start": p.event.start, "end": p.event.end, "outlets": p.outlets,
                        "quote_ids": [q.id for q in p.quotes], "claim_ids": [c.id for c in p.claims]}
                       for p in coverage.phases(analysis, events, articles)]}


def to_json(conn: Database, story_id: str | None = None) -> str:
    return json.dumps(to_json_document(conn, story_id), ensure_ascii=False, indent=2)


def story_articles(articles: list[Article], events: list[Event]) -> list[Article]:
    """A story's articles in the order of its events (the order its sources are listed in)."""
    lookup = {a.id: a for a in articles}
    return [lookup[aid] for e in events for aid in e.article_ids if aid in lookup]


def statement_text(analysis: StoryAnalysis, item_id: str) -> str:
    for quote in analysis.quotes:
        if quote.id == item_id:
            return f"{quote.speaker or 'unattributed'}: {quote.variants[0].text}"
    for claim in analysis.claims:
        if claim.id == item_id:
            return f"{claim.source or 'unattributed'}: {claim.text}"
    return item_id


def to_markdown(conn: Database, story_id: str | None = None) -> str:
    articles, stories = collect(conn, story_id)
    heading = "# storyline dossier" if story_id else "# storyline report"
    return "\n".join([heading, ""] + [story_markdown(a, ev, story_articles(articles, ev),
                                                     store.corrections(conn, [a.story_id])) for a, ev in stories])


def reports(count: int) -> str:
    return f"{count} report{'' if count == 1 else 's'}"


def period(start: str | None, end: str | None) -> str:
    if not start:
        return "undated"
    return start if not end or end == start else f"{start} to {end}"


def story_markdown(analysis: StoryAnalysis, events: list[Event], articles: list[Article],
                   corrections: Sequence[Correction] = ()) -> str:
    """One story as Markdown; every text from a report passes through `md`, so a renderer shows it as text."""
    cite = lambda ids: " ".join(f"[{md(i)}]" for i in ids)  # noqa: E731
    seen = coverage.coverage(analysis, articles)
    lines = []
    lines += [f"## {md(analysis.title)}", "", "### Summary", ""]
    lines += [f"- {md(s.text)} {cite(s.article_ids)}" for s in analysis.summary]
    lines += ["", "### Phases", ""]
    for phase in coverage.phases(analysis, events, articles):
        lines.append(f"- **{md(period(phase.event.start, phase.event.end))}** {md(phase.event.title)} — "
                     f"{reports(len(phase.event.article_ids))}, {md(', '.join(phase.outlets))}")
        lines += [f"  - {md(q.speaker or 'unattributed')}: “{md(q.variants[0].text)}”" for q in phase.quotes]
        lines += [f"  - {md(claim_label(c))} — {md(c.source or 'unattributed')}" for c in phase.claims]
    lines += ["", "### Coverage", ""]
    if seen.first:
        lines += [f"First reported by **{md(seen.first.outlet)}** on {md(seen.first.first_published or '')}"
                  f"{' (date inferred from the text)' if seen.first.first_inferred else ''}"
                  f"{f' ({coverage.OUTLYING_FIRST})' if seen.first_outlying else ''}"
                  f"{'; the same day: ' + md(', '.join(seen.same_day)) if seen.same_day else ''} "
                  f"{cite([seen.first.first_article_id])}", ""]
    lines += [f"- {md(o.outlet)}: {reports(o.articles)}, first {md(o.first_published or 'undated')}, "
              f"{md(', '.join(o.languages))}" for o in seen.outlets]
    lines += ["", "### Timeline", ""]
    dated = coverage.timeline_parts(analysis.timeline, articles)
    line = lambda t: f"- **{md(t.date)}**{' (expected)' if t.expected else ''}: {md(t.text)} {cite(t.article_ids)}"  # noqa: E731
    lines += [line(t) for t in dated.own]
    if dated.earlier:
        lines += ["", f"#### Earlier ({len(dated.earlier)})", ""] + [line(t) for t in dated.earlier]
    lines += ["", "### Who said what", ""]
    lines += [f"- **{md(q.speaker or 'unattributed')}** ({q.kind}{', ' + md(q.said_on) if q.said_on else ''}): "
              f"“{md(q.variants[0].text)}” {cite(sorted({v.article_id for v in q.variants}))}" for q in analysis.quotes]
    lines += ["", "### Figures", ""]
    lines += [f"- {md(claim_label(c))} — {md(c.source or 'unattributed')} {cite(c.article_ids)}"
              for c in analysis.claims if c.quantity is not None]
    lines += ["", "### Disputed and agreed", ""]
    lines += [f"- {r.type}: {md(statement_text(analysis, r.a))} ⟷ {md(statement_text(analysis, r.b))} ({md(r.why)})"
              for r in analysis.relations]
    lines += ["", "### Carried by some outlets only", ""]
    lines += [f"- {md(statement_text(analysis, c.statement_id))} — in {md(', '.join(c.carried_by))}; "
              f"not in {md(', '.join(c.not_carried_by))}" for c in seen.carriage if c.not_carried_by]
    if corrections:
        lines += ["", "### Corrections by readers", ""]
        lines += [f"- {md(correction_line(c))}" for c in corrections]
    lines += ["", "### Sources", ""]
    lines += [f"- [{md(a.id)}] {md(a.title)} — {md(a.outlet or a.source)} ({md(a.published or 'undated')})"
              for a in articles]
    lines.append("")
    return "\n".join(lines)


def md(text: str) -> str:
    """Report text as Markdown that renders as that text: on one line (a blank line would end the list
    item and start a block of its own), HTML's < > & as entities (no raw HTML, no autolinks), and the
    characters of links, emphasis, code and tables backslash-escaped (no `[x](javascript:...)`)."""
    one_line = " ".join(str(text).split())
    return MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(one_line, quote=False))


HTML_STYLE = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem;line-height:1.45;color:#222}
h1{font-size:1.6rem}h2{border-bottom:2px solid #ccc;padding-top:1rem}section{margin-bottom:2rem}
.cite a{font-size:.75em;text-decoration:none;margin-left:.15em}.expected{color:#8a5a00}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;
vertical-align:top}.dispute{display:grid;grid-template-columns:1fr 1fr;gap:1rem;background:#fff4f4;padding:.5rem;
margin:.5rem 0}.agree{background:#f3fff3}details{margin:.3rem 0}pre{white-space:pre-wrap}.chart{max-width:40rem}
.phase{border-left:3px solid #0b5cad;padding-left:.6rem}
@media (max-width:40rem){.dispute{grid-template-columns:1fr}}
"""


def _cite_html(ids: list[str]) -> str:
    return "<span class=cite>" + "".join(f'<a href="#{escape(i)}">[{escape(i)}]</a>' for i in ids) + "</span>"


def correction_line(correction: Correction) -> str:
    undone = f" (undone by {correction.undone_by}, {correction.undone_at[:10]})" if correction.undone_at else ""
    return f"{correction.author}, {correction.at[:10]}: {describe(correction)}{undone}"


def _story_html(analysis: StoryAnalysis, events: list[Event], articles: list[Article],
                corrections: list[Correction]) -> str:
    e = escape
    seen = coverage.coverage(analysis, articles)
    parts = [f"<section><h2>{e(analysis.title)}</h2><h3>Summary</h3><ol>"]
    parts += [f"<li>{e(s.text)} {_cite_html(s.article_ids)}</li>" for s in analysis.summary]
    parts.append("</ol><h3>Phases</h3>")
    for phase in coverage.phases(analysis, events, articles):
        parts.append(f"<details class=phase open><summary><b>{e(period(phase.event.start, phase.event.end))}</b> "
                     f"{e(phase.event.title)} — {reports(len(phase.event.article_ids))}, {e(', '.join(phase.outlets))}"
                     f"</summary><ul>")
        parts += [f"<li>{e(q.speaker or 'unattributed')}: “{e(q.variants[0].text)}”</li>" for q in phase.quotes]
        parts += [f"<li>{e(claim_label(c))} — {e(c.source or 'unattributed')}</li>" for c in phase.claims]
        parts.append("</ul></details>")
    parts.append("<h3>Coverage</h3>")
    if seen.first:
        parts.append(f"<p>First reported by <b>{e(seen.first.outlet)}</b> on {e(seen.first.first_published or '')}"
                     f"{' (date inferred from the text)' if seen.first.first_inferred else ''}"
                     f"{f' ({coverage.OUTLYING_FIRST})' if seen.first_outlying else ''}"
                     f"{'; the same day: ' + e(', '.join(seen.same_day)) if seen.same_day else ''} "
                     f"{_cite_html([seen.first.first_article_id])}</p>")
    parts.append(chart.svg(coverage.reports_over_time(articles)))
    parts.append("<table><tr><th>Outlet</th><th>Reports</th><th>First report</th><th>Languages</th></tr>")
    parts += [f"<tr><td>{e(o.outlet)}</td><td>{o.articles}</td><td>{e(o.first_published or 'undated')}</td>"
              f"<td>{e(', '.join(o.languages))}</td></tr>" for o in seen.outlets]
    parts.append("</table><h3>Timeline</h3><ul>")
    dated = coverage.timeline_parts(analysis.timeline, articles)
    item = lambda t: (f"<li class='{'expected' if t.expected else ''}'><b>{e(t.date)}</b>"  # noqa: E731
                      f"{' (expected)' if t.expected else ''} {e(t.text)} {_cite_html(t.article_ids)}</li>")
    parts += [item(t) for t in dated.own]
    parts.append("</ul>")
    if dated.earlier:
        parts.append(f"<details><summary>Earlier ({len(dated.earlier)})</summary><ul>")
        parts += [item(t) for t in dated.earlier]
        parts.append("</ul></details>")
    parts.append("<h3>Disputed and agreed</h3>")
    for r in analysis.relations:
        parts.append(f"<div class='dispute {'agree' if r.type == 'agrees' else ''}'><div>{e(statement_text(analysis, r.a))}"
                     f"</div><div>{e(statement_text(analysis, r.b))}</div><small>{e(r.type)}: {e(r.why)}</small></div>")
    parts.append("<h3>Who said what</h3><table><tr><th>Speaker</th><th>Statement</th><th>When</th><th>Sources</th></tr>")
    for q in sorted(analysis.quotes, key=lambda q: (q.speaker is None, q.speaker or "")):
        parts.append(f"<tr><td>{e(q.speaker or 'unattributed')}</td><td>“{e(q.variants[0].text)}” "
                     f"<small>({e(q.kind)})</small></td><td>{e(q.said_on or '')}</td>"
                     f"<td>{_cite_html(sorted({v.article_id for v in q.variants}))}</td></tr>")
    parts.append("</table><h3>Figures</h3><table><tr><th>Figure</th><th>Claimed by</th><th>Context</th><th>Sources</th></tr>")
    parts += [f"<tr><td>{e(claim_label(c))}</td><td>{e(c.source or 'unattributed')}</td><td>{e(c.text)}</td>"
              f"<td>{_cite_html(c.article_ids)}</td></tr>" for c in analysis.claims if c.quantity is not None]
    parts.append("</table><h3>Carried by some outlets only</h3><ul>")
    parts += [f"<li>{e(statement_text(analysis, c.statement_id))} — in {e(', '.join(c.carried_by))}; "
              f"not in {e(', '.join(c.not_carried_by))}</li>" for c in seen.carriage if c.not_carried_by]
    if corrections:
        parts.append("</ul><h3>Corrections by readers</h3><ul>")
        parts += [f"<li>{e(correction_line(c))}</li>" for c in corrections]
    parts.append("</ul><h3>Entities</h3><ul>")
    parts += [f"<li><b>{e(n.name)}</b> ({e(n.type)}) — {e(', '.join(n.aliases))}</li>" for n in analysis.entities[:40]]
    parts.append("</ul><h3>Sources</h3>")
    for a in articles:
        copy = f" (copy of {e(a.duplicate_of)})" if a.duplicate_of else ""
        parts.append(f"<details id='{e(a.id)}'><summary>[{e(a.id)}] {e(a.title)} — {e(a.outlet or a.source)} "
                     f"({e(a.published or 'undated')}{' inferred' if a.published_inferred else ''}){copy}</summary>"
                     f"<pre>{e(a.text)}</pre></details>")
    parts.append("</section>")
    return "\n".join(parts)


def to_html(conn: Database, story_id: str | None = None) -> str:
    articles, stories = collect(conn, story_id)
    body = "\n".join(_story_html(a, ev, story_articles(articles, ev), store.corrections(conn, [a.story_id]))
                     for a, ev in stories)
    title = stories[0][0].title if story_id else "storyline report"
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width,initial-scale=1'><title>{escape(title)}</title>"
            f"<style>{HTML_STYLE}</style></head><body><h1>{escape(title)}</h1>"
            f"<p>{len(stories)} stor{'y' if len(stories) == 1 else 'ies'} from {len(articles)} articles.</p>"
            f"{body}</body></html>")


FORMATS = {"json": to_json, "markdown": to_markdown, "html": to_html}
