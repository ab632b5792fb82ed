"""Server settings: which store, the write token, request limits."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

MAX_BODY_BYTES = 5 * 1024 * 1024
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class Settings:
    db_path: str
    token: str | None = field(default_factory=lambda: os.environ.get("STORYLINE_TOKEN") or None)
    max_body_bytes: int = MAX_BODY_BYTES
