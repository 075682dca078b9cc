"""Shared fixtures: the built-in library and a Builder, loaded once per test session."""

from __future__ import annotations

import pytest

from handouts.build import Builder
from handouts.content.loader import Library, load_library


@pytest.fixture(scope="session")
def library() -> Library:
    """The built-in content library (treat as read-only)."""
    return load_library()


@pytest.fixture(scope="session")
def builder(library: Library) -> Builder:
    """A Builder over the built-in library; it caches brands, fonts and themes like a batch."""
    return Builder(library)
