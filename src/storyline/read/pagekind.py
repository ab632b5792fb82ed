"""Not every page is a news article: robot checks, error pages, paywall and sign-up notices,
home and section pages. Such pages come back from any crawl; as stories they are noise that
looks like news ("Unable to process your request" as a headline). They are recorded as
failures with the kind of page they are, and never clustered.

Precision matters more than recall here: a real article lost is worse than a notice kept (it
only becomes a one-page story of its own). So a notice phrase counts only in a short text, where
it is what the page says rather than a line a real report quotes, and a page is a home or
section page only when its headline (the title without the site's name) says so.
"""

from __future__ import annotations

import re

from ..config import current
from ..prepare.clean import headline

NOTICES = (
    ("robot check", re.compile(
        r"are you a robot|captcha|verify (?:that )?you(?:'re| are)(?: a)? human|unusual traffic from your"
        r"|supports javascript and cookies|you must enter the characters", re.I)),
    ("error page", re.compile(
        r"\bpage (?:was |could )?not (?:be )?found\b|\berror 404\b|\b404 not found\b|unable to process your request"
        r"|an error (?:has )?occurred|service (?:is )?temporarily unavailable|\baccess denied\b", re.I)),
    ("paywall or sign-up notice", re.compile(
        r"subscribe (?:now )?to (?:continue|keep) reading|already a subscriber\?|to continue reading,? (?:please )?"
        r"(?:log|sign) in", re.I)),
)
SECTION_TITLE = re.compile(
    r"^(?:[^:]*\b(?:breaking|latest|top)\b[^:]*\b(?:news|headlines)\b[^:]*|[^:]*\bnews (?:&|and) views\b[^:]*)$", re.I)


def not_an_article(title: str, text: str) -> str | None:
    """The kind of page this is when it is not a news article ("robot check", ...); None for an article."""
    if len(text.split()) < current().reading.notice_words:
        for kind, pattern in NOTICES:
            if pattern.search(text) or pattern.search(title):
                return kind
    if SECTION_TITLE.match(headline(title)):
        return "home or section page"
    return None
