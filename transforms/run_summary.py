"""The run's accounting, read from Beam counters: inputs, written, rejected per reason, removed per kind."""

from __future__ import annotations

from dataclasses import dataclass

from apache_beam.metrics.metric import MetricsFilter

COUNTER_NAMESPACE = "article_cleaner"


@dataclass(frozen=True, slots=True)
class RunSummary:
    inputs: int
    written: int
    rejected: dict[str, int]
    removed: dict[str, int]

    def is_balanced(self) -> bool:
        """Every input is accounted for: written or rejected."""
        return self.inputs == self.written + sum(self.rejected.values())

    def as_table(self) -> str:
        lines = [
            f"{'inputs':<32}{self.inputs:>10}",
            f"{'articles written':<32}{self.written:>10}",
            f"{'rejected':<32}{sum(self.rejected.values()):>10}",
        ]
        lines += [f"  {reason:<30}{count:>10}" for reason, count in sorted(self.rejected.items())]
        lines.append(f"{'removed blocks':<32}{sum(self.removed.values()):>10}")
        lines += [f"  {kind:<30}{count:>10}" for kind, count in sorted(self.removed.items())]
        if not self.is_balanced():
            lines.append("ACCOUNTING MISMATCH: inputs != written + rejected")
        return "\n".join(lines)


def summary_from_counters(counters: dict[str, int]) -> RunSummary:
    """Build the summary from {counter name: value} of the article_cleaner namespace."""

    def with_prefix(prefix: str) -> dict[str, int]:
        return {name[len(prefix) :]: value for name, value in counters.items() if name.startswith(prefix)}

    return RunSummary(
        inputs=counters.get("inputs", 0),
        written=counters.get("articles_written", 0),
        rejected=with_prefix("rejected."),
        removed=with_prefix("removed."),
    )


def summarize_metrics(result) -> RunSummary:
    """Counters of a finished Beam run (committed values, summed over steps)."""
    query = result.metrics().query(MetricsFilter().with_namespace(COUNTER_NAMESPACE))
    counters: dict[str, int] = {}
    for counter in query["counters"]:
        value = counter.committed if counter.committed is not None else counter.attempted
        counters[counter.key.metric.name] = counters.get(counter.key.metric.name, 0) + (value or 0)
    return summary_from_counters(counters)
