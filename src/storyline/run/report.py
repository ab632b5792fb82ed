"""What an ingest did: counts, failures, the stories it touched and the CPU time of each stage."""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ..models import Failure


@dataclass
class IngestReport:
    new: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    failures: list[Failure] = field(default_factory=list)
    stories_touched: set[str] = field(default_factory=set)
    stage_seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # CPU, all processes

    @property
    def failed(self) -> int:
        """Inputs that failed: a summary row counts every failure it stands for."""
        return sum(f.count for f in self.failures)

    def add_seconds(self, seconds: dict[str, float]) -> None:
        for stage, value in seconds.items():
            self.stage_seconds[stage] += value


class Timer:
    """CPU seconds of this process spent on a stage."""

    def __init__(self, report: IngestReport, stage: str):
        self.report, self.stage = report, stage

    def __enter__(self):
        self.start = time.process_time()

    def __exit__(self, *exc):
        self.report.stage_seconds[self.stage] += time.process_time() - self.start
