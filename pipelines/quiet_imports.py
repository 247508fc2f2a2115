"""Silences Beam's start-up warnings that no user of this command can act on: importing its BigQuery
client without apitools (a Google Cloud extra this pipeline never uses), logged by the launcher, and
the same warning and the missing-main-session warning of each local worker process, which the local
job service relays to the launcher's log. Imported before apache_beam; every other message stays."""

from __future__ import annotations

import logging

APITOOLS_WARNING = "apitools not found"
# A worker of a local run has no staged main session: the pipeline's code comes from the package.
MAIN_SESSION_WARNING = "No semi_persistent_directory found"
_WORKER_LOG_RELAY = "apache_beam.runners.portability.local_job_service"


class _WithoutApitoolsWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(APITOOLS_WARNING)


class _WithoutRelayedStartupWarnings(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return APITOOLS_WARNING not in message and MAIN_SESSION_WARNING not in message


def silence_apitools_warning() -> None:
    """Beam logs it on the root logger, where a filter drops it before any handler sees it; the
    relayed worker lines are dropped on the relaying logger (a logger's filter sees only its own)."""
    for logger, quieting in (
        (logging.getLogger(), _WithoutApitoolsWarning),
        (logging.getLogger(_WORKER_LOG_RELAY), _WithoutRelayedStartupWarnings),
    ):
        if not any(isinstance(existing, quieting) for existing in logger.filters):
            logger.addFilter(quieting())
