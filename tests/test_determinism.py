"""Two clean runs of the same input give byte-identical exports, whatever the hash seed: nothing the
output shows may depend on the order of a set or of string hashes (6 and 8 of 4,037 quotes grouped
differently between runs). The full GVC + ECB+ dev files are `bench/determinism.py`."""

import os
import subprocess
import sys

from conftest import ROOT, SHARED


def _export(tmp_path, name: str, inputs, hash_seed: str | None) -> bytes:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    if hash_seed is not None:
        env["PYTHONHASHSEED"] = hash_seed
    db, out = tmp_path / f"{name}.db", tmp_path / f"{name}.json"
    for command in (["ingest", *map(str, inputs)], ["export", "--format", "json", "-o", str(out)]):
        result = subprocess.run([sys.executable, "-m", "storyline.cli", *command, "--db", str(db)], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, result.stderr
    return out.read_bytes()


def test_two_clean_runs_export_the_same_bytes_with_any_hash_seed(tmp_path):
    inputs = []
    for corpus, lines in (("gvc", slice(100, 125)), ("ecbplus", slice(0, 25))):
        path = tmp_path / f"{corpus}.jsonl"
        path.write_text("".join((SHARED / "data" / f"{corpus}-dev.jsonl").read_text(encoding="utf-8")
                                .splitlines(keepends=True)[lines]), encoding="utf-8")
        inputs.append(path)
    first = _export(tmp_path, "seed-1", inputs, "1")
    assert _export(tmp_path, "seed-2", inputs, "2") == first
    assert _export(tmp_path, "unset", inputs, None) == first
