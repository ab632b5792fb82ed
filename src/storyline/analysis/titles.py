"""Story and event titles: a headline of what happened, never page furniture.

A page's title is often not a headline at all: the site's name ("Taipei Times"), a section ("Sports
News", "Science"), a breadcrumb ("Box Office Mojo > People > Michael Keaton"), a log-in or archive
page's label ("Member Center"), a date or a bare number. No list of such names can be complete, so a
title is judged by what it says against what the reports say: a headline names several things that
the openings of its reports name too ("Macedonia prime minister resigns" over a report that opens
with Hari Kostov's resignation), while furniture names the site, which the report never mentions, or
one generic word. Words that spell the page's own address ("Japan Times" on japantimes.co.jp) name
the site and count for nothing.

Among the titles that read as headlines, the group's title is the one of the report nearest the
group's mean lead embedding (the most typical report, in any language), not the longest or the first.
When no report has one, the title is the sentence the story's summary opens with (chosen for news
content, never furniture), else a sentence from the opening of that central report, clipped at a
word: a real sentence a reader can find in the report, never a made-up headline.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import numpy as np

from ..config import current
from ..models import Article
from ..prepare.clean import headline
from ..text import NEGATIONS, STOPWORDS, WORD
from .summary import DATELINE, furniture

CLIPPED = "…"


def _words(text: str) -> list[str]:
    """The words of a title or lead that can name something: 3+ letters, no stop words or negations."""
    return [w.lower() for w in WORD.findall(text) if len(w) > 2 and w.lower() not in STOPWORDS | NEGATIONS]


def _key(word: str) -> str:
    """Two forms of a word match on their opening letters ('resigns', 'resigned'; 'Maathai', 'Maathai's')."""
    return word[:current().titles.match_prefix]


def site_words(source: str) -> set[str]:
    """Letters of the page's own address ('japantimes', 'sltrib'): title words they spell name the site."""
    host = urlsplit(source).hostname or ""
    labels = host.split(".")
    return {label for label in labels[:-1] if label not in ("www", "com", "co", "org", "net")}


def section_words(source: str) -> set[str]:
    """The folders of the page's address ('news', 'nation' in /news/nation/2004-reporter.html), not its last
    part, which spells the report's own headline."""
    folders = [part for part in urlsplit(source).path.lower().split("/") if part]
    return {part for part in folders[:-1] if part.isalpha()}


# a headline's leading part and what follows its separator ('Lansing State Journal:', 'Nation -- ')
LEADING_PART = re.compile(r"^(?P<lead>[^:|–—-]{2,60}?)\s*(?:--|[:|–—]|\s-)\s*(?P<rest>\S.*)$")


def without_site_prefix(title: str, source: str) -> str:
    """A headline without the site's or section's name set before it ('Lansing State Journal:' on lsj.com,
    'Nation --' under /news/nation/): a leading part all of whose words the page's address spells. A
    speaker's name before a colon ('Judge: Ross is competent ...') is no part of the address and stays."""
    match = LEADING_PART.match(title)
    if not match:
        return title
    words = _words(match["lead"])
    if not words or len(match["lead"].split()) > current().cleaning.site_name_words:
        return title
    named = _named_by_site(words, match["lead"], site_words(source) | section_words(source))
    return match["rest"] if all(w in named for w in words) else title


def _named_by_site(words: list[str], raw: str, site: set[str]) -> set[str]:
    """The title words that spell the site's address: each word found in it ('japan' and 'times' in
    'japantimes'), or capitalised words whose initials open it ('Salt Lake Tribune' for 'sltrib')."""
    if not site:
        return set()
    named = {w for w in words if any(w in label for label in site)}
    capitals = [w for w in WORD.findall(raw) if w[:1].isupper()]
    for start in range(len(capitals)):
        for end in range(start + current().titles.min_initials, len(capitals) + 1):
            initials = "".join(w[0] for w in capitals[start:end]).lower()
            if any(label.startswith(initials) for label in site):
                named |= {w.lower() for w in capitals[start:end]}
    return named


def lead_keys(text: str) -> set[str]:
    """The word keys of a report's opening, which its headline restates."""
    return {_key(w) for w in _words(" ".join(text.split(maxsplit=current().titles.lead_words)[:current().titles.lead_words]))}


def is_headline(title: str, source: str, leads: set[str]) -> bool:
    """Whether a page title reads as a headline: at least titles.min_words words that are not the site's
    name, and at least titles.grounded_share of them in the reports' openings (leads: their lead_keys)."""
    shown = without_site_prefix(headline(title), source)
    words = _words(shown)
    named = _named_by_site(words, shown, site_words(source))
    words = [w for w in words if w not in named]
    settings = current().titles
    if len(set(words)) < settings.min_words:
        return False
    grounded = sum(_key(w) in leads for w in words)
    return grounded / len(words) >= settings.grounded_share


def group_title(articles: list[Article], dense: dict[str, np.ndarray | None], sentences: dict[str, list[str]],
                summary_lead: str | None = None) -> str:
    """The title of a story or an event: the headline of its most typical report that has one, else the
    sentence its summary opens with (a story's: the lead of its main event's clearest report), else a
    sentence from the opening of its most typical report with one (see the module's docstring); a group
    whose reports hold neither gets its central report's first sentence naming enough, or its page title."""
    ranked = _by_centrality(articles, dense)
    leads = set().union(*(lead_keys(a.text) for a in articles))
    for article in ranked:
        if is_headline(article.title, article.source, leads):
            return _whole_words(article) if _made_up(article) else without_site_prefix(headline(article.title),
                                                                                        article.source)
    if summary_lead and _is_prose(summary_lead):
        return clip(DATELINE.sub("", " ".join(summary_lead.split())), current().titles.max_chars)
    for article in ranked:
        if sentence := lead_sentence(sentences.get(article.id, [])):
            return sentence
    return _first_naming_sentence(sentences.get(ranked[0].id, [])) or clip(headline(ranked[0].title),
                                                                          current().titles.max_chars)


def _made_up(article: Article) -> bool:
    """A title that is only the opening words of the text was made up when reading a page that gave none (its
    first paragraph cut at a fixed length), not given by the page."""
    return bool(article.title) and " ".join(article.text.split()).startswith(" ".join(article.title.split()))


def _whole_words(article: Article) -> str:
    """A made-up title without the word its cut split ('... information quickly about t'), marked as cut."""
    title = " ".join(article.title.split())
    text = " ".join(article.text.split())
    if len(text) == len(title) or not text[len(title)].isalnum():
        return title
    return clip(title, len(title) - 1)


def _first_naming_sentence(sentences: list[str]) -> str | None:
    """The first opening sentence of a report without prose (a newsletter's contents) that names as many
    things as a headline does and is no furniture (a 'Note:' line): a line of the report itself rather than
    its page's label."""
    settings = current().titles
    for sentence in sentences[:settings.lead_sentences]:
        if len(set(_words(sentence))) >= settings.min_words and not furniture(sentence):
            return clip(" ".join(sentence.split()), settings.max_chars)
    return None


def _by_centrality(articles: list[Article], dense: dict[str, np.ndarray | None]) -> list[Article]:
    """Reports nearest the group's mean lead embedding first (those without an embedding last)."""
    vectors = {a.id: v for a in articles if (v := dense.get(a.id)) is not None}
    mean = np.sum(list(vectors.values()), axis=0) if vectors else None
    return sorted(articles, key=lambda a: (a.id not in vectors,
                                           -float(vectors[a.id] @ mean) if a.id in vectors else 0.0, a.id))


def lead_sentence(sentences: list[str]) -> str | None:
    """The first sentence of a report's opening that is prose (mostly lower-case words, not a menu, byline
    or caption of names) long enough to say something: a report states its event first. Clipped at a word
    past titles.max_chars."""
    settings = current().titles
    for sentence in sentences[:settings.lead_sentences]:
        if _is_prose(sentence := " ".join(sentence.split())):
            return clip(DATELINE.sub("", sentence), settings.max_chars)
    return None


def _is_prose(sentence: str) -> bool:
    if furniture(sentence):
        return False
    words = WORD.findall(sentence)
    settings = current().titles
    lower = sum(w[0].islower() for w in words)
    return len(words) >= settings.sentence_words and lower / len(words) >= settings.prose_share


def clip(text: str, limit: int) -> str:
    """The text cut at the last word that fits in `limit` characters, marked as cut."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return cut + CLIPPED



def shown_title(article: Article) -> str:
    """A report's title as a page lists it: one made up from its opening words loses the word the cut
    split ('... in an expected tel' → '... in an expected…'); a page's own title as it is."""
    return _whole_words(article) if _made_up(article) else article.title
