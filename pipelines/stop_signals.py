"""A run stopped from outside (a scheduler's SIGTERM at its timeout, Ctrl-C, a closed terminal) ends
like a failed run: nothing published, the staging and temporary folders removed, one line saying why,
and the shell's exit status for that signal. Python's default for SIGTERM ends the process where it
stands, so none of the launcher's clean-up would run.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from apache_beam.runners.runner import PipelineState

# SIGHUP (a closed terminal) exists on POSIX systems only.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))


class RunStopped(BaseException):  # noqa: N818 - a stop, not an error of the run
    """Raised in the launcher's main thread when a stop signal arrives during a run. A BaseException,
    as KeyboardInterrupt is: the in-process runner runs DoFns in the main thread, and a DoFn that
    turns a document's Exception into a reject must not turn the stop into one."""

    def __init__(self, signal_number: int):
        self.signal_number = signal_number
        super().__init__(f"stopped by {signal.Signals(signal_number).name}")

    @property
    def exit_status(self) -> int:
        """What a shell reports for a process ended by this signal: 128 + its number."""
        return 128 + self.signal_number


@contextmanager
def stops_raised() -> Iterator[None]:
    """While the block runs, a stop signal raises RunStopped in the main thread, and the block ends
    with RunStopped whatever Beam made of it on the way (it re-raises what a DoFn raised as another
    type, and logs it: logging is off from the stop to the end of the block, the stop's one line is
    the caller's). The handlers the process had come back afterwards. Outside the main thread (a
    library user's own thread) signals cannot be caught, and the block runs unchanged."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []

    def stop(signal_number, frame):
        if not received:
            received.append(signal_number)
            logging.disable(logging.CRITICAL)
        raise RunStopped(received[0])

    # An ignored signal stays ignored (`nohup` ignores SIGHUP); a handler set outside Python
    # (getsignal() says None) could not be put back: such signals are left alone.
    ours = [number for number in STOP_SIGNALS if signal.getsignal(number) not in (None, signal.SIG_IGN)]
    previous = {number: signal.signal(number, stop) for number in ours}
    try:
        yield
    except BaseException as error:
        if received and not isinstance(error, RunStopped):
            raise RunStopped(received[0]) from error
        raise
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
        if received:
            logging.disable(logging.NOTSET)


def cancel_unfinished(result) -> str:
    """Cancels the job of a runner that runs it elsewhere (Dataflow, Flink, Spark, a job service) when
    the launcher is stopped while waiting for it; what was done, for the stop's line. The local
    runners have no result until the run ends (their workers stop with the launcher): None."""
    if result is None:
        return ""
    try:
        if PipelineState.is_terminal(result.state):
            return ""
        result.cancel()
    except Exception as error:  # the runner refused or could not be reached: the job may run on
        return f"; cancelling the job failed ({type(error).__name__}: {error}), it may still be running"
    return "; the job was cancelled"
