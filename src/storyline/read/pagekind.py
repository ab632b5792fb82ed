"""Not every page is a news article: robot checks, error pages, paywall and sign-up notices,
home and section pages. Such pages come back from any crawl; as stories they are noise that
looks like news ("Unable to process your request" as a headline). They are recorded as
failures with the kind of page they are, and never clustered.

Precision matters more than recall here: a real article lost is worse than a notice kept (it
only becomes a one-page story of its own). So a page is judged by what its body says, never by its
title alone ("Top News Article" heads real wire reports): a notice phrase counts in a short text,
where it is what the page says rather than a line a real report quotes, or when such phrases fill
most of the body's sentences (a log-in form, a paywall's offers, an archive notice, of any length);
a page is a home or section page when its headline says so and its body is too short to be a report.
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
        r"|an error (?:has )?occurred|service (?:is )?temporarily unavailable|\baccess denied\b"
        r"|page you are looking for (?:might|may) have been removed", re.I)),
    ("paywall or sign-up notice", re.compile(
        r"subscribe (?:now )?to (?:continue|keep) reading|already a subscriber\?|to continue reading,? (?:please )?"
        r"(?:log|sign) in", re.I)),
)
# Phrases that fill a page that is nothing but the notice, counted per sentence: a page is that notice when they
# are in most of its sentences (a report quoting one is not). Each kind's phrases, then its words that news uses
# too ('subscribers', 'registration', 'password'), which count only in a sentence that speaks to the reader.
PAGE_NOTICES = (
    ("error page", re.compile(
        r"\bpage (?:you(?: a|')re|you were) (?:looking|searching) for\b|might have been (?:removed|deleted|moved)"
        r"|had its name changed|\bno longer (?:exists|available)\b|\bbroken link\b"
        r"|\bfile not found\b|\bhttp 404\b|\b404 error\b", re.I), None),
    ("paywall or sign-up notice", re.compile(
        r"\bsite licen[cs]e\b|\bpurchase (?:this|the) (?:article|story)\b"
        r"|\bfull[- ]text\b|\bhours?'? access\b|\bday pass\b|\bpaywall\b|\bpremium (?:content|article)s?\b", re.I),
     re.compile(r"\bsubscri(?:be|ber|bers|ption)\b", re.I)),
    ("log-in page", re.compile(
        r"\b(?:log|sign)[- ]?(?:in|on)\b|\balready (?:a member|have an account)"
        r"|\bcreate (?:an|your) account\b|\bscreen name\b|\bremember me\b", re.I),
     re.compile(r"\bpassword\b|\bregist(?:er|ering|ration)\b|\be-?mail address\b", re.I)),
    ("archive notice", re.compile(
        r"\bhas been archived\b|\b(?:in|search) (?:our|the) archives?\b"
        r"|\barchived (?:article|story|page)\b|\bno longer (?:on|online)\b", re.I), None),
)
# a notice speaks to the reader ('your password', 'click here', 'please register'); a report that mentions
# subscribers or a registration deadline does not
READER = re.compile(r"\b(?:you|your|yours|please|click|here)\b", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
SECTION_TITLE = re.compile(
    r"^(?:[^:]*\b(?:breaking|latest|top)\b[^:]*\b(?:news|headlines)\b[^:]*|[^:]*\bnews (?:&|and) views\b[^:]*)$", re.I)


def not_an_article(title: str, text: str) -> str | None:
    """The kind of page this is when it is not a news article ("robot check", ...); None for an article."""
    short = len(text.split()) < current().reading.notice_words
    if short:
        for kind, pattern in NOTICES:
            if pattern.search(text):
                return kind
    if filled := _filled_with_notice(text):
        return filled
    if short and SECTION_TITLE.match(headline(title)):
        return "home or section page"
    return None


def _filled_with_notice(text: str) -> str | None:
    """The notice whose phrases are in at least reading.notice_share of the opening sentences of the body
    (and in reading.notice_sentences of them at least), if any: a page that opens with a form or an offer
    and says nothing before it; a report opens with what happened, whatever page leftovers follow it."""
    settings = current().reading
    sentences = [s for s in SENTENCE_END.split(text) if s.strip()][:settings.notice_opening]
    for kind, phrases, words in PAGE_NOTICES:
        hits = sum(1 for sentence in sentences if phrases.search(sentence)
                   or (words is not None and words.search(sentence) and READER.search(sentence)))
        if hits >= settings.notice_sentences and hits >= settings.notice_share * len(sentences):
            return kind
    return None
