"""Shared fixtures: the compiled default config and the language detector built from it; temporary
files of the whole session kept under pytest's own folder."""

from __future__ import annotations

import tempfile

import pytest


@pytest.fixture(scope="session", autouse=True)
def temporary_files_under_pytests_folder(tmp_path_factory):
    """Beam makes a temporary folder for every pipeline and removes it when the pipeline runs; the
    launcher makes one for its progress tally. A test that kills a run (SIGKILL) or builds a pipeline
    it expects to be refused leaves them behind: under pytest's folder they go with its clean-up
    instead of piling up in the machine's /tmp. TMPDIR reaches the runs the tests start as processes."""
    folder = str(tmp_path_factory.mktemp("tmp"))
    patch = pytest.MonkeyPatch()
    patch.setenv("TMPDIR", folder)
    patch.setattr(tempfile, "tempdir", folder)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def config():
    from article_cleaner.transforms.config.loading import load_config

    return load_config()


@pytest.fixture(scope="session")
def detector(config):
    from article_cleaner.transforms.label.language import LanguageDetector

    return LanguageDetector(config.language)
