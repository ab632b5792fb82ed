"""Which outlet a report comes from: the registered domain of its address when the metadata names none.

One site answers on many hosts (a desk's subdomain, an edition's, a mobile one); the registered domain
under the public suffix list (`tld`) is what they share, so they count as one outlet. Two registered
domains stay two outlets even when their first label agrees (a name under .com and under .co.uk): the
same word can be two unrelated owners, and a wrong join would credit one outlet with another's reports.
An archive's address carries the original one inside its path: the original is the outlet, never the
archive, since an archive publishes nothing of its own.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlparse

from tld import get_fld

EMBEDDED_URL = re.compile(r"/(https?:/{1,2}.+)$", re.IGNORECASE)
HOST_LIKE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$", re.IGNORECASE)


def original_url(url: str) -> str:
    """The address an archive's address wraps ("…/web/2020/https://example.org/x" → the inner one), else url.

    Unwrapped until no address is left inside (an archive of an archive); "https:/x" as some archives
    write it is read as "https://x".
    """
    for _ in range(3):
        try:
            path = urlparse(url).path
        except ValueError:
            return url
        match = EMBEDDED_URL.search(path)
        if not match:
            return url
        inner = match.group(1)
        url = re.sub(r"^(https?:)/(?!/)", r"\1//", inner, flags=re.IGNORECASE)
    return url


def outlet_from_url(url: str | None) -> str | None:
    """The registered domain of an http(s) address (its archived original's when archived); None otherwise.

    A dotted host with no public suffix (an IP address, a private name) is its own outlet: still one
    site; a bare name ("localhost") names no outlet anyone would know.
    """
    if not url or not url.lower().startswith(("http://", "https://")):
        return None
    url = original_url(url)
    try:
        host = (urlparse(url).hostname or "").lower()
    except ValueError:
        return None
    if "." not in host:
        return None
    return get_fld(url, fail_silently=True) or (host[4:] if host.startswith("www.") else host)


@lru_cache(maxsize=16384)
def outlet_name(outlet: str | None, url: str | None) -> str | None:
    """A report's outlet: the metadata's name, as a registered domain when it is a host name
    ("edition.example.com" → "example.com"); else the address's registered domain; None when neither.
    Cached: every page and export asks it of each report several times."""
    if outlet and HOST_LIKE.match(outlet.strip()):
        return get_fld(outlet.strip().lower(), fix_protocol=True, fail_silently=True) or outlet.strip().lower()
    return outlet or outlet_from_url(url)
