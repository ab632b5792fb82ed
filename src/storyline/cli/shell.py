"""The shell every command shares: the Typer app, the global options (settings, log format), opening
the store in one line or failing in one, and printing names and reports as text, never as markup."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from .. import config, logs
from ..api import StoreError, Storyline, dask_pool, store_errors
from ..config import current
from ..read.guard import shown

app = typer.Typer(help="Turn raw news reports into cited stories.", no_args_is_help=True, add_completion=False)
console = Console()
err = Console(stderr=True)
DbOption = typer.Option(None, "--db", help="store: an SQLite file or a postgresql:// URL "
                                           "(default $STORYLINE_DB or ./storyline.db)")
ByOption = typer.Option(None, "--by", help="who corrects (default $USER)")
CONTROL_NOT_TAB = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")  # as guard.shown escapes, a tab kept


@dataclass(frozen=True)
class Run:
    """What the global options chose for this command: its settings and how it logs. Kept on the
    command's click context, so two invocations in one process (tests, an embedding app) never share it."""

    settings: config.Settings
    log_format: str


def current_run(ctx: typer.Context) -> Run:
    """What the global options chose, kept on the root context by `main`."""
    return ctx.find_root().obj


@app.callback()
def main(ctx: typer.Context,
         config_file: Path | None = typer.Option(None, "--config", help="settings file (TOML; default "
                                                    "$STORYLINE_CONFIG); `storyline config` prints them all"),
         setting: list[str] = typer.Option([], "--set", help="override one setting for this run: "
                                           "section.name=value (repeatable), e.g. --set summaries.sentences=3"),
         log_format: str = typer.Option("text", "--log-format", help="text (tables for people) or json "
                                        "(one JSON object a line on stderr, for log shippers)")) -> None:
    """Turn raw news reports into cited stories."""
    if log_format not in ("text", "json"):
        tell(f"--log-format is text or json, not {log_format!r}")
        raise typer.Exit(code=2)
    logs.configure(log_format)
    try:
        ctx.obj = Run(config.load(config_file, config.parse_overrides(setting)), log_format)
    except config.ConfigError as exc:
        tell(str(exc))
        raise typer.Exit(code=2) from None


def reads_store(command: Callable) -> Callable:
    """A read command whose store fails under it (a damaged file) ends in one line, not a traceback."""
    @functools.wraps(command)
    def guarded_command(*args, **kwargs):
        with failing_store(command.__name__.removesuffix("_command")):
            return command(*args, **kwargs)
    return guarded_command


@contextmanager
def failing_store(command: str, resumable: bool = False):
    """A store that fails under a command (a damaged file, a full disk, a server stopped) is one line
    saying so, and for an ingest that the next run resumes: every committed chunk is kept."""
    failures: tuple[type[Exception], ...] = (*store_errors(), OSError)
    try:
        yield
    except failures as exc:
        detail = " ".join(str(exc).split()) or type(exc).__name__
        tail = "; what was committed is kept: run the same command again to resume" if resumable else ""
        tell(f"{command} stopped: {detail}{tail}")
        raise typer.Exit(code=2) from None


def print_report(ctx: typer.Context, report, session: Storyline) -> None:
    """Failures and the summary: JSON lines with --log-format json, else red lines and a table."""
    if current_run(ctx).log_format == "json":
        logs.ingest_report(report, session.shown_location)
        return
    for failure in report.failures:
        err.print(failure_line(failure), highlight=False, soft_wrap=True)
    table = Table(title="ingest summary", show_header=False)
    for label, value in (("new articles", report.new), ("already in store / repeated", report.duplicates),
                         ("syndicated copies", report.near_duplicates), ("failed", report.failed),
                         ("stories touched", len(report.stories_touched))):
        add_row(table, label, f"{value:,}")
    console.print(table)


def failure_line(failure) -> Text:
    """`failed SOURCE: REASON` as written: no markup read in a file name, control characters as \\xNN."""
    return Text("failed", "red") + Text(shown(f" {failure.source}: {failure.reason}"))


ID_COLUMNS = {"id", "story", "article"}


def add_columns(table: Table, *names: str) -> None:
    """The table's columns; an id column (one `undo` or `show` takes) is never cut nor wrapped to fit the
    terminal: the other columns wrap instead, since an id cut at 80 columns can be neither read nor pasted."""
    for name in names:
        if name in ID_COLUMNS:
            table.add_column(name, no_wrap=True, min_width=current().presenting.id_column_chars, overflow="fold")
        else:
            table.add_column(name)


def add_row(table: Table, *cells: str) -> None:
    """A row of text as it is: a story title or file name holding `[red]` is no markup."""
    table.add_row(*(Text(shown(cell)) for cell in cells))


def shown_lines(text: str) -> str:
    """A text of many lines (a dossier) fit for the terminal: each control character written out as \\xNN,
    as `shown` does, but its line breaks and tabs kept."""
    return "\n".join(CONTROL_NOT_TAB.sub(lambda m: f"\\x{ord(m.group()):02x}", line) for line in text.split("\n"))


def tell(message: str, style: str | None = None) -> None:
    """One line on stderr, shown as written: no markup read in it, control characters as \\xNN."""
    err.print(Text(shown(message), style or ""), highlight=False, soft_wrap=True)


def pool_for(workers: int | None, scheduler: str | None, settings: config.Settings):
    """A Dask pool, set up by the run's settings, when asked for one; else None (the local worker
    processes of ingest.workers)."""
    if workers is None and scheduler is None:
        return nullcontext(None)
    return dask_pool(workers, scheduler, settings)


def open_session(ctx: typer.Context, db: str | None, read_only: bool = False, existing: bool = False) -> Storyline:
    """The store under this run's settings, or a one-line error (no traceback) when it cannot be opened.
    Read commands open it read-only: they never create, migrate or write a file they are pointed at.
    existing: a write command that changes a store but never makes one (correct, undo, reanalyse) refuses
    a missing or empty one as read commands do (a mistyped --db creates nothing); only ingest, watch,
    follow and serve make a store."""
    try:
        if existing and not read_only:
            Storyline(db, current_run(ctx).settings, read_only=True).close()
        return Storyline(db, current_run(ctx).settings, read_only=read_only)
    except StoreError as exc:
        tell(str(exc))
        raise typer.Exit(code=2) from None
