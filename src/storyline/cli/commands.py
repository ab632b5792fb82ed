"""Reading reports in and the store out: ingest, watch, follow, stories, show, export, search, check,
failures, config, serve and reanalyse, each a thin shell over `storyline.api`."""

from __future__ import annotations

import json
import sys
import threading
from contextlib import suppress
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .. import config
from ..api import Storyline, store_location
from ..present import dossier
from ..read.guard import path_text, shown
from .shell import (
    DbOption,
    add_columns,
    add_row,
    app,
    console,
    current_run,
    err,
    failing_store,
    failure_line,
    open_session,
    pool_for,
    print_report,
    reads_store,
    shown_lines,
    tell,
)


@app.command()
def ingest(ctx: typer.Context, paths: list[str] = typer.Argument(..., help="files and folders (recursive), web archives, and "
                                           "http(s) URLs of pages, RSS/Atom feeds or sitemaps"),
           db: str | None = DbOption,
           workers: int | None = typer.Option(None, "--workers", min=1, help="run the per-article and per-story "
                                                 "work on a Dask LocalCluster of this many processes"),
           scheduler: str | None = typer.Option(None, "--scheduler", help="run it on an existing Dask cluster "
                                                   "(tcp://host:8786)")) -> None:
    """Read, clean, deduplicate, cluster and analyse; the store is current afterwards."""
    session = open_session(ctx, db)
    bar = Progress(TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                   transient=True, disable=current_run(ctx).log_format == "json")
    with failing_store("ingest", resumable=True), pool_for(workers, scheduler, session.settings) as pool, bar as progress:
        task = progress.add_task("articles", total=None)

        def advance(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        report = session.ingest(paths, advance, workers=pool,
                                on_wait=lambda message: tell(message, "yellow"))
    print_report(ctx, report, session)
    if report.new + report.duplicates == 0:
        raise typer.Exit(code=1)


@app.command()
def watch(ctx: typer.Context, folder: Path = typer.Argument(..., help="folder to watch (recursively)"),
          db: str | None = DbOption) -> None:
    """Ingest what the folder holds, then each file as it is completed (closed or moved in); Ctrl-C stops."""
    session = open_session(ctx, db)
    stop = threading.Event()
    tell(f"watching {path_text(folder)} (Ctrl-C stops)")
    try:
        session.watch(folder, stop, on_ingest=lambda report: print_report(ctx, report, session))
    except KeyboardInterrupt:
        stop.set()


@app.command()
def follow(ctx: typer.Context,
           feeds: Path = typer.Argument(..., help="a file of feed, sitemap or page URLs, one a line (# comments)"),
           every: str = typer.Option("10m", "--every", help="time between rounds: 90s, 10m, 1h"),
           rounds: int | None = typer.Option(None, "--rounds", min=1, help="stop after this many rounds"),
           db: str | None = DbOption) -> None:
    """Ingest the URLs again every so often; pages seen before cost only their fetch. Ctrl-C stops."""
    seconds = _duration(every)
    try:
        urls = [line.strip() for line in feeds.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.lstrip().startswith("#")]
    except (OSError, UnicodeDecodeError) as exc:
        tell(f"cannot read {path_text(feeds)}: {exc}")
        raise typer.Exit(code=2) from None
    session = open_session(ctx, db)
    with suppress(KeyboardInterrupt):
        session.follow(urls, seconds, rounds, on_round=lambda report: print_report(ctx, report, session))


def _duration(text: str) -> float:
    """'90s', '10m', '1h' or plain seconds."""
    units = {"s": 1, "m": 60, "h": 3600}
    try:
        return float(text[:-1]) * units[text[-1]] if text[-1:] in units else float(text)
    except ValueError:
        tell(f"--every takes 90s, 10m, 1h or seconds, not {text!r}")
        raise typer.Exit(code=2) from None


@app.command()
@reads_store
def stories(ctx: typer.Context, db: str | None = DbOption,
            query: str | None = typer.Option(None, "-q", "--query", help="words the stories' articles hold"),
            since: str | None = typer.Option(None, "--since", help="with an article on or after YYYY-MM-DD"),
            until: str | None = typer.Option(None, "--until", help="with an article on or before YYYY-MM-DD"),
            outlet: str | None = typer.Option(None, "--outlet", help="with an article from this outlet"),
            entity: str | None = typer.Option(None, "--entity", help="naming this person, group or place"),
            language: str | None = typer.Option(None, "--language", help="with an article in this language"),
            limit: int = typer.Option(100, "--limit", help="at most this many stories, newest first")) -> None:
    """List stories, newest first: id, title, articles, outlets, date range; with --query, the passage that matched."""
    rows = open_session(ctx, db, read_only=True).stories(query, since, until, outlet, entity, language, limit)
    table = Table(title="stories")
    add_columns(table, "id", "title", "articles", "outlets", "dates", *(("matched",) if query else ()))
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
def show(ctx: typer.Context, story_id: str, db: str | None = DbOption) -> None:
    """One story: summary, events, timeline, who said what, figures, contradictions, sources, corrections."""
    from rich.markdown import Markdown

    session = open_session(ctx, db, read_only=True)
    dossier = session.export("markdown", story=_live_story(session, story_id))
    console.print(Markdown(shown_lines(dossier)))  # a title or name holding an ESC never reaches the terminal


def _live_story(session: Storyline, story_id: str) -> str:
    """The story an id names now: itself, or (said on stderr) the story it was merged into, as the web
    app's links follow; a story that never was ends the command in one line."""
    if story_id in session.story_ids():
        return story_id
    into = session.merged_into(story_id)
    if into is None:
        tell(f"no story {story_id!r}; `storyline stories` lists them")
        raise typer.Exit(code=1)
    tell(f"story {story_id!r} was merged into {into!r}; showing that story", "yellow")
    return into


@app.command("export")
@reads_store
def export_command(ctx: typer.Context, format: str = typer.Option("json", "--format", help="json | markdown | html"),
                   output: Path = typer.Option(..., "-o", "--output", help="file to write"),
                   story: str | None = typer.Option(None, "--story", help="one story alone, as a dossier "
                                                       "to hand on (its part of the full export)"),
                   db: str | None = DbOption) -> None:
    """Write everything the store knows (json exactly per the export contract), or one story's dossier."""
    if format not in dossier.FORMATS:
        tell(f"unknown format {format!r}; choose json, markdown or html")
        raise typer.Exit(code=2)
    session = open_session(ctx, db, read_only=True)
    text = session.export(format, story=_live_story(session, story) if story is not None else None)
    output.write_text(text, encoding="utf-8")
    console.print(Text(f"wrote {path_text(output)}"), highlight=False)


@app.command()
@reads_store
def search(ctx: typer.Context, query: str, db: str | None = DbOption,
           limit: int = typer.Option(20, "--limit", help="at most this many articles")) -> None:
    """Full-text search over article titles and text; shows each hit's story."""
    session = open_session(ctx, db, read_only=True)
    table = Table(title=Text(f"articles matching {query!r}"))
    add_columns(table, "article", "story", "published", "title")
    for article in session.search(query, limit):
        add_row(table, article.id, article.story_id or "", article.published or "", article.title)
    console.print(table)


@app.command()
@reads_store
def check(ctx: typer.Context, claim: str | None = typer.Argument(None, help="the claim, as a sentence"),
          claims: Path | None = typer.Option(None, "--claims", help='a JSONL file of {"claim_id", "claim"} lines'),
          format: str = typer.Option("table", "--format", help="table | jsonl"),
          output: Path | None = typer.Option(None, "-o", "--output", help="file to write (jsonl; default stdout)"),
          db: str | None = DbOption) -> None:
    """Which reports bear on a claim, and does each agree, disagree or only discuss it."""
    if (claim is None) == (claims is None) or format not in ("table", "jsonl"):
        tell("give one claim or --claims FILE, and --format table or jsonl")
        raise typer.Exit(code=2)
    items = [("1", claim)] if claim is not None else _claim_lines(claims) if claims is not None else []
    try:
        results = open_session(ctx, db, read_only=True).check([text for _, text in items])
    except ValueError as exc:  # a claim over checking.claim_chars
        tell(str(exc))
        raise typer.Exit(code=2) from None
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
            add_row(table, r.article.outlet or "", r.article.published or "", r.article.title, r.stance,
                     r.evidence or "", f"{r.score:.2f}")
        console.print(table)


def _claim_lines(path: Path) -> list[tuple[str, str]]:
    """(claim_id, claim) of each line; a bad line stops the command with its line number."""
    items = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        tell(f"cannot read {path_text(path)}: {error}")
        raise typer.Exit(code=1) from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            items.append((str(record["claim_id"]), str(record["claim"])))
        except (ValueError, KeyError, TypeError):
            tell(f"{path_text(path)} line {number}: not a {{\"claim_id\", \"claim\"}} object")
            raise typer.Exit(code=1) from None
    return items


@app.command()
@reads_store
def failures(ctx: typer.Context, db: str | None = DbOption) -> None:
    """Inputs that could not be ingested, with the reason."""
    session = open_session(ctx, db, read_only=True)
    table = Table(title="failures")
    for column in ("source", "reason", "when"):
        table.add_column(column)
    for row in session.failures():
        add_row(table, *row)
    console.print(table)


@app.command("config")
def config_command(ctx: typer.Context) -> None:
    """Print the effective settings (defaults, then --config / $STORYLINE_CONFIG, then --set) as TOML."""
    print(config.to_toml(current_run(ctx).settings), end="")


@app.command()
def serve(ctx: typer.Context, db: str | None = DbOption,
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

    from ..web import Settings, create_app
    from ..web.settings import LOOPBACK_NAMES, is_loopback

    names = tuple(allowed_host) or LOOPBACK_NAMES
    if not is_loopback(host) and host not in ("0.0.0.0", "::", *names):
        names += (host,)
    settings = Settings(store_location(db), allowed_hosts=names, pipeline=current_run(ctx).settings)
    if not is_loopback(host):
        if not settings.token:
            tell(f"refusing to serve on {host}: beyond loopback every client on the network could reach the "
                  "store; set STORYLINE_TOKEN (required for writes) and start again")
            raise typer.Exit(code=2)
        tell(f"warning: {host} is reachable from the network; anyone there can read the stories. Answering "
              f"to Host names: {', '.join(names)} (add more with --allowed-host)", "yellow")
    # a read-only server opens its store read-only (readable on read-only media); a missing one is made
    open_session(ctx, db, read_only=not settings.token and Storyline.exists(settings.db_path)).close()
    mode = "read-write (token set)" if settings.token else "read-only (no STORYLINE_TOKEN)"
    tell(f"serving {settings.db_path} on http://{host}:{port} — {mode}")
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@app.command()
def reanalyse(ctx: typer.Context, db: str | None = DbOption) -> None:
    """Analyse every story again from the stored facts (after changing settings); corrections are replayed."""
    session = open_session(ctx, db, existing=True)
    with failing_store("reanalyse", resumable=True):
        failed = session.reanalyse()
    for failure in failed:
        err.print(failure_line(failure), highlight=False, soft_wrap=True)
    console.print(Text(f"re-analysed {len(session.story_ids())} stories, {len(failed)} failed"),
                  highlight=False)
