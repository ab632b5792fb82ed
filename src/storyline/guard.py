"""The one boundary between a single input and the batch it belongs to.

Whatever goes wrong inside the work on one file, record, article or story (a library's
RecursionError on deep JSON, an OverflowError on an absurd date, a bug of ours) becomes a
Failure naming that input and the reason; the batch goes on and the store stays whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

from .config import current
from .models import Failure
from .text import safe_text

T = TypeVar("T")


def guarded(where: str, stage: str, work: Callable[[], T]) -> T | Failure:
    """work(), or a Failure for `where` when it raises."""
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - the point of the boundary
        reason = f"{stage} failed: {type(exc).__name__}: {exc or 'no detail'}"
        return Failure(where, reason[:current().reading.max_reason_chars])


def optional(value: str | None) -> str | None:
    return safe_text(value) if value else None


def path_text(path: object) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates) shown as \\xNN."""
    return os.fsencode(str(path)).decode("utf-8", "backslashreplace")
