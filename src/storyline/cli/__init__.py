"""Command line: a thin shell over the Python API (storyline.Storyline): ingest, watch, follow,
stories, show, export, search, check, failures, correct, corrections, undo, reanalyse, config, serve.

`shell` holds the app and what every command shares; `commands` and `corrections` register theirs
on it when imported here."""

from . import commands, corrections  # noqa: F401  (importing them registers their commands)
from .shell import app, failure_line

__all__ = ["app", "failure_line"]
