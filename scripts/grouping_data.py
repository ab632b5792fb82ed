"""Article profiles of the labelled dev corpora, computed once with storyline's own stages and cached.

Training the grouping models and simulating the online clustering need, for every labelled
article, exactly what the pipeline knows of it when it arrives: its cleaned title and text,
term vector, entity mentions, figures, time expressions and lead embedding. Computing them
takes minutes (spaCy parse, embedding), the experiments seconds, so they are cached under
`.cache/grouping/` (never committed; delete it after changing a stage).
"""

from __future__ import annotations

import json
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
CACHE = ROOT / ".cache" / "grouping"
CORPORA = ("wikinewssum", "ecbplus", "gvc", "gva", "mlcrisis")
STORY_ONLY = {"mlcrisis"}  # labels name the crisis (a story), not one happening


@dataclass
class Labelled:
    """One labelled article as the pipeline sees it, with its gold label."""

    source: str
    label: str
    article: object      # storyline.models.Article (None when cleaning refused it)
    facts: object        # storyline.extract.ArticleFacts
    dense: object        # numpy vector
    refused: str | None  # why cleaning refused the text, if it did


def corpus_file(name: str) -> Path:
    return DATA / f"{name}-dev.jsonl"


def gold_rows(name: str) -> list[dict]:
    return [json.loads(line) for line in corpus_file(name).read_text(encoding="utf-8").splitlines() if line.strip()]


def build(name: str) -> list[Labelled]:
    from storyline.extract import extract_facts
    from storyline.group import embed
    from storyline.models import Failure
    from storyline.prepare.parse import parse_many
    from storyline.read.files import read_path
    from storyline.run.tasks import prepare

    labels = {row["url"]: row["event"] for row in gold_rows(name)}
    docs = read_path(corpus_file(name)).documents
    prepared = [prepare(doc) for doc in docs]
    kept = [a for a in prepared if not isinstance(a, Failure)]
    parsed = parse_many([a.text for a in kept], 2, [a.language for a in kept])
    facts = {a.id: extract_facts(doc, a.id, a.language) for a, doc in zip(kept, parsed)}
    dense = dict(zip([a.id for a in kept], embed.embed_leads([embed.lead_text(a.title, a.text) for a in kept])))
    result = []
    for doc, item in zip(docs, prepared):
        if isinstance(item, Failure):
            result.append(Labelled(doc.source, labels.get(doc.source, ""), None, None, None, item.reason))
        else:
            result.append(Labelled(item.source, labels.get(item.source, ""), item, facts[item.id], dense[item.id], None))
    return result


def load(name: str) -> list[Labelled]:
    path = CACHE / f"{name}.pickle"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps([vars(item) for item in build(name)]))
    return [Labelled(**fields) for fields in pickle.loads(path.read_bytes())]


if __name__ == "__main__":
    for corpus in sys.argv[1:] or CORPORA:
        items = load(corpus)
        print(corpus, len(items), "articles,", sum(1 for i in items if i.refused), "refused", flush=True)
