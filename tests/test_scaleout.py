"""Scale-out on Dask: the same ingest on a LocalCluster of two workers and in one process gives
identical exports (the one writer places articles in input order either way)."""

import json
import subprocess
import sys

from conftest import ROOT, SHARED


def _records(folder, first: int, last: int):
    lines = (SHARED / "data" / "gvc-dev.jsonl").read_text(encoding="utf-8").splitlines()[first - 1:last]
    path = folder / "gvc.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=900)


def test_an_ingest_on_two_dask_workers_equals_one_process(tmp_path):
    corpus = _records(tmp_path, 1, 30)
    exports = {}
    for name, options in (("dask", ["--workers", "2"]), ("one", [])):
        db = str(tmp_path / f"{name}.db")
        setting = [] if options else ["--set", "ingest.workers=0"]  # everything in the ingesting process
        result = _cli(*setting, "ingest", str(corpus), "--db", db, *options)
        assert result.returncode == 0, result.stderr
        assert _cli("export", "--db", db, "--format", "json", "-o", str(tmp_path / f"{name}.json")).returncode == 0
        exports[name] = json.loads((tmp_path / f"{name}.json").read_text(encoding="utf-8"))
    assert len(exports["one"]["articles"]) == 29 and len(exports["one"]["stories"]) > 1
    assert exports["dask"] == exports["one"]


def test_an_ingest_on_an_existing_cluster_equals_one_process(tmp_path):
    from distributed import LocalCluster

    corpus = _records(tmp_path, 31, 45)
    db_one, db_cluster = str(tmp_path / "one.db"), str(tmp_path / "cluster.db")
    assert _cli("--set", "ingest.workers=0", "ingest", str(corpus), "--db", db_one).returncode == 0
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = _cli("ingest", str(corpus), "--db", db_cluster, "--scheduler", cluster.scheduler_address)
        assert result.returncode == 0, result.stderr
    outputs = []
    for db in (db_one, db_cluster):
        out = tmp_path / "export.json"
        assert _cli("export", "--db", db, "--format", "json", "-o", str(out)).returncode == 0
        outputs.append(json.loads(out.read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1] and outputs[0]["articles"]
