"""The one boundary between a single input and the batch it belongs to.

Whatever goes wrong inside the work on one file, record, article or story (a library's
RecursionError on deep JSON, an OverflowError on an absurd date, a bug of ours) becomes a
Failure naming that input and the reason; the batch goes on and the store stays whole.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from ..config import current
from ..models import Failure
from ..text import FORMAT_CONTROLS, safe_text

T = TypeVar("T")
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
MORE_LIKE_IT = re.compile(r" \(and [\d,]+ more like it in this input\)$")


def guarded(where: str, stage: str, work: Callable[[], T]) -> T | Failure:
    """work(), or a Failure for `where` when it raises."""
    try:
        return work()
    except Exception as exc:
        reason = f"{stage} failed: {type(exc).__name__}: {exc or 'no detail'}"
        return Failure(where, reason[:current().reading.max_reason_chars])


def optional(value: str | None) -> str | None:
    return safe_text(value) if value else None


def path_text(path: object) -> str:
    """A file name as text: bytes that are not UTF-8 (kept by Python as surrogates) and control
    characters (an ESC would reach the terminal) shown as \\xNN."""
    return shown(os.fsencode(str(path)).decode("utf-8", "backslashreplace"))


def shown(text: str) -> str:
    """Text fit for a terminal line: every control character written out as \\xNN, and each bidirectional
    or invisible format control (which would reorder the line) as \\uNNNN."""
    return FORMAT_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}",
                               CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text))


def reason_kind(reason: str) -> str:
    """A failure reason's first clause with numbers as N: what failures of one kind share ('HTTP N',
    'not a news article', 'refused', 'malformed JSON (Expecting value at column N)')."""
    return re.sub(r"\d[\d,.]*", "N", MORE_LIKE_IT.sub("", reason).split(":", 1)[0])[:80]


class FailureLog:
    """The failures of one input (a file, a POST, a call of the Python API), bounded: the first
    reading.failures_per_kind of each kind one by one, then one row per kind standing for the rest
    ("... (and 999,989 more like it in this input)").

    A million bad lines in one file are then a dozen rows and a dozen lines on the terminal, not a
    million of each, and the count is kept (Failure.count) for the summary and /metrics.
    """

    def __init__(self) -> None:
        self.kept: list[Failure] = []
        self.seen: Counter = Counter()
        self.beyond: dict[str, Failure] = {}

    def append(self, failure: Failure) -> None:
        kind = reason_kind(failure.reason)
        self.seen[kind] += failure.count
        if failure.count == 1 and self.seen[kind] <= current().reading.failures_per_kind:
            self.kept.append(failure)
            return
        first = self.beyond.get(kind)
        self.beyond[kind] = Failure(first.source, first.reason, first.count + failure.count) if first else \
            Failure(failure.source, MORE_LIKE_IT.sub("", failure.reason), failure.count)

    def extend(self, failures: Iterable[Failure]) -> None:
        for failure in failures:
            self.append(failure)

    def __iter__(self) -> Iterator[Failure]:
        yield from self.kept
        for first in self.beyond.values():
            more = f" (and {first.count - 1:,} more like it in this input)" if first.count > 1 else ""
            yield Failure(first.source, first.reason + more, first.count)

    def __len__(self) -> int:
        return len(self.kept) + len(self.beyond)
