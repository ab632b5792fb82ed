"""Direct and reported speech with its speaker, found through the dependency parse.

Direct quotes: every quote-mark style (“ ” « » „ " and unbalanced marks at paragraph
edges); spans shorter than extraction.min_quote_words are scare quotes, not statements. The speaker
is the subject of the nearest speech verb outside the quote: a named entity inside the
subject, a pronoun resolved to the last named person before it, or a role noun ("the
spokesman", "the widows") resolved to the last entity introduced with that noun. A quote
paragraph with no attribution at all continues the previous quote's speaker (the news
convention); otherwise the speaker stays None, never a guess.

Reported speech: "X said (that) ...", "..., X said", "according to X, ...".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import current
from ..prepare.parse import text_of
from .entities import PLACE_LABELS

# A person named this close before 'he said' is its antecedent even when not a subject
# ('... according to Wessel van Rensburg. "We're prepared," he said').
OPENERS = {"“": "”", "«": "»", "„": "“"}
SPEECH_VERBS = {
    "say", "tell", "write", "add", "stress", "note", "claim", "state", "ask", "declare", "explain",
    "announce", "insist", "warn", "emphasise", "emphasize", "argue", "comment", "reply", "respond",
    "confirm", "deny", "admit", "acknowledge", "report", "tweet", "post", "urge", "promise", "vow",
    "assure", "accuse", "blame", "predict", "estimate", "assert", "maintain", "allege", "recall",
    "call", "describe", "shout", "chant", "exclaim", "joke", "quip", "scream", "yell", "reiterate", "echo",
    "testify", "boast", "retort", "counter", "concede",
    # the French and Spanish pipelines' lemmas of the same verbs
    "dire", "déclarer", "affirmer", "ajouter", "expliquer", "indiquer", "estimer", "souligner", "assurer", "annoncer",
    "confirmer", "démentir", "préciser", "décir", "decir", "afirmar", "declarar", "señalar", "asegurar", "explicar",
    "añadir", "indicar", "anunciar", "confirmar", "negar", "advertir", "subrayar", "precisar",
}
# Institutions that speak: 'the fire service said', 'regional officials said'.
SOURCE_NOUNS = {"service", "office", "agency", "ministry", "department", "government", "police", "army",
                "military", "official", "spokesman", "spokeswoman", "spokesperson", "source", "report", "commission",
                "court", "bank", "council", "committee", "authority", "union", "company", "administration",
                "prosecutor", "investigator", "intelligence", "kremlin", "cabinet", "parliament"}
# Verbs whose clause (ccomp) is a statement, a belief or a finding credited to their subject.
# Verbs whose clause the subject rejects: the statement keeps the verb, so it reads as a denial.
DENIAL_VERBS = {"deny", "dismiss", "reject", "refute", "dispute"}
# Bodies that speak for themselves ('the port authority of Valmora said'), unlike a spokesman or an official.
INSTITUTION_NOUNS = {"service", "office", "agency", "ministry", "department", "government", "commission", "court",
                     "council", "committee", "authority", "union", "company", "administration", "cabinet",
                     "parliament"}
REPORTING_VERBS = SPEECH_VERBS - {"call", "describe", "accuse", "blame", "ask", "post"} | {
    "believe", "think", "suggest", "contend", "indicate", "show", "reveal", "find", "conclude",
    "fear", "worry", "hope", "agree", "complain", "signal", "wonder", "point", "know", "feel",
    "acknowledge", "mention", "charge", "caution", "observe", "remark", "speculate",
    "suspect", "recognize", "recognise", "realize", "realise", "understand", "expect", "guess", "figure", "bet"
} | DENIAL_VERBS
# Verbs by which a study or figures state something: 'figures showed revenue topped ...'.
EVIDENCE_VERBS = {"show", "find", "reveal", "indicate", "suggest"}
# Verbs that credit a characterisation: 'called Clinton a "champion"', 'likened him to a "vicious snake"'.
NAMING_VERBS = {"call", "describe", "label", "brand", "liken", "dub", "term", "condemn", "denounce", "praise",
                "criticize", "criticise", "slam", "blast", "accuse", "compare", "characterize", "characterise",
                "attack", "mock", "laud", "hail", "tout", "dismiss", "deride", "ridicule"}
# Verbs whose 'to ...' complement is the statement: a pledge, a call, a demand.
PLEDGE_VERBS = {"urge", "pledge", "vow", "promise", "threaten", "ask", "demand", "plan", "refuse", "decide",
                "want", "call", "encourage", "propose", "intend", "offer", "agree", "aim", "seek", "push"}
ATTRIBUTING_VERBS = SPEECH_VERBS | REPORTING_VERBS | NAMING_VERBS | PLEDGE_VERBS
# A speaker is a person or an organisation, never a place or a date.
SPEAKER_LABELS = ("PERSON", "ORG")
# Prepositions that say where someone is: 'officials in Kyiv' are not Kyiv.
LOCATING_PREPOSITIONS = {"in", "at", "near", "from", "across"}
PERSON_PRONOUNS = {"he", "she"}
GROUP_PRONOUNS = {"they", "we"}
# 'Name:' or 'Name ―' before a quote, and a transcript's 'NAME: words' paragraph.
HEADLINE_SPEAKER = re.compile(r"^([A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3})\s*(?::|―|—|–)\s*$")
TRAILING_SPEAKER = re.compile(r"^[\s,.]*(?:―|—|–|--)\s*([A-Z][\w'’.-]+(?: [A-Z][\w'’.-]+){0,3})\s*(?:\n|$)")
TRANSCRIPT_LINE = re.compile(r"^([A-Z][A-Z'’.-]+(?: [A-Z][A-Z'’.-]+){0,2}):\s+(\S.*)$", re.S)


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


@dataclass
class SpeakerContext:
    """Named mentions of an article in text order, for pronoun and role resolution."""

    mentions: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, name, label
    subjects: set[int] = field(default_factory=set)  # starts of mentions that are grammatical subjects

    def is_place(self, name: str) -> bool:
        """The article only ever tags this name as a place."""
        labels = {m[3] for m in self.mentions if m[2] == name}
        return bool(labels) and labels <= PLACE_LABELS

    def person_like(self, name: str) -> bool:
        """A full name, or the surname of one this article gives in full."""
        return " " in name.strip() or any(m[3] == "PERSON" and " " in m[2] and m[2].split()[-1] == name
                                          for m in self.mentions)

    def inside(self, start: int, end: int) -> list[tuple[int, int, str, str]]:
        return [m for m in self.mentions if m[0] >= start and m[1] <= end]

    def last_before(self, position: int, labels: set[str], quotes: list[tuple[int, int]]) -> str | None:
        """The last such mention outside quotes, preferring subjects (the usual antecedent of 'he')."""
        earlier = [m for m in self.mentions if m[1] <= position and m[3] in labels and not _within(m[0], quotes)]
        if "PERSON" in labels:  # 'Yahoo', 'Lycos' tagged PERSON alone are weaker antecedents than a person's name
            earlier = [m for m in earlier if self.person_like(m[2])] or earlier
        recent = [m for m in earlier if position - m[1] <= current().extraction.recent_chars]
        subjects = [m for m in earlier if m[0] in self.subjects]
        chosen = (recent or subjects or earlier)[-1:]
        return chosen[0][2] if chosen else None


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of quoted text (marks excluded), paragraph by paragraph."""
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in text.split("\n\n"):
        spans.extend((offset + s, offset + e) for s, e in _paragraph_spans(paragraph))
        offset += len(paragraph) + 2
    return spans


def _paragraph_spans(paragraph: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    open_at, closer = None, None
    for i, ch in enumerate(paragraph):
        if open_at is None:
            closes = ch in "”»" or (ch == '"' and i > 0 and paragraph[i - 1] in ",.?!" and
                                    re.match(r"\s+(?:said|says|he|she|they|added|according)\b", paragraph[i + 1:i + 12]))
            if closes:  # closing mark with no opening: the quote began before, at a sentence start at the latest
                begun = max(spans[-1][1] + 1 if spans else 0, paragraph.rfind(". ", 0, i - 1) + 2 if spans else 0)
                spans.append((begun, i))
            elif ch in OPENERS:
                open_at, closer = i + 1, OPENERS[ch]
            elif ch == '"':
                open_at, closer = i + 1, '"'
        elif ch == closer or (closer == '"' and ch in "”") or (closer == "”" and ch == '"'):
            spans.append((open_at, i))
            open_at = None
    if open_at is not None and len(paragraph) - open_at > current().extraction.unclosed_quote_chars:
        spans.append((open_at, len(paragraph)))  # unbalanced: runs to the paragraph's end
    return [(s, e) for s, e in spans if e > s]


def _is_title(quoted: str) -> bool:
    """A quoted name or title ("Widows of Russian Soldiers", "Make Love, Not Spam,"), not a statement."""
    words = re.findall(r"[\w'’]+", quoted)
    return not re.search(r"[.!?;]\W*$", quoted.strip()) and \
        all(w[0].isupper() or len(w) <= 3 for w in words)


def _is_name(text: str, start: int, end: int) -> bool:
    """A short quoted phrase that names something ('Lycos's "Make love not spam" screensaver'): no
    closing punctuation, no colon or comma before it, and a word, not a clause, right after it."""
    quoted = text[start:end].strip()
    if _words(quoted) > current().extraction.max_name_words or re.search(r"[.!?,;]\W*$", quoted):
        return False
    before = text[max(0, start - 3):start - 1].strip()
    after = text[end + 1:end + 30]
    return not before.endswith((":", ",")) and re.match(r"\s+[a-z]+\b", after) is not None and \
        not re.match(r"\s+(?:he|she|they|it|we|i|said|says|and|but|or|to|in|on|at|for|with|as|is|was)\b", after)


def _within(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in spans)


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def extract_quotes(doc, context: SpeakerContext) -> list[RawQuote]:
    """All direct and reported statements of one parsed article."""
    text = text_of(doc)
    spans = quote_spans(text)
    sentences = list(doc.sents)
    shortest = current().extraction.min_quote_words
    direct = [s for s in spans if _words(text[s[0]:s[1]]) >= shortest and not _is_title(text[s[0]:s[1]])
              and not _is_name(text, *s)]
    quotes: list[RawQuote] = _transcript_statements(text, sentences, spans)
    previous: RawQuote | None = None
    for start, end in direct:
        if any(q.start <= start < q.end for q in quotes):
            continue
        quote = _attribute_direct(doc, sentences, start, end, spans, context, previous)
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
        if match and _words(match.group(2)) >= current().extraction.min_quote_words:
            start = offset + match.start(2)
            end = offset + len(paragraph.rstrip())
            name = match.group(1).title()
            found.append(RawQuote(text[start:end], "direct", name, start, end, _sentence_index(sentences, start),
                                  None, match.group(1)))
        offset += len(paragraph) + 1
    return found


def _sentence_index(sentences, position: int) -> int:
    for index, sent in enumerate(sentences):
        if sent.start_char <= position < sent.end_char:
            return index
    return len(sentences) - 1


def _attribute_direct(doc, sentences, start, end, spans, context, previous) -> RawQuote:
    first = _sentence_index(sentences, start)
    last = _sentence_index(sentences, max(start, end - 1))
    window = list(range(first, last + 1))
    if last + 1 < len(sentences) and _is_attribution_tail(sentences[last + 1], end):
        window.append(last + 1)
    tokens = [t for i in window for t in sentences[i] if not _within(t.idx, spans)]
    text = text_of(doc)
    paragraph_start = text.rfind("\n\n", 0, start) + 2 if "\n\n" in text[:start] else 0
    quoted = text[start:end].strip()
    speaker, speaker_text, time_text = _speaker_from_tokens(tokens, start, end, spans, context)
    if speaker is None:
        speaker = speaker_text = _headline_speaker(text[paragraph_start:start]) or \
            _trailing_speaker(text[end + 1:end + 80]) or _transcript_speaker(quoted)
    if speaker is None and text[paragraph_start:start].rstrip(' “"«„').endswith(":"):
        speaker, speaker_text = _colon_speaker(doc, start, spans, context)  # 'Limbaugh continued: "..."
    if speaker is None:  # '"It's heartbreaking," Ryan said. "And this country ...': the paragraph's speaker
        rest = [i for i in range(first - 1, -1, -1) if sentences[i].end_char > paragraph_start]
        for i in rest[:2]:
            found = _speaker_from_tokens([t for t in sentences[i] if not _within(t.idx, spans)], start, end, spans,
                                         context)
            if found[0]:
                speaker, speaker_text = found[0], found[1]
                break
    if speaker is None and previous is not None and previous.speaker and (
            _bare_quote_paragraph(text, paragraph_start, start, end) or previous.start >= paragraph_start):
        speaker = previous.speaker  # the same speaker goes on: a bare quote paragraph, or later in the paragraph
    return RawQuote(quoted, "direct", speaker, start, end, first, time_text, speaker_text)


def _is_attribution_tail(sent, quote_end: int) -> bool:
    """spaCy often splits '...,” he said.' after the closing mark: keep that tail, not a new statement."""
    verbs = [t for t in sent if t.lemma_ in SPEECH_VERBS]
    return sent.start_char - quote_end <= 3 and len(sent) <= current().extraction.attribution_tail_tokens and \
        bool(verbs) and \
        not any(c.dep_ == "ccomp" for v in verbs for c in v.children)


def _transcript_speaker(quoted: str) -> str | None:
    """'"PENCE: Well, the question ..."': a quoted transcript line names its speaker."""
    match = TRANSCRIPT_LINE.match(quoted)
    return match.group(1).title() if match else None


def _colon_speaker(doc, start: int, spans, context) -> tuple[str | None, str | None]:
    """The subject of the last verb before the colon that opens the quote, whatever the verb."""
    colon = text_of(doc).rfind(":", 0, start)
    verbs = [t for t in doc.char_span(max(0, colon - 200), colon, alignment_mode="contract") or []
             if t.pos_ in ("VERB", "AUX") and t.sent.start_char <= colon]
    for verb in reversed(verbs):
        subject = _subject_of(verb, spans)
        if subject is not None:
            speaker = resolve_subject(subject, start, spans, context)
            if speaker:
                return speaker, speaker_text(subject, speaker)
    return None, None


def _trailing_speaker(after: str) -> str | None:
    """'"...." ― Adriana Rodarte': a name after a dash that closes the quote's line."""
    match = TRAILING_SPEAKER.match(after)
    return match.group(1) if match else None


def _headline_speaker(before: str) -> str | None:
    match = HEADLINE_SPEAKER.match(before.strip(" “\"«„"))
    return match.group(1) if match else None


def _bare_quote_paragraph(text: str, paragraph_start: int, start: int, end: int) -> bool:
    paragraph_end = text.find("\n\n", end)
    paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
    outside = text[paragraph_start:start] + text[end:paragraph_end]
    return _words(outside) == 0


def _speaker_from_tokens(tokens, start, end, spans, context) -> tuple[str | None, str | None, str | None]:
    """Speaker of the speech verb nearest the quote, as resolved and as written, and the verb's time phrase."""
    verbs = [t for t in tokens if t.lemma_ in ATTRIBUTING_VERBS and t.pos_ in ("VERB", "AUX")]
    verbs.sort(key=lambda t: (t.lemma_ not in SPEECH_VERBS, min(abs(t.idx - end), abs(t.idx - start))))
    for verb in verbs:
        subject = _subject_of(verb, spans)
        if subject is None:
            continue
        speaker = resolve_subject(subject, start, spans, context)
        if speaker:
            return speaker, speaker_text(subject, speaker), _time_phrase(verb)
    source = _according_source(tokens, spans, context)[1]
    return source, source, None


def _subject_of(verb, spans=()):
    """The verb's subject, or for 'X said Tuesday, adding that ...' / 'X wrote, saying ...' its head's;
    of two ('"... Full panic mode," said Leslie Wimes'), the one outside the quotation marks."""
    node = verb
    for _ in range(3):
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
        subject = next((c for c in subjects if not _within(c.idx, spans)), subjects[0] if subjects else None)
        if subject is not None or node.dep_ not in ("advcl", "conj", "xcomp") or node.head is node:
            return subject
        node = node.head
    return None


def speaker_text(subject, speaker: str | None) -> str | None:
    """The speaker as this article names them: the subject phrase, or for a pronoun the name it stands for."""
    if subject.pos_ == "PRON":
        return speaker
    words = [t for t in subject.subtree if t.dep_ not in ("relcl", "punct") and not any(
        a.dep_ == "relcl" for a in t.ancestors if a in subject.subtree)]
    phrase = " ".join(t.text for t in words).strip()
    return phrase if phrase and _words(phrase) <= current().extraction.max_speaker_text_words else speaker


def _time_phrase(verb) -> str | None:
    """The date phrase attached to the speech verb ('on Tuesday night'), as text."""
    for child in verb.children:
        dated = child.ent_type_ in ("DATE", "TIME") or any(t.ent_type_ == "DATE" for t in child.subtree)
        if dated and child.dep_ in ("prep", "npadvmod", "tmod"):
            return "".join(t.text_with_ws for t in child.subtree).strip()
    return None


def resolve_subject(subject, quote_start: int, spans, context: SpeakerContext) -> str | None:
    """A subject phrase to a speaker name: entity inside, pronoun, or role noun."""
    sub_start = min(t.idx for t in subject.subtree)
    sub_end = max(t.idx + len(t) for t in subject.subtree)
    inside = _who_inside(subject, context)
    if inside and subject.pos_ == "NOUN" and subject.lemma_.lower() in INSTITUTION_NOUNS and \
            not any(m[0] <= subject.idx < m[1] for m in inside):
        return _institution(subject)  # 'the port authority of Valmora' is the authority, not the town
    if inside:
        inside.sort(key=lambda m: ({"PERSON": 0, "ORG": 1}[m[3]], -(m[1] - m[0])))
        return inside[0][2]
    if context.inside(sub_start, sub_end):
        return None  # 'Kyiv said', 'Russia claims': a place is no speaker
    lower = subject.text.lower()
    position = min(quote_start, sub_start)
    if lower in PERSON_PRONOUNS:
        return context.last_before(position, {"PERSON"}, spans)
    if lower in GROUP_PRONOUNS:
        return None
    if subject.pos_ == "NOUN":
        return _role_reference(subject, position, context) or _institution(subject)
    if subject.pos_ == "PROPN":  # a name the entity model missed
        return " ".join(t.text for t in subject.subtree if t.pos_ == "PROPN") or None
    return None


def _who_inside(phrase, context: SpeakerContext) -> list[tuple[int, int, str, str]]:
    """Persons and organisations named in a phrase, except where they are a place ('officials in Kyiv')."""
    start = min(t.idx for t in phrase.subtree)
    end = max(t.idx + len(t) for t in phrase.subtree)
    located = {t.idx for t in phrase.subtree if t.dep_ == "pobj" and t.head.lower_ in LOCATING_PREPOSITIONS}
    return [m for m in context.inside(start, end) if m[3] in SPEAKER_LABELS and
            not any(m[0] <= i < m[1] for i in located)]


def _institution(subject) -> str | None:
    """'The regional fire service' -> 'regional fire service' when the head names an institution."""
    if subject.lemma_.lower() not in SOURCE_NOUNS:
        return None
    words = [t.text for t in subject.subtree if t.dep_ not in ("det", "poss", "punct") and t.i <= subject.i]
    if len(words) == 1:  # 'the office' -> the last 'the national weather office' named before
        earlier = re.findall(rf"\b[Tt]he ((?:[\w-]+ ){{1,3}}{re.escape(subject.text)})\b",
                             text_of(subject.doc)[:subject.idx])
        if earlier:
            return earlier[-1]
    return " ".join(words) or None


def _role_reference(noun, position: int, context: SpeakerContext) -> str | None:
    """'the widows' -> an entity whose name holds the noun; 'the spokesman' -> the last one so titled."""
    stem = noun.lemma_.lower()
    text = text_of(noun.doc)
    for start, _end, name, label in reversed(context.mentions):
        if start >= position or label not in SPEAKER_LABELS:
            continue
        titled = stem not in SOURCE_NOUNS and re.search(  # 'spokesman X', 'the widows' leader X'
            rf"\b{re.escape(stem)}\w*\W+(?:\w+\W+)?$", text[max(0, start - 40):start].lower()) is not None
        if stem and (stem in name.lower() or titled):
            return name
    return None


def _according_source(tokens, spans, context):
    """The first 'according to X' among tokens: (the 'according' token, X as a speaker), or (None, None)."""
    for token in tokens:
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor(1).lower_ == "to":
            objects = [c for c in token.nbor(1).children if c.dep_ == "pobj"]
            speaker = resolve_source_phrase(objects[0], spans, context) if objects else None
            if speaker:
                return token, speaker
    return None, None


def resolve_source_phrase(head, spans, context: SpeakerContext) -> str | None:
    """'according to X': an entity inside X, or X itself when it names a source ('Ukrainian sources')."""
    sub_start = min(t.idx for t in head.subtree)
    inside = _who_inside(head, context)
    if inside:
        return inside[0][2]
    if head.pos_ == "NOUN":
        role = _role_reference(head, sub_start, context)
        if role:
            return role
    phrase = "".join(t.text_with_ws for t in head.subtree).strip(" ,.\"“”«»")
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
    return phrase if 0 < _words(phrase) <= current().extraction.max_role_words else None


def _reported_speech(sent, index: int, spans, context) -> list[RawQuote]:
    """'X said (that) P', 'P, X said', 'X urged Y to P', 'X called for P', 'according to X, P': indirect
    statements of P, one per reporting verb; the speaker stays None when the subject names no one."""
    found = []
    for verb in sent:
        if verb.pos_ not in ("VERB", "AUX"):
            continue
        content = _reported_content(verb)
        subject = _subject_of(verb, spans) if content is not None else None
        if content is None or subject is None:
            continue
        speaker = resolve_subject(subject, sent.start_char, spans, context) or _named_source(subject, spans, context)
        quote = _indirect(content, verb, speaker, speaker_text(subject, speaker), index, _time_phrase(verb))
        if quote:
            found.append(quote)
    found = [q for q in found if not any(o is not q and o.start <= q.start and q.end <= o.end for o in found)]
    if not found:  # 'said she wanted to speak ...': the inner clause is part of the outer statement
        according, speaker = _according_source(sent, spans, context)
        quote = _according_clause(sent, according, speaker, index) if according is not None else None
        found += [quote] if quote else []
    return found


def _reported_content(verb) -> list | None:
    """The tokens a reporting verb credits: its ccomp, a pledge's 'to ...', 'called for X', or a
    characterisation's object and complement ('called Clinton a "champion"')."""
    if verb.lemma_ in REPORTING_VERBS:
        clause = next((c for c in verb.children if c.dep_ == "ccomp"), None)
        if clause is not None:
            return list(clause.subtree)
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


def _named_source(subject, spans, context) -> str | None:
    """An unnamed but identifiable source ('the government in Moscow', 'Ukrainian sources')."""
    if subject.pos_ not in ("NOUN", "PROPN"):
        return None
    return resolve_source_phrase(subject, spans, context) if any(
        t.pos_ == "PROPN" or t.ent_type_ for t in subject.subtree) else None


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
              time_text: str | None) -> RawQuote | None:
    """The content's words (without 'that', and never running into its reporting verb's own words)."""
    tokens = sorted((t for t in content if not (t.dep_ == "mark" and t.head.dep_ == "ccomp")), key=lambda t: t.i)
    after = sum(t.i > verb.i for t in tokens) * 2 >= len(tokens)
    tokens = [t for t in tokens if (t.i > verb.i) == after]
    if not tokens:
        return None
    text = "".join(t.text_with_ws for t in tokens).strip(" ,")
    if _words(text) < current().extraction.min_quote_words:
        return None
    if verb.lemma_ in DENIAL_VERBS and after:
        text = f"{verb.text} {text}"  # 'denied it had brought down two sites': the statement is a denial
    return RawQuote(text, "indirect", speaker, tokens[0].idx, tokens[-1].idx + len(tokens[-1]), index, time_text,
                    named_as)


def _according_clause(sent, according, speaker: str, index: int) -> RawQuote | None:
    phrase = {t.i for t in according.subtree} | {according.i}
    tokens = [t for t in sent if t.i not in phrase]
    text = "".join(t.text_with_ws for t in tokens).strip(" ,.\n")
    text = re.sub(r"^,\s*", "", text)
    if _words(text) < current().extraction.min_quote_words:
        return None
    return RawQuote(text, "indirect", speaker, sent.start_char, sent.end_char, index, None, speaker)
