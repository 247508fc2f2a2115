"""The run's accounting, read from Beam counters: every input written, rejected, filtered or a duplicate."""

from __future__ import annotations

from dataclasses import dataclass, field

from apache_beam.metrics.metric import MetricsFilter

from article_cleaner.transforms.outcomes import (
    ARTICLES,
    DUPLICATES_FOUND,
    FILTERED_AS,
    INPUTS,
    LANGUAGE,
    PAGE_TYPE,
    REJECTED,
    REMOVED,
    WARC_RECORDS_SKIPPED,
    WRITTEN,
)
from article_cleaner.transforms.report.counters import COUNTER_NAMESPACE


@dataclass(frozen=True, slots=True)
class RunSummary:
    inputs: int
    written: int
    rejected: dict[str, int]
    removed: dict[str, int]
    filtered: dict[str, int] = field(default_factory=dict)
    duplicates: int = 0
    warc_records_skipped: dict[str, int] = field(default_factory=dict)  # not inputs (README, WARC)
    languages: dict[str, int] = field(default_factory=dict)  # articles written per language
    page_types: dict[str, int] = field(default_factory=dict)  # cleaned pages per type, written or filtered

    def is_balanced(self) -> bool:
        """Every input is accounted for: inputs == written + rejected + filtered + duplicates."""
        accounted = self.written + sum(self.rejected.values()) + sum(self.filtered.values()) + self.duplicates
        return self.inputs == accounted

    def as_table(self) -> str:
        lines = [
            f"{'inputs':<32}{self.inputs:>10}",
            f"{'articles written':<32}{self.written:>10}",
            f"{'rejected':<32}{sum(self.rejected.values()):>10}",
        ]
        lines += [f"  {reason:<30}{count:>10}" for reason, count in sorted(self.rejected.items())]
        lines.append(f"{'filtered':<32}{sum(self.filtered.values()):>10}")
        lines += [f"  {reason:<30}{count:>10}" for reason, count in sorted(self.filtered.items())]
        lines.append(f"{'duplicates':<32}{self.duplicates:>10}")
        if self.page_types:
            lines.append(f"{'pages per type':<32}{sum(self.page_types.values()):>10}")
            lines += [f"  {name:<30}{count:>10}" for name, count in sorted(self.page_types.items())]
        lines.append(f"{'removed blocks':<32}{sum(self.removed.values()):>10}")
        lines += [f"  {kind:<30}{count:>10}" for kind, count in sorted(self.removed.items())]
        if self.warc_records_skipped:
            lines.append(f"{'WARC records skipped':<32}{sum(self.warc_records_skipped.values()):>10}")
            lines += [f"  {kind:<30}{count:>10}" for kind, count in sorted(self.warc_records_skipped.items())]
        if not self.is_balanced():
            lines.append("ACCOUNTING MISMATCH: inputs != written + rejected + filtered + duplicates")
        return "\n".join(lines)

    def as_report(self, config_fingerprint: str) -> dict:
        """The content of DIR/_report.json (README, Run report)."""
        return {
            "inputs": self.inputs,
            "written": self.written,
            "rejected": dict(sorted(self.rejected.items())),
            "rejected_total": sum(self.rejected.values()),
            "filtered": dict(sorted(self.filtered.items())),
            "filtered_total": sum(self.filtered.values()),
            "duplicates": self.duplicates,
            "balanced": self.is_balanced(),
            "removed": dict(sorted(self.removed.items())),
            "warc_records_skipped": dict(sorted(self.warc_records_skipped.items())),
            "languages": dict(sorted(self.languages.items())),
            "page_types": dict(sorted(self.page_types.items())),
            "config_fingerprint": config_fingerprint,
        }


def summary_from_counters(counters: dict[str, int]) -> RunSummary:
    """Build the summary from {counter name: value} of the article_cleaner namespace."""

    def with_prefix(prefix: str) -> dict[str, int]:
        return {name[len(prefix) :]: value for name, value in counters.items() if name.startswith(prefix)}

    return RunSummary(
        inputs=counters.get(INPUTS, 0),
        written=counters.get(WRITTEN + ARTICLES, 0),
        rejected=with_prefix(REJECTED),
        removed=with_prefix(REMOVED),
        filtered=with_prefix(FILTERED_AS),
        duplicates=counters.get(DUPLICATES_FOUND, 0),
        warc_records_skipped=with_prefix(WARC_RECORDS_SKIPPED),
        languages=with_prefix(LANGUAGE),
        page_types=with_prefix(PAGE_TYPE),
    )


def summarize_metrics(result) -> RunSummary:
    """Counters of a finished Beam run (committed values, summed over steps)."""
    query = result.metrics().query(MetricsFilter().with_namespace(COUNTER_NAMESPACE))
    counters: dict[str, int] = {}
    for counter in query["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        counters[counter.key.metric.name] = counters.get(counter.key.metric.name, 0) + (value or 0)
    return summary_from_counters(counters)
