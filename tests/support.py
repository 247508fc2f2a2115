"""What the tests share besides fixtures: where the repo and ../shared are, two guards, and an
article record built from a body.

tests/ is not a package: pytest puts this folder on sys.path, so a test imports this as `support`.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from article_cleaner.transforms.records import Article

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_ROOT.parent / "shared"


def require_shared(*parts: str) -> Path:
    """A path under ../shared; skips the test where it is absent (a user's clone), fails in CI."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        message = f"{path} is not here: the golden files and benchmark live in ../shared beside the repo"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message + " (required when CI=true)")
        pytest.skip(message)
    return path


def load_module_file(path: Path, name: str) -> ModuleType:
    """The module in one file that is not installed (a benchmark helper, a script of ../shared/eval)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_benchmark_module(name: str) -> ModuleType:
    """benchmarks/<name>.py: the benchmarks are scripts beside the package, not part of it."""
    return load_module_file(REPO_ROOT / "benchmarks" / f"{name}.py", name)


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


def article_of(body: str, **fields) -> Article:
    """An English article record of this body (one block a paragraph, nothing removed), with fields
    given overriding the defaults: what the corpus steps' tests feed them."""
    blocks = body.count("\n\n") + 1
    article = Article(
        id="a",
        source="s",
        url=None,
        title=None,
        body=body,
        captions=(),
        references=(),
        language="en",
        language_score=1.0,
        removed=(),
        chars_in=len(body),
        chars_out=len(body),
        blocks_in=blocks,
        blocks_kept=blocks,
    )
    return replace(article, **fields) if fields else article
