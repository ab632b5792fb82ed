"""What a figure measures, read off the English parse.

A figure is only comparable with another when both say what they measure and whose it is: "24 dead"
and "five people killed" in an earthquake are one measure of one event, "80 people employed" by a
company another. The measure is a short noun phrase from the words the report puts around the number,
in this order of evidence:

- the noun the amount is of: 'a depth of 10 km' -> depth, 'a GDP of $973bn' -> GDP;
- a unit that is itself the measure: 'the 6.1-magnitude quake' -> magnitude (whose: the quake);
- the noun a percentage or a sum qualifies: 'a 20 percent improvement', '$500m savings';
- a common noun that has the figure: 'overall revenue topped $9.4 billion' -> revenue;
- what happened to the things counted: '24 dead', '12 people were killed', 'killing five people',
  'SeaMicro employs 80 people' -> the counted noun and its verb ('people killed', 'people employed');
- a length, weight or time with nothing else said: distance, weight, duration;
- money paid for something ('acquire SeaMicro for $334m'): its price.

Whose figure it is comes from the same parse, in `subjects.py`, with the helpers here.
"""

from __future__ import annotations

import re

from lemminflect import getInflection
from spacy.tokens import Token

from ..config import current
from .forms import KIN_NOUNS
from .numbers import FRACTIONS
from .references import referent

PLACE_PREPOSITIONS = {"in", "at", "near", "off", "across", "throughout", "inside"}
PAYMENT = {"for"}  # 'acquire SeaMicro for $334m': the amount paid
# the physical dimension of a unit, when the report names no measure: 'roughly 400 km south of Okinawa'
DIMENSIONS = {"distance": {"km", "kilometer", "kilometre", "mile", "meter", "metre", "foot", "yard", "inch", "cm",
                           "centimeter", "centimetre", "mm", "millimeter", "millimetre", "nautical"},
              "weight": {"ton", "tonne", "kg", "kilogram", "pound", "lb", "gram", "ounce"},
              "duration": {"second", "minute", "hour", "day", "week", "month", "year", "decade"},
              "area": {"hectare", "acre"}}
# a length told by the adjective after it: '17.5 inches high'
DIMENSION_WORDS = {"high": "height", "tall": "height", "wide": "width", "long": "length", "deep": "depth",
                   "thick": "thickness"}
# units of measure as a figure's unit, one spelling each ('kilometres', 'km' -> 'km')
UNIT_NAMES = {**dict.fromkeys(("km", "kilometer", "kilometre"), "km"), **dict.fromkeys(("meter", "metre"), "m"),
              "mile": "miles", "nautical": "nautical miles", "foot": "feet", "feet": "feet", "yard": "yards",
              "inch": "inches", **dict.fromkeys(("cm", "centimeter", "centimetre"), "cm"),
              **dict.fromkeys(("mm", "millimeter", "millimetre"), "mm"), **dict.fromkeys(("ton", "tonne"), "tons"),
              **dict.fromkeys(("kg", "kilogram"), "kg"), "gram": "grams", "ounce": "ounces", "lb": "pounds",
              "hectare": "hectares", "acre": "acres"}
# a scale written before its number ('a magnitude 9.1 quake'); changes named as nouns ('grow 33 percent')
SCALES_BEFORE = {"magnitude", "category", "level", "grade", "force"}
CHANGES = {"grow": "growth", "rise": "rise", "climb": "rise", "jump": "rise", "surge": "rise", "soar": "rise",
           "increase": "increase", "gain": "gain", "fall": "fall", "drop": "fall", "decline": "decline",
           "decrease": "decrease", "slip": "fall", "plunge": "fall", "shrink": "fall", "slide": "fall"}
# words before a name that say it is a person's: a kin noun, or whose it is ('his great-aunt Sheila Dordies')
PERSON_MARKS = KIN_NOUNS | {"his", "her", "mr", "mrs", "ms"}
COMPASS = {"north", "south", "east", "west", "northeast", "northwest", "southeast", "southwest", "north-east",
           "north-west", "south-east", "south-west"}
# what reports call the toll of a disaster, however the sentence words it ('killed', 'dead', 'died'); a count
# of a particular kind of people keeps its noun ('six children killed')
CASUALTIES = {**dict.fromkeys(("killed", "dead", "died", "slain"), "deaths"),
              **dict.fromkeys(("injured", "wounded", "hurt"), "injured")}
# 'GDP: $973bn', 'Lifetime Gross Total (23): $935,837,029': a label, its colon, the figure
FACT_LABEL = re.compile(r"((?:\b[A-Z][\w'-]*\s+){0,3}\b[A-Z][\w'-]*)\s*(?:\([^()]{0,12}\))?\s*:\s*[$€£¥]?\s*$")
CALIBRE = re.compile(r"\.\d{2,3}")  # '.45', '.357': a gun's bore, written with its point
MODIFIER_DEPS = ("nummod", "compound", "npadvmod", "amod", "quantmod")


def figure_token(span):
    """The number's own token: the last digit-like token of the span, else its root."""
    numbers = [t for t in span if t.like_num]
    return numbers[-1] if numbers else span.root


def measure_of(span, counted, sum_or_share: bool) -> str | None:
    """What the figure measures, as a short phrase ('depth', 'people killed', 'improvement')."""
    label = fact_label(span) or _scale(span)
    if label:
        return label
    if sum_or_share and (change := _change(span)) is not None:
        return change
    share_of = next((p for t in span for p in t.children if p.dep_ == "prep" and p.lower_ == "of"), None)
    if sum_or_share and share_of is not None:  # 'a third of the power', '90 percent of the components'
        whole = next((c for c in share_of.children if c.dep_ == "pobj" and c.pos_ != "PRON"), None)
        return "share of " + noun_phrase(whole) if whole is not None else "share"
    holder = holder_of(span, counted)
    of = _of_noun(holder) or (_sum_named_by(holder) or _record_held(holder) if sum_or_share else None)
    if of is not None:
        return noun_phrase(of, span)
    unit = unit_of(span, counted)
    if unit is not None and not sum_or_share:
        return DIMENSION_WORDS.get(unit.head.lemma_.lower()) or _dimension(unit) or unit.lemma_.lower()
    qualified = qualified_noun(holder, span)
    if qualified is not None and sum_or_share:
        return noun_phrase(qualified, span)
    owner = _common_owner(holder)
    if owner is not None:
        return noun_phrase(owner, span)
    state = None if sum_or_share else _state_of(holder, span)
    if state is not None:
        noun = counted.lemma_.lower() if counted is not None and counted.pos_ == "NOUN" else None
        if noun in (None, "people", "person", "man", "woman", "men", "women", "other") and state in CASUALTIES:
            return CASUALTIES[state]  # '12 people were killed', '24 dead', 'four people died': deaths
        return " ".join(w for w in (noun, state) if w)
    if holder.dep_ == "pobj" and holder.head.lower_ in PAYMENT and holder.head.head.pos_ == "VERB":
        return "price"
    if counted is not None and counted.pos_ == "NOUN" and not sum_or_share:
        return counted.lower_  # '230,000 people in 13 countries': a count of countries
    verb = governing_verb(holder)
    return _participle(verb) if verb is not None else None  # 'it raised $20 million': raised


def scale_before(span):
    """'a magnitude 9.1 quake', 'a Category 4 hurricane': the scale noun written before the number."""
    number = figure_token(span)
    before = number.doc[number.i - 1] if number.i > 0 else None
    if before is not None and before.text == "-" and number.i > 1:
        before = number.doc[number.i - 2]  # 'a magnitude-9.1 earthquake'
    return before if before is not None and before.lemma_.lower() in SCALES_BEFORE else None


def _scale(span) -> str | None:
    """The scale a figure is read on: 'a magnitude 9.1 quake' -> magnitude, 'measuring 7.2 on the Richter
    scale' -> Richter scale."""
    before = scale_before(span)
    if before is not None:
        return before.lemma_.lower()
    number = figure_token(span)
    on = next((p for p in number.head.children if p.dep_ == "prep" and p.lower_ == "on"), None)
    scale = next((c for c in on.children if c.dep_ == "pobj" and c.lemma_.lower() == "scale"), None) if on else None
    return noun_phrase(scale) if scale is not None else None


def _change(span) -> str | None:
    """'Spending is expected to grow 33 percent', 'Kmart shares fell 3 percent': a change, named as a noun
    (growth, fall); what changes is the figure's subject."""
    verb = governing_verb(figure_token(span))
    return CHANGES.get(verb.lemma_.lower()) if verb is not None else None


def is_casualty(span, counted) -> bool:
    """The figure counts people killed or hurt: 'killing one man', 'two were injured'."""
    return _state_of(holder_of(span, counted), span) in CASUALTIES


def fact_label(span) -> str | None:
    """A table's or fact box's label: 'Population: 361 million GDP: $973bn', 'Lifetime Gross Total (23): $935m'."""
    label = FACT_LABEL.search(span.doc.text[max(0, span.start_char - 60):span.start_char])
    return label.group(1).strip() if label else None


def ages(doc) -> list[tuple[Token, str, str]]:
    """People's ages: '23-year-old twins Rebeika Powell and Kayetie Melchor', 'the 9-month-old girl',
    'Pedro Rosales, 47,' (a number set off as a name's apposition): (number token, unit, whose)."""
    found = []
    for token in doc:
        if not token.like_num:
            continue
        span_unit = _age_unit(token)
        if span_unit is not None:
            old = token.head.head
            whose = old.head if old.dep_ == "amod" else None
            if whose is not None:
                found.append((token, span_unit, _person_named(whose)))
        elif token.dep_ == "appos" and _a_person(token.head) and token.i > token.head.i and \
                token.nbor(-1).text == "," and token.ent_type_ in ("DATE", "CARDINAL"):
            found.append((token, "years", noun_phrase(token.head)))
    return found


def _a_person(name) -> bool:
    """A name the tagger calls a person, or a name it mistakes for an organisation that a person's word
    describes ('his great-aunt Sheila Dordies, 52, who lives in Indiana')."""
    if name.ent_type_ == "PERSON":
        return True
    described = any(c.dep_ in ("compound", "poss") and c.lower_ in PERSON_MARKS for c in name.subtree if c.i < name.i)
    who = any(c.dep_ == "relcl" and any(w.lower_ == "who" for w in c.children) for c in name.children)
    return name.pos_ == "PROPN" and name.ent_type_ in ("ORG", "") and (described or who)


def calibres(doc) -> list[tuple[Token, str]]:
    """Guns' calibres: 'a .22-caliber handgun', 'an unlicensed Colt .45 handgun': (number token, the gun)."""
    found = []
    for chunk in doc.noun_chunks:
        number = next((t for t in chunk if CALIBRE.fullmatch(t.text)), None)
        if number is not None and chunk.root.pos_ == "NOUN" and chunk.root.i > number.i:
            calibre = {t.i for t in chunk if t.lower_ in ("caliber", "calibre", "-")}
            found.append((number, noun_phrase(chunk.root, skip=calibre | {number.i})))
    return found


def _age_unit(number) -> str | None:
    """'23-year-old': the number modifies 'year' (or month, week), which modifies 'old'."""
    unit = number.head
    if number.dep_ != "nummod" or unit.lemma_.lower() not in ("year", "month", "week", "day") or \
            unit.head.lower_ != "old" or unit.head.i - number.i > 4:
        return None
    return unit.lemma_.lower() + "s"


def _person_named(noun) -> str:
    """The person a described noun stands for: 'twins Rebeika Powell and Kayetie Melchor', 'Misty Nunley',
    'Bensu Elianita' of 'Bensu Elianita, a 22 year-old resident'."""
    if noun.dep_ == "appos" and noun.head.pos_ == "PROPN":
        return noun_phrase(noun.head)
    if (named := referent(noun)) is not None:
        return named
    name = next((c for c in noun.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    words = noun_phrase(noun)
    if name is not None:
        names = [name, *(c for c in name.children if c.dep_ == "conj" and c.pos_ == "PROPN")]
        words = words + " " + " and ".join(noun_phrase(n) for n in names)
    return words


def governing_verb(token):
    """The verb a figure's phrase hangs from, at most a few heads up."""
    node = token
    for _ in range(4):
        if node.pos_ in ("VERB", "AUX"):
            return node
        if node.head is node:
            return None
        node = node.head
    return node if node.pos_ in ("VERB", "AUX") else None


def holder_of(span, counted):
    """The token that stands for the whole quantity phrase in the sentence: the noun counted, else the
    span's root ('10 kilometers', '$9.4 billion'); for the second of two coordinated figures ('24 dead
    and over 200 injured'), the first."""
    holder = counted if counted is not None else span.root
    while holder.dep_ == "conj" and holder.head.pos_ in ("NOUN", "ADJ", "NUM", "PROPN") and holder.head.like_num is False:
        holder = holder.head
    return holder


def unit_of(span, counted):
    """A unit that is itself what is measured: a noun of the figure's own span ('10 km'), or the counted
    noun when it only qualifies another ('the 6.1-magnitude quake', 'a five-member committee')."""
    inside = next((t for t in span if t.pos_ == "NOUN" and not t.like_num and t.lower_ not in ("percent", "per", "cent")
                   and t.lower_.rstrip("s") not in FRACTIONS and t.lemma_.lower() not in FRACTIONS), None)
    if inside is not None:
        return inside
    qualifies = counted is not None and counted.dep_ in MODIFIER_DEPS and counted.head.pos_ in ("NOUN", "PROPN") and \
        counted.head.i > counted.i
    return counted if qualifies else None


def measure_unit(span) -> str | None:
    """The unit of measure a figure is written in ('10 kilometres' -> 'km'), None for a count or a sum."""
    inside = unit_of(span, None)
    return UNIT_NAMES.get(inside.lemma_.lower().rstrip("s") if inside.lemma_.lower() != "feet" else "feet") \
        if inside is not None else None


def _dimension(unit) -> str | None:
    lemma = unit.lemma_.lower().rstrip("s")
    return next((name for name, units in DIMENSIONS.items() if lemma in units), None)


def _of_noun(holder):
    """'a depth of 10 kilometres', 'a GDP of $973bn': the noun the amount is of."""
    if holder.dep_ == "pobj" and holder.head.lower_ == "of" and holder.head.head.pos_ == "NOUN":
        return holder.head.head
    return None


def _sum_named_by(holder):
    """'grants from the Department of Energy ($9.3 million) and the state of California ($250,000)', 'a cheque
    for 10 million Kronor ($1.4m)': the noun a sum is set beside in brackets, or is 'for'."""
    named = holder.head if holder.dep_ == "appos" else holder
    joined = False
    while named.dep_ == "conj" and named.head.pos_ == "NOUN":
        named, joined = named.head, True
    if joined:
        return named
    for_or_from = named.head
    if named.dep_ == "pobj" and for_or_from.head.pos_ == "NOUN" and (for_or_from.lower_ == "for" or holder is not named):
        return for_or_from.head
    return None


def _record_held(holder):
    """'set records for the biggest gross on New Year's Eve, with $12.2 million', 'the previous record was set
    by "Cast Away" with $8.5 million': the thing set or held with the sum."""
    verb = holder.head.head
    verb = verb.head if verb.dep_ == "agent" else verb  # 'by "Cast Away" with $8.5 million'
    if holder.dep_ != "pobj" or holder.head.lower_ != "with" or verb.pos_ != "VERB":
        return None
    return next((c for c in verb.children if c.dep_ in ("dobj", "nsubjpass") and c.pos_ == "NOUN"), None)


def qualified_noun(holder, span):
    """'a 20 percent improvement', 'the 6.1-magnitude quake': the noun after the figure it qualifies."""
    for token in (figure_token(span), holder, *span):
        head = token.head
        if token.dep_ in MODIFIER_DEPS and head.pos_ == "NOUN" and head.i >= span.end:
            named = head.dep_ in MODIFIER_DEPS and head.head.pos_ in ("NOUN", "PROPN") and head.head.i > head.i
            return head.head if named else head
    return None


def _common_owner(holder):
    """'overall revenue topped $9.4 billion', 'the current penalty is 3 1/2 to 15 years': a common noun
    that has the figure (a name there is whose it is, not what)."""
    verb = holder.head
    if holder.dep_ not in ("dobj", "attr", "npadvmod") or verb.pos_ not in ("VERB", "AUX"):
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.pos_ != "NOUN" or subject.ent_type_ or any(t.like_num for t in subject.subtree):
        return None
    # 'revenue topped $9.4bn' is the revenue; 'shares rose 17%' measures the rise, of the shares
    return subject if verb.lemma_ in ("be", "top", "reach", "total", "stand") else None


def _state_of(token, span) -> str | None:
    """What happened to the things counted: 'dead' in '24 dead', 'killed' in '12 people were killed',
    'injured' in '200 injured', 'killing' in 'killing five people'."""
    if token.pos_ == "ADJ" and token.i >= span.end:
        return token.lower_
    for child in token.children:
        if child.dep_ in ("amod", "acl", "oprd") and child.i > token.i and child.pos_ in ("VERB", "ADJ"):
            return _participle(child)
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    if following is not None and following.dep_ == "oprd" and following.pos_ in ("VERB", "ADJ"):
        return _participle(following)  # 'leaving 24 dead and over 200 injured'
    verb = token.head
    complement = next((c for c in verb.children if c.dep_ in ("oprd", "acomp") and c.pos_ == "ADJ"), None)
    if token.dep_ in ("nsubjpass", "nsubj") and verb.pos_ == "VERB" and complement is not None:
        return complement.lower_  # 'five people had been confirmed dead'
    if token.dep_ in ("nsubjpass", "dobj") and verb.pos_ == "VERB":
        return _participle(verb)  # 'people were killed', 'killing five people'
    if token.dep_ == "nsubj" and verb.pos_ == "VERB":
        return _participle(verb)  # 'four people died'
    if token.head.pos_ == "ADJ" and token.head.i > token.i:
        return token.head.lower_  # 'leaving 24 dead'
    return None


def _participle(word) -> str:
    """'killing', 'kills' -> 'killed': what was done to the things counted, one wording for all tenses."""
    if word.pos_ == "ADJ":
        return word.lower_
    forms = getInflection(word.lemma_.lower(), tag="VBN")
    return forms[0] if forms else word.lower_


def noun_phrase(head, span=None, with_place: bool = False, skip: set[int] | None = None) -> str:
    """A noun with its modifiers as written ('powerful earthquake'), and with_place the place it is in
    ('in Indonesia's Aceh province'); no articles, clauses, appositions or the figure (span) itself; at
    most a few words."""
    keep = {head.i}
    for child in head.children:
        modifier = child.dep_ in ("compound", "amod", "nmod", "poss", "nummod") and child.i < head.i
        where = with_place and child.dep_ == "prep" and child.lower_ in PLACE_PREPOSITIONS | {"of", "on"}
        if modifier or where:
            keep |= {t.i for t in child.subtree}
    left_out = set(range(span.start, span.end) if span is not None else ()) | (skip or set())
    words: list[str] = []
    for t in head.doc[min(keep):max(keep) + 1]:
        if t.i not in keep or t.i in left_out or t.like_num or t.pos_ == "PRON" or t.dep_ in ("det", "punct") or _age_word(t):
            continue
        if t.dep_ == "case" and words:
            words[-1] += t.text  # "Powell's son": the son, whose owner stays written as one
        elif t.dep_ != "case":
            words.append(t.text)
    return " ".join(words[:current().extraction.figure_subject_words]) or head.text


def _age_word(token) -> bool:
    """'year' and 'old' of '23-year-old', said as the age's own figure."""
    return (token.lower_ == "old" and any(_age_unit(c) for t in token.children for c in t.children)) or \
        (any(_age_unit(c) is not None for c in token.children) and token.head.lower_ == "old")
