"""Silences the one warning Beam logs on every start: importing its BigQuery client without apitools
(a Google Cloud extra this pipeline never uses). Imported before apache_beam; every other message stays."""

from __future__ import annotations

import logging

APITOOLS_WARNING = "apitools not found"


class _WithoutApitoolsWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(APITOOLS_WARNING)


def silence_apitools_warning() -> None:
    """Beam logs it on the root logger, where a filter drops it before any handler sees it."""
    root = logging.getLogger()
    if not any(isinstance(existing, _WithoutApitoolsWarning) for existing in root.filters):
        root.addFilter(_WithoutApitoolsWarning())
