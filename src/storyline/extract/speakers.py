"""Who said it: the speaker of a quote or a reported statement, chosen through the dependency parse.

The speaker is the subject of the nearest speech verb outside the quote: a named entity inside the
subject, a pronoun resolved to the last named person before it, or a role noun ("the
spokesman", "the widows") resolved to the last entity introduced with that noun; failing that, a
name before ('Name:') or after ('― Name') the quote, the subject of the verb before a colon, or the
X of 'according to X'. This module holds those rules, `SpeakerContext` (an article's named
mentions) and the vocabulary of attribution: speech, reporting, naming and pledge verbs, the nouns
of speaking institutions, the speaker-line patterns. It is apart from `quotes.py`, which finds the
statements and asks these rules who made them; `quotes.py` reads the same verb lists (and
`within_spans`, `word_count`) from here, so this module imports nothing from it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import current
from ..prepare.parse import text_of
from .entities import PLACE_LABELS
from .forms import ROLE_NOUNS

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
# What someone did or said, never who: 'according to its own statements', 'Russia's move'.
ACTS = {"statement", "move", "decision", "step", "action", "measure", "remark", "comment", "announcement"}
# Verbs whose clause the subject rejects: the statement keeps the verb, so it reads as a denial.
DENIAL_VERBS = {"deny", "dismiss", "reject", "refute", "dispute"}
# Bodies that speak for themselves ('the port authority of Valmora said'), unlike a spokesman or an official.
INSTITUTION_NOUNS = {"service", "office", "agency", "ministry", "department", "government", "commission", "court",
                     "council", "committee", "authority", "union", "company", "administration", "cabinet",
                     "parliament"}
# Verbs whose clause (ccomp) is a statement, a belief or a finding credited to their subject.
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
class SpeakerContext:
    """Named mentions of an article in text order, for pronoun and role resolution."""

    mentions: list[tuple[int, int, str, str]] = field(default_factory=list)  # start, end, name, label
    subjects: set[int] = field(default_factory=set)  # starts of mentions that are grammatical subjects
    people: set[str] = field(default_factory=set)  # names the syntax calls a person's ('Fauzi, an official')

    def is_place(self, name: str) -> bool:
        """The article only ever tags this name as a place."""
        labels = {m[3] for m in self.mentions if m[2] == name}
        return bool(labels) and labels <= PLACE_LABELS

    def person_like(self, name: str) -> bool:
        """A full name, or the surname of one this article gives in full."""
        return " " in name.strip() or name in self.people or any(m[3] == "PERSON" and " " in m[2] and m[2].split()[-1] == name
                                          for m in self.mentions)

    def full_name(self, name: str) -> str:
        """The one full name of the article a lone name is the last word of ('Dordies' of 'Sheila Dordies'), else itself."""
        fuller = {m[2] for m in self.mentions if " " in m[2] and m[2].split()[-1] == name and m[3] in SPEAKER_LABELS}
        return fuller.pop() if len(fuller) == 1 else name

    def inside(self, start: int, end: int) -> list[tuple[int, int, str, str]]:
        return [m for m in self.mentions if m[0] >= start and m[1] <= end]

    def last_before(self, position: int, labels: set[str], quotes: list[tuple[int, int]]) -> str | None:
        """The last such mention outside quotes, preferring subjects (the usual antecedent of 'he')."""
        earlier = [m for m in self.mentions if m[1] <= position and m[3] in labels and not within_spans(m[0], quotes)]
        if "PERSON" in labels:  # 'Yahoo', 'Lycos' tagged PERSON alone are weaker antecedents than a person's name
            earlier = [m for m in earlier if self.person_like(m[2])] or earlier
        # a person named this close before 'he said' is its antecedent even when not a subject
        # ('... according to Wessel van Rensburg. "We're prepared," he said')
        recent = [m for m in earlier if position - m[1] <= current().extraction.recent_chars]
        subjects = [m for m in earlier if m[0] in self.subjects]
        chosen = (recent or subjects or earlier)[-1:]
        return chosen[0][2] if chosen else None


def speaker_context(doc, spans) -> SpeakerContext:
    """The article's named mentions for resolving 'she said' and 'the spokesman': a full name the model
    tagged no person's but the syntax calls a person's ('his great-aunt Sheila Dordies, 52, who') and
    whose surname the article uses alone is a person's; so is the surname of one person of the article
    alone, whatever the model tagged it or if it left it untagged ('Dordies was wearing ...', 'Su
    indicated'), read as the full name; and a name tagged a place that the syntax calls a person's
    ('Fauzi, an official from the local disaster agency, told AFP')."""
    surnames = {t.text for t in doc if t.is_title and not t.ent_type_}
    people = {m.text for _s, _e, m in spans if m.label == "PERSON" and " " in m.text}
    people |= {m.text for _s, _e, m in spans if m.person_cue and " " in m.text and m.text.split()[-1] in surnames}
    holders: dict[str, set[str]] = {}
    for name in people:  # 'Manhattan Supreme Court Justice Frank Nervo' is Frank Nervo, titled
        if not any(name.endswith(" " + other) for other in people):
            holders.setdefault(name.split()[-1], set()).add(name)
    by_surname = {surname: names.pop() for surname, names in holders.items() if len(names) == 1}
    mentions = [(start, end, by_surname.get(m.text, m.text), "PERSON" if m.text in people or m.text in by_surname
                 or (m.person_cue and m.label in PLACE_LABELS) else m.label) for start, end, m in spans]
    mentions += [(t.idx, t.idx + len(t), by_surname[t.text], "PERSON") for t in doc
                 if t.text in by_surname and not t.ent_type_ and t.is_title]
    mentions += _untagged_speakers(doc)
    subjects = {t.idx for t in doc if t.dep_ in ("nsubj", "nsubjpass") and (t.ent_type_ or t.text in by_surname)}
    subjects |= {e.start_char for e in doc.ents if e.root.dep_ in ("nsubj", "nsubjpass") or
                 (e.root.dep_ == "appos" and e.root.head.dep_ in ("nsubj", "nsubjpass"))}
    lone_people = {m.text for _s, _e, m in spans if " " not in m.text and (m.person_cue or (m.speaks and m.label == "PERSON"))}
    return SpeakerContext(sorted(mentions), subjects, lone_people)


def _untagged_speakers(doc) -> list[tuple[int, int, str, str]]:
    """Full names the model left untagged that speak ('Quashaun Poore said she told her uncle ...'): the
    proper nouns of a speech verb's subject, two or more, are a person's name."""
    found = []
    for token in doc:
        if token.dep_ == "nsubj" and token.pos_ == "PROPN" and not token.ent_type_ and token.head.lemma_ in SPEECH_VERBS:
            words = [t for t in token.subtree if t.pos_ == "PROPN" and t.is_title and t.i <= token.i]
            if len(words) >= 2 and words[-1] == token and words[-1].i - words[0].i == len(words) - 1:
                found.append((words[0].idx, token.idx + len(token), " ".join(t.text for t in words), "PERSON"))
    return found


def within_spans(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= position < e for s, e in spans)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def transcript_speaker(quoted: str) -> str | None:
    """'"PENCE: Well, the question ..."': a quoted transcript line names its speaker."""
    match = TRANSCRIPT_LINE.match(quoted)
    return match.group(1).title() if match else None


def colon_speaker(doc, start: int, spans, context) -> tuple[str | None, str | None, str | None]:
    """The subject of the last verb before the colon that opens the quote, whatever the verb."""
    colon = text_of(doc).rfind(":", 0, start)
    verbs = [t for t in doc.char_span(max(0, colon - 200), colon, alignment_mode="contract") or []
             if t.pos_ in ("VERB", "AUX") and t.sent.start_char <= colon]
    for verb in reversed(verbs):
        subject = subject_of(verb, spans)
        if subject is not None:
            speaker = resolve_subject(subject, start, spans, context)
            if speaker:
                return speaker, speaker_text(subject, speaker), attribution_of(subject)
    return None, None, None


def trailing_speaker(after: str) -> str | None:
    """'"...." ― Adriana Rodarte': a name after a dash that closes the quote's line."""
    match = TRAILING_SPEAKER.match(after)
    return match.group(1) if match else None


def headline_speaker(before: str) -> str | None:
    match = HEADLINE_SPEAKER.match(before.strip(" “\"«„"))
    return match.group(1) if match else None


def attribution_of(subject) -> str:
    """How a subject names its speaker: 'he', 'the spokesman' (resolved to a name), or by name."""
    if subject.pos_ == "PRON":
        return "pronoun"
    named = any(t.pos_ == "PROPN" or t.ent_type_ in ("PERSON", "ORG") or t.is_title for t in subject.subtree)
    return "named" if named else "role"


def passive(verb) -> bool:
    """'chips will be added', 'it was announced': the subject of a passive verb of saying is what is said."""
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def subject_of(verb, spans=()):
    """The verb's subject, or for 'X said Tuesday, adding that ...' / 'X wrote, saying ...' its head's;
    of two ('"... Full panic mode," said Leslie Wimes'), the one outside the quotation marks."""
    node = verb
    for _ in range(3):
        subjects = [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")] or _inverted_subject(node)
        subject = next((c for c in subjects if not within_spans(c.idx, spans)), subjects[0] if subjects else None)
        if subject is not None or node.dep_ not in ("advcl", "conj", "xcomp") or node.head is node:
            return subject
        node = node.head
    return None


def stranded_subject(verb, spans, context: SpeakerContext):
    """'“…,” Tulsa police Chief Chuck Jordan said Monday', '“…,” Flynn, a top Trump surrogate, said', 'Said Ellis:
    “…”': the parser hangs the speaker's name on the quote and leaves the verb without a subject. The name
    right before the verb (past only its own appositive) or right after it is the subject: its head token
    and the name."""
    doc = verb.doc
    # the nearest first: 'Chuck Jordan' rather than the titled 'Chief Chuck Jordan' that holds it
    for start, end, name, label in sorted(context.mentions, key=lambda m: abs(m[0] - verb.idx)):
        if label not in SPEAKER_LABELS or within_spans(start, spans):
            continue
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None or span.sent != verb.sent:
            continue
        head = span.root
        if span.end <= verb.i and all(t in head.subtree or (t.is_punct and not t.is_quote) for t in doc[span.end:verb.i]):
            return head, name
        if span.start == verb.i + 1 and (verb.is_sent_start or verb.nbor(-1).text in {"”", '"', ",", "»", "’"}):
            return head, name
    return None, None


def _inverted_subject(verb) -> list:
    """'“...,” added the doctor': the parser makes the speaker after the verb its object (a person or a
    role, never 'the firings')."""
    if verb.lemma_ not in SPEECH_VERBS or verb.i == 0 or verb.nbor(-1).text not in {"”", '"', ",", "»", "’"}:
        return []
    return [c for c in verb.children if c.dep_ == "dobj" and 0 < c.i - verb.i <= 3 and
            (c.ent_type_ == "PERSON" or c.lemma_.lower() in ROLE_NOUNS | SOURCE_NOUNS)]


def speaker_text(subject, speaker: str | None) -> str | None:
    """The speaker as this article names them: the subject phrase, or for a pronoun the name it stands for."""
    if subject.pos_ == "PRON":
        return speaker
    words = [t for t in subject.subtree if t.dep_ not in ("relcl", "punct") and not any(
        a.dep_ == "relcl" for a in t.ancestors if a in subject.subtree)]
    phrase = " ".join(t.text for t in words).strip()
    return phrase if phrase and word_count(phrase) <= current().extraction.max_speaker_text_words else speaker


def time_phrase(verb) -> str | None:
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
        # the name the phrase is about ('Jean-Marc Ayrault, ... a member of the Security Council') before any
        # name in its appositives; then persons before organisations, longer names first
        inside.sort(key=lambda m: (not m[0] <= subject.idx < m[1], {"PERSON": 0, "ORG": 1}[m[3]], -(m[1] - m[0])))
        return inside[0][2]
    if context.inside(sub_start, sub_end):
        return None  # 'Kyiv said', 'Russia claims': a place is no speaker
    lower = subject.text.lower()
    position = min(quote_start, sub_start)
    if lower in PERSON_PRONOUNS:
        return context.last_before(position, {"PERSON"}, spans)
    if lower in GROUP_PRONOUNS:
        return None
    if subject.pos_ == "PROPN" or _capitalised_noun(subject):  # a name the entity model missed
        words = " ".join(t.text for t in subject.subtree if t.pos_ == "PROPN" or _capitalised_noun(t))
        name = re.sub(r"^\W+|\W+$", "", words)  # '">Sanders': a page's markup stuck to the name
        return context.full_name(name) if name else None
    if subject.pos_ == "NOUN":  # 'another neighbor' is someone new, not the neighbour named before
        return (None if _introduces_someone(subject) else _role_reference(subject, position, context)) or \
            _institution(subject)
    return None


def _introduces_someone(noun) -> bool:
    """'another neighbor said', 'a witness said', 'one resident said': someone new and unnamed, not the
    neighbour named before."""
    return any(c.dep_ in ("det", "nummod") and c.lower_ in {"another", "a", "an", "one", "other"} for c in noun.children)


def _capitalised_noun(token) -> bool:
    """A word the tagger calls a common noun though the report capitalises it mid-sentence ('Dordies
    said'): a name it does not know, never a role like 'the spokesman'."""
    return token.pos_ == "NOUN" and token.is_title and not token.is_sent_start and token.i > token.sent.start


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
    """'the widows' -> an entity whose name holds the noun; 'the spokesman' -> the last one so titled,
    before the name or after it ('Ema Suryani, a doctor at a health clinic' is 'the doctor')."""
    stem = noun.lemma_.lower()
    text = text_of(noun.doc)
    for start, end, name, label in reversed(context.mentions):
        if start >= position or label not in SPEAKER_LABELS:
            continue
        titled = stem not in SOURCE_NOUNS and (re.search(  # 'spokesman X', 'the widows' leader X'
            rf"\b{re.escape(stem)}\w*\W+(?:\w+\W+)?$", text[max(0, start - 40):start].lower()) is not None or
            _described_as(noun.doc, start, end, stem))
        if stem and (stem in name.lower() or titled):
            return name
    return None


def _described_as(doc, start: int, end: int, stem: str) -> bool:
    """The name has the role noun in apposition: 'Ema Suryani, a doctor at a health clinic'."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and any(c.dep_ == "appos" and c.lemma_.lower() == stem for c in span.root.children)


def according_source(tokens, spans, context):
    """The first 'according to X' among tokens: (the 'according' token, X as a speaker or None where X
    is no one: 'according to its own statements'), or (None, None)."""
    for token in tokens:
        if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor(1).lower_ == "to":
            objects = [c for c in token.nbor(1).children if c.dep_ == "pobj"]
            if objects:
                return token, resolve_source_phrase(objects[0], spans, context)
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
    if head.pos_ == "NOUN" and head.lemma_.lower() in ACTS:
        return None  # 'according to its own statements', 'Russia's move': an act says nothing
    # 'according to a New York Times/CBS News poll released last week': the poll, not when it came out
    clauses = {t.i for c in head.children if c.dep_ in ("acl", "relcl") for t in c.subtree}
    phrase = "".join(t.text_with_ws for t in head.subtree if t.i not in clauses).strip(" ,.\"“”«»")
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
    return phrase if 0 < word_count(phrase) <= current().extraction.max_role_words else None


def named_source(subject, spans, context) -> str | None:
    """An unnamed but identifiable source ('the government in Moscow', 'Ukrainian sources')."""
    if subject.pos_ not in ("NOUN", "PROPN"):
        return None
    return resolve_source_phrase(subject, spans, context) if any(
        t.pos_ == "PROPN" or t.ent_type_ for t in subject.subtree) else None
