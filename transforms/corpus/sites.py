"""Which site a document belongs to: the registered domain of its URL, else its input folder."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import tldextract

HOST_NAME = re.compile(r"[\w.-]+|[0-9a-f:]+")  # a DNS name (IDN allowed) or an IPv6 literal

# The public suffix list bundled with tldextract: no download at run time, the same answer on
# every worker. Private suffixes (github.io, blogspot.com) count, so each blog is its own site.
_SUFFIXES = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


def registered_domain(url: str | None) -> str | None:
    """'www.bbc.co.uk/news' -> 'bbc.co.uk'; a host without a public suffix (localhost, an IP) as is."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"//{url}").hostname
    except ValueError:
        return None
    if not host or not HOST_NAME.fullmatch(host):
        return None
    parts = _SUFFIXES.extract_str(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    return host


def site_of(url: str | None, folder: str | None) -> str:
    """The site key: registered domain of the URL, else 'folder:<input folder>', else 'unknown'."""
    domain = registered_domain(url)
    if domain:
        return domain
    return f"folder:{folder}" if folder else "unknown"
