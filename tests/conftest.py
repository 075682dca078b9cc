"""Shared fixtures: the built-in library and a Builder, loaded once per test session."""

from __future__ import annotations

import pytest

from handouts.build import Builder
from handouts.content.library import Library
from handouts.content.loader import load_library
from handouts.render.fonts import RegisteredFamily


@pytest.fixture(scope="session", autouse=True)
def fallback_font() -> RegisteredFamily:
    """The Greek/Cyrillic fallback face (Noto Sans), prepared once before any test runs.

    On a machine without the font cache (``~/.cache/handouts/fonts``) instancing it
    takes about 40 s; paying that here, in one named fixture, keeps it out of
    whichever test happens to print a Greek name first (``pytest --durations``
    shows it as this fixture's setup). With the cache it takes milliseconds.
    """
    from handouts.content.models import Brand
    from handouts.render.fonts import load_fonts

    return load_fonts(Brand.model_fields["font"].default, []).fallback


@pytest.fixture(scope="session")
def library() -> Library:
    """The built-in content library (treat as read-only)."""
    return load_library()


@pytest.fixture(scope="session")
def builder(library: Library) -> Builder:
    """A Builder over the built-in library; it caches brands, fonts and themes like a batch."""
    return Builder(library)
