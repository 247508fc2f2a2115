"""One run of a partition at a time, on local disks: a scheduler's retry that overlaps a run still
going (Airflow starts attempt 2 while attempt 1 has not died) is refused instead of deleting the
live run's staging folder as a stale one, or publishing over it.

The lock is an exclusive flock on a hidden file beside the target (`._lock-<name>`), held from before
the target is checked until the run has published or given up; the system releases it when the
process dies, however it dies, so a killed run never blocks the next one. The file holds who runs
(host, process id, start) for the refusal's message and is removed when the run ends. Object stores
have no locks: there, as before, one run per partition at a time is the scheduler's to keep.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from article_cleaner.pipelines.partitions import is_local, split_target

try:
    import fcntl
except ImportError:  # not a POSIX system: no flock
    fcntl = None

LOCK_PREFIX = "._lock-"


class PartitionUnavailable(Exception):  # noqa: N818 - a refusal, not a failure
    """The partition cannot be locked for this run: another live run holds it, or the folder beside it
    cannot be written."""


def lock_path(target: str) -> str:
    parent, name = split_target(target)
    return os.path.join(parent, f"{LOCK_PREFIX}{name}")


@contextmanager
def partition_locked(target: str, started: str) -> Iterator[None]:
    """Holds the target's lock while the block runs (started: when the run began, for a refused
    run's message); PartitionUnavailable if another live run holds it."""
    if not is_local(target) or fcntl is None:
        yield
        return
    path = lock_path(target)
    created = _missing_folders(os.path.dirname(path))
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = _acquired(path, target)
    except OSError as error:
        _remove_if_empty(created)
        problem = f"{error.strerror}: {error.filename}"
        raise PartitionUnavailable(f"cannot write beside --output {target} ({problem})") from None
    except PartitionUnavailable:
        _remove_if_empty(created)
        raise
    try:
        owner = {"host": socket.gethostname(), "pid": os.getpid(), "started": started}
        os.ftruncate(handle, 0)
        os.write(handle, (json.dumps(owner) + "\n").encode("utf-8"))
        yield
    finally:
        # Unlinked before it is unlocked: a run waiting on this file finds it replaced and starts over.
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        os.close(handle)
        _remove_if_empty(created)  # a run refused before writing anything leaves no folder


def _missing_folders(folder: str) -> list[str]:
    """The folders of this path that do not exist yet, deepest first."""
    missing = []
    folder = os.path.abspath(folder)
    while not os.path.isdir(folder):
        missing.append(folder)
        folder = os.path.dirname(folder)
    return missing


def _remove_if_empty(folders: list[str]) -> None:
    for folder in folders:
        try:
            os.rmdir(folder)
        except OSError:  # the run wrote into it, or another run did
            return


def _acquired(path: str, target: str) -> int:
    """An open descriptor of the lock file, locked. A file unlinked by the run that held it between
    our open and our lock is not the lock any more: open the new one and try again."""
    while True:
        handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = _owner(handle)
            os.close(handle)
            raise PartitionUnavailable(
                f"another run of {target} is in progress ({owner}); wait for it to end, or stop it"
            ) from None
        try:
            if os.fstat(handle).st_ino == os.stat(path).st_ino:
                return handle
        except FileNotFoundError:
            pass
        os.close(handle)


def _owner(handle: int) -> str:
    """'host h, process 123, started 2026-12-06T17:26:09+00:00', or what is known of it."""
    try:
        owner = json.loads(os.pread(handle, 4096, 0).decode("utf-8"))
        return f"host {owner['host']}, process {owner['pid']}, started {owner['started']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "its owner is not recorded yet"
