"""Shared text primitives: sentences' content words, used by clustering, merging and comparison."""

from __future__ import annotations

import re
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

# English number words, for spelled figures ("forty-two people") and spelled years ("nineteen ninety")
SPELLED_UNITS = {w: n for n, w in enumerate(
    ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
     "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"])}
SPELLED_TENS = {w: 10 * n for n, w in enumerate(
    ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2)}
WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
RANK = re.compile(r"\bNo\.\s*\d")
DENIAL = re.compile(r"den(?:y|ies|ied)", re.I)
NEGATIONS = {"no", "not", "never", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
STOPWORDS = frozenset(ENGLISH_STOP_WORDS) - NEGATIONS | {"said", "says", "say", "told", "according",
                                                         "also", "would", "could", "one", "two"}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light English stem: enough to match plurals and tenses, cheap enough for every token."""
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s?$", "", word)
    for suffix, keep in (("ies", 3), ("ing", 4), ("ed", 4), ("es", 4), ("s", 3)):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("ss"):
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def content_words(text: str) -> set[str]:
    """Stems of the words that carry meaning (no stop words, no negations, 3+ letters)."""
    return {stem(w) for w in WORD.findall(text) if len(w) > 2 and w.lower() not in STOPWORDS
            and w.lower() not in NEGATIONS}


def word_list(text: str) -> list[str]:
    return [stem(w) for w in WORD.findall(text) if len(w) > 2 and w.lower() not in STOPWORDS
            and w.lower() not in NEGATIONS]


def overlap(a: set[str], b: set[str]) -> float:
    """Share of the smaller set found in the larger (one statement quoting part of another)."""
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def numbers_in(text: str) -> set[str]:
    """The digits a statement carries, separators dropped: translations keep them, other statements differ."""
    return {re.sub(r"[,.\s]", "", n) for n in re.findall(r"\d[\d,.]*\d|\d", text)}


def negation_words(text: str) -> list[str]:
    """The words of a text as negation sees them: "n't" is "not", 'No. 1' is a rank, not a 'no'."""
    return WORD.findall(RANK.sub(" ", text).replace("n't", " not"))


def is_negation(word: str) -> bool:
    """A negation word or a denial verb."""
    return word.lower() in NEGATIONS or DENIAL.fullmatch(word) is not None


def is_negated(text: str) -> bool:
    return any(is_negation(w) for w in negation_words(text))


# C0 controls and DEL: PostgreSQL refuses NUL in text, terminals obey escapes, pages show garbage.
# Vertical tab and form feed separate lines; tab, newline and carriage return stay.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CONTROL_TABLE = dict.fromkeys((*range(9), *range(14, 32), 127)) | {0x0b: "\n", 0x0c: "\n"}


def safe_text(value: str) -> str:
    """The string as any store, page or terminal can hold it: lone surrogates (from JSON '\\ud800' or
    undecodable file names) as U+FFFD, C0 control characters (NUL, ESC ...) removed.

    SQLite, the HTML writer and every encoder refuse lone surrogates, PostgreSQL refuses NUL, and an
    ESC in a name would reach the terminal: none may enter the store.
    """
    if CONTROLS.search(value):
        value = value.translate(CONTROL_TABLE)
    if value.isascii():
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


# Bidirectional embeddings, overrides and isolates reverse or reorder what follows them on a page, in a
# dossier and in a terminal ("moc.elpmaxe" shown for an outlet); the marks and invisible spaces beside them
# make two names that read alike differ. No name or title needs them.
FORMAT_CONTROLS = re.compile("[\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]")


def name_text(value: str) -> str:
    """A name or a title as it reads: with no bidirectional or invisible format control."""
    return FORMAT_CONTROLS.sub("", value)


# What a person types (a correction's title, a name) is cleaned further than a report: of C1 controls too
# (U+0080-U+009F: CSI among them), which in a report ftfy turns back into the characters they stood for.
C1_CONTROLS = re.compile("[\x80-\x9f]")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# what no identifier holds: the characters safe_text removes or replaces, and C1 controls
NOT_IN_AN_ID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def lone_surrogate(value: str) -> int | None:
    """Where the string's first lone surrogate is, or None. A lone surrogate is no character anyone typed:
    bytes that were not UTF-8 (a command line in another encoding) or half of an escaped pair ('\\ud800')."""
    found = LONE_SURROGATE.search(value)
    return found.start() if found else None


def typed_text(value: str) -> str:
    """Text a person typed, as any store, page or terminal can hold it: through `safe_text`, C1 control
    characters removed as well, and each run of whitespace (a newline, a tab) one space."""
    return " ".join(C1_CONTROLS.sub("", safe_text(value)).split())


def id_text(value: str) -> str:
    """An identifier as any store can be asked for it: each character no id holds (a control character, a
    lone surrogate) as U+FFFD, so that such an id names nothing, where removing the character could make
    it name another."""
    return NOT_IN_AN_ID.sub("\ufffd", value)
