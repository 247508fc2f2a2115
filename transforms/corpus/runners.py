"""Which Beam runners keep their workers on the launcher's machine (and shuffled data in its memory),
and how their processes are kept from holding on to memory they freed."""

from __future__ import annotations

import ctypes
import ctypes.util
import os

LOCAL_RUNNERS = frozenset({"FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner"})

# glibc's malloc gives threads arenas of their own (up to eight a core): a local runner's launcher
# and workers move every shuffled element through gRPC threads, and each thread's arena keeps what
# it freed. Two arenas keep a process nearer to what it holds. (Fixing the threshold for returning
# large blocks as well, MALLOC_MMAP_THRESHOLD_, saves more memory but makes numpy's temporaries
# fault their pages in again on every body: three times the near-duplicate step's CPU time.)
_MALLOC_ENVIRONMENT = {"MALLOC_ARENA_MAX": "2"}
_M_ARENA_MAX = -8  # mallopt parameter (malloc.h)


def limit_allocator_growth() -> None:
    """Applies _MALLOC_ENVIRONMENT to this process (mallopt, before its threads allocate) and to the
    worker processes it starts (their environment). Values the user set are kept; a C library other
    than glibc reads none of them and is left alone."""
    for name, value in _MALLOC_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    library = ctypes.util.find_library("c")
    if library is None:
        return
    mallopt = getattr(ctypes.CDLL(library), "mallopt", None)
    if mallopt is None:
        return
    if os.environ["MALLOC_ARENA_MAX"].isdigit():  # glibc ignores a value it cannot read; so does this
        mallopt(_M_ARENA_MAX, int(os.environ["MALLOC_ARENA_MAX"]))
