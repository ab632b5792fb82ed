"""Benchmark corpora of real, copy-free news: the labelled dev corpora's reports, replicated.

The base texts are every report of the event- and story-labelled dev corpora and of the
date and quote files in ../shared/data (English, Spanish, French, Italian; read, never
copied into the project). Round 0 is each report as it is (in a seeded random order, so that any stretch of the
stream mixes the corpora alike); later rounds are replicas of the reports of six
sentences or more that keep half of their sentences, shuffle the paragraphs, and carry their
own closing line, so that a replica shares well under the copy detector's Jaccard 0.6 of word
5-shingles with its base or another replica (the bench prints how many were taken for copies:
a copy costs no parse, and a corpus of copies would flatter the pipeline).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
CORPORA = ("wikinewssum", "ecbplus", "gvc", "gva", "mlcrisis", "polnear", "tempeval3", "timex-multi")
KEEP_SENTENCE = 0.5
MIN_SENTENCES = 6  # shorter reports are not replicated: half of three sentences is still a copy
RECORDS_PER_FILE = 1000
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“¿¡])")


def base_records(language: str | None = None) -> list[dict]:
    """Every dev report with text (of that language only, if given): title, text, language, published, outlet, url."""
    records = []
    for name in CORPORA:
        for line in (DATA / f"{name}-dev.jsonl").read_text(encoding="utf-8").splitlines():
            row = json.loads(line) if line.strip() else {}
            if (row.get("text") or "").strip() and (language is None or (row.get("language") or "en") == language):
                records.append({key: row[key] for key in ("title", "text", "language", "published", "outlet", "url")
                                if row.get(key)})
    return records


def base_texts() -> list[str]:
    return [r["text"] for r in base_records()]


def sentences_by_paragraph(text: str) -> list[list[str]]:
    return [SENTENCE_END.split(p.strip()) for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def replica(text: str, index: int, rng: random.Random) -> str:
    """Half of the text's sentences, each paragraph's kept ones in order, paragraphs shuffled,
    and a closing line of its own."""
    paragraphs = sentences_by_paragraph(text)
    places = [(p, s) for p, sentences in enumerate(paragraphs) for s in range(len(sentences))]
    chosen = set(rng.sample(places, max(1, int(len(places) * KEEP_SENTENCE))))
    kept = [" ".join(s for i, s in enumerate(sentences) if (p, i) in chosen) for p, sentences in enumerate(paragraphs)]
    kept = [k for k in kept if k]
    rng.shuffle(kept)
    closing = f"Filed by desk {rng.randint(1, 10**6)} for edition {index}."
    return "\n\n".join([*kept, closing])


def copy_free(count: int, seed: int = 7, language: str | None = None) -> Iterator[dict]:
    """count records: the base reports (of one language, if given), then replicas of them, round after round."""
    rng = random.Random(seed)
    bases = base_records(language)
    rng.shuffle(bases)  # every stretch of the stream mixes corpora, languages and lengths alike
    long_enough = [b for b in bases if sum(map(len, sentences_by_paragraph(b["text"]))) >= MIN_SENTENCES]
    for index in range(count):
        if index < len(bases):
            yield dict(bases[index])
            continue
        record = dict(long_enough[(index - len(bases)) % len(long_enough)])
        record["text"] = replica(record["text"], index, rng)
        record["url"] = f"https://bench.example/{index}"
        yield record


def write_corpus(folder: Path, count: int, seed: int = 7, language: str | None = None) -> tuple[Path, int]:
    """The corpus as JSONL files of RECORDS_PER_FILE records; returns the folder and its word count."""
    folder.mkdir(parents=True, exist_ok=True)
    words, handle = 0, None
    for index, record in enumerate(copy_free(count, seed, language)):
        if index % RECORDS_PER_FILE == 0:
            if handle:
                handle.close()
            handle = (folder / f"{index // RECORDS_PER_FILE:05d}.jsonl").open("w", encoding="utf-8")
        words += len(record["text"].split())
        handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    if handle:
        handle.close()
    return folder, words
