"""The readable run report: report.md from the counters (_report.json), the busiest sites and the
site boilerplate mined from them."""

from __future__ import annotations

import json

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from transforms.counters import counter

TOP_SITES_FILE = "_top_sites.json"
TOP_MINED_FILE = "_top_site_boilerplate.json"
TOP_SITES = 50
TOP_MINED = 500
MINED_LINES_PER_SITE = 5


def _write_json(path: str, value) -> None:
    with FileSystems.create(path) as handle:
        handle.write((json.dumps(value, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))


class _WriteJsonFile(beam.DoFn):
    """Writes the one element it receives (a small, already reduced list) to a JSON file."""

    def __init__(self, path: str):
        self._path = path

    def process(self, value):
        _write_json(self._path, value)
        yield self._path


def _count_language(article):
    counter(f"language.{article.language or 'unknown'}").inc()
    return article.site


class SummarizeCorpus(beam.PTransform):
    """Written articles and mined paragraphs -> language counters and two small JSON files under
    the output directory: the busiest sites and the most widespread mined paragraphs."""

    def __init__(self, output_dir: str):
        super().__init__()
        self._output_dir = output_dir

    def expand(self, inputs):
        articles, mined = inputs
        top_sites = (
            articles
            | "CountLanguages" >> beam.Map(_count_language)
            | "CountSites" >> beam.combiners.Count.PerElement()
            | "BusiestSites" >> beam.combiners.Top.Of(TOP_SITES, key=lambda site_count: (site_count[1], site_count[0]))
            | "SitesAsDicts" >> beam.Map(lambda top: [{"site": site, "articles": count} for site, count in top])
            | "WriteTopSites" >> beam.ParDo(_WriteJsonFile(FileSystems.join(self._output_dir, TOP_SITES_FILE)))
        )
        top_mined = (
            mined
            | "MinedAsDicts" >> beam.Map(lambda paragraph: paragraph.to_json_dict())
            | "WidespreadMined" >> beam.combiners.Top.Of(TOP_MINED, key=lambda m: (m["pages"], m["site"], m["key"]))
            | "WriteTopMined" >> beam.ParDo(_WriteJsonFile(FileSystems.join(self._output_dir, TOP_MINED_FILE)))
        )
        return top_sites, top_mined


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
