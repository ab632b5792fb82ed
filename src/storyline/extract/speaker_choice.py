"""Who speaks a direct quote: every way an article may name the speaker proposes a name, and a
logistic model scores each name; the best one speaks when it is likely enough, else no one does.

The ways ("cues"), each a rule of `speakers.py`: the subject of a verb of saying beside the quote
('"...," said Lisa Su', 'she told AFP'), of another attributing verb ('Graham criticized ...: "..."'),
of any other verb of the quote's sentence; 'according to X'; a name on the quote's line ('Name:',
'― Name'); a transcript's 'NAME:' opening the quote; the subject before a colon that opens it; the speaker of the
sentence just before; the speaker of the quote before, going on; the person named last before it.
A name several cues propose is one candidate with all their evidence. The model, fitted on PolNeAR
dev and the exhaustive dev golds by `scripts/train_speakers.py` and shipped beside this module as
`speaker_model.json`, weighs the cues with how the name is written (by name, 'he', 'the
spokesman'), what the name is (a person's, an organisation's) and how far it is from the quote.
Its probability is how sure the attribution is (`RawQuote.confidence`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from ..prepare.parse import text_of
from .speakers import (
    ATTRIBUTING_VERBS,
    SPEECH_VERBS,
    SpeakerContext,
    according_source,
    attribution_of,
    colon_speaker,
    headline_speaker,
    passive,
    resolve_subject,
    speaker_text,
    stranded_subject,
    subject_of,
    time_phrase,
    trailing_speaker,
    transcript_speaker,
    within_spans,
)

# Strongest first: a candidate's first cue in this order is its best evidence ('top_...').
CUES = ("transcript", "speech_verb", "line", "colon", "according", "before", "attributing_verb", "continued", "other_verb",
        "last_person")
WAYS = ("named", "pronoun", "role")
# Cues so direct that a name another cue proposes weighs less beside them ('WALLACE: ...' after Pence spoke).
RIVAL_CUES = ("transcript", "speech_verb", "line", "colon", "according", "before")
FEATURES = (*(f"cue_{c}" for c in CUES), *(f"way_{w}" for w in WAYS), "person", "organisation", "person_like",
            "distance", "after_quote", "verb_rank", "cues", "mentions", "opens_sentence", "bare_paragraph",
            "same_paragraph", "candidates", *(f"rival_{c}" for c in RIVAL_CUES), *(f"top_{c}" for c in CUES),
            *(f"fragment_{c}" for c in CUES), "continued_near", "someone_unnamed")
MODEL_FILE = "speaker_model.json"


@dataclass
class Candidate:
    """A name some cue proposes as the quote's speaker, with the evidence for it."""

    name: str
    named_as: str | None
    attribution: str  # how the article names them (models.ATTRIBUTIONS)
    features: dict[str, float] = field(default_factory=dict)
    time_text: str | None = None

    def vector(self) -> list[float]:
        return [float(self.features.get(f, 0.0)) for f in FEATURES]


@dataclass(frozen=True)
class QuoteSite:
    """Where a direct quote stands: its span, its attribution window (tokens outside quotes), its
    paragraph and what the quote before it was given."""

    start: int
    end: int
    window: list
    before: list  # the sentence just before, in the same paragraph (tokens outside quotes)
    after: list  # the sentence right after a quote that closes its own
    paragraph_start: int
    line_before: str
    line_after: str
    opens_sentence: bool
    bare_paragraph: bool
    previous_speaker: str | None
    previous_end: int | None
    previous_in_paragraph: bool
    previous_gap_words: int  # words between the quote before and this one


def candidates(doc, site: QuoteSite, spans, context: SpeakerContext) -> list[Candidate]:
    """Every name a cue proposes, one candidate per name."""
    found: dict[str, Candidate] = {}

    def propose(cue: str, name: str | None, named_as: str | None, way: str, position: int,
                **extra: float) -> Candidate | None:
        if not name or context.is_place(name):
            return None
        candidate = found.setdefault(name, Candidate(name, named_as, way))
        f = candidate.features
        f[f"cue_{cue}"] = 1.0
        if WAYS.index(way) < WAYS.index(candidate.attribution):
            candidate.attribution, candidate.named_as = way, named_as
        distance = min(abs(position - site.start), abs(position - site.end))
        if distance < f.get("_distance", math.inf):
            f["_distance"], f["after_quote"] = distance, float(position >= site.end)
        for key, value in extra.items():
            f[key] = min(f.get(key, value), value)
        return candidate

    verbs = [t for t in site.window if t.pos_ in ("VERB", "AUX") and not passive(t)]
    verbs.sort(key=lambda t: (t.lemma_ not in SPEECH_VERBS, t.lemma_ not in ATTRIBUTING_VERBS,
                              min(abs(t.idx - site.end), abs(t.idx - site.start))))
    for rank, verb in enumerate(verbs):
        subject, name = _subject_speaker(verb, site, spans, context)
        if name:
            cue = "speech_verb" if verb.lemma_ in SPEECH_VERBS else \
                "attributing_verb" if verb.lemma_ in ATTRIBUTING_VERBS else "other_verb"
            candidate = propose(cue, name, speaker_text(subject, name), attribution_of(subject), subject.idx,
                                verb_rank=float(rank))
            if candidate is not None and cue != "other_verb" and not candidate.time_text:
                candidate.time_text = time_phrase(verb)
    according = according_source(site.window, spans, context)
    if according[1]:
        propose("according", according[1], according[1], "named", according[0].idx)
    quoted = text_of(doc)[site.start:site.end].strip()
    transcript = transcript_speaker(quoted)
    propose("transcript", transcript, transcript, "named", site.start)
    for name, position in ((headline_speaker(site.line_before), site.paragraph_start),
                           (trailing_speaker(site.line_after), site.end)):
        propose("line", name, name, "named", position)
    if site.line_before.rstrip(' “"«„').endswith(":"):
        name, named_as, way = colon_speaker(doc, site.start, spans, context)
        propose("colon", name, named_as, way or "named", site.start - 1)
    for verb in (t for t in site.before if t.lemma_ in ATTRIBUTING_VERBS and t.pos_ in ("VERB", "AUX")):
        subject, name = _subject_speaker(verb, site, spans, context)
        if name:
            propose("before", name, speaker_text(subject, name), attribution_of(subject), subject.idx)
    if site.previous_speaker and site.previous_end is not None:
        propose("continued", site.previous_speaker, site.previous_speaker, "named", site.previous_end,
                continued_near=1.0 / (1.0 + math.log1p(site.previous_gap_words)))
    # words inside a sentence ('close in "a number of weeks."') tied to no one but the last person named are
    # rarely theirs (3 of 11 so chosen were, PolNeAR dev and the dev golds): no candidate
    last = context.last_before(site.start, {"PERSON"}, spans) if site.opens_sentence else None
    if last:
        position = max((m[1] for m in context.mentions if m[2] == last and m[1] <= site.start), default=site.start)
        propose("last_person", last, last, "pronoun", position)
    unnamed = float(_someone_unnamed(site, spans, context))
    finished = [_finish(c, site, context, len(found)) for c in found.values()]
    for candidate in finished:
        candidate.features["someone_unnamed"] = unnamed
    for candidate in finished:
        for cue in RIVAL_CUES:
            candidate.features[f"rival_{cue}"] = float(any(o.features.get(f"cue_{cue}") for o in finished if o is not candidate))
    return finished


def _someone_unnamed(site: QuoteSite, spans, context: SpeakerContext) -> bool:
    """'another neighbor said', 'one of the brothers saying', 'it says here': around the quote the report says
    someone (or something) spoke, and names no one."""
    for verb in site.window + site.before + site.after:
        if verb.lemma_ in SPEECH_VERBS and verb.pos_ == "VERB":
            subject = _heard_sayer(verb) or subject_of(verb, spans)
            if subject is not None and resolve_subject(subject, site.start, spans, context) is None:
                return True
    return False


def _heard_sayer(verb):
    """'recalled one of the brothers saying': who says is the object of the verb that hears them."""
    if verb.dep_ in ("advcl", "xcomp", "acl") and not any(c.dep_ == "nsubj" for c in verb.children):
        return next((c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i), None)
    return None


def _subject_speaker(verb, site: QuoteSite, spans, context: SpeakerContext):
    """The verb's subject and the speaker it names (None when it names no one)."""
    subject = subject_of(verb, spans)
    between = verb.doc.text[site.end:verb.idx] if verb.idx >= site.end else verb.doc.text[verb.idx:site.start]
    if verb.lemma_ in SPEECH_VERBS and (subject is None or _parsed_from_quotes(subject, verb, site, spans)) and \
            "\n" not in between:  # a line further on ('Roger Stern reports') is another paragraph's
        return stranded_subject(verb, spans, context)
    return subject, resolve_subject(subject, site.start, spans, context) if subject is not None else None


def _parsed_from_quotes(subject, verb, site: QuoteSite, spans) -> bool:
    """A subject the parser took from the quote itself ('“We will achieve justice,” Chief Jordan said') or from
    a title quoted after the verb ('said … on “Fox and Friends.”'); a quoted name before the verb speaks ('the
    group “Widows of Russian Soldiers” said')."""
    return site.start <= subject.idx < site.end or (subject.i > verb.i and within_spans(subject.idx, spans))


def _finish(candidate: Candidate, site: QuoteSite, context: SpeakerContext, count: int) -> Candidate:
    """The features every candidate has, whatever proposed it."""
    f = candidate.features
    labels = {m[3] for m in context.mentions if m[2] == candidate.name}
    f[f"way_{candidate.attribution}"] = 1.0
    f["person"] = float("PERSON" in labels or candidate.name in context.people)
    f["organisation"] = float("ORG" in labels and "PERSON" not in labels)
    f["person_like"] = float(context.person_like(candidate.name))
    f["distance"] = math.log1p(f.pop("_distance", 0.0))
    f["verb_rank"] = math.log1p(f.get("verb_rank", len(CUES)))
    f["cues"] = float(sum(f.get(f"cue_{c}", 0.0) for c in CUES))
    f["mentions"] = math.log1p(sum(1 for m in context.mentions if m[2] == candidate.name))
    f["opens_sentence"] = float(site.opens_sentence)
    f["bare_paragraph"] = float(site.bare_paragraph)
    f["same_paragraph"] = float(site.previous_in_paragraph)
    f["candidates"] = math.log1p(count)
    top = next(c for c in CUES if f.get(f"cue_{c}"))
    f[f"top_{top}"] = 1.0
    # words inside someone's sentence ('close in "a number of weeks."') are said by whoever speaks it, if anyone
    f[f"fragment_{top}"] = float(not site.opens_sentence)
    return candidate


@dataclass(frozen=True)
class SpeakerModel:
    """A logistic model over the FEATURES (standardised) and the probability a speaker needs."""

    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float

    def probability(self, candidate: Candidate) -> float:
        z = self.intercept + sum(c * (x - m) / s for c, x, m, s in zip(self.coef, candidate.vector(), self.mean, self.scale))
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def to_dict(self) -> dict:
        return {"features": list(FEATURES), "coef": list(self.coef), "intercept": self.intercept,
                "mean": list(self.mean), "scale": list(self.scale), "threshold": self.threshold}

    @classmethod
    def from_dict(cls, data: dict) -> SpeakerModel:
        if tuple(data["features"]) != FEATURES:
            raise ValueError("speaker model was fitted on other features than this code computes: "
                             "run scripts/train_speakers.py --write")
        return cls(tuple(data["coef"]), data["intercept"], tuple(data["mean"]), tuple(data["scale"]), data["threshold"])


@lru_cache(maxsize=1)
def shipped_model() -> SpeakerModel:
    """The model fitted by scripts/train_speakers.py, shipped inside the package."""
    return SpeakerModel.from_dict(json.loads(resources.files(__package__).joinpath(MODEL_FILE).read_text(encoding="utf-8")))


def choose(found: list[Candidate], model: SpeakerModel | None = None) -> tuple[Candidate | None, float]:
    """The likeliest candidate and its probability, or (None, probability) when even it is too unsure."""
    model = model or shipped_model()
    scored = [(model.probability(c), c) for c in found]
    if not scored:
        return None, 0.0
    probability, best = max(scored, key=lambda pair: pair[0])
    return (best if probability >= model.threshold else None), probability
