"""The server's worker processes: one writer (ingest and corrections, the store's only writer) and
the claim checkers (`web.check_workers`), so that neither a long ingest nor a burst of claim checks
holds the interpreter that answers the pages.

A claim checker keeps the store's check index (see `Storyline.check`) from one check to the next
and reads only the articles added since; each is made ready when it starts, so the first check a
reader sends does not wait for the whole store to be read. A worker that dies (out of memory, a
kill) is replaced at the next request, which is answered 503.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any

from fastapi import HTTPException
from starlette.concurrency import run_in_threadpool

from .. import config
from ..analysis.check import ClaimCheck
from ..api import Storyline, store_errors
from ..processes import die_with_parent
from .settings import Settings

log = logging.getLogger(__name__)
_POOLS: dict[str, ProcessPoolExecutor] = {}  # by role, one set of processes per server process


async def in_writer(settings: Settings, function: Callable[..., Any], *args: Any) -> Any:
    """Run in the one writer process (created on first use, models loaded once there)."""
    return await _run("writer", settings, 1, None, function, *args)


async def check_claim(settings: Settings, claim: str) -> ClaimCheck:
    """The claim checked by a checker process; in this one when web.check_workers is 0 (or less). ValueError
    for a claim over checking.claim_chars."""
    workers = settings.pipeline.web.check_workers
    if workers < 1:  # in a thread of this process: the event loop goes on serving pages meanwhile
        return await run_in_threadpool(checked, settings.db_path, settings.pipeline, claim)
    return await _run("checker", settings, workers, ready_for_checks, checked, settings.db_path, settings.pipeline,
                      claim)


def start_checkers(settings: Settings) -> None:
    """Start the checker processes now and let them read the store, while the server answers pages."""
    workers = settings.pipeline.web.check_workers
    if workers > 0:
        pool = _pool("checker", settings, workers, ready_for_checks)
        for _ in range(workers):
            pool.submit(os.getpid)  # a task makes the pool start a process; each reads the store as it starts


def stop_workers() -> None:
    for role in list(_POOLS):
        _POOLS.pop(role).shutdown(wait=False, cancel_futures=True)


def checked(db_path: str, pipeline: config.Settings, claim: str) -> ClaimCheck:
    """One claim checked against the store (in a checker process, or a thread of the server's)."""
    with Storyline(db_path, pipeline, read_only=True) as news:
        return news.check(claim)[0]


def ready_for_checks(parent_pid: int, poll_seconds: float, db_path: str, pipeline: config.Settings) -> None:
    """A checker's start: die with the server, and read the store for the claim check. A store that
    cannot be read yet (none there, a server gone) is read by the first check instead."""
    die_with_parent(parent_pid, poll_seconds)
    try:
        with Storyline(db_path, pipeline, read_only=True) as news:
            news.check([])
    except store_errors() as exc:
        log.warning("claim checker: the store is read at the first check instead: %s", exc)


async def _run(role: str, settings: Settings, workers: int, ready: Callable[..., None] | None,
               function: Callable[..., Any], *args: Any) -> Any:
    try:
        return await asyncio.wrap_future(_pool(role, settings, workers, ready).submit(function, *args))
    except BrokenProcessPool:
        _POOLS.pop(role, None)
        raise HTTPException(503, f"the {role} process stopped; send the request again") from None


def _pool(role: str, settings: Settings, workers: int, ready: Callable[..., None] | None) -> ProcessPoolExecutor:
    pool = _POOLS.get(role)
    if pool is None:
        parent = (os.getpid(), settings.pipeline.ingest.poll_seconds)
        start = partial(ready, *parent, settings.db_path, settings.pipeline) if ready else partial(die_with_parent, *parent)
        pool = _POOLS[role] = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                                  initializer=start)
    return pool
