"""Shared fixtures: the compiled default config and the language detector built from it."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def config():
    from article_cleaner.transforms.config.loading import load_config

    return load_config()


@pytest.fixture(scope="session")
def detector(config):
    from article_cleaner.transforms.label.language import LanguageDetector

    return LanguageDetector(config.language)
