"""Run logs: plain text for people, or one JSON object a line (--log-format json) for log shippers.

Commands report through the `storyline` logger: each failure with its source and reason, each
ingest's summary with its counts and stage seconds.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

LOGGER = logging.getLogger("storyline")
FIELDS = ("source", "reason", "new", "duplicates", "syndicated_copies", "failed", "stories_touched",
          "stage_seconds", "store", "path", "round")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
                 "level": record.levelname.lower(), "event": record.getMessage()}
        entry.update({key: getattr(record, key) for key in FIELDS if hasattr(record, key)})
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure(log_format: str) -> None:
    """Send the storyline logger's records to stderr, as JSON lines or as text."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter("%(message)s"))
    LOGGER.handlers[:] = [handler]
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False
    # psycopg warns of the pipeline it could not close when its server is gone; the command says so
    # itself, in one line ("ingest stopped: the connection is closed; ...")
    logging.getLogger("psycopg").setLevel(logging.ERROR)


def ingest_report(report, store: str) -> None:
    """One line per failure, then the summary."""
    for failure in report.failures:
        LOGGER.warning("failed", extra={"source": failure.source, "reason": failure.reason})
    LOGGER.info("ingested", extra={
        "store": store, "new": report.new, "duplicates": report.duplicates,
        "syndicated_copies": report.near_duplicates, "failed": report.failed,
        "stories_touched": len(report.stories_touched),
        "stage_seconds": {stage: round(seconds, 3) for stage, seconds in sorted(report.stage_seconds.items())}})
