"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from analysis import config


@pytest.fixture(scope="session")
def seed_articles():
    """The articles of the sample page in ``data/raw`` (5 articles, Wuxi Evening News)."""
    import analysis

    return analysis.load_articles(config.RAW_DIR)
