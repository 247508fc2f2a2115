"""Where a run's output lands: a dated partition, written aside and published whole.

A run writes into a hidden staging folder beside its target and, once its accounting balances,
adds a _SUCCESS manifest and moves the folder into place. Readers that wait for _SUCCESS never see
a partial partition; a killed run leaves only its staging folder, which the next run of that
partition removes.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import uuid
from importlib import metadata

from apache_beam.io.filesystems import FileSystems

DATE_PLACEHOLDER = "{date}"
SUCCESS_FILE = "_SUCCESS"
STAGING_PREFIX = "._staging-"
REPLACED = ".replaced"  # the old copy of a partition, renamed aside while the new one moves in


class PartitionError(ValueError):
    """The target cannot be written as asked (it exists without --overwrite, is a file, or a bad --date)."""


def today_utc() -> str:
    return datetime.datetime.now(datetime.UTC).date().isoformat()


def resolve_output(template: str, date: str | None) -> str:
    """The output folder: the template with {date} replaced (YYYY-MM-DD, default today in UTC)."""
    date = date or today_utc()
    try:
        datetime.date.fromisoformat(date)
    except ValueError:
        raise PartitionError(f"--date must be YYYY-MM-DD, got {date!r}") from None
    return template.replace(DATE_PLACEHOLDER, date).rstrip("/")


def split_target(path: str) -> tuple[str, str]:
    """(the folder a target lies in, its name): staging folders and the partition lock lie beside it."""
    parent, separator, name = path.rstrip("/").rpartition("/")
    return parent or separator or ".", name  # "/out" lies in "/", "out" in "."


def staging_folder(target: str, run_id: str) -> str:
    parent, name = split_target(target)
    return FileSystems.join(parent, f"{STAGING_PREFIX}{name}-{run_id}")


RUN_ID = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")  # what new_run_id() makes


def new_run_id() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:8]


def is_local(path: str) -> bool:
    """A path on a local disk, not an object store's URL (gs://, s3://)."""
    return "://" not in path


def has_content(folder: str) -> bool:
    if is_local(folder):
        return os.path.isdir(folder) and any(os.scandir(folder))
    return bool(_files(folder))


def check_target(target: str, overwrite: bool) -> None:
    if is_local(target) and os.path.exists(target) and not os.path.isdir(target):
        # Never replaced, even with --overwrite: a file there is not an earlier run's output.
        raise PartitionError(f"--output {target} is a file, not a folder; name a folder for the outputs")
    if has_content(target) and not overwrite:
        raise PartitionError(f"{target} exists already; pass --overwrite to replace it")


def remove_stale_staging(target: str) -> list[str]:
    """Staging folders of earlier runs of this target that never published (killed or failed)."""
    stale = [entry.path for entry in _staging_entries(target)]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)
    return stale


def _staging_entries(target: str) -> list[os.DirEntry]:
    """This target's staging folders on a local disk, and the old copies a publish renamed aside
    (`<staging>.replaced`); not those of a target whose name starts like it ("out-de" for "out")."""
    parent, name = split_target(target)
    if not is_local(parent) or not os.path.isdir(parent):
        return []
    prefix = f"{STAGING_PREFIX}{name}-"
    return [
        entry
        for entry in os.scandir(parent)
        if entry.name.startswith(prefix) and RUN_ID.fullmatch(entry.name.removeprefix(prefix).removesuffix(REPLACED))
    ]


def finish_interrupted_publish(target: str) -> str | None:
    """A local publish killed between its two renames leaves no target: the old copy renamed aside
    (`<staging>.replaced`) and the new one still in its staging folder, _SUCCESS written. The new copy
    is moved into place (that run had finished and balanced) and the old one removed; without it,
    the old copy comes back. Returns the folder put in place, or None when nothing was interrupted."""
    if not is_local(target) or os.path.exists(target):
        return None
    for entry in _staging_entries(target):
        if not entry.name.endswith(REPLACED):
            continue
        new = entry.path.removesuffix(REPLACED)
        chosen = new if os.path.exists(os.path.join(new, SUCCESS_FILE)) else entry.path
        os.replace(chosen, target)
        shutil.rmtree(entry.path, ignore_errors=True)
        return chosen
    return None


def package_version() -> str:
    try:
        return metadata.version("article-cleaner")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def success_manifest(
    *,
    target: str,
    date: str | None,
    run_id: str,
    started: str,
    report: dict,
    inputs: list[str],
    config_fingerprint: str,
    options: dict,
) -> dict:
    """The _SUCCESS manifest (README, Scheduled ingestion)."""
    return {
        "partition": target,
        "date": date,
        "run_id": run_id,
        "started": started,
        "finished": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "package_version": package_version(),
        "config_fingerprint": config_fingerprint,
        "counts": {key: report[key] for key in ("inputs", "written", "rejected_total", "filtered_total", "duplicates")},
        "balanced": report["balanced"],
        "inputs": sorted(inputs),
        "options": options,
    }


def write_manifest(folder: str, manifest: dict) -> str:
    path = FileSystems.join(folder, SUCCESS_FILE)
    with FileSystems.create(path) as handle:
        handle.write((json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))
    return path


def publish(staging: str, target: str) -> None:
    """Move the finished staging folder into place, replacing what was there.

    Local disks: one directory rename (the old copy is renamed aside first and deleted after).
    Object stores have no directory rename: the old _SUCCESS goes first, the files are moved, and
    _SUCCESS is written last, so a reader that waits for it never reads a mix.
    """
    if is_local(target):
        old = f"{staging}{REPLACED}"
        if os.path.exists(target):
            os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
        return
    success = FileSystems.join(target, SUCCESS_FILE)
    if FileSystems.exists(success):
        FileSystems.delete([success])
    old_files = _files(target)
    if old_files:
        FileSystems.delete(old_files)
    moved = [path for path in _files(staging) if not path.endswith("/" + SUCCESS_FILE)]
    FileSystems.rename(moved, [FileSystems.join(target, path.rsplit("/", 1)[1]) for path in moved])
    FileSystems.rename([FileSystems.join(staging, SUCCESS_FILE)], [success])


def _files(folder: str) -> list[str]:
    return [found.path for found in FileSystems.match([FileSystems.join(folder, "*")])[0].metadata_list]


def discard(staging: str) -> None:
    if is_local(staging):
        shutil.rmtree(staging, ignore_errors=True)
    elif files := _files(staging):
        FileSystems.delete(files)
