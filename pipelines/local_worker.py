"""The worker process of a local multi-process run (`--direct_running_mode multi_processing`): Beam's
SDK harness, started without the lines it prints before it has read any option of the run. Each
worker used to print three on the launcher's terminal: the BigQuery client's apitools warning, 'Logging
handler created.' and 'No semi_persistent_directory found' (a local worker has no staged main
session: the pipeline's code comes from the installed package). Its own messages, and every warning
or error after start-up, are left as they are.

    python -m article_cleaner.pipelines.local_worker   (started by the local runner, never by hand)
"""

from __future__ import annotations

import logging
import sys

from article_cleaner.pipelines.quiet_imports import MAIN_SESSION_WARNING, silence_apitools_warning

silence_apitools_warning()  # before Beam is imported, which logs it

from apache_beam.runners.worker import sdk_worker_main  # noqa: E402 - after the filter above

HANDLER_CREATED = "Logging handler created."


class _WithoutStartupLines(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return message != HANDLER_CREATED and not message.startswith(MAIN_SESSION_WARNING)


def main() -> None:
    logging.getLogger(sdk_worker_main.__name__).addFilter(_WithoutStartupLines())
    sdk_worker_main.main(sys.argv)


if __name__ == "__main__":
    main()
