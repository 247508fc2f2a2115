"""What the pre-parse markup guard costs per page, against what a two-tier guard would cost (issue 15,
point 4: "the pre-parse guards cost <= 0.2 ms per page on average").

The guard today is one careful scan of every page (transforms/limits/markup_scan.py). A two-tier guard
would answer most pages with a cheap test that is sound in one direction (it says "safe" only where
the full scan finds no breach) and run the full scan where the cheap test alarms. A sound cheap tier
needs three parts, each timed here on every page of the shared sets, CPU time per page, the least of
several alternating rounds:

- a bound on the parser's time: count('<') bounds the elements, hence Lexbor's nesting (its parse
  is quadratic in depth; --hostile prints parse times of the known hostile shapes at N tags);
- the real depth after parsing, for pages that skip the scan (too_deeply_nested must stay a reject):
  a child-combinator chain of max_depth + 1 compounds, its last one ':first-child' (an element at
  depth d exists iff its parent's first element child, at depth d too, does);
- an alarm for a tag whose attribute text (as the scan reads it) is longer than 2 x
  max_attributes_per_element characters, which any tag over either attribute limit has (each
  attribute takes one character and a separator, or follows a closing quote). Such a tag starts at a
  '<' followed by a letter or '/', and either the next 512 characters hold no '>', or its first '>'
  lies in a value quoted after '=' (the value then holds no quote of its kind up to that '>'). The
  alarm tries every '<' without consuming (so a false start inside a script cannot hide the real
  tag after it), then reads each alarmed tag's attributes exactly as the scan does.

The prototype tier below is a measurement, not the guard: the figures decide whether to build it.

    python benchmarks/guard_costs.py [--bench NAME] [--limit N] [--rounds N] [--hostile]
"""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable

import numpy as np
from selectolax.lexbor import LexborHTMLParser
from stage_costs import ALL_SETS, benchmark_pages

# A page with more '<' than this goes to the full scan: a bound on the elements Lexbor can nest
# (see --hostile for what the worst known shapes cost to parse at this size).
SAFE_TAG_COUNT = 20_000
# The attribute text of a tag, as markup_scan._ATTRIBUTES reads it, on str (re.ASCII: the same
# whitespace as the bytes pattern).
_TAG = re.compile(r"""/?[a-zA-Z][^\s/>]*+([^>=]*+(?:=\s*+(?:"[^"]*+"?|'[^']*+'?)?[^>=]*+)*+)""", re.ASCII)


def _long_tag_alarm(window: int) -> re.Pattern[str]:
    """Every '<' that may start a tag with more than `window` characters of attributes (module doc)."""
    quoted_gt = r"""[^>]*=\s*+(?:"[^">]*+|'[^'>]*+)>"""
    return re.compile(rf"<(?=[/a-zA-Z](?:[^>]{{{window}}}|{quoted_gt}))", re.ASCII)


def _depth_selector(max_depth: int) -> str:
    return "*" + " > *" * (max_depth - 1) + " > *:first-child"


class TwoTierPrototype:
    """The cheap tier of a two-tier guard: None when the page is proven within the limits, else the
    reason it needs the full scan."""

    def __init__(self, limits) -> None:
        from article_cleaner.transforms.limits.markup_scan import _tag_breach

        self.limits = limits
        self.window = 2 * limits.max_attributes_per_element
        self.alarm = _long_tag_alarm(self.window)
        self.tag_breach = _tag_breach

    def needs_full_scan(self, html: str) -> str | None:
        if html.count("<") > SAFE_TAG_COUNT:
            return "tag count"
        limits = self.limits
        budget = len(html)  # overlapping false starts (inside a script) re-read text: bounded, then full scan
        for alarm in self.alarm.finditer(html):
            tag = _TAG.match(html, alarm.end())
            if tag is None or len(tag.group(1)) <= self.window:
                continue
            attributes = tag.group(1)
            budget -= len(attributes)
            if budget < 0:
                return "re-read budget"
            encoded = attributes.encode("utf-8", "surrogatepass")
            if self.tag_breach(b"tag", encoded, limits.max_attributes_per_element, limits.max_tag_bytes):
                return "attribute alarm"
        return None


def _timed(function: Callable[[], object]) -> tuple[float, object]:
    started = time.process_time()
    result = function()
    return time.process_time() - started, result


def measure(pages: list[str], rounds: int) -> dict[str, np.ndarray]:
    """ms per page of each variant, the least over rounds (variants alternate, their order turning)."""
    from article_cleaner.transforms.config.loading import load_config
    from article_cleaner.transforms.limits.guards import limit_violation
    from article_cleaner.transforms.records import InputDocument

    limits = load_config().limits
    tier = TwoTierPrototype(limits)
    depth_selector = _depth_selector(limits.max_html_nesting_depth)
    variants: dict[str, Callable[[str], object]] = {
        "full scan (the guard today)": lambda html: limit_violation(InputDocument(source="", html=html), limits),
        "part: count('<')": lambda html: html.count("<"),
        "part: attribute alarm, regex pass only": tier.alarm.findall,
        "cheap tier (count, alarm, alarmed tags read)": tier.needs_full_scan,
    }
    best = {name: np.full(len(pages), np.inf) for name in variants}
    best["part: real depth after parsing (selector)"] = np.full(len(pages), np.inf)
    fallbacks: dict[str, int] = {}
    for round_index in range(rounds):
        names = list(variants)
        names = names[round_index % len(names) :] + names[: round_index % len(names)]
        for index, html in enumerate(pages):
            for name in names:
                spent, result = _timed(lambda html=html, name=name: variants[name](html))
                best[name][index] = min(best[name][index], spent)
                if round_index == 0 and name.startswith("cheap tier") and result is not None:
                    fallbacks[result] = fallbacks.get(result, 0) + 1
            tree = LexborHTMLParser(html)
            spent, deep = _timed(lambda tree=tree: tree.css_first(depth_selector))
            best["part: real depth after parsing (selector)"][index] = min(
                best["part: real depth after parsing (selector)"][index], spent
            )
    costs = {name: values * 1e3 for name, values in best.items()}
    falls_back = np.array([tier.needs_full_scan(html) is not None for html in pages])
    costs["two-tier total (tier + depth + full scan where alarmed)"] = (
        costs["cheap tier (count, alarm, alarmed tags read)"]
        + costs["part: real depth after parsing (selector)"]
        + np.where(falls_back, costs["full scan (the guard today)"], 0.0)
    )
    print(f"pages sent to the full scan by the cheap tier: {int(falls_back.sum())} of {len(pages)} {fallbacks}")
    counts = np.array([html.count("<") for html in pages])
    print(
        f"count('<') per page: p50 {np.percentile(counts, 50):.0f}, p99 {np.percentile(counts, 99):.0f},"
        f" max {counts.max()}; {np.mean(counts <= SAFE_TAG_COUNT):.1%} at most {SAFE_TAG_COUNT}"
    )
    missed = check_soundness(dict(enumerate(pages)), limits, tier)
    print(f"benchmark pages the cheap tier passes but the full scan rejects: {len(missed)} (must be 0)")
    missed = check_soundness({**attribute_bombs(), **hostile_files()}, limits, tier)
    print(f"attribute bombs and hostile test files the cheap tier would pass: {missed or 'none'} (must be none)")
    depth = limits.max_html_nesting_depth
    for levels in (depth - 2, depth - 1):  # html and body are two levels more
        found = LexborHTMLParser("<div>" * levels).css_first(depth_selector) is not None
        print(f"the depth selector finds {levels} nested <div> (with html and body, {levels + 2} levels): {found}")
    return costs


def attribute_bombs(count: int = 300) -> dict[str, str]:
    """Pages over the attribute limit in each way the alarm must see through."""
    names = [f"a{number}" for number in range(count)]
    return {
        "plain": "<p " + " ".join(names) + ">x</p>",
        "values without quotes": "<p " + " ".join(f"{name}=1" for name in names) + ">x</p>",
        "quoted '>' in every value": "<p " + " ".join(f'{name}=">"' for name in names) + ">x</p>",
        "quoted '>' first, then names": "<p title='a > b' " + " ".join(names) + ">x</p>",
        "glued after a closing quote": "<p " + "".join(f'{name}="1"' for name in names) + ">x</p>",
        "on an end tag": "<p>x</p " + " ".join(names) + ">",
        "after a script that opens a quote": '<script>if (a<b) s = "</script><p ' + " ".join(names) + '>"</p>',
        "inside svg <style>": "<svg><style><g " + " ".join(names) + "></g></style></svg>",
    }


def check_soundness(pages: dict, limits, tier: TwoTierPrototype) -> list:
    """Names of pages the full scan rejects but the cheap tier would pass (must be none)."""
    from article_cleaner.transforms.limits.guards import limit_violation
    from article_cleaner.transforms.records import InputDocument

    rejected = (name for name, html in pages.items() if limit_violation(InputDocument(source=name, html=html), limits))
    return [name for name in rejected if not tier.needs_full_scan(pages[name])]


def hostile_files() -> dict[str, str]:
    import gzip
    from pathlib import Path

    folder = Path(__file__).resolve().parent.parent / "tests" / "data" / "hostile"
    paths = sorted(folder.glob("*.html.gz"))
    return {path.name: gzip.decompress(path.read_bytes()).decode("utf-8", "replace") for path in paths}


def hostile_parse_seconds(sizes: tuple[int, ...] = (5_000, 10_000, 20_000)) -> None:
    """Lexbor's parse time of the hostile shapes the tests hold, repeated up to N '<' (the tag bound)."""
    shapes = {
        "<div>": ("", "<div>"),
        "<svg><title> then <div>": ("<svg><title>", "<div>"),
        "<span><div></span>": ("", "<span><div></span>"),
        "<b><div>": ("", "<b><div>"),
        "<svg><foreignObject>": ("", "<svg><foreignObject>"),
    }
    print(f"  {'shape':<26}" + "".join(f"{size:>10}" for size in sizes) + "   (s to parse a page of N '<')")
    for name, (prefix, unit) in shapes.items():
        row = []
        for size in sizes:
            page = prefix + unit * ((size - prefix.count("<")) // unit.count("<"))
            row.append(_timed(lambda page=page: LexborHTMLParser(page))[0])
        print(f"  {name:<26}" + "".join(f"{seconds:10.3f}" for seconds in row))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", action="append", help="a set under ../shared/benchmarks (repeatable; default: all)")
    parser.add_argument("--limit", type=int, help="at most this many pages of each set")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; the least time of each page is kept")
    parser.add_argument("--hostile", action="store_true", help="also time Lexbor on the hostile shapes")
    args = parser.parse_args(argv)
    pages = [html for _, html, _ in benchmark_pages(tuple(args.bench or ALL_SETS), args.limit)]
    costs = measure(pages, args.rounds)
    print(f"guard cost per page, CPU ms, least of {args.rounds} rounds, {len(pages)} pages:")
    print(f"  {'variant':<58} {'mean':>7} {'p99':>7} {'max':>7}")
    for name, values in costs.items():
        print(f"  {name:<58} {values.mean():7.3f} {np.percentile(values, 99):7.3f} {values.max():7.2f}")
    if args.hostile:
        hostile_parse_seconds()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
