"""The Python API: one object per store and configuration, which the CLI, the web app and the
benchmarks all go through, and `analyse` for a batch of reports held in memory only.

    from storyline import Storyline
    with Storyline("news.db") as news:            # or "postgresql://user@host/db"
        news.ingest(["reports/"])
        for row in news.stories(query="strike"):
            print(row.title, news.story(row.id).summary)
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from . import store
from .analysis.check import Checkable, ClaimCheck, check, claim_checks
from .analysis.corrections import correction_fields, field_value
from .config import Settings, load, using
from .models import Article, Correction, Entity, Event, Failure, RawDocument, StoryAnalysis
from .present import dossier
from .read.fetch import Fetcher, is_url, items_from_urls
from .read.files import documents_from_records, iter_input_files
from .run import corrections
from .run.ingest import document_items, ingest_stream
from .run.report import IngestReport
from .run.scaleout import dask_pool  # a Dask cluster for ingest(workers=...); Dask is imported only then
from .run.tasks import Pool
from .store import browse
from .store.backends import Database, StoreError, backend_errors
from .store.browse import StoryFilter, StoryRow, story_sort_key

__all__ = ["ClaimCheck", "IngestReport", "Result", "StoreError", "Story", "StoryFilter", "StoryRow", "Storyline", "analyse",
           "dask_pool", "store_errors", "store_location", "story_sort_key"]

Config = Settings | str | Path | Mapping[str, Any] | None
Input = str | Path | RawDocument | Failure | Mapping[str, Any]  # a Failure: a record already refused, to be recorded
Inputs = Input | Iterable[Input]
P = ParamSpec("P")
R = TypeVar("R")


def resolve_settings(config: Config) -> Settings:
    """Settings from an object, a TOML file, or overrides ({"grouping.top_terms": 30}) on the file
    $STORYLINE_CONFIG names (or the defaults)."""
    if isinstance(config, Settings):
        return config
    if isinstance(config, (str, Path)):
        return load(config)
    return load(overrides=config)


# per store (its key): the ingest generation it was read at, and its articles as the claim check reads them
_CHECKABLE: dict[str, tuple[int, Checkable]] = {}
_CHECKABLE_READING = threading.Lock()  # one request reads a store for the check; the others wait for it


def store_errors() -> tuple[type[Exception], ...]:
    """What a damaged store or a server gone raises, whichever backend: shells turn these into one line or a 503."""
    return (StoreError, *backend_errors())


def store_location(location: str | Path | None) -> str:
    """Where a store is: the location given, else $STORYLINE_DB, else storyline.db."""
    return store.resolve_db_path(str(location) if location else None)


def under_own_settings(method: Callable[Concatenate[Storyline, P], R]) -> Callable[Concatenate[Storyline, P], R]:
    """The method runs under its session's settings, in this context only: two sessions with different
    settings, in two threads, each see their own."""
    @functools.wraps(method)
    def run(self: Storyline, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with using(self.settings):
            return method(self, *args, **kwargs)
    return run


@dataclass
class Story:
    """Everything known about one story, each statement traced to the articles carrying it."""

    analysis: StoryAnalysis
    events: list[Event]
    articles: list[Article]

    @property
    def id(self) -> str:
        return self.analysis.story_id

    @property
    def title(self) -> str:
        return self.analysis.title

    @property
    def summary(self) -> str:
        return " ".join(s.text for s in self.analysis.summary)


@dataclass
class Result:
    """What `analyse` found: the stories, every article, the inputs that failed, and the export
    document (the JSON contract) of it all."""

    stories: list[Story]
    articles: list[Article]
    failures: list[Failure]
    document: dict = field(repr=False)


class Storyline:
    """A store (SQLite file, ":memory:" or postgresql:// URL; default $STORYLINE_DB or storyline.db)
    and the settings every run on it uses. read_only: for reading alone (listings, export, the web
    app's pages): the store is neither created nor migrated, and nothing can be written to it.

    The CLI and the web app go through this object alone: they never touch the store's tables."""

    def __init__(self, location: str | Path | None = None, config: Config = None, read_only: bool = False):
        self.settings = resolve_settings(config)
        self.location = store_location(location)
        self.db: Database = store.open_store(self.location, read_only)
        self._fetcher: Fetcher | None = None

    @property
    def shown_location(self) -> str:
        """Where the store is, as safe to show and log: a URL without its password."""
        return self.db.location

    @property
    def backend(self) -> str:
        """"sqlite" or "postgresql"."""
        return self.db.dialect

    @staticmethod
    def exists(location: str | Path | None) -> bool:
        """Whether a store is at this location (default $STORYLINE_DB or storyline.db) already."""
        return store.exists(store_location(location))

    # ------------------------------------------------------------------ writing

    @under_own_settings
    def ingest(self, inputs: Inputs, progress: Callable[[int, int | None], None] | None = None,
               on_wait: Callable[[str], None] | None = None,
               workers: int | Pool | None = None) -> IngestReport:
        """Files and folders (recursively), URLs (pages, RSS/Atom feeds, sitemaps), documents or JSON-like
        records; stories are current afterwards."""
        items = [inputs] if isinstance(inputs, (str, Path, RawDocument, Failure, Mapping)) else list(inputs)
        paths = [str(i) for i in items if isinstance(i, Path) or (isinstance(i, str) and not is_url(i))]
        urls = [i for i in items if isinstance(i, str) and is_url(i)]
        records = [dict(i) if isinstance(i, Mapping) else i for i in items if not isinstance(i, (str, Path))]
        stream = chain(iter_input_files(paths), items_from_urls(urls, self.fetcher()) if urls else (),
                       document_items(documents_from_records(records, "")))
        return ingest_stream(self.db, stream, progress, on_wait, workers)

    @under_own_settings
    def read_records(self, records: list, label: str) -> list[RawDocument | Failure]:
        """JSON-like records (as posted to the HTTP API) as documents, each that cannot be read a Failure
        named `<label> record N`; `ingest` takes the result."""
        return documents_from_records(records, label)

    @under_own_settings
    def fetcher(self) -> Fetcher:
        """The one fetcher of this session: its per-host rate limit holds across ingests."""
        if self._fetcher is None:
            self._fetcher = Fetcher()
        return self._fetcher

    def follow(self, feeds: list[str], every: float | None = None, rounds: int | None = None,
               stop: threading.Event | None = None,
               on_round: Callable[[IngestReport], None] | None = None) -> None:
        """Ingest these feeds (or any URLs) again and again, every `every` seconds (default: the
        fetching.follow_every_seconds setting), `rounds` times (None: until `stop` is set). Pages
        seen before are recognised and cost nothing but their fetch."""
        stop = stop or threading.Event()
        every = self.settings.fetching.follow_every_seconds if every is None else every
        done = 0
        while not stop.is_set() and (rounds is None or done < rounds):
            report = self.ingest(feeds)
            if on_round:
                on_round(report)
            done += 1
            if rounds is None or done < rounds:
                stop.wait(every)

    def watch(self, folder: str | Path, stop: threading.Event,
              on_ingest: Callable[[IngestReport], None] | None = None) -> None:
        """Ingest what the folder holds, then each file written into it (recursively) once it is
        completed (closed after writing, or moved in), until `stop` is set."""
        from .read.watch import completed_files

        for paths in completed_files(Path(folder), stop, self.settings.watching.settle_seconds):
            report = self.ingest(paths)
            if on_ingest:
                on_ingest(report)

    @under_own_settings
    def correct(self, kind: str, story_id: str, author: str, **fields: Any) -> Correction:
        """Correct the machine, for good: the correction is stored (who, when, what), replayed after
        every analysis, and shown with the story. kind and its fields:

            rename  title=                  speaker  quote_id=, speaker= (None removes it)
            dispute a=, b= (statement ids)  event    article_id=, event_id= (within the story)
            move    article_id=, to_story=  split    article_ids=[...] (into a new story)
            merge   into_story=             apart    entity_id=, name= (a name out of an entity)

        Raises analysis.corrections.CorrectionError when the story has no such statement or report, or
        a field is not text or too long (`analysis.corrections.field_value`); NothingThere when there is
        no such story.
        """
        limits = self.settings.corrections
        return corrections.correct(self.db, field_value("kind", kind, limits), field_value("story_id", story_id, limits),
                                   field_value("author", author, limits), correction_fields(fields, limits))

    @under_own_settings
    def undo(self, correction_id: str, author: str) -> Correction:
        """Take a correction back; its record stays, marked undone by `author`."""
        limits = self.settings.corrections
        return corrections.undo(self.db, field_value("correction_id", correction_id, limits),
                                field_value("author", author, limits))

    @under_own_settings
    def reanalyse(self) -> list[Failure]:
        """Analyse every story again from the stored facts (after a settings change, say); corrections
        are replayed. Returns the stories that failed."""
        return corrections.reanalyse(self.db)

    # ------------------------------------------------------------------ reading

    def stories(self, query: str | None = None, since: str | None = None, until: str | None = None,
                outlet: str | None = None, entity: str | None = None, language: str | None = None,
                limit: int = 20) -> list[StoryRow]:
        """Stories newest first, optionally matching words (each then with the snippet that matched), a
        date range, an outlet, a named entity or a language."""
        where = StoryFilter(query=query, since=since, until=until, outlet=outlet, entity=entity, language=language)
        return self.story_page(where, None, limit)

    @under_own_settings
    def story_page(self, where: StoryFilter, after: tuple[str, str] | None, limit: int) -> list[StoryRow]:
        """One page of the story listing: the stories after `after` (a row's story_sort_key)."""
        return browse.story_rows(self.db, where, after, limit)

    def story(self, story_id: str) -> Story:
        """One story (KeyError if there is none with this id)."""
        analysis, events = store.load_analysis(self.db, story_id)
        return Story(analysis, events, store.articles(self.db, story_id))

    def story_title(self, story_id: str) -> str:
        """A story's title alone (KeyError if there is none with this id)."""
        return store.load_analysis(self.db, story_id)[0].title

    def story_ids(self) -> list[str]:
        return store.story_ids(self.db)

    def merged_into(self, story_id: str) -> str | None:
        """The story a story was merged into, if it was."""
        return store.merged_into(self.db, story_id)

    def article(self, article_id: str) -> Article | None:
        return browse.article(self.db, article_id)

    def article_sentences(self, article_id: str) -> list[str]:
        """An article's sentences as citations count them."""
        return browse.article_sentences(self.db, article_id)

    def article_page(self, story_id: str | None, after: int, limit: int) -> list[tuple[int, Article]]:
        """(cursor, article) in ingest order after a cursor, optionally of one story."""
        return browse.article_page(self.db, story_id, after, limit)

    def article_count(self) -> int:
        return store.article_count(self.db)

    def entity(self, entity_id: str) -> tuple[Entity, str] | None:
        """An entity and the story it belongs to."""
        return browse.entity(self.db, entity_id)

    def entities_named(self, names: list[str]) -> list[tuple[Entity, str]]:
        """Entities (in any story) whose name or an alias is one of `names`, case-insensitive."""
        return browse.entities_named(self.db, names)

    def entity_page(self, query: str | None, after: int, limit: int) -> list[tuple[int, Entity, str]]:
        """(cursor, entity, story id) in store order after a cursor, optionally whose name contains `query`."""
        return browse.entity_page(self.db, query, after, limit)

    def outlets(self) -> list[str]:
        return browse.outlets(self.db)

    def languages(self) -> list[str]:
        return browse.languages(self.db)

    @under_own_settings
    def search(self, query: str, limit: int = 20) -> list[Article]:
        return browse.search_articles(self.db, query, limit)

    @under_own_settings
    def check(self, claims: str | list[str]) -> list[ClaimCheck]:
        """For each claim, the reports bearing on it: agree, disagree or discuss, the sentence that
        decides it and how sure (see ../contract/CHECK.md). ValueError for a claim over checking.claim_chars."""
        texts = [claims] if isinstance(claims, str) else list(claims)
        limit = self.settings.checking.claim_chars
        for text in texts:
            if len(text) > limit:
                raise ValueError(f"a claim is at most {limit:,} characters; this one has {len(text):,}")
        kept = self._checkable()
        verdicts = check(texts, kept.reports, index=kept.index)
        named = store.articles_by_id(self.db, sorted({v.key for row in verdicts for v in row}))
        return claim_checks(texts, verdicts, named)

    def _checkable(self) -> Checkable:
        """The store's articles as the claim check reads them, kept by this process and extended by the
        articles added since (the ingest generation moved): a check costs its claims, an ingest its articles."""
        key, generation = store.store_key(self.db), store.ingest_generation(self.db)
        with _CHECKABLE_READING:
            kept = _CHECKABLE.get(key)
            if kept is None or kept[0] != generation:
                known = kept[1] if kept else Checkable.of([])
                kept = _CHECKABLE[key] = (generation, known.extended(store.texts_after(self.db, known.last_row)))
        return kept[1]

    def failures(self) -> list[tuple[str, str, str]]:
        """(source, reason, when) of each input that could not be ingested."""
        return store.failures(self.db)

    def failure_counts(self) -> list[tuple[str, int]]:
        """How many inputs failed, by reason."""
        return store.failure_counts(self.db)

    @under_own_settings
    def export(self, format: str = "json", story: str | None = None) -> str:
        """Everything the store knows, as json (the export contract), markdown or html; with `story`,
        that story alone as a self-contained dossier (KeyError if there is none with this id)."""
        if format not in dossier.FORMATS:
            raise ValueError(f"unknown export format {format!r}; choose one of {', '.join(dossier.FORMATS)}")
        return dossier.FORMATS[format](self.db, story)

    def corrections(self, story_id: str | None = None) -> list[Correction]:
        """Every correction (undone ones too) in the order made, or those naming one story."""
        return store.corrections(self.db, [story_id] if story_id else None)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Storyline:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def analyse(documents: Inputs, config: Config = None, workers: int | None = 0) -> Result:
    """Stories from reports held in memory only (nothing written to disk); workers=0 runs in this process."""
    with Storyline(":memory:", config) as session:
        report = session.ingest(documents, workers=workers)
        stories = [session.story(story_id) for story_id in session.story_ids()]
        return Result(stories=stories, articles=store.articles(session.db), failures=report.failures,
                      document=json.loads(session.export("json")))
