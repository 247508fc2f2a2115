"""Which Beam runners keep their workers on the launcher's machine (and shuffled data in its memory),
and how their processes are kept from holding on to memory they freed."""

from __future__ import annotations

import contextlib
import ctypes
import functools
import inspect
import os
import threading
from collections.abc import Callable, Iterator

LOCAL_RUNNERS = frozenset({"FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner"})

# glibc's malloc gives threads arenas of their own (up to eight a core): a local runner's launcher
# and workers move every shuffled element through gRPC threads, and each thread's arena keeps what
# it freed. Two arenas keep a process nearer to what it holds. (Fixing the threshold for returning
# large blocks as well, MALLOC_MMAP_THRESHOLD_, saves more memory but makes numpy's temporaries
# fault their pages in again on every body: three times the near-duplicate step's CPU time.)
_MALLOC_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}
_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)
# How often the launcher hands freed memory back while a run lasts: its gRPC threads free what the
# runner shuffled between stages, which no code of ours runs beside. A trim of a fragmented 90 MiB
# heap costs about 2 ms of CPU (14 ms the first time, when most is handed back): 0.2% of a core.
_LAUNCHER_RELEASE_SECONDS = 1.0


@functools.cache
def _glibc() -> ctypes.CDLL | None:
    """The C library this process runs on when it is glibc (it has malloc_trim and reads
    MALLOC_ARENA_MAX), else None. Looked up among the symbols already loaded: no ldconfig run."""
    try:
        c_library = ctypes.CDLL(None)
    except (OSError, TypeError):  # a platform without a process-wide symbol table (Windows)
        return None
    if getattr(c_library, "malloc_trim", None) is None or getattr(c_library, "mallopt", None) is None:
        return None
    return c_library


def release_freed_memory() -> None:
    """Hands the memory this process freed back to the system (glibc's malloc_trim): without it the
    allocator keeps the free pages inside its heaps for later allocations, and a worker that once
    decoded a large group keeps its size to the end of the run. Nothing happens on another C library."""
    c_library = _glibc()
    if c_library is not None:
        c_library.malloc_trim(0)


def releasing_freed_memory(method: Callable) -> Callable:
    """method, then release_freed_memory each time a call of it is over: for a generator, once its
    last value is taken, when its frame and the objects its locals held are gone. For the methods
    of a worker (a DoFn's, or their helpers) at whose end large objects die."""
    if inspect.isgeneratorfunction(method):

        @functools.wraps(method)
        def generate_then_release(*args, **kwargs):
            yield from method(*args, **kwargs)
            release_freed_memory()

        return generate_then_release

    @functools.wraps(method)
    def call_then_release(*args, **kwargs):
        result = method(*args, **kwargs)
        release_freed_memory()
        return result

    return call_then_release


@contextlib.contextmanager
def allocator_growth_limited() -> Iterator[None]:
    """For the duration of a run launched inside it: _MALLOC_ENVIRONMENT in the environment of the
    worker processes started (values the user set are kept, and os.environ is as it was afterwards),
    the same limit on this process (mallopt: glibc fixes its arena limit once, so this one stays),
    and this process's freed memory handed back every _LAUNCHER_RELEASE_SECONDS.

    A library user's pipeline (the PTransforms alone) gets none of this unless it asks for it.
    """
    added = {name: value for name, value in _MALLOC_ENVIRONMENT.items() if name not in os.environ}
    os.environ.update(added)
    c_library = _glibc()
    if c_library is not None and os.environ["MALLOC_ARENA_MAX"].isdigit():  # glibc ignores a value it cannot read
        c_library.mallopt(_M_ARENA_MAX, int(os.environ["MALLOC_ARENA_MAX"]))
    finished = threading.Event()

    def release_until_finished() -> None:
        while not finished.wait(_LAUNCHER_RELEASE_SECONDS):
            release_freed_memory()

    releaser = threading.Thread(target=release_until_finished, name="release-freed-memory", daemon=True)
    releaser.start()
    try:
        yield
    finally:
        finished.set()
        releaser.join()
        for name in added:
            os.environ.pop(name, None)
