"""Speakers and figures against the project's own annotated fixture, as precision and recall.

The fixture (tests/fixtures/extraction/gold.json) lists every statement with its speaker and
every figure of two real-style reports and three demo-corpus reports.
"""

import json
from pathlib import Path

from storyline.extract import extract_facts
from storyline.prepare.clean import clean_text, split_title
from storyline.prepare.parse import parse
from storyline.text import content_words

FIXTURES = Path(__file__).parent / "fixtures" / "extraction"


def _facts(name: str):
    raw = (FIXTURES / name).read_text(encoding="utf-8")
    lines = [line for line in raw.splitlines() if not line.lower().startswith(("date ", "title:", "outlet:"))]
    _title, body = split_title(clean_text("\n".join(lines)), None)
    return extract_facts(parse(body), "a1")


def _same_speaker(predicted: str | None, gold: str) -> bool:
    if not predicted:
        return False
    p, g = predicted.lower().replace("’", "'"), gold.lower()
    return p == g or g.endswith(p) or p.endswith(g) or p.split()[-1] == g.split()[-1]


def _matches(quote_text: str, gold_text: str) -> bool:
    want = content_words(gold_text)
    return len(want & content_words(quote_text)) >= 0.6 * len(want)


def score():
    gold = json.loads((FIXTURES / "gold.json").read_text(encoding="utf-8"))
    predicted_pairs = correct = gold_pairs = 0
    fig_predicted = fig_correct = fig_gold = 0
    for name, wanted in gold.items():
        facts = _facts(name)
        gold_quotes = wanted["quotes"]
        gold_pairs += len(gold_quotes)
        found = set()
        for quote in facts.quotes:
            if quote.speaker is None:
                continue
            predicted_pairs += 1
            hit = next((i for i, (text, speaker) in enumerate(gold_quotes)
                        if i not in found and _matches(quote.text, text) and _same_speaker(quote.speaker, speaker)), None)
            if hit is not None:
                found.add(hit)
                correct += 1
        numbers = {(f.value, f.low, f.high) for f in facts.figures if not f.identifier}
        expected = {tuple(n) for n in wanted["figures"]}
        fig_predicted += len(numbers)
        fig_gold += len(expected)
        fig_correct += len(numbers & expected)
    return (correct / predicted_pairs, correct / gold_pairs, fig_correct / fig_predicted, fig_correct / fig_gold,
            gold_pairs, fig_gold)


def test_speakers_and_figures_precision_and_recall():
    speaker_p, speaker_r, figure_p, figure_r, pairs, figures = score()
    print(f"\nspeakers P={speaker_p:.2f} R={speaker_r:.2f} over {pairs} gold pairs; "
          f"figures P={figure_p:.2f} R={figure_r:.2f} over {figures} gold figures")
    assert pairs >= 20 and figures >= 20
    assert speaker_p >= 0.9 and speaker_r >= 0.9
    assert figure_p >= 0.9 and figure_r >= 0.9
