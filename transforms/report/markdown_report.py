"""The readable run report: report.md from the counters (_report.json), the busiest sites and the
site boilerplate mined from them."""

from __future__ import annotations

import heapq
import json
from itertools import chain

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms.window import GlobalWindows

from article_cleaner.transforms.outcomes import LANGUAGE
from article_cleaner.transforms.report.counters import counter

TOP_SITES_FILE = "_top_sites.json"
TOP_MINED_FILE = "_top_site_boilerplate.json"
TOP_SITES = 50
TOP_MINED = 500
MINED_LINES_PER_SITE = 5


def _write_json(path: str, value) -> None:
    with FileSystems.create(path) as handle:
        handle.write((json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


def _count_language(article):
    counter(LANGUAGE + (article.language or "unknown")).inc()
    return article.site


def _site_rank(site_count: tuple[str, int]) -> tuple[int, str]:
    site, count = site_count
    return count, site


def _mined_rank(mined: dict) -> tuple[int, str, str]:
    return mined["pages"], mined["site"], mined["key"]


class _TopPerBundle(beam.DoFn):
    """The n greatest elements of a bundle by rank, as one list when the bundle ends."""

    def __init__(self, n: int, rank):
        self._n = n
        self._rank = rank

    def start_bundle(self):
        self._kept = []

    def process(self, element):
        self._kept.append(element)
        if len(self._kept) >= 2 * self._n:
            self._kept = heapq.nlargest(self._n, self._kept, key=self._rank)

    def finish_bundle(self):
        if self._kept:
            yield GlobalWindows.windowed_value_at_end_of_window(heapq.nlargest(self._n, self._kept, key=self._rank))


class _WriteSummaries(beam.DoFn):
    """Once, from every bundle's top lists: the busiest sites and the most widespread mined
    paragraphs, greatest first, each as a JSON file (an empty list when there are none)."""

    def __init__(self, output_dir: str):
        self._output_dir = output_dir

    def process(self, unused_trigger, site_tops, mined_tops):
        top_sites = heapq.nlargest(TOP_SITES, chain.from_iterable(site_tops), key=_site_rank)
        top_mined = heapq.nlargest(TOP_MINED, chain.from_iterable(mined_tops), key=_mined_rank)
        for name, value in (
            (TOP_SITES_FILE, [{"site": site, "articles": count} for site, count in top_sites]),
            (TOP_MINED_FILE, top_mined),
        ):
            path = FileSystems.join(self._output_dir, name)
            _write_json(path, value)
            yield path


class SummarizeCorpus(beam.PTransform):
    """Written articles and mined paragraphs -> language counters and two small JSON files under
    the output directory: the busiest sites and the most widespread mined paragraphs.

    Each bundle keeps its own top lists where it runs; one step merges them and writes both files,
    so the summary adds the site count and that step to a run, not a global combine per list."""

    def __init__(self, output_dir: str):
        super().__init__()
        self._output_dir = output_dir

    def expand(self, inputs):
        articles, mined = inputs
        site_tops = (
            articles
            | "CountLanguages" >> beam.Map(_count_language)
            | "CountSites" >> beam.combiners.Count.PerElement()
            | "BusiestSitesPerBundle" >> beam.ParDo(_TopPerBundle(TOP_SITES, _site_rank))
        )
        mined_tops = (
            mined
            | "MinedAsDicts" >> beam.Map(lambda paragraph: paragraph.to_json_dict())
            | "WidespreadMinedPerBundle" >> beam.ParDo(_TopPerBundle(TOP_MINED, _mined_rank))
        )
        return (
            articles.pipeline
            | "Once" >> beam.Create([None])
            | "WriteSummaries"
            >> beam.ParDo(
                _WriteSummaries(self._output_dir), beam.pvalue.AsList(site_tops), beam.pvalue.AsList(mined_tops)
            )
        )


def read_json_file(output_dir: str, name: str, default):
    path = FileSystems.join(output_dir, name)
    if not FileSystems.exists(path):
        return default
    with FileSystems.open(path) as handle:
        return json.loads(handle.read().decode("utf-8"))


def _table(header: tuple[str, str], rows: list[tuple[str, object]]) -> list[str]:
    if not rows:
        return ["(none)", ""]
    lines = [f"| {header[0]} | {header[1]} |", "|---|---:|"]
    lines += [f"| {name} | {value} |" for name, value in rows]
    return [*lines, ""]


def report_markdown(report: dict, top_sites: list[dict], mined: list[dict]) -> str:
    """report.md: accounting, removals per kind, languages, sites, mined boilerplate, rejects."""
    status = "balanced" if report["balanced"] else "NOT BALANCED: some inputs are unaccounted for"
    lines = [
        "# article-cleaner run report",
        "",
        f"Config fingerprint `{report['config_fingerprint']}`; accounting {status}.",
        "",
        "## Inputs",
        "",
        *_table(
            ("outcome", "count"),
            [
                ("inputs", report["inputs"]),
                ("articles written", report["written"]),
                ("rejected", report["rejected_total"]),
                ("filtered", report["filtered_total"]),
                ("duplicates", report["duplicates"]),
            ],
        ),
        "## Removed blocks per kind",
        "",
        *_table(("kind", "blocks"), sorted(report["removed"].items(), key=lambda item: (-item[1], item[0]))),
        "## Pages per type",
        "",
        "Every cleaned page, written as an article or filtered (reason page_type) by its type.",
        "",
        *_table(("type", "pages"), sorted(report.get("page_types", {}).items(), key=lambda i: (-i[1], i[0]))),
        "## Articles per language",
        "",
        *_table(("language", "articles"), sorted(report.get("languages", {}).items(), key=lambda i: (-i[1], i[0]))),
        f"## Sites (top {TOP_SITES} by articles written)",
        "",
        *_table(("site", "articles"), [(entry["site"], entry["articles"]) for entry in top_sites]),
        "## Mined site boilerplate",
        "",
    ]
    by_site: dict[str, list[dict]] = {}
    for paragraph in mined:
        by_site.setdefault(paragraph["site"], []).append(paragraph)
    if not by_site:
        lines += ["(none)", ""]
    for site in sorted(by_site, key=lambda name: (-len(by_site[name]), name)):
        paragraphs = sorted(by_site[site], key=lambda m: (-m["pages"], m["text"]))
        lines.append(f"### {site} ({len(paragraphs)} paragraphs)")
        lines.append("")
        for paragraph in paragraphs[:MINED_LINES_PER_SITE]:
            text = paragraph["text"] if len(paragraph["text"]) <= 200 else paragraph["text"][:199] + "…"
            lines.append(f"- {paragraph['pages']}/{paragraph['site_pages']} pages: {text}")
        lines.append("")
    lines += ["## Rejects per reason", "", *_table(("reason", "inputs"), sorted(report["rejected"].items()))]
    lines += ["## Filtered per reason", "", *_table(("reason", "inputs"), sorted(report["filtered"].items()))]
    return "\n".join(lines).rstrip() + "\n"


def write_markdown_report(output_dir: str, report: dict) -> str:
    top_sites = read_json_file(output_dir, TOP_SITES_FILE, [])
    mined = read_json_file(output_dir, TOP_MINED_FILE, [])
    path = FileSystems.join(output_dir, "report.md")
    with FileSystems.create(path) as handle:
        handle.write(report_markdown(report, top_sites, mined).encode("utf-8"))
    return path
