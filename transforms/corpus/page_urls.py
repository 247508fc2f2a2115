"""Which URLs name one page: a recrawl's, a tracking link's, an AMP or print variant's URL reduced
to the page's own, so that copies of a page can be found by URL (rules: corpus.same_page_urls)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from article_cleaner.transforms.config.corpus_settings import SamePageUrlRules
from article_cleaner.transforms.corpus.sites import HOST_NAME

# Both serve the same page on the same host; any other port may be another server.
_DEFAULT_PORTS = (80, 443)


def page_url(url: str | None, rules: SamePageUrlRules) -> str | None:
    """The URL reduced to what names its page ('https://www.x.com/a/amp?utm_source=b' -> 'x.com/a'),
    for comparison only; None without a URL or a host."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip() if "//" in url else f"//{url.strip()}")
        host, port = parts.hostname, parts.port
    except ValueError:  # an invalid port or IPv6 literal: no page to compare
        return None
    if not host or not HOST_NAME.fullmatch(host):
        return None
    labels = host.split(".")
    # A registered domain keeps at least two labels: www.com is a site, not a variant of com.
    while len(labels) > 2 and labels[0] in rules.host_prefixes:
        labels = labels[1:]
    authority = ".".join(labels) if port is None or port in _DEFAULT_PORTS else f"{'.'.join(labels)}:{port}"
    segments = [unquote(segment) for segment in parts.path.split("/") if segment]
    # Never the whole path: /amp alone is a page of its own, not a variant of the home page.
    if len(segments) > 1 and segments[-1].lower() in rules.variant_path_segments:
        segments.pop()
    if len(segments) > 1 and segments[0].lower() in rules.variant_path_segments:
        segments.pop(0)
    query = sorted(
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_ignored_parameter(name.lower(), rules)
    )
    reduced = f"{authority}/{'/'.join(segments)}"
    if query:
        reduced += f"?{urlencode(query)}"
    # A #! fragment routes a script-rendered site to one of its pages; any other only scrolls.
    if parts.fragment.startswith("!"):
        reduced += f"#{parts.fragment}"
    return reduced


def _is_ignored_parameter(name: str, rules: SamePageUrlRules) -> bool:
    return name in rules.query_parameters or name.startswith(rules.query_parameter_prefixes)
