"""Server settings: which store, the write token, the host names it answers to, request limits."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field

MAX_BODY_BYTES = 5 * 1024 * 1024
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


@dataclass(frozen=True)
class Settings:
    db_path: str
    token: str | None = field(default_factory=lambda: os.environ.get("STORYLINE_TOKEN") or None)
    max_body_bytes: int = MAX_BODY_BYTES
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES


def is_loopback(host: str) -> bool:
    """True for names and addresses that only this machine can reach."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"
