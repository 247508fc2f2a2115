"""The Beam counters a run explains itself with: one namespace; their names are in transforms/outcomes.py."""

from __future__ import annotations

from apache_beam.metrics import Metrics

COUNTER_NAMESPACE = "article_cleaner"


def counter(name: str):
    """A counter of this project's namespace, e.g. counter("rejected.undecodable")."""
    return Metrics.counter(COUNTER_NAMESPACE, name)
