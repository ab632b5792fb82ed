"""Shared fixtures: the seeds and the demo corpus ingested once per test session."""

from __future__ import annotations

import contextlib
import importlib.util
import itertools
import json
from pathlib import Path

import pytest
from pgserver import TempPostgres

from storyline import Storyline, config
from storyline.present import export

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
SAMPLE = ROOT / "data" / "sample"


def load_scorer():
    spec = importlib.util.spec_from_file_location("score_export", SHARED / "eval" / "score_export.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ingest_into(db: Path | str, *paths: Path):
    """The store at db holding these inputs, ingested through the API under the test's settings."""
    news = Storyline(db, config.current())
    return news.db, news.ingest([str(p) for p in paths])


def gold_reports(gold: str, *, text: str = "", url: str = "") -> list[dict]:
    """The reports of one exhaustive dev gold (../shared/gold/dev-NAME.jsonl) as ingest records, those
    whose text holds `text` and whose url holds `url`."""
    rows = [json.loads(line) for line in (SHARED / "gold" / f"dev-{gold}.jsonl").read_text(encoding="utf-8").splitlines()]
    return [{k: r[k] for k in ("url", "title", "text", "language", "outlet", "published") if r.get(k)}
            for r in rows if text in r.get("text", "") and url in r["url"]]


def dev_rows(name: str) -> list[dict]:
    """The labelled records of one dev corpus under ../shared/data."""
    path = SHARED / "data" / f"{name}-dev.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def ingest_rows(folder: Path, rows: list[dict]):
    path = folder / "input.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return ingest_into(folder / "store.db", path)


@pytest.fixture(scope="session")
def wikinews(tmp_path_factory):
    """The WikinewsSum dev file ingested once: 102 cited sources of 45 Wikinews events, six languages.
    Tests read it; none writes to it."""
    folder = tmp_path_factory.mktemp("wikinews")
    rows = dev_rows("wikinewssum")
    conn, report = ingest_rows(folder, rows)
    conn.checkpoint()
    return conn, report, rows


@pytest.fixture(scope="session")
def seeds_export(tmp_path_factory) -> dict:
    db = tmp_path_factory.mktemp("seeds") / "s.db"
    conn, _report = ingest_into(db, SEEDS)
    return json.loads(export.to_json(conn))


@pytest.fixture(scope="session")
def sample_conn(tmp_path_factory):
    db = tmp_path_factory.mktemp("sample") / "sample.db"
    conn, report = ingest_into(db, SAMPLE)
    return conn, report


WEB_FIXTURES = ROOT / "tests" / "fixtures" / "web"


@pytest.fixture(scope="session")
def web_db(tmp_path_factory) -> Path:
    """The demo corpus plus a report whose text carries markup, ingested once; tests must not write to it."""
    db = tmp_path_factory.mktemp("web") / "web.db"
    conn, _report = ingest_into(db, SAMPLE, WEB_FIXTURES / "hostile.jsonl")
    conn.checkpoint()
    conn.close()
    return db


@pytest.fixture(scope="session")
def postgres():
    """One throw-away PostgreSQL server for the whole run; each test takes a fresh database on it."""
    server = TempPostgres().start()
    yield server
    server.stop()


_databases = itertools.count()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path) -> str:
    """A new, empty store on each backend: the shared store suite runs once per backend."""
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("postgres").create(f"test_{next(_databases)}")


@pytest.fixture
def configure():
    """configure({"section.name": value, ...}): this test runs under those settings."""
    with contextlib.ExitStack() as stack:
        def apply(overrides: dict) -> config.Settings:
            return stack.enter_context(config.using(config.current().with_overrides(overrides)))
        yield apply
