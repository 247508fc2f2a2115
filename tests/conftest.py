"""Shared fixtures: the compiled default config, and ../shared (skipped when absent, required in CI)."""

from __future__ import annotations

import os
import sys
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
