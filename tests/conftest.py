"""Shared fixtures: the compiled default config, and ../shared (skipped when absent, required in CI)."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"
sys.path.insert(0, str(REPO_ROOT))


def require_shared(*parts: str) -> Path:
    """A path under ../shared; skips the test where it is absent (a user's clone), fails in CI."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        message = f"{path} is not here: the golden files and benchmark live in ../shared beside the repo"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def config():
    from transforms.rules import load_config

    return load_config()


@pytest.fixture(scope="session")
def detector(config):
    from transforms.language import LanguageDetector

    return LanguageDetector(config.language)


@contextmanager
def fails_instead_of_hanging(seconds: float) -> Iterator[None]:
    """Fails the test when its block runs past seconds, where a regression would hang the run.

    A signal reaches the main thread even inside a regex match (the re module checks for signals),
    which the pipeline's watchdog cannot interrupt: pytest runs tests in the main thread.
    """

    def give_up(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, give_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
