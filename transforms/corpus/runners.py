"""Which Beam runners keep their workers on the launcher's machine (and shuffled data in its memory)."""

from __future__ import annotations

LOCAL_RUNNERS = frozenset({"FnApiRunner", "DirectRunner", "BundleBasedDirectRunner", "SwitchingDirectRunner"})
