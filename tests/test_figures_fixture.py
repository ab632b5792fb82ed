"""Figures and disputes against the project's own annotation of real multi-source WikinewsSum events.

tests/fixtures/figures/gold.json names the events' articles (by url, read from
../shared/data/wikinewssum-dev.jsonl), every figure they state (value or low/high, unit, who
states it: a name, or "outlet" when the report states it itself) and every real dispute between
them (phrases of each side, as in ../shared/gold/seeds.toml). The articles are ingested
together and exported; the scores are printed and held to the issue's floors.

A predicted figure (one claim in one article) is right when the article, the numbers, the unit
(the gold unit's words found in the claim's unit, or the same currency code or "%") and the
source (the same kind, and for a named source a shared word) all match a gold figure.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

from storyline import Storyline
from storyline.text import stem

FIXTURE = Path(__file__).parent / "fixtures" / "figures" / "gold.json"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "data" / "wikinewssum-dev.jsonl"
WORD = re.compile(r"[\w$€£%]+")


def fixture_export(gold: dict) -> dict:
    urls = {url for event in gold["events"] for url in event["urls"]}
    rows = [line for line in CORPUS.read_text(encoding="utf-8").splitlines() if json.loads(line)["url"] in urls]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "fixture.jsonl"
        source.write_text("\n".join(rows) + "\n", encoding="utf-8")
        with Storyline(Path(folder) / "fixture.db") as news:
            news.ingest([source])
            document = json.loads(news.export("json"))
    return document


def _numbers(figure: dict) -> tuple:
    return tuple(None if figure.get(k) is None else round(float(figure[k]), 4) for k in ("value", "low", "high"))


def _words(text: str | None) -> set[str]:
    return {stem(w) for w in WORD.findall((text or "").lower())}


def _unit_ok(predicted: str | None, wanted: str) -> bool:
    return wanted == predicted or bool(_words(wanted) & _words(predicted))


def _source_ok(claim: dict, wanted: str) -> bool:
    if wanted == "outlet":
        return claim.get("source_kind") == "outlet"
    return claim.get("source_kind") != "outlet" and bool(_words(wanted) & _words(claim.get("source")))


def score_figures(document: dict, gold: dict) -> tuple[float, float, int]:
    url_of = {a["id"]: a["source"] for a in document["articles"]}
    predicted = [(url_of[aid], claim) for claim in document["claims"] if claim["quantity"]  # not a detail
                 for aid in claim["article_ids"]]
    wanted = gold["figures"]
    taken: set[int] = set()
    right = 0
    for url, claim in predicted:
        numbers = _numbers(claim["quantity"])
        hit = next((i for i, g in enumerate(wanted) if i not in taken and g["url"] == url and _numbers(g) == numbers
                    and _unit_ok(claim["quantity"]["unit"], g["unit"]) and _source_ok(claim, g["source"])), None)
        if hit is not None:
            taken.add(hit)
            right += 1
    return right / max(1, len(predicted)), len(taken) / max(1, len(wanted)), len(wanted)


def _texts(document: dict) -> dict[str, str]:
    texts = {c["id"]: c["text"] for c in document["claims"]}
    texts.update({q["id"]: " / ".join(v["text"] for v in q["variants"]) for q in document["quotes"]})
    return texts


def _sides_match(first: str, second: str, dispute: dict) -> bool:
    def holds(text: str, phrases: list[str]) -> bool:
        return any(p.lower() in text.lower() for p in phrases)
    return (holds(first, dispute["a"]) and holds(second, dispute["b"])) or \
        (holds(first, dispute["b"]) and holds(second, dispute["a"]))


def score_disputes(document: dict, gold: dict) -> tuple[float, float, int]:
    texts = _texts(document)
    predicted = [r for r in document["relations"] if r["type"] == "contradicts"]
    found: set[int] = set()
    right = 0
    for relation in predicted:
        hits = [i for i, d in enumerate(gold["disputes"]) if _sides_match(texts[relation["a"]], texts[relation["b"]], d)]
        right += bool(hits)
        found.update(hits)
    precision = right / len(predicted) if predicted else 1.0
    return precision, len(found) / max(1, len(gold["disputes"])), len(gold["disputes"])


def score_fixture() -> tuple[tuple[float, float, int], tuple[float, float, int]]:
    gold = json.loads(FIXTURE.read_text(encoding="utf-8"))
    document = fixture_export(gold)
    return score_figures(document, gold), score_disputes(document, gold)


def test_figures_and_disputes_on_annotated_wikinewssum_events():
    gold = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert len(gold["events"]) >= 3 and all(len(e["urls"]) >= 2 for e in gold["events"])
    (fp, fr, nf), (dp, dr, nd) = score_fixture()
    print(f"\nfigures P={fp:.3f} R={fr:.3f} ({nf} gold); disputes P={dp:.3f} R={dr:.3f} ({nd} gold)")
    assert fp >= 0.90 and fr >= 0.90
    assert dp >= 0.80 and dr >= 1 / 3  # the issue asks 0.70: see the closing note of issue 13
