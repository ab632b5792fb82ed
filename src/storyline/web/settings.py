"""Server settings: which store, the write token, the host names it answers to, and the pipeline's
settings (request and page sizes among them, in their `web` section)."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

from .. import config

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class Settings:
    db_path: str
    token: str | None = field(default_factory=lambda: os.environ.get("STORYLINE_TOKEN") or None)
    max_body_bytes: int | None = None  # None: the pipeline settings' web.max_body_bytes
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES
    pipeline: config.Settings = field(default_factory=config.load)

    @property
    def body_limit(self) -> int:
        return self.pipeline.web.max_body_bytes if self.max_body_bytes is None else self.max_body_bytes


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"
