"""Direct and reported speech, found through the dependency parse; `speakers.py` says who spoke.

Direct quotes: every quote-mark style (“ ” « » „ " and unbalanced marks at paragraph
edges); spans shorter than extraction.min_quote_words are scare quotes, not statements.
A quote paragraph with no attribution at all continues the previous quote's speaker (the news
convention); otherwise the speaker stays None, never a guess.

Reported speech: "X said (that) ...", "..., X said", "according to X, ...".

This module holds `RawQuote`, the quote spans, `extract_quotes` and the statements' text: which
clause a reporting verb credits and where a direct quote's attribution window ends. Choosing the
speaker of either kind is `speakers.py`'s, called from here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from ..config import current
from ..prepare.parse import text_of
from .speaker_choice import Candidate, QuoteSite, candidates, choose
from .speakers import (
    ATTRIBUTING_VERBS,
    DENIAL_VERBS,
    EVIDENCE_VERBS,
    NAMING_VERBS,
    PLEDGE_VERBS,
    REPORTING_VERBS,
    SPEECH_VERBS,
    TRANSCRIPT_LINE,
    SpeakerContext,
    according_source,
    attribution_of,
    named_source,
    resolve_subject,
    speaker_text,
    subject_of,
    time_phrase,
    within_spans,
    word_count,
)

# Words that open an embedded question: after 'figure out', 'find out' ('whose gun it was') no claim.
QUESTION_WORDS = {"who", "whom", "whose", "what", "which", "whether", "if", "how", "why", "when", "where"}
OPENERS = {"“": "”", "«": "»", "„": "“"}
QUOTE_MARKS = '"“”«»„'
# What a verb says by itself: after it the quote before is not its content.
OWN_CONTENT = {"dobj", "ccomp", "xcomp", "attr", "acomp", "oprd"}
Chooser = Callable[[QuoteSite, list[Candidate]], tuple[Candidate | None, float]]


@dataclass
class RawQuote:
    """A statement as found in one article; speaker is a surface form or None."""

    text: str
    kind: str
    speaker: str | None
    start: int
    end: int
    sentence: int
    time_text: str | None = None
    speaker_text: str | None = None
    attribution: str | None = None  # how the article names the speaker (models.ATTRIBUTIONS)
    confidence: float | None = None  # a direct quote's speaker's probability (speaker_choice)


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quoted text (marks excluded), paragraph by paragraph; a quote left open at a
    paragraph's end that a later paragraph closes without opening, with only unmarked paragraphs
    between, is one quote across them (a text that breaks a paragraph at every sentence)."""
    spans: list[tuple[int, int]] = []
    offset, left_open, between = 0, False, 0
    for paragraph in text.split("\n\n"):
        found, closes_first, open_at_end = _paragraph_spans(paragraph)
        found = [(offset + s, offset + e) for s, e in found]
        if left_open and closes_first and spans and found and found[0][0] == offset:
            spans[-1] = (spans[-1][0], found.pop(0)[1])
        spans.extend(found)
        unmarked = not found and not any(mark in paragraph for mark in QUOTE_MARKS)
        between = between + 1 if left_open and unmarked else 0
        left_open = open_at_end or (left_open and unmarked and between <= current().extraction.open_quote_paragraphs)
        offset += len(paragraph) + 2
    return spans


def _paragraph_spans(paragraph: str) -> tuple[list[tuple[int, int]], bool, bool]:
    """The paragraph's quoted spans; whether the first closes a quote the paragraph never opened, from its
    start; whether the last is left open at its end."""
    spans: list[tuple[int, int]] = []
    open_at, closer, closes_first, nested = None, None, False, False
    for i, ch in enumerate(paragraph):
        if open_at is not None and ch == '"' and (nested or _opens_inside(paragraph, i)):
            nested = not nested  # 'never launched a "distributed denial of service attack". Rather ...'
            continue
        if open_at is None:
            if _closes_unopened(paragraph, i):  # closing mark with no opening: the quote began before
                begun = max(spans[-1][1] + 1 if spans else 0, paragraph.rfind(". ", 0, i - 1) + 2 if spans else 0)
                closes_first = closes_first or (not spans and begun == 0)
                spans.append((begun, i))
            elif ch in OPENERS:
                open_at, closer = i + 1, OPENERS[ch]
            elif ch == '"':
                open_at, closer = i + 1, '"'
        elif ch == closer or (closer == '"' and ch in "”") or (closer == "”" and ch == '"'):
            spans.append((open_at, i))
            open_at = None
    open_at_end = False
    if open_at is not None and len(paragraph) - open_at > current().extraction.unclosed_quote_chars:
        spans.append((open_at, len(paragraph)))  # unbalanced: runs to the paragraph's end
        open_at_end = True
    return [(s, e) for s, e in spans if e > s], closes_first, open_at_end


def _opens_inside(paragraph: str, i: int) -> bool:
    """A straight mark inside an open quote that opens a quote within it: a space before, a word after."""
    return 0 < i < len(paragraph) - 1 and paragraph[i - 1] in " (" and paragraph[i + 1].isalnum()


def _closes_unopened(paragraph: str, i: int) -> bool:
    """A closing mark where no quote is open: a curly closer, or a straight mark after the quote's last
    punctuation ('homes, " national disaster agency spokesman ... said'; 'said," he said') followed by
    the attribution, not by the quote's first word ('he said, "the plan ...' opens one)."""
    ch = paragraph[i]
    if ch in "”»":
        return True
    return ch == '"' and paragraph[max(0, i - 4):i].rstrip()[-1:] in (",", ".", "?", "!") and \
        re.match(r"\s+(?:said|says|he|she|they|added|according|[a-z])", paragraph[i + 1:i + 12]) is not None


def _is_title(quoted: str) -> bool:
    """A quoted name or title ("Widows of Russian Soldiers", "Make Love, Not Spam,"), not a statement."""
    words = re.findall(r"[\w'’]+", quoted)
    return not re.search(r"[.!?;]\W*$", quoted.strip()) and \
        all(w[0].isupper() or len(w) <= 3 for w in words)


def _is_name(text: str, start: int, end: int) -> bool:
    """A short quoted phrase that names something ('Lycos's "Make love not spam" screensaver'): no
    closing punctuation, no colon or comma before it, and a word, not a clause, right after it."""
    quoted = text[start:end].strip()
    if word_count(quoted) > current().extraction.max_name_words or re.search(r"[.!?,;]\W*$", quoted):
        return False
    before = text[max(0, start - 3):start - 1].strip()
    after = text[end + 1:end + 30]
    return not before.endswith((":", ",")) and re.match(r"\s+[a-z]+\b", after) is not None and \
        not re.match(r"\s+(?:he|she|they|it|we|i|said|says|and|but|or|to|in|on|at|for|with|as|is|was)\b", after)


def extract_quotes(doc, context: SpeakerContext, chooser: Chooser | None = None) -> list[RawQuote]:
    """All direct and reported statements of one parsed article; `chooser` picks a direct quote's speaker
    among the candidates (`speaker_choice.choose`, the fitted model; training passes its own)."""
    text = text_of(doc)
    spans = quote_spans(text)
    sentences = list(doc.sents)
    shortest = current().extraction.min_quote_words
    direct = [s for s in spans if word_count(text[s[0]:s[1]]) >= shortest and not _is_title(text[s[0]:s[1]])
              and not _is_name(text, *s)]
    quotes: list[RawQuote] = _transcript_statements(text, sentences, spans)
    previous: RawQuote | None = None
    for start, end in direct:
        if any(q.start <= start < q.end for q in quotes):
            continue
        quote = _attribute_direct(doc, sentences, start, end, spans, context, previous, chooser)
        quotes.append(quote)
        previous = quote
    verbatim = [(q.start, q.end) for q in quotes]
    for index, sent in enumerate(sentences):
        for reported in _reported_speech(sent, index, spans, context):
            if _share_inside(reported.start, reported.end, verbatim) < current().extraction.verbatim_share:
                quotes.append(reported)
    for quote in quotes:
        if quote.speaker and context.is_place(quote.speaker):
            quote.speaker = quote.speaker_text = None  # 'Kyiv said': a place is no speaker
    return sorted(quotes, key=lambda q: q.start)


def _share_inside(start: int, end: int, spans: list[tuple[int, int]]) -> float:
    """How much of start..end lies inside the spans: a clause already given as a direct quote."""
    inside = sum(max(0, min(end, e) - max(start, s)) for s, e in spans)
    return inside / max(1, end - start)


def _transcript_statements(text: str, sentences, spans) -> list[RawQuote]:
    """'WALLACE: If I may, sir ...': a transcript line is the named speaker's verbatim words."""
    found, offset = [], 0
    for paragraph in text.split("\n"):
        match = TRANSCRIPT_LINE.match(paragraph)
        if match and word_count(match.group(2)) >= current().extraction.min_quote_words:
            start = offset + match.start(2)
            end = offset + len(paragraph.rstrip())
            name = match.group(1).title()
            found.append(RawQuote(text[start:end], "direct", name, start, end, _sentence_index(sentences, start),
                                  None, match.group(1), "named"))
        offset += len(paragraph) + 1
    return found


def _sentence_index(sentences, position: int) -> int:
    """The sentence holding the position, or for a space between two sentences the one before it."""
    return max(0, sum(1 for sent in sentences if sent.start_char <= position) - 1)


def _attribute_direct(doc, sentences, start, end, spans, context, previous, chooser) -> RawQuote:
    quoted = text_of(doc)[start:end].strip()
    first = _sentence_index(sentences, start)
    if _second_half(text_of(doc), first, start, previous):
        return replace(previous, text=quoted, start=start, end=end)
    site = _quote_site(doc, sentences, start, end, spans, previous)
    found = candidates(doc, site, spans, context)
    speaker, probability = chooser(site, found) if chooser else choose(found)
    if speaker is None:
        return RawQuote(quoted, "direct", None, start, end, first, confidence=round(probability, 3))
    return RawQuote(quoted, "direct", speaker.name, start, end, first, speaker.time_text, speaker.named_as,
                    speaker.attribution, round(probability, 3))


def _quote_site(doc, sentences, start, end, spans, previous) -> QuoteSite:
    """The quote's attribution window (its sentences and a '..., he said.' tail, never the next sentence
    of a quote that closes its own), the sentence before it in its paragraph, its line and the quote before."""
    first = _sentence_index(sentences, start)
    last = _sentence_index(sentences, max(start, end - 1))
    window = list(range(first, last + 1))
    tail = last + 1 < len(sentences) and _is_attribution_tail(sentences[last + 1], end)
    if tail:
        window.append(last + 1)
    text = text_of(doc)
    closed = _closes_sentence(text, end) and not tail and \
        not _short_attribution([t for t in sentences[last] if t.idx >= end])
    tokens = [t for i in window for t in sentences[i] if not within_spans(t.idx, spans) and not (closed and t.idx > end)]
    breaks = _paragraph_break(text)
    paragraph_start = text.rfind(breaks, 0, start) + len(breaks) if breaks in text[:start] else 0
    # '"It's heartbreaking," Ryan said. "And this country ...': the sentence just before may speak; never
    # one further back ('Putin announced ... . However, he has refrained ..., it says here. "...')
    before = [t for t in sentences[first - 1] if not within_spans(t.idx, spans)] \
        if first > 0 and sentences[first - 1].end_char > paragraph_start else []
    # the sentence right after a quote that closes its own ('"You ready ...?" Jones recalled one of the
    # brothers saying.'): it may say someone unnamed spoke
    after = list(sentences[last + 1]) if last + 1 < len(sentences) and not tail and \
        re.fullmatch(r"[\s\"”’»]*", text[end:sentences[last + 1].start_char]) else []
    # a quote going on: a bare quote paragraph, or a later sentence of the paragraph
    opens, bare = _opens_sentence(text, start), _bare_quote_paragraph(text, breaks, paragraph_start, start, end)
    in_paragraph = previous is not None and previous.start >= paragraph_start
    going_on = previous is not None and previous.speaker is not None and opens and (bare or in_paragraph)
    return QuoteSite(start, end, tokens, before, after, paragraph_start, text[paragraph_start:start],
                     text[end + 1:end + 80], opens, bare, previous.speaker if going_on else None,
                     previous.end if going_on else None, in_paragraph,
                     word_count(text[previous.end:start]) if previous is not None else 0)


def _second_half(text: str, sentence: int, start: int, previous: RawQuote | None) -> bool:
    """The rest of the quote before, split by its attribution ('"...," she wrote, "and the majority ..."'):
    the same sentence, going on mid-sentence after a few words."""
    return previous is not None and previous.kind == "direct" and previous.sentence == sentence and \
        not _opens_sentence(text, start) and \
        word_count(text[previous.end:start]) <= current().extraction.attribution_tail_tokens


def _is_attribution_tail(sent, quote_end: int) -> bool:
    """spaCy often splits '...,” he said.' or '...?” Vitter demanded.' after the closing mark: keep that
    tail, not a new statement."""
    between = text_of(sent.doc)[quote_end:sent.start_char]  # '...,” Sgt. Eric Gripp told': a title the parser ended
    return re.fullmatch(r"[\s\"”’»]*(?:[A-Z][a-z]{1,4}\.\s*)?", between) is not None and _short_attribution(list(sent))


def _short_attribution(tokens) -> bool:
    """A few words that only say who said the quote: a verb of saying with no clause of its own, or another
    attributing verb with no object either ('Vitter demanded'; not '... market.” SeaMicro technologies offer
    substantial advantages'), never one that reports another's saying ('Jones recalled one of the brothers
    saying': the brother's words)."""
    words = [t for t in tokens if not t.is_punct and not t.is_space]
    return 0 < len(words) <= current().extraction.attribution_tail_tokens and any(
        ((t.lemma_ in SPEECH_VERBS and not any(c.dep_ == "ccomp" for c in t.children)) or
         (t.lemma_ in ATTRIBUTING_VERBS and not any(c.dep_ in OWN_CONTENT for c in t.children))) and
        not any(d.lemma_ in SPEECH_VERBS for d in [*t.subtree, *t.ancestors] if d is not t) for t in words)


def _paragraph_break(text: str) -> str:
    """What ends a paragraph: a blank line, or in a text without any (one paragraph a line) a line break."""
    return "\n\n" if "\n\n" in text else "\n"


def _closes_sentence(text: str, end: int) -> bool:
    """The quote ends its sentence ('... for a reason.” Whatever the fate ...'): what follows is another
    sentence, whose verb is not this quote's attribution."""
    after = re.match(r"[\s\"”»“]*(\S)", text[end:end + 12])
    return bool(re.search(r"[.!?]\s*$", text[max(0, end - 3):end])) and after is not None and after.group(1).isupper()


def _opens_sentence(text: str, start: int) -> bool:
    """The quote begins its sentence, not a fragment inside one ('expected to close in “a number of weeks.”')."""
    before = text[max(0, start - 40):start].rstrip(" \"“«„")
    return not before or before[-1] in ".!?:\n" or before.endswith(("―", "—"))


def _bare_quote_paragraph(text: str, breaks: str, paragraph_start: int, start: int, end: int) -> bool:
    paragraph_end = text.find(breaks, end)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    outside = text[paragraph_start:start] + text[end:paragraph_end]
    return word_count(outside) == 0


def _reported_speech(sent, index: int, spans, context) -> list[RawQuote]:
    """'X said (that) P', 'P, X said', 'X urged Y to P', 'X called for P', 'according to X, P': indirect
    statements of P, one per reporting verb; the speaker stays None when the subject names no one."""
    found = []
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        content = _reported_content(verb)
        subject = subject_of(verb, spans) if content is not None else None
        if content is None or subject is None:
            continue
        speaker = resolve_subject(subject, sent.start_char, spans, context) or named_source(subject, spans, context)
        quote = _indirect(content, verb, speaker, speaker_text(subject, speaker), index, time_phrase(verb),
                          attribution_of(subject) if speaker else None)
        if quote:
            found.append(quote)
    found = [q for q in found if not any(o is not q and o.start <= q.start and q.end <= o.end for o in found)]
    if not found:  # 'said she wanted to speak ...': the inner clause is part of the outer statement
        according, speaker = according_source(sent, spans, context)
        quote = _according_clause(sent, according, speaker, index) if according is not None else None
        found += [quote] if quote else []
    return found


def _reported_content(verb) -> list | None:
    """The tokens a reporting verb credits: its ccomp, a pledge's 'to ...', 'called for X', or a
    characterisation's object and complement ('called Clinton a "champion"')."""
    if verb.lemma_ in REPORTING_VERBS:
        clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if clause is not None:
            content = list(clause.subtree)
            finding_out = any(c.dep_ == "prt" for c in verb.children) and content[0].lower_ in QUESTION_WORDS
            return None if finding_out else content  # 'trying to figure out whose gun it was': no claim yet
        rest = list(verb.doc[verb.i + 1:verb.sent.end])
        if rest and rest[0].lower_ == "that" and any(t.pos_ in ("VERB", "AUX") for t in rest[1:]):
            return rest[1:]  # 'reported that ...' that the parser read as a noun phrase
        tail = _trailing_attribution(verb)
        if tail:
            return tail
        if verb.lemma_ in EVIDENCE_VERBS and any(t.pos_ == "VERB" and t.dep_ == "conj" and t.head == verb for t in rest):
            return rest  # 'figures showed revenue topped $9.4 billion', parsed as two verbs
    if verb.lemma_ in PLEDGE_VERBS:
        for child in verb.children:
            if child.dep_ == "xcomp" or (child.dep_ == "prep" and child.lower_ == "for" and verb.lemma_ == "call"):
                return list(child.subtree)
    if verb.lemma_ in NAMING_VERBS:
        parts = [c for c in verb.children if c.i > verb.i and c.dep_ in ("dobj", "oprd", "prep", "advcl", "ccomp")]
        if any(c.dep_ == "dobj" for c in parts) and len(parts) >= 2:
            return [t for c in parts for t in c.subtree]
    return None


def _trailing_attribution(verb) -> list | None:
    """'P, he said.' parsed with 'said' hanging off P: the words before the comma."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj" and c.i < verb.i), None)
    sent = verb.sent
    if subject is None or verb.lemma_ not in SPEECH_VERBS or verb.i < sent.end - 4 or verb.dep_ == "ROOT":
        return None
    first = min(t.i for t in subject.subtree)
    if first == sent.start or verb.doc[first - 1].text != ",":
        return None
    return list(verb.doc[sent.start:first - 1])


def _indirect(content: list, verb, speaker: str | None, named_as: str | None, index: int,
              time_text: str | None, how: str | None) -> RawQuote | None:
    """The content's words (without 'that', and never running into its reporting verb's own words)."""
    tokens = sorted((t for t in content if not (t.dep_ == "mark" and t.head.dep_ == "ccomp")), key=lambda t: t.i)
    after = sum(t.i > verb.i for t in tokens) * 2 >= len(tokens)
    tokens = [t for t in tokens if (t.i > verb.i) == after]
    if not tokens:
        return None
    text = "".join(t.text_with_ws for t in tokens).strip(" ,")
    if word_count(text) < current().extraction.min_quote_words:
        return None
    if verb.lemma_ in DENIAL_VERBS and after:
        text = f"{verb.text} {text}"  # 'denied it had brought down two sites': the statement is a denial
    return RawQuote(text, "indirect", speaker, tokens[0].idx, tokens[-1].idx + len(tokens[-1]), index, time_text,
                    named_as, how)


def _according_clause(sent, according, speaker: str | None, index: int) -> RawQuote | None:
    phrase = {t.i for t in according.subtree} | {according.i}
    tokens = [t for t in sent if t.i not in phrase]
    text = "".join(t.text_with_ws for t in tokens).strip(" ,.\n")
    text = re.sub(r"^,\s*", "", text)
    if word_count(text) < current().extraction.min_quote_words:
        return None
    return RawQuote(text, "indirect", speaker, sent.start_char, sent.end_char, index, None, speaker,
                    "named" if speaker else None)
