"""Synthetic benchmark corpora: the seeds and the demo corpus replicated with perturbations.

Each replica keeps a random 60% of its paragraphs in shuffled order, gets a unique closing
line, and moves its dates by whole weeks, so replicas are new articles (not exact or near
duplicates) that still cluster like real follow-up reports.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT.parent / "shared" / "seeds", ROOT / "data" / "sample"]


def base_texts() -> list[str]:
    texts = []
    for folder in SOURCES:
        texts += [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.txt"))]
    return texts


def _shift_dates(text: str, days: int) -> str:
    def shift(match: re.Match) -> str:
        moved = date.fromisoformat(match.group(0)) + timedelta(days=days)
        return moved.isoformat()
    return re.sub(r"\b\d{4}-\d{2}-\d{2}\b", shift, text)


def replica(text: str, index: int, rng: random.Random) -> str:
    lines = text.split("\n")
    header = [line for line in lines[:3] if re.match(r"\s*(date|title|outlet)\b", line, re.I)]
    body = [p for p in "\n".join(lines[len(header):]).split("\n\n") if p.strip()]
    kept = [p for p in body if rng.random() < 0.6] or body[:1]
    rng.shuffle(kept)
    closing = f"Replica {index}: reported by desk {rng.randint(1, 10**6)} in edition {index}."
    return _shift_dates("\n".join(header), 7 * (index % 52)) + "\n\n" + "\n\n".join(kept + [closing])


def write_corpus(folder: Path, count: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    texts = base_texts()
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"{index:06d}.txt").write_text(replica(texts[index % len(texts)], index, rng), encoding="utf-8")
    return folder
