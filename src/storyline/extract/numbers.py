"""Reading a number phrase: digits or words, scale words, ranges, fractions and hedges ('up to
70,000', 'Sixteen', '500,000 to 700,000', 'tens of millions', 'a third', 'just 10'), with the
separators of the article's language. What the number counts is the figure reader's (`figures.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..config import current
from ..text import SPELLED_TENS, SPELLED_UNITS

# 'milliondollars': a scale and a currency run together by a careless page
GLUED_SCALE = re.compile(r"(thousand|million|billion|trillion)(dollars|euros|pounds|yen)")
# scale words and what they multiply by ('$500m', '2 crore')
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000, "bn": 1_000_000_000, "m": 1_000_000, "k": 1_000, "mn": 1_000_000,
          "crore": 10_000_000, "lakh": 100_000}
# a share's denominator by its word: 'a third', 'two fifths'
FRACTIONS = {"half": 2, "third": 3, "quarter": 4, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10}
VAGUE = {"dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
         "billions": 1_000_000_000}
HEDGES = [("up to", "up to"), ("as many as", "up to"), ("as much as", "up to"), ("at least", "at least"),
          ("more than", "more than"),
          ("over", "more than"), ("at most", "at most"), ("less than", "less than"), ("fewer than", "less than"),
          ("under", "less than"), ("about", "about"), ("around", "about"), ("approximately", "about"),
          ("roughly", "about"), ("nearly", "about"), ("almost", "about"), ("some", "about"),
          ("an estimated", "about"), ("estimated", "about")]
HEDGE_WORDS = {w for cue, _ in HEDGES for w in cue.split()} | {"between"}


@dataclass
class ParsedNumber:
    value: float | None
    low: float | None
    high: float | None
    hedge: str | None
    fraction: bool = False  # 'a third': a share of a whole


def parse_number(text: str, decimal_comma: bool = False) -> ParsedNumber | None:
    """'up to 70,000' / 'Sixteen' / '500,000 to 700,000' / 'tens of millions' -> numbers and hedge.

    With decimal_comma (the article's language writes '12.000,5') the separators swap meaning,
    so a Portuguese '12.000 membros' is twelve thousand, not twelve.
    """
    phrase = GLUED_SCALE.sub(r"\1 \2", text.lower().replace("’", "'").strip())
    if decimal_comma:
        phrase = re.sub(r"\d[\d.,]*", _swap_separators, phrase)
    phrase = re.sub(r"^(?:between|just|only)\s+", "", phrase)  # 'just 10 kilometres' is ten
    hedge = None
    for cue, name in HEDGES:
        if phrase.startswith(cue + " "):
            hedge, phrase = name, phrase[len(cue) + 1:]
            break
    few = re.fullmatch(r"(?:a few|several|a couple of|some)\s+(hundred|thousand|million|billion)", phrase)
    if few:
        scale = SCALES[few.group(1)]
        return ParsedNumber(None, 2 * scale, 9 * scale, "vague")
    vague = re.fullmatch(r"(tens|hundreds|dozens|scores|thousands|millions|billions)(?: of (thousands|millions|billions))?",
                         phrase)
    if vague:
        base = VAGUE.get(vague.group(2) or "", 1) * (10 if vague.group(1) == "tens" else VAGUE.get(vague.group(1), 1))
        return ParsedNumber(None, base, base * 10, hedge or "vague")
    parts = re.split(r"\s*(?:-|–|to|and)\s*(?=[\d\w])", phrase)
    numbers = [_single_number(p) for p in parts]
    if len(parts) == 2 and numbers[0] is not None and numbers[1] is not None:
        low, high = numbers[0], numbers[1]
        if high < low and low >= 1000 and high < 1000:  # "500 to 700,000" style: scale shared
            low *= 1000
        return ParsedNumber(None, low, high, hedge) if low < high else None
    share = _fraction(phrase)
    if share is not None:
        return ParsedNumber(share, None, None, hedge, fraction=True)
    whole = _single_number(phrase)
    return ParsedNumber(whole, None, None, hedge) if whole is not None else None


def _fraction(phrase: str) -> float | None:
    """'a third', 'half', 'two fifths': a share, to four decimals."""
    match = re.fullmatch(rf"(?:(a|an|one|two|three|four)\s+)?({'|'.join(FRACTIONS)})s?", phrase)
    if not match:
        return None
    numerator = SPELLED_UNITS.get(match.group(1) or "one", 1)
    return _tidy(round(numerator / FRACTIONS[match.group(2)], 4))


def _swap_separators(match: re.Match[str]) -> str:
    """'12.000,5' -> '12,000.5': dots group thousands, the comma marks decimals."""
    return match.group(0).replace(",", "\0").replace(".", ",").replace("\0", ".")


def _single_number(phrase: str) -> float | None:
    """Leading digits (with a scale word) or number words; a trailing unit ('percent', 'euros') is ignored."""
    phrase = re.sub(r"\s*(?:%|per\s*cent|percent|pct)\.?$", "", phrase.strip()).strip()
    phrase = re.sub(r"^(?:[a-z]{0,2}[$€£¥₹]|usd|eur|gbp|rs\.?)\s*", "", phrase)
    match = re.match(r"(\d[\d,]*(?:\.\d+)?)\s*(hundred|thousand|million|billion|trillion|bn|mn|m|k|crore|lakh)?"
                     r"(?![\w.])", phrase)
    if match:
        digits = match.group(1).replace(",", "")
        if len(digits.split(".")[0]) > current().extraction.max_figure_digits:
            return None  # an identifier or a run of digits, not an amount (and 400 digits overflow a float)
        return _tidy(float(digits) * SCALES.get(match.group(2) or "", 1))
    words = phrase.split()
    for end in range(len(words), 0, -1):  # 'sixteen anti-war groups' -> 'sixteen'
        value = _words_number(" ".join(words[:end]))
        if value is not None:
            return value
    return None


def _words_number(phrase: str) -> float | None:
    """English number words: 'sixteen', 'two hundred thousand', 'a dozen'."""
    words = [w for w in re.split(r"[\s-]+", phrase) if w and w != "and"]
    if words[:2] == ["a", "dozen"] or words == ["dozen"]:
        return 12
    total, current, seen = 0, 0, False
    for word in words:
        if word == "a" and not seen:
            current, seen = 1, True
        elif word in SPELLED_UNITS:
            current += SPELLED_UNITS[word]
            seen = True
        elif word in SPELLED_TENS:
            current += SPELLED_TENS[word]
            seen = True
        elif word in SCALES and word not in ("m", "k", "bn") and seen:
            if word == "hundred":
                current *= 100
            else:
                total, current = total + current * SCALES[word], 0
        else:
            return None
    return _tidy(total + current) if seen else None


def _tidy(value: float) -> float:
    return int(value) if float(value).is_integer() else value
