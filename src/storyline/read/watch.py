"""A watched folder: the paths of files as they are completed, through watchdog (inotify on Linux).

A file counts as completed when the writer closes it or when it is moved into the folder (the
safe way to drop a file in: write elsewhere, then rename; inotify reports a move from outside as a
creation that nobody opened); a file still being written is never read half-way.
Paths completed within a short window are handed over together, in name order.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from pathlib import Path

from .files import SUPPORTED_SUFFIXES, suffix_of


def completed_files(folder: Path, stop: threading.Event, settle_seconds: float) -> Iterator[list[str]]:
    """[folder] once watching has begun (what it already holds), then lists of completed supported
    files under it, until `stop` is set."""
    from watchdog.events import (
        FileClosedEvent,
        FileCreatedEvent,
        FileMovedEvent,
        FileOpenedEvent,
        FileSystemEventHandler,
    )
    from watchdog.observers import Observer

    arrived: queue.Queue[str] = queue.Queue()
    created: set[str] = set()  # created and not (yet) seen opened: moved in from outside, if it stays so

    class Completed(FileSystemEventHandler):
        def on_any_event(self, event) -> None:
            if event.is_directory:
                return
            if isinstance(event, FileClosedEvent):
                created.discard(str(event.src_path))
                arrived.put(str(event.src_path))
            elif isinstance(event, FileMovedEvent):
                arrived.put(str(event.dest_path))
            elif isinstance(event, FileCreatedEvent):
                created.add(str(event.src_path))
                arrived.put("")  # wakes the loop: decided after the settle window
            elif isinstance(event, FileOpenedEvent):
                created.discard(str(event.src_path))

    observer = Observer()
    observer.schedule(Completed(), str(folder), recursive=True)
    observer.start()
    try:
        yield [str(folder)]
        while not stop.is_set():
            try:
                first = arrived.get(timeout=0.2)
            except queue.Empty:
                continue
            batch = {first}
            stop.wait(settle_seconds)
            while not arrived.empty():
                batch.add(arrived.get_nowait())
            batch |= set(created)  # never opened here: complete when it appeared
            created.clear()
            batch.discard("")
            wanted = sorted(p for p in batch if _wanted(Path(p)))
            if wanted:
                yield wanted
    finally:
        observer.stop()
        observer.join()


def _wanted(path: Path) -> bool:
    """Supported, visible files that still exist (a temporary file renamed away is not)."""
    return path.is_file() and not path.name.startswith(".") and suffix_of(path) in SUPPORTED_SUFFIXES
