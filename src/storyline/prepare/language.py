"""Language identification (py3langid: a small offline model, fast on long text)."""

from __future__ import annotations

from ..config import current


def detect_language(text: str, declared: str | None = None) -> str | None:
    """ISO 639-1 code: the declared one when given, else identified from the opening text."""
    if declared:
        return declared.split("-")[0].split("_")[0].lower()[:2]
    if len(text.strip()) < current().reading.language_min_chars:
        return None
    import py3langid

    code, _score = py3langid.classify(text[:current().reading.language_sample_chars])
    return code
