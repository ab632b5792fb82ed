"""Worker processes that die with their parent.

A kill -9 of an ingest gives its children no chance to be told; without this a parse worker
lived on for 30-60 s holding a model and a CPU. Each worker watches its parent's pid and
exits as soon as it changes (the orphan is re-parented). Linux's PR_SET_PDEATHSIG is not
used: it fires when the *thread* that started the child ends, and a web server starts its
ingest worker from a short-lived request thread.
"""

from __future__ import annotations

import multiprocessing.util
import os
import threading

from .config import current


def die_with_parent(parent_pid: int, poll_seconds: float | None = None) -> None:
    """Call in a child: it exits within poll_seconds (default: the ingest.poll_seconds setting of the
    run it serves) of its parent's death.

    parent_pid is the parent's os.getpid(), captured in the parent before the child starts;
    never the child's own os.getppid(). A spawned child on a busy machine can take seconds to
    reach this call, and if the parent died meanwhile the child has already been re-parented:
    getppid() would name init (or a subreaper) and the child would watch that forever. So the
    child exits at once if its parent is not parent_pid any more, which is also the case when
    that process is already gone (a dead parent's children are re-parented as it exits).
    """
    if os.getppid() != parent_pid:
        os._exit(1)

    # read here, not in the watching thread: a new thread starts with none of the run's settings
    every = current().ingest.poll_seconds if poll_seconds is None else poll_seconds

    def watch() -> None:
        while os.getppid() == parent_pid:
            stop.wait(every)
        os._exit(1)

    stop = threading.Event()
    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


class _ForkedChildrenDieWithParent:
    """Registered once with multiprocessing: every child it forks (spaCy's parse workers) runs die_with_parent."""

    def __init__(self) -> None:
        self.parent_pid = os.getpid()
        multiprocessing.util.register_after_fork(self, _ForkedChildrenDieWithParent._after_fork)

    def _after_fork(self) -> None:
        die_with_parent(self.parent_pid)
        self.parent_pid = os.getpid()


_REGISTERED: list[_ForkedChildrenDieWithParent] = []


def forked_children_die_with_parent() -> None:
    """Idempotent; call before multiprocessing forks workers."""
    if not _REGISTERED or _REGISTERED[0].parent_pid != os.getpid():
        _REGISTERED[:] = [_ForkedChildrenDieWithParent()]
