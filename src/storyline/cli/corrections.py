"""The reader's corrections from the command line: `correct KIND ...`, `corrections`, `undo`; kept across
re-analysis and re-ingest, shown with the story."""

from __future__ import annotations

import os

import typer
from rich.table import Table
from rich.text import Text

from ..analysis.corrections import CorrectionError, describe
from ..read.guard import shown
from .shell import ByOption, DbOption, add_columns, add_row, app, console, failing_store, open_session, reads_store, tell

correct_app = typer.Typer(help="Correct the machine: kept across re-analysis and re-ingest, shown with the story, "
                               "undoable (`storyline undo ID`).", no_args_is_help=True)
app.add_typer(correct_app, name="correct")


def _correct(ctx: typer.Context, db: str | None, kind: str, story_id: str, by: str | None, **fields) -> None:
    session = open_session(ctx, db, existing=True)
    with failing_store("correct"):
        try:
            made = session.correct(kind, story_id, by or os.environ.get("USER") or "cli", **fields)
        except CorrectionError as exc:
            tell(str(exc))
            raise typer.Exit(code=1) from None
    console.print(Text(shown(f"{made.id}: {describe(made)}")), highlight=False)


@correct_app.command("rename")
def correct_rename(ctx: typer.Context, story_id: str, title: str, db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Give a story the title you choose."""
    _correct(ctx, db, "rename", story_id, by, title=title)


@correct_app.command("speaker")
def correct_speaker(ctx: typer.Context, story_id: str, quote_id: str,
                    name: str | None = typer.Option(None, "--name", help="who said it"),
                    remove: bool = typer.Option(False, "--remove", help="nobody named: the quote is unattributed"),
                    db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Fix who said a quote (--name), or remove a wrong speaker (--remove)."""
    if (name is None) == (not remove):
        tell("give --name NAME or --remove")
        raise typer.Exit(code=2)
    _correct(ctx, db, "speaker", story_id, by, quote_id=quote_id, speaker=name)


@correct_app.command("dispute")
def correct_dispute(ctx: typer.Context, story_id: str, a: str, b: str, db: str | None = DbOption,
                    by: str | None = ByOption) -> None:
    """Mark wrong the dispute (or agreement) shown between statements A and B."""
    _correct(ctx, db, "dispute", story_id, by, a=a, b=b)


@correct_app.command("event")
def correct_event(ctx: typer.Context, story_id: str, article_id: str, event_id: str, db: str | None = DbOption,
                  by: str | None = ByOption) -> None:
    """Move a report to another event of its story."""
    _correct(ctx, db, "event", story_id, by, article_id=article_id, event_id=event_id)


@correct_app.command("move")
def correct_move(ctx: typer.Context, story_id: str, article_id: str, to_story: str, db: str | None = DbOption,
                 by: str | None = ByOption) -> None:
    """Move a report (and its copies) to another story."""
    _correct(ctx, db, "move", story_id, by, article_id=article_id, to_story=to_story)


@correct_app.command("split")
def correct_split(ctx: typer.Context, story_id: str, article_ids: list[str] = typer.Argument(..., help="the reports that leave"),
                  db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Split reports off a story into a new one; neither merges back on its own."""
    _correct(ctx, db, "split", story_id, by, article_ids=article_ids)


@correct_app.command("apart")
def correct_apart(ctx: typer.Context, story_id: str, entity_id: str, name: str, db: str | None = DbOption,
                  by: str | None = ByOption) -> None:
    """Take a name out of an entity it was wrongly joined to ('Aceh' is not 'Banda Aceh')."""
    _correct(ctx, db, "apart", story_id, by, entity_id=entity_id, name=name)


@correct_app.command("merge")
def correct_merge(ctx: typer.Context, story_id: str, into_story: str, db: str | None = DbOption,
                  by: str | None = ByOption) -> None:
    """Merge a story into another (its id then leads to the other)."""
    _correct(ctx, db, "merge", story_id, by, into_story=into_story)


@app.command("corrections")
@reads_store
def corrections_command(ctx: typer.Context, story_id: str | None = typer.Argument(None, help="only those naming this story"),
                        db: str | None = DbOption) -> None:
    """Corrections in the order made: id, who, when, what, and whether undone."""
    table = Table(title="corrections")
    add_columns(table, "id", "story", "by", "at", "what", "undone")
    for item in open_session(ctx, db, read_only=True).corrections(story_id):
        undone = f"{item.undone_at} by {item.undone_by}" if item.undone_at else ""
        add_row(table, item.id, item.story_id, item.author, item.at, describe(item), undone)
    console.print(table)


@app.command()
def undo(ctx: typer.Context, correction_id: str, db: str | None = DbOption, by: str | None = ByOption) -> None:
    """Take a correction back; its record stays, marked undone."""
    session = open_session(ctx, db, existing=True)
    with failing_store("undo"):
        try:
            item = session.undo(correction_id, by or os.environ.get("USER") or "cli")
        except CorrectionError as exc:
            tell(str(exc))
            raise typer.Exit(code=1) from None
    console.print(Text(shown(f"undone {item.id}: {describe(item)}")), highlight=False)
