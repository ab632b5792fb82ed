"""Command line: a thin shell over the Python API (storyline.Storyline): ingest, watch, follow,
stories, show, export, search, check, failures, correct, corrections, undo, reanalyse, config, serve."""

from __future__ import annotations

import functools
import json
import os
import sys
import threading
from collections.abc import Callable
from contextlib import contextmanager, nullcontext, suppress
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from . import config, logs
from .api import StoreError, Storyline, dask_pool, store_errors, store_location
from .present import export
from .read.guard import path_text, shown

app = typer.Typer(help="Turn raw news reports into cited stories.", no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)
DbOption = typer.Option(None, "--db", help="store: an SQLite file or a postgresql:// URL "
                                           "(default $STORYLINE_DB or ./storyline.db)")
_settings: dict = {}


@app.callback()
def main(config_file: Path | None = typer.Option(None, "--config", help="settings file (TOML; default "
                                                    "$STORYLINE_CONFIG); `storyline config` prints them all"),
         setting: list[str] = typer.Option([], "--set", help="override one setting for this run: "
                                           "section.name=value (repeatable), e.g. --set summaries.sentences=3"),
         log_format: str = typer.Option("text", "--log-format", help="text (tables for people) or json "
                                        "(one JSON object a line on stderr, for log shippers)")) -> None:
    """Turn raw news reports into cited stories."""
    if log_format not in ("text", "json"):
        _tell(f"--log-format is text or json, not {log_format!r}")
        raise typer.Exit(code=2)
    _settings["log_format"] = log_format
    logs.configure(log_format)
    try:
        _settings["active"] = config.load(config_file, config.parse_overrides(setting))
    except config.ConfigError as exc:
        _tell(str(exc))
        raise typer.Exit(code=2) from None


def reads_store(command: Callable) -> Callable:
    """A read command whose store fails under it (a damaged file) ends in one line, not a traceback."""
    @functools.wraps(command)
    def guarded_command(*args, **kwargs):
        with _failing_store(command.__name__.removesuffix("_command")):
            return command(*args, **kwargs)
    return guarded_command


@contextmanager
def _failing_store(command: str, resumable: bool = False):
    """A store that fails under a command (a damaged file, a full disk, a server stopped) is one line
    saying so, and for an ingest that the next run resumes: every committed chunk is kept."""
    failures: tuple[type[Exception], ...] = (*store_errors(), OSError)
    try:
        yield
    except failures as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        tail = "; what was committed is kept: run the same command again to resume" if resumable else ""
        _tell(f"{command} stopped: {detail}{tail}")
        raise typer.Exit(code=2) from None


@app.command()
def ingest(paths: list[str] = typer.Argument(..., help="files and folders (recursive), web archives, and "
                                           "http(s) URLs of pages, RSS/Atom feeds or sitemaps"),
           db: str | None = DbOption,
           workers: int | None = typer.Option(None, "--workers", min=1, help="run the per-article and per-story "
                                                 "work on a Dask LocalCluster of this many processes"),
           scheduler: str | None = typer.Option(None, "--scheduler", help="run it on an existing Dask cluster "
                                                   "(tcp://host:8786)")) -> None:
    """Read, clean, deduplicate, cluster and analyse; the store is current afterwards."""
    session = _open(db)
    bar = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                   transient=True, disable=_settings["log_format"] == "json")
    with _failing_store("ingest", resumable=True), _pool(workers, scheduler) as pool, bar as progress:
        task = progress.add_task("articles", total=None)

        def advance(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        report = session.ingest(paths, advance, workers=pool,
                                on_wait=lambda message: _tell(message, "yellow"))
    _report(report, session)
    if report.new + report.duplicates == 0:
        raise typer.Exit(code=1)


def _report(report, session: Storyline) -> None:
    """Failures and the summary: JSON lines with --log-format json, else red lines and a table."""
    if _settings["log_format"] == "json":
        logs.ingest_report(report, session.shown_location)
        return
    for failure in report.failures:
        err.print(failure_line(failure), highlight=False, soft_wrap=True)
    table = Table(title="ingest summary", show_header=False)
    for label, value in (("new articles", report.new), ("already in store / repeated", report.duplicates),
                         ("syndicated copies", report.near_duplicates), ("failed", report.failed),
                         ("stories touched", len(report.stories_touched))):
        _add_row(table, label, f"{value:,}")
    console.print(table)


@app.command()
def watch(folder: Path = typer.Argument(..., help="folder to watch (recursively)"),
          db: str | None = DbOption) -> None:
    """Ingest what the folder holds, then each file as it is completed (closed or moved in); Ctrl-C stops."""
    session = _open(db)
    stop = threading.Event()
    _tell(f"watching {path_text(folder)} (Ctrl-C stops)")
    try:
        session.watch(folder, stop, on_ingest=lambda report: _report(report, session))
    except KeyboardInterrupt:
        stop.set()


@app.command()
def follow(feeds: Path = typer.Argument(..., help="a file of feed, sitemap or page URLs, one a line (# comments)"),
           every: str = typer.Option("10m", "--every", help="time between rounds: 90s, 10m, 1h"),
           rounds: int | None = typer.Option(None, "--rounds", min=1, help="stop after this many rounds"),
           db: str | None = DbOption) -> None:
    """Ingest the URLs again every so often; pages seen before cost only their fetch. Ctrl-C stops."""
    seconds = _duration(every)
    try:
        urls = [line.strip() for line in feeds.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        _tell(f"cannot read {path_text(feeds)}: {exc}")
        raise typer.Exit(code=2) from None
    session = _open(db)
    with suppress(KeyboardInterrupt):
        session.follow(urls, seconds, rounds, on_round=lambda report: _report(report, session))


def _duration(text: str) -> float:
    """'90s', '10m', '1h' or plain seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    try:
        return float(text[:-1]) * units[text[-1]] if text[-1:] in units else float(text)
    except ValueError:
        _tell(f"--every takes 90s, 10m, 1h or seconds, not {text!r}")
        raise typer.Exit(code=2) from None


@app.command()
@reads_store
def stories(db: str | None = DbOption,
            query: str | None = typer.Option(None, "-q", "--query", help="words the stories' articles hold"),
            since: str | None = typer.Option(None, "--since", help="with an article on or after YYYY-MM-DD"),
            until: str | None = typer.Option(None, "--until", help="with an article on or before YYYY-MM-DD"),
            outlet: str | None = typer.Option(None, "--outlet", help="with an article from this outlet"),
            entity: str | None = typer.Option(None, "--entity", help="naming this person, group or place"),
            language: str | None = typer.Option(None, "--language", help="with an article in this language"),
            limit: int = typer.Option(100, "--limit", help="at most this many stories, newest first")) -> None:
    """List stories, newest first: id, title, articles, outlets, date range; with --query, the passage that matched."""
    rows = _open(db, read_only=True).stories(query, since, until, outlet, entity, language, limit)
    table = Table(title="stories")
    for column in ("id", "title", "articles", "outlets", "dates", *(("matched",) if query else ())):
        table.add_column(column)
    for row in rows:
        dates = f"{row.first} – {row.last}" if row.first else "undated"
        cells = [row.id, row.title, str(row.articles), str(len(row.outlets)), dates]
        table.add_row(*(Text(shown(cell)) for cell in cells), *((_marked(row.match),) if query else ()))
    console.print(table)


def _marked(match) -> Text:
    """A search hit's passage with the query's words in bold, as written (no markup read in it)."""
    passage = Text()
    for piece, hit in match.parts() if match else []:
        passage.append(shown(piece), "bold yellow" if hit else "")
    return passage


@app.command()
@reads_store
def show(story_id: str, db: str | None = DbOption) -> None:
    """One story: summary, events, timeline, who said what, figures, contradictions, sources."""
    from rich.markdown import Markdown

    session = _open(db, read_only=True)
    try:
        story = session.story(story_id)
    except KeyError:
        _tell(f"no story {story_id!r}; `storyline stories` lists them")
        raise typer.Exit(code=1) from None
    articles = export.story_articles(story.articles, story.events)
    console.print(Markdown(export.story_markdown(story.analysis, story.events, articles)))


@app.command("export")
@reads_store
def export_command(format: str = typer.Option("json", "--format", help="json | markdown | html"),
                   output: Path = typer.Option(..., "-o", "--output", help="file to write"),
                   story: str | None = typer.Option(None, "--story", help="one story alone, as a dossier "
                                                       "to hand on (its part of the full export)"),
                   db: str | None = DbOption) -> None:
    """Write everything the store knows (json exactly per the export contract), or one story's dossier."""
    if format not in export.FORMATS:
        _tell(f"unknown format {format!r}; choose json, markdown or html")
        raise typer.Exit(code=2)
    try:
        text = _open(db, read_only=True).export(format, story=story)
    except KeyError:
        _tell(f"no story {story!r}; `storyline stories` lists them")
        raise typer.Exit(code=1) from None
    output.write_text(text, encoding="utf-8")
    console.print(Text(f"wrote {path_text(output)}"), highlight=False)


@app.command()
@reads_store
def search(query: str, db: str | None = DbOption,
           limit: int = typer.Option(20, "--limit", help="at most this many articles")) -> None:
    """Full-text search over article titles and text; shows each hit's story."""
    session = _open(db, read_only=True)
    table = Table(title=Text(f"articles matching {query!r}"))
    for column in ("article", "story", "published", "title"):
        table.add_column(column)
    for article in session.search(query, limit):
        _add_row(table, article.id, article.story_id or "", article.published or "", article.title)
    console.print(table)


@app.command()
@reads_store
def check(claim: str | None = typer.Argument(None, help="the claim, as a sentence"),
          claims: Path | None = typer.Option(None, "--claims", help='a JSONL file of {"claim_id", "claim"} lines'),
          format: str = typer.Option("table", "--format", help="table | jsonl"),
          output: Path | None = typer.Option(None, "-o", "--output", help="file to write (jsonl; default stdout)"),
          db: str | None = DbOption) -> None:
    """Which reports bear on a claim, and does each agree, disagree or only discuss it."""
    if (claim is None) == (claims is None) or format not in ("table", "jsonl"):
        _tell("give one claim or --claims FILE, and --format table or jsonl")
        raise typer.Exit(code=2)
    items = [("1", claim)] if claim is not None else _claim_lines(claims) if claims is not None else []
    results = _open(db, read_only=True).check([text for _, text in items])
    if format == "jsonl":
        lines = [json.dumps({"claim_id": claim_id, "url": r.article.source, "article_id": r.article.id,
                             "stance": r.stance, "score": r.score, "evidence": r.evidence}, ensure_ascii=False)
                 for (claim_id, _), result in zip(items, results) for r in result.reports]
        text = "".join(line + "\n" for line in lines)
        if output:
            output.write_text(text, encoding="utf-8")
            console.print(Text(f"wrote {len(lines)} stances to {path_text(output)}"), highlight=False)
        else:
            sys.stdout.write(text)
        return
    for (_, text), result in zip(items, results):
        table = Table(title=Text(f"reports bearing on {text!r}"))
        for column in ("outlet", "date", "title", "stance", "sentence", "how sure"):
            table.add_column(column)
        for r in result.reports:
            _add_row(table, r.article.outlet or "", r.article.published or "", r.article.title, r.stance,
                     r.evidence or "", f"{r.score:.2f}")
        console.print(table)


def _claim_lines(path: Path) -> list[tuple[str, str]]:
    """(claim_id, claim) of each line; a bad line stops the command with its line number."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        _tell(f"cannot read {path_text(path)}: {error}")
        raise typer.Exit(code=1) from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            items.append((str(record["claim_id"]), str(record["claim"])))
        except (ValueError, KeyError, TypeError):
            _tell(f"{path_text(path)} line {number}: not a {{\"claim_id\", \"claim\"}} object")
            raise typer.Exit(code=1) from None
    return items


@app.command()
@reads_store
def failures(db: str | None = DbOption) -> None:
    """Inputs that could not be ingested, with the reason."""
    session = _open(db, read_only=True)
    table = Table(title="failures")
    for column in ("source", "reason", "when"):
        table.add_column(column)
    for row in session.failures():
        _add_row(table, *row)
    console.print(table)


@app.command("config")
def config_command() -> None:
    """Print the effective settings (defaults, then --config / $STORYLINE_CONFIG, then --set) as TOML."""
    print(config.to_toml(_settings["active"]), end="")


@app.command()
def serve(db: str | None = DbOption,
          host: str = typer.Option("127.0.0.1", "--host", help="address to bind (loopback unless told otherwise)"),
          port: int = typer.Option(8000, "--port"),
          allowed_host: list[str] = typer.Option([], "--allowed-host",
                                                 help="a name clients use to reach the server (repeatable); "
                                                      "requests with any other Host header are refused")) -> None:
    """HTTP API (/api, docs at /docs) and web app; POST /api/articles needs $STORYLINE_TOKEN.

    Bound beyond loopback the store is readable by the network: the server then refuses to
    start without STORYLINE_TOKEN (so nobody else can write) and says so.
    """
    import uvicorn

    from .web import Settings, create_app
    from .web.settings import LOOPBACK_NAMES, is_loopback

    names = tuple(allowed_host) or LOOPBACK_NAMES
    if not is_loopback(host) and host not in ("0.0.0.0", "::", *names):
        names += (host,)
    settings = Settings(store_location(db), allowed_hosts=names, pipeline=_settings["active"])
    if not is_loopback(host):
        if not settings.token:
            _tell(f"refusing to serve on {host}: beyond loopback every client on the network could reach the "
                  "store; set STORYLINE_TOKEN (required for writes) and start again")
            raise typer.Exit(code=2)
        _tell(f"warning: {host} is reachable from the network; anyone there can read the stories. Answering "
              f"to Host names: {', '.join(names)} (add more with --allowed-host)", "yellow")
    # a read-only server opens its store read-only (readable on read-only media); a missing one is made
    _open(db, read_only=not settings.token and Storyline.exists(settings.db_path)).close()
    mode = "read-write (token set)" if settings.token else "read-only (no STORYLINE_TOKEN)"
    _tell(f"serving {settings.db_path} on http://{host}:{port} — {mode}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


# ------------------------------------------------------------------ the reader's corrections

correct_app = typer.Typer(help="Correct the machine: kept across re-analysis and re-ingest, shown with the story, "
                               "undoable (`storyline undo ID`).", no_args_is_help=True)
app.add_typer(correct_app, name="correct")
ByOption = typer.Option(None, "--by", help="who corrects (default $USER)")


def _correct(db: str | None, kind: str, story_id: str, by: str | None, **fields) -> None:
    from .analyse.corrections import CorrectionError, describe

    session = _open(db)
    with _failing_store("correct"):
        try:
            made = session.correct(kind, story_id, by or os.environ.get("USER") or "cli", **fields)
        except CorrectionError as exc:
            _tell(str(exc))
            raise typer.Exit(code=1) from None
    console.print(Text(f"{made.id}: {describe(made)}"), highlight=False)


@correct_app.command("rename")
def correct_rename(story_id: str, title: str, db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Give a story the title you choose."""
    _correct(db, "rename", story_id, by, title=title)


@correct_app.command("speaker")
def correct_speaker(story_id: str, quote_id: str,
                    name: str | None = typer.Option(None, "--name", help="who said it"),
                    remove: bool = typer.Option(False, "--remove", help="nobody named: the quote is unattributed"),
                    db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Fix who said a quote (--name), or remove a wrong speaker (--remove)."""
    if (name is None) == (not remove):
        _tell("give --name NAME or --remove")
        raise typer.Exit(code=2)
    _correct(db, "speaker", story_id, by, quote_id=quote_id, speaker=name)


@correct_app.command("dispute")
def correct_dispute(story_id: str, a: str, b: str, db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Mark wrong the dispute (or agreement) shown between statements A and B."""
    _correct(db, "dispute", story_id, by, a=a, b=b)


@correct_app.command("event")
def correct_event(story_id: str, article_id: str, event_id: str, db: str | None = DbOption,
                  by: str | None = ByOption) -> None:
    """Move a report to another event of its story."""
    _correct(db, "event", story_id, by, article_id=article_id, event_id=event_id)


@correct_app.command("move")
def correct_move(story_id: str, article_id: str, to_story: str, db: str | None = DbOption,
                 by: str | None = ByOption) -> None:
    """Move a report (and its copies) to another story."""
    _correct(db, "move", story_id, by, article_id=article_id, to_story=to_story)


@correct_app.command("split")
def correct_split(story_id: str, article_ids: list[str] = typer.Argument(..., help="the reports that leave"),
                  db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Split reports off a story into a new one; neither merges back on its own."""
    _correct(db, "split", story_id, by, article_ids=article_ids)


@correct_app.command("merge")
def correct_merge(story_id: str, into_story: str, db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Merge a story into another (its id then leads to the other)."""
    _correct(db, "merge", story_id, by, into_story=into_story)


@app.command("corrections")
@reads_store
def corrections_command(story_id: str | None = typer.Argument(None, help="only those naming this story"),
                        db: str | None = DbOption) -> None:
    """Corrections in the order made: id, who, when, what, and whether undone."""
    from .analyse.corrections import describe

    table = Table(title="corrections")
    for column in ("id", "story", "by", "at", "what", "undone"):
        table.add_column(column)
    for item in _open(db, read_only=True).corrections(story_id):
        undone = f"{item.undone_at} by {item.undone_by}" if item.undone_at else ""
        _add_row(table, item.id, item.story_id, item.author, item.at, describe(item), undone)
    console.print(table)


@app.command()
def undo(correction_id: str, db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Take a correction back; its record stays, marked undone."""
    from .analyse.corrections import CorrectionError, describe

    session = _open(db)
    with _failing_store("undo"):
        try:
            item = session.undo(correction_id, by or os.environ.get("USER") or "cli")
        except CorrectionError as exc:
            _tell(str(exc))
            raise typer.Exit(code=1) from None
    console.print(Text(f"undone {item.id}: {describe(item)}"), highlight=False)


@app.command()
def reanalyse(db: str | None = DbOption) -> None:
    """Analyse every story again from the stored facts (after changing settings); corrections are replayed."""
    session = _open(db)
    with _failing_store("reanalyse", resumable=True):
        failed = session.reanalyse()
    for failure in failed:
        err.print(failure_line(failure), highlight=False, soft_wrap=True)
    console.print(Text(f"re-analysed {len(session.story_ids())} stories, {len(failed)} failed"),
                  highlight=False)


def failure_line(failure) -> Text:
    """`failed SOURCE: REASON` as written: no markup read in a file name, control characters as \\xNN."""
    return Text("failed", "red") + Text(shown(f" {failure.source}: {failure.reason}"))


def _add_row(table: Table, *cells: str) -> None:
    """A row of text as it is: a story title or file name holding `[red]` is no markup."""
    table.add_row(*(Text(shown(cell)) for cell in cells))


def _tell(message: str, style: str | None = None) -> None:
    """One line on stderr, shown as written: no markup read in it, control characters as \\xNN."""
    err.print(Text(shown(message), style or ""), highlight=False, soft_wrap=True)


def _pool(workers: int | None, scheduler: str | None):
    """A Dask pool when asked for one; else None (the local worker processes of ingest.workers)."""
    if workers is None and scheduler is None:
        return nullcontext(None)
    return dask_pool(workers, scheduler)


def _open(db: str | None, read_only: bool = False) -> Storyline:
    """The store under this run's settings, or a one-line error (no traceback) when it cannot be opened.
    Read commands open it read-only: they never create, migrate or write a file they are pointed at."""
    try:
        return Storyline(db, _settings["active"], read_only=read_only)
    except StoreError as exc:
        _tell(str(exc))
        raise typer.Exit(code=2) from None


if __name__ == "__main__":
    app()
