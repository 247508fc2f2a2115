"""A hard per-document time limit: a watcher thread stops the Python work of a document past its budget.

Beam runs a DoFn in threads other than the main one, where no signal can interrupt it, so the watcher
raises an exception in the worker's thread instead (PyThreadState_SetAsyncExc). Python delivers it
at the next bytecode: a long call into C (the HTML parser, a regex match) finishes first, which is
why those are bounded by the guards before they start.
"""

from __future__ import annotations

import ctypes
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class DocumentOverBudget(BaseException):
    """Raised in a worker's thread when its document's budget has passed. A BaseException, so that
    library code catching Exception does not swallow it and carry on with the document."""


@dataclass(frozen=True, slots=True, eq=False)
class _Watch:
    """One document's deadline; compared by identity, so a stop meant for it reaches no other document."""

    thread_id: int
    expires_at: float


def _send_stop(thread_id: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(DocumentOverBudget))


def _cancel_stop(thread_id: int) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None)  # NULL clears a pending one


# A stop can be lost: delivered while the thread runs a gc callback or a __del__, it is reported as
# unraisable and dropped. Until the document ends, it is sent again this often.
RESEND_SECONDS = 0.1


class Watchdog:
    """Watches the documents being cleaned by any number of threads of one process.

    Use `with watchdog.watching(budget_seconds): ...` around one document's work; the block raises
    DocumentOverBudget once the budget has passed. Built in a DoFn's setup() (it owns a thread and a
    lock, which do not pickle) and stopped in teardown().
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._watches: dict[int, tuple[_Watch, float]] = {}  # thread id -> (watch, when to send a stop)
        self._stopped = False
        self._watcher: threading.Thread | None = None

    @contextmanager
    def watching(self, budget_seconds: float) -> Iterator[None]:
        watch = _Watch(threading.get_ident(), time.monotonic() + budget_seconds)
        with self._changed:
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch_deadlines, name="document-watchdog", daemon=True)
                self._watcher.start()
            self._watches[watch.thread_id] = (watch, watch.expires_at)
            self._changed.notify()
        try:
            yield
        finally:
            self._release(watch)

    def _release(self, watch: _Watch) -> None:
        # The watcher sends stops only under the lock and only for a watch still listed: once the watch
        # is gone and a stop already sent is cancelled, none can reach later work. A stop sent again
        # while the document winds down may land in here: then release again (the exception that
        # ended the document, if any, still propagates after this finally).
        while True:
            try:
                with self._lock:
                    listed = self._watches.get(watch.thread_id)
                    if listed is not None and listed[0] is watch:
                        del self._watches[watch.thread_id]
                    _cancel_stop(watch.thread_id)
                return
            except DocumentOverBudget:
                continue

    def stop(self) -> None:
        with self._changed:
            self._stopped = True
            self._changed.notify()

    def _watch_deadlines(self) -> None:
        with self._changed:
            while not self._stopped:
                now = time.monotonic()
                for thread_id, (watch, stop_at) in list(self._watches.items()):
                    if stop_at <= now:
                        _send_stop(thread_id)
                        self._watches[thread_id] = (watch, now + RESEND_SECONDS)
                next_stop = min((stop_at for _, stop_at in self._watches.values()), default=None)
                self._changed.wait(None if next_stop is None else next_stop - now)
