"""Details of what happened that reports can disagree on, read sentence by sentence: the day it
happened ('shot ... on Sunday'), the time of day ('happened around 3:30 p.m.'), where a victim was
hit ('shot himself in the head') and which way a place lies from another ('55 kilometres south of
Bireun').

A day, a time or a body part counts only when the parse ties it to a happening ('shot', 'struck',
'happened', 'took place', 'a gunshot wound'): 'investigators said Sunday' or 'called on Sunday for
stiffer penalties' tell when someone spoke or acted afterwards, not when the thing happened. The
story stage (analysis/details.py) sets the details of different sources side by side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..config import current
from ..dates import TimeExpression, find_time_expressions
from .figures import according_to
from .measures import COMPASS, UNIT_NAMES
from .numbers import parse_number

# what happens in the events reports tell: a shooting, a quake, a blast, a crash
HAPPENINGS = {"shoot", "strike", "hit", "discharge", "fire", "wound", "kill", "injure", "happen", "occur", "erupt",
              "explode", "stab", "crash", "collapse", "jolt", "rock", "shake", "attack"}
HAPPENING_NOUNS = {"wound", "injury", "gunshot", "shot", "shooting"}  # 'a gunshot wound to her abdomen'
# one kind of happening under its several names, so that 'an earthquake' and 'a quake' meet
HAPPENING_KINDS = {"earthquake": "quake", "tremor": "quake", "quake": "quake", "blast": "explosion",
                   "explosion": "explosion", "shooting": "shooting", "gunfire": "shooting", "attack": "attack",
                   "storm": "storm", "hurricane": "storm", "typhoon": "storm", "cyclone": "storm", "flood": "flood",
                   "crash": "crash", "fire": "fire", "eruption": "eruption", "tsunami": "tsunami"}
DATED_KINDS = {"my", "month", "month_year", "md", "dm"}  # time expressions that name a month
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# a body part and the region it belongs to: 'the face' is not 'the head' said otherwise, 'the chest' and 'the
# abdomen' may be one wound seen twice; only different regions disagree
BODY_REGIONS = {
    **dict.fromkeys(("head", "face", "forehead", "temple", "eye", "jaw", "skull", "cheek", "mouth"), "head"),
    "neck": "neck",
    **dict.fromkeys(("chest", "abdomen", "stomach", "belly", "torso", "back", "side", "ribs", "hip", "buttocks",
                     "groin", "pelvis"), "torso"),
    **dict.fromkeys(("arm", "arms", "hand", "hands", "shoulder", "wrist", "finger", "elbow", "forearm"), "arm"),
    **dict.fromkeys(("leg", "legs", "thigh", "knee", "foot", "feet", "ankle", "calf", "shin"), "leg"),
}
CLOCK = re.compile(r"\b(?P<hour>\d{1,2})(?::(?P<minute>[0-5]\d))?\s*(?P<half>[ap])\.?\s?m\b\.?"
                   r"(?:\s+local time)?|\b(?P<hhmm>[01]\d|2[0-3])(?P<mm>[0-5]\d)\s*(?:GMT|UTC)\b", re.I)
CLOCK_HEDGE = re.compile(r"\b(?:about|around|approximately|roughly|near|nearly|shortly\s+(?:before|after)|"
                         r"just\s+(?:before|after))\s*(?:at\s+)?$", re.I)
COMPASS_WORDS = "|".join(sorted(COMPASS, key=len, reverse=True))
BEARING = re.compile(rf"(?P<distance>\d[\d.,]*)\s*(?P<unit>km|kilometers|kilometres|miles)\b\s*(?:\([^)]{{0,30}}\)\s*)?"
                     rf"(?P<direction>{COMPASS_WORDS})\s+of\s+(?:the\s+(?:town|city|village|district|province|capital)\s+"
                     rf"of\s+)?(?P<place>[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+)?)")
AGE = re.compile(r"\b(\d+|[a-z]+)[ -](year|month|week)s?[ -]old\b", re.I)
# whom a happening befell, as far as one word tells: a wound to 'her' is not one to 'a 3-year-old boy'
GENDER_WORDS = {**dict.fromkeys(("he", "him", "himself", "his", "boy", "man", "son", "father", "brother", "husband",
                                 "nephew", "grandson", "uncle"), "male"),
                **dict.fromkeys(("she", "her", "herself", "hers", "girl", "woman", "daughter", "mother", "sister",
                                 "wife", "niece", "granddaughter", "aunt"), "female")}


@dataclass
class RawDetail:
    """One detail of a happening as one sentence of one article gives it.

    slot: what it tells ('day', 'time', 'time (GMT)', 'wound', or 'bearing from <place> at <distance>');
    value: the comparable answer (a weekday, minutes after midnight, a body region, a compass
    direction); label: the answer as written; hedged: 'about 3:50 p.m.' allows a few minutes.
    """

    slot: str
    value: str
    label: str
    text: str
    start: int
    sentence: int
    hedged: bool = False
    attributed_to: str | None = None
    victim: str | None = None  # 'male' or 'female' when the words for whom it befell say so
    # whom it befell, by name and age ('Devon', 'Lofton', '9 months old'): how two reports' sentences are
    # known to tell of one victim
    who: list[str] = field(default_factory=list)


def extract_details(doc, expressions: list[list[TimeExpression]] | None = None) -> list[RawDetail]:
    """Every day, time of day, wound, bearing and past happening's month the article ties to a happening,
    in text order. expressions: each sentence's time expressions, when the caller has read them already."""
    found = []
    for index, sent in enumerate(doc.sents):
        text = sent.text.strip()[:current().extraction.detail_sentence_chars]
        dated = expressions[index] if expressions is not None else find_time_expressions(sent.text)
        details = _days(sent) + _times(sent) + _wounds(sent) + _bearings(sent) + _dates(sent, dated)
        if details:
            source = according_to(sent)
            found += [RawDetail(slot, value, label, text, start, index, hedged, source, victim[0], victim[1])
                      for slot, value, label, start, hedged, victim in sorted(details, key=lambda d: d[3])]
    return found


def _days(sent) -> list[tuple]:
    """'shot ... on Sunday', 'Saturday when it discharged'; not 'said Sunday'."""
    return [("day", t.lower_, t.text, t.idx, False, _victim(t, happening)) for t in sent
            if t.lower_ in WEEKDAYS and (happening := _happening(t)) is not None]


def _times(sent) -> list[tuple]:
    """'happened around 3:30 p.m.', 'struck inland at 0737 GMT', 'took place at 7:37 AM local time'.

    Times in GMT and local times are different questions: without the place's offset, '0737 GMT'
    and '2:37 p.m.' may well be one moment."""
    found = []
    for match in CLOCK.finditer(sent.text):
        span = sent.char_span(match.start(), match.end(), alignment_mode="expand")
        happening = _happening(span.root) if span is not None else None
        if happening is None:
            continue
        if match["hhmm"]:
            minutes, slot = int(match["hhmm"]) * 60 + int(match["mm"]), "time (GMT)"
        else:
            hour = int(match["hour"]) % 12 + (12 if match["half"].lower() == "p" else 0)
            minutes, slot = hour * 60 + int(match["minute"] or 0), "time"
        hedged = CLOCK_HEDGE.search(sent.text[:match.start()]) is not None
        found.append((slot, str(minutes), match.group().strip(), sent.start_char + match.start(), hedged,
                      _victim(span.root, happening)))
    return found


def _wounds(sent) -> list[tuple]:
    """'shot himself in the head', 'a gunshot wound to her lower left abdomen', 'a head wound'."""
    found = []
    for token in sent:
        region = BODY_REGIONS.get(token.lower_)
        if region is None or token.pos_ != "NOUN":
            continue
        part_of = next((c for o in token.children if o.dep_ == "prep" and o.lower_ == "of" for c in o.children
                        if c.dep_ == "pobj"), None)
        if part_of is not None:  # 'the side of his head' is the head; 'the back of the end zone' no body
            region = BODY_REGIONS.get(part_of.lower_)
            if region is None:
                continue
        happening = _happening(token) if token.dep_ == "pobj" and token.head.lower_ in ("in", "to") else \
            token.head if token.dep_ == "compound" and token.head.lemma_ in HAPPENING_NOUNS else None
        if happening is not None:
            found.append(("wound", region, token.text, token.idx, False, _victim(token, happening)))
    return found


def _dates(sent, expressions: list[TimeExpression]) -> list[tuple]:
    """'In April last year an 8.6-magnitude quake struck 431 kilometres off Banda Aceh': the month a
    happening of a named kind and place took place. The value is the expression as written; the story
    stage reads it against the report's date, and asks the question of that year only."""
    found: list[tuple] = []
    for expr in expressions:
        span = sent.char_span(expr.start, expr.end, alignment_mode="expand") if expr.kind in DATED_KINDS else None
        happening = _happening(span.root) if span is not None else None
        if happening is None or happening.pos_ not in ("VERB", "AUX"):
            continue
        kind, place = _kind_and_place(happening)
        if kind and place:
            found.append((f"date of the {kind} near {place}", expr.text, expr.text, sent.start_char + expr.start,
                          False, (None, [])))
    return found


def _kind_and_place(verb) -> tuple[str | None, str | None]:
    """What happened and where: 'an 8.7-magnitude earthquake also hit off the city of Banda Aceh' ->
    ('quake', 'Banda Aceh'); the place is the first name in the phrases the happening or its subject
    governs."""
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")]
    kind = HAPPENING_KINDS.get(subjects[0].lemma_.lower()) if subjects else None
    phrases = [c for head in (verb, *subjects) for c in head.children if c.dep_ in ("prep", "prt", "dobj")]
    for phrase in phrases:
        for token in phrase.subtree:
            if token.pos_ == "PROPN" and token.ent_type_ not in ("DATE", "TIME"):
                return kind, _proper_run(token)
    return kind, None


def _proper_run(token) -> str:
    """The run of proper nouns a name word stands in ('Banda' -> 'Banda Aceh'), within its sentence."""
    doc, start, end = token.doc, token.i, token.i + 1
    while start > token.sent.start and doc[start - 1].pos_ == "PROPN":
        start -= 1
    while end < token.sent.end and doc[end].pos_ == "PROPN":
        end += 1
    return doc[start:end].text


def _bearings(sent) -> list[tuple]:
    """'55 kilometres south of Bireun': the direction is the answer; the place and the distance say which
    question, so that '55 km west of Bireun' meets it and '72 km southeast of Reuleuet' does not."""
    found: list[tuple] = []
    for match in BEARING.finditer(sent.text):
        distance = match["distance"].replace(",", "").rstrip(".")
        unit = UNIT_NAMES[match["unit"].lower().removesuffix("s")]
        direction = match["direction"].lower().replace("-", "")
        found.append((f"bearing from {match['place']} at {distance} {unit}", direction, match.group(),
                      sent.start_char + match.start(), False, (None, [])))
    return found


def _happening(token):
    """The happening the phrase hangs on, through prepositions, compounds and modifiers only: the verb
    'shot' of 'shot ... on Sunday', the noun 'wound' of 'a wound to the head'; None when it hangs on
    another verb ('said Sunday')."""
    node = token
    for _ in range(current().extraction.detail_attachment_steps):
        if node.head is node:
            return None
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return node if _is_happening(node) else _when_clause(node)
        if node.lemma_ in HAPPENING_NOUNS and node.pos_ == "NOUN":
            return node
    return None


def _victim(token, happening) -> tuple[str | None, list[str]]:
    """Whom the happening befell: a gender when a word tells it ('her abdomen', 'a 3-year-old boy'), and
    the names and ages the words for them give ('Devon Lofton', '9 months old')."""
    patients = _patients(token, happening)
    gender = next((GENDER_WORDS[w.lower_] for p in patients for w in [p, *p.children]
                   if w.lower_ in GENDER_WORDS and (w is p or w.dep_ in ("compound", "amod", "poss"))), None)
    return gender, sorted({w for p in patients for w in _names_and_ages(p)})


def _patients(token, happening) -> list:
    """The owner of the body part ('her abdomen'), the one shot ('a 3-year-old boy ... was shot', 'striking
    their daughter'), who shot himself ('Devon ... shot himself'), who had the wound ('a 2-year-old child
    with a gunshot wound')."""
    owners = [c for c in token.children if c.dep_ == "poss"]
    verb = happening.head if happening.dep_ == "conj" and not any(
        c.dep_ in ("nsubjpass", "dobj") for c in happening.children) else happening
    patients = owners + [c for c in verb.children if c.dep_ in ("nsubjpass", "dobj", "poss")]
    if any(p.lower_ in ("himself", "herself") for p in patients):
        patients += [c for c in verb.children if c.dep_ == "nsubj"]
    node = happening
    while not patients and node.pos_ == "NOUN" and node.dep_ in ("pobj", "dobj", "compound") and node.head is not node:
        node = node.head.head if node.dep_ == "pobj" else node.head  # 'a child with a gunshot wound'
        if node.pos_ in ("NOUN", "PROPN"):
            patients.append(node)
        elif node.pos_ == "VERB":  # 'the boy suffering from a gunshot wound', 'he suffered a wound'
            patients += [c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")]
            if node.dep_ == "acl":
                patients.append(node.head)
    return patients


def _names_and_ages(patient) -> list[str]:
    """The names in the words for a victim and the age they give, up to the noun ('a nine-month-old baby')."""
    words = patient.doc[patient.left_edge.i:patient.i + 1]
    names = {t.text for t in words if t.pos_ == "PROPN" and t.ent_type_ in ("PERSON", "")}
    text = words.text
    ages = {f"{n.value:g} {m.group(2).lower()}s old" for m in AGE.finditer(text)
            if (n := parse_number(m.group(1))) is not None and n.value is not None}
    return sorted(names | ages)


def _is_happening(verb) -> bool:
    return verb.lemma_ in HAPPENINGS or (verb.lemma_ == "take" and any(c.lower_ == "place" for c in verb.children))


def _when_clause(verb):
    """'was cleaning the gun at about 4 p.m. Saturday when it discharged': a time of the main verb is the
    time of the happening its 'when' clause tells."""
    return next((c for c in verb.children if c.dep_ == "advcl" and _is_happening(c) and
                 any(w.lower_ == "when" for w in c.children if w.dep_ in ("advmod", "mark"))), None)
