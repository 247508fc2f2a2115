"""The benchmark sets under ../shared/benchmarks: which of them hold articles, and their pages and truth.

A set is a folder with html/<id>.html.gz and ground-truth.json ({id: {"articleBody", ...}}). It is an
article set unless its ground truth labels a page with another page_type (wcxb-dev-other holds forums,
products and listings, whose main content is not an article).
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED = REPO_ROOT.parent / "shared"
BENCHMARKS = SHARED / "benchmarks"
EVAL = SHARED / "eval"
ARTICLE_PAGE_TYPE = "article"


@dataclass(frozen=True, slots=True)
class BenchmarkSet:
    name: str
    folder: Path

    @property
    def ground_truth(self) -> Path:
        return self.folder / "ground-truth.json"


def article_sets(root: Path = BENCHMARKS) -> list[BenchmarkSet]:
    """Every benchmark folder under root whose pages are all articles, by name."""
    sets = []
    for folder in sorted(path for path in root.iterdir() if (path / "ground-truth.json").exists()):
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        page_types = {entry.get("page_type", ARTICLE_PAGE_TYPE) for entry in truth.values() if isinstance(entry, dict)}
        if page_types <= {ARTICLE_PAGE_TYPE}:
            sets.append(BenchmarkSet(folder.name, folder))
    return sets


def chosen_sets(bench: str | None, root: Path = BENCHMARKS) -> list[BenchmarkSet]:
    """The set --bench names (a folder, or a folder name under root), else every article set."""
    if bench is None:
        return article_sets(root)
    folder = Path(bench) if Path(bench).is_dir() else root / bench
    if not (folder / "ground-truth.json").exists():
        raise SystemExit(f"no benchmark at {folder} (html/ and ground-truth.json)")
    return [BenchmarkSet(folder.name, folder)]


def load_pages(benchmark: BenchmarkSet, limit: int | None = None) -> dict[str, str]:
    """{page id: decoded HTML}; the pages are UTF-8, undecodable bytes are replaced."""
    paths = sorted((benchmark.folder / "html").glob("*.html.gz"))[:limit]
    return {
        path.name.removesuffix(".html.gz"): gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
        for path in paths
    }


def load_eval_module(name: str, eval_dir: Path = EVAL) -> ModuleType:
    """A module of shared/eval (score, naive_text) loaded from its file, once per process."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, eval_dir / f"{name}.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no {name}.py in {eval_dir}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_scorer(eval_dir: Path = EVAL) -> ModuleType:
    """The benchmark's metric, shared/eval/score.py, as a module."""
    return load_eval_module("score", eval_dir)


def load_truth(benchmark: BenchmarkSet, pages: dict[str, str], scorer) -> dict[str, str]:
    """{page id: annotated article text} of the loaded pages."""
    truth = scorer.load_texts(benchmark.ground_truth)
    return {page_id: text for page_id, text in truth.items() if page_id in pages}
